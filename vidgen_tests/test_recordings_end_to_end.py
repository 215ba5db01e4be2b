"""A real recording through `vidgen make`: transcribed, chunked, illustrated, and played back
with its own audio and burned-in captions that follow the words."""

import io
import subprocess
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from vidgen_assets import progress
from vidgen_assets.cli import main
from vidgen_assets.graph import stage_names
from vidgen_tests.helpers.cli import assert_refused, ffprobe, ffprobe_entries, q, snapshot
from vidgen_tests.helpers.paths import RECORDING
from vidgen_tests.helpers.speech import JFK_TEXT, word_error_rate


class _Watcher:
    """A progress listener, as the CLI's bars are one: the stages announced, and the stage each
    report of work was made in against the stage last announced."""

    def __init__(self):
        self.stages: list[str] = []
        self.mismatched: list[tuple[str, str]] = []

    def stage(self, name: str) -> None:
        self.stages.append(name)

    def advance(self, name: str, done: float, total: float) -> None:
        if not self.stages or self.stages[-1] != name:
            self.mismatched.append((self.stages[-1] if self.stages else "", name))


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    root = tmp_path_factory.mktemp("recording")
    data = root / "data"
    # A talk arrives as a video file as often as as audio: the audio track of an MP4.
    talk = root / "jfk-talk.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=gray:s=320x240:d=11.5",
            "-i",
            str(RECORDING),
            "-shortest",
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
            str(talk),
        ],
        check=True,
    )
    # The command line run in this process, so that a listener hears its stages as its bars do.
    watcher = _Watcher()
    progress.add_listener(watcher)
    try:
        with pytest.MonkeyPatch.context() as env, redirect_stdout(io.StringIO()) as out:
            env.setenv("VIDGEN_DATA_DIR", str(data))
            env.setenv("DAGSTER_HOME", str(data / "dagster_home"))
            code = main(["make", str(talk), "--quiet", "--burn-in", "highlight"])
    finally:
        progress.remove_listener(watcher)
    assert code == 0
    video = Path(out.getvalue().strip().splitlines()[-1])
    return {"data": data, "video": video, "source": talk, "watcher": watcher}


def test_the_transcript_matches_the_speech(made):
    text = " ".join(t for (t,) in q(made, "SELECT text FROM segments ORDER BY idx"))
    assert word_error_rate(JFK_TEXT, text) <= 0.10, text
    backend, language = q(made, "SELECT backend, language FROM transcripts")[0]
    assert backend == "faster-whisper" and language == "en"


def test_word_times_increase_and_stay_inside_the_audio(made):
    words = q(made, "SELECT start_s, end_s, probability FROM words ORDER BY idx")
    duration = q(made, "SELECT duration_s FROM narration_audio")[0][0]
    assert len(words) >= 20
    assert all(0 <= s <= e <= duration + 0.01 for s, e, _ in words)
    assert all(a[0] <= b[0] for a, b in zip(words, words[1:]))
    assert all(p is not None and 0 <= p <= 1 for _, _, p in words)


def test_the_video_plays_the_original_recording(made):
    narration, backend = q(made, "SELECT duration_s, backend FROM narration_audio")[0]
    assert backend == "recording" and abs(narration - 11.0) < 0.3
    streams = {s["codec_type"]: s for s in ffprobe(made["video"])["streams"]}
    assert abs(float(streams["audio"]["duration"]) - narration) <= 0.1
    assert abs(float(streams["video"]["duration"]) - narration) <= 0.1
    assert streams["subtitle"]["codec_name"] == "mov_text"


def test_every_chunk_is_illustrated_and_ends_at_a_sentence_end(made):
    chunks = q(made, "SELECT idx, text FROM chunks ORDER BY idx")
    frames = q(made, "SELECT chunk_idx FROM frames ORDER BY chunk_idx")
    assert [i for i, _ in chunks] == [i for (i,) in frames]
    assert chunks[-1][1].rstrip()[-1] in ".!?"


def test_burned_in_captions_add_frames_where_the_spoken_word_changes(made):
    chunks = q(made, "SELECT count(*) FROM chunks")[0][0]
    shown = ffprobe_entries(made["video"], "stream=nb_read_frames", "-count_frames", "-select_streams", "v:0")
    assert int(shown[0]) > chunks + 15, "one picture per word change, not one per chunk"
    captions = Path(q(made, "SELECT captions_path FROM videos")[0][0])
    assert captions.is_file() and captions.parent == Path(q(made, "SELECT path FROM videos")[0][0]).parent


def _bad_recordings(folder: Path) -> list[tuple[Path, str]]:
    def ffmpeg(*args):
        subprocess.run(["ffmpeg", "-v", "error", *args], check=True)

    silent = folder / "silence.wav"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "5", str(silent))
    picture_only = folder / "no-sound.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=blue:s=160x120:d=3", "-c:v", "libx264", str(picture_only))
    mp3 = folder / "full.mp3"
    ffmpeg("-i", str(RECORDING), str(mp3))
    truncated = folder / "truncated.mp3"
    truncated.write_bytes(mp3.read_bytes()[:2048])
    empty = folder / "empty.flac"
    empty.write_bytes(b"")
    return [(silent, "is silent"), (picture_only, "has no audio stream"), (truncated, "truncated"), (empty, "is empty")]


def test_bad_recordings_fail_with_one_line_naming_the_file_and_touch_nothing(made, tmp_path):
    before = snapshot(made["data"])
    for path, problem in _bad_recordings(tmp_path):
        assert_refused(made["data"], path, problem)
    long = tmp_path / "long-talk.flac"
    long.write_bytes(RECORDING.read_bytes())
    assert_refused(made["data"], long, "limit", VIDGEN_MAX_RECORDING_MINUTES="0.1")
    assert snapshot(made["data"]) == before


def test_a_recordings_run_shows_each_stage_by_its_own_name(made):
    """A recording has no script to synthesize, so its narration_audio reports no work: its
    stage must still be announced, not left showing narration_scripts while the audio is read."""
    assert made["watcher"].stages == stage_names()
    assert made["watcher"].mismatched == []
