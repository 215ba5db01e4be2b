"""Recordings: every common container converts, and every kind of bad file is refused by name."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import pytest

from vidgen_assets.errors import InputError
from vidgen_assets.media.audio import (
    check_not_silent,
    check_recording,
    extract_original_audio,
    is_silent,
    normalize_for_recognition,
)
from vidgen_assets.media.ffmpeg import probe
from vidgen_assets.resources import SettingsResource, build_resources
from vidgen_tests.helpers.paths import RECORDING as JFK

LIMIT_S = SettingsResource().max_recording_seconds  # the default limit
CLIP_S = 3.0


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    """3-second excerpts of the JFK recording in the containers people drop, plus bad files."""
    d = tmp_path_factory.mktemp("clips")
    out = {}
    for ext in ("mp3", "m4a", "ogg", "opus", "wav", "flac"):
        out[ext] = d / f"jfk.{ext}"
        _ffmpeg("-i", str(JFK), "-t", str(CLIP_S), str(out[ext]))
    for ext, vcodec in (("mp4", "libx264"), ("mkv", "libx264"), ("webm", "libvpx")):
        out[ext] = d / f"jfk-video.{ext}"
        _ffmpeg(
            "-f", "lavfi", "-i", f"color=c=navy:s=64x48:r=10:d={CLIP_S}", "-i", str(JFK),
            "-t", str(CLIP_S), "-c:v", vcodec, str(out[ext]),
        )  # fmt: skip
    out["video-only"] = d / "video-only.mp4"
    _ffmpeg("-f", "lavfi", "-i", f"color=c=navy:s=64x48:r=10:d={CLIP_S}", "-c:v", "libx264", str(out["video-only"]))
    out["empty"] = d / "empty.wav"
    out["empty"].write_bytes(b"")
    full_mp3 = d / "jfk-full.mp3"
    _ffmpeg("-i", str(JFK), str(full_mp3))
    out["truncated"] = d / "truncated.mp3"
    out["truncated"].write_bytes(full_mp3.read_bytes()[:2048])
    out["silence"] = d / "silence.m4a"
    _ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", str(CLIP_S), str(out["silence"]))
    out["text"] = d / "notes.mp3"
    out["text"].write_text("These are my notes, not a recording.\n" * 50)
    out["streamed-webm"] = d / "streamed.webm"  # what a browser's MediaRecorder gives: no duration in the header
    with open(out["streamed-webm"], "wb") as fh:
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-i", str(JFK), "-c:a", "libopus", "-f", "webm", "pipe:"],
            stdout=fh, check=True,
        )  # fmt: skip
    return out


@pytest.mark.parametrize("kind", ["mp3", "m4a", "ogg", "opus", "wav", "flac", "mp4", "mkv", "webm"])
def test_every_container_converts_to_16khz_mono_pcm(clips, kind, tmp_path):
    info = check_recording(clips[kind], LIMIT_S)
    assert info.duration_s == pytest.approx(CLIP_S, abs=0.1)
    wav = normalize_for_recognition(clips[kind], tmp_path / "speech.wav")
    with wave.open(str(wav)) as w:
        assert (w.getnchannels(), w.getframerate(), w.getsampwidth()) == (1, 16_000, 2)
        assert w.getnframes() / 16_000 == pytest.approx(CLIP_S, abs=0.1)
    assert not is_silent(wav)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["speech.wav"], "no temporary file left behind"


def test_original_audio_is_extracted_losslessly_at_source_rate(tmp_path):
    out = extract_original_audio(JFK, tmp_path / "original.wav")
    stream = probe(out).of_type("audio")[0]
    source = probe(JFK).of_type("audio")[0]
    assert stream.codec_name == "pcm_s16le"
    assert (stream.sample_rate, stream.channels) == (source.sample_rate, source.channels)
    assert stream.duration_s == pytest.approx(11.0, abs=0.05)


def test_original_audio_of_a_video_file_has_no_video(clips, tmp_path):
    out = extract_original_audio(clips["mkv"], tmp_path / "original.wav")
    info = probe(out)
    assert [s.codec_type for s in info.streams] == ["audio"]


def test_file_without_audio_stream_is_refused_by_name(clips):
    with pytest.raises(InputError, match=r"video-only\.mp4: has no audio stream"):
        check_recording(clips["video-only"], LIMIT_S)


def test_converting_a_file_without_audio_leaves_nothing_behind(clips, tmp_path):
    with pytest.raises(InputError, match=r"video-only\.mp4: ffmpeg cannot convert its audio"):
        normalize_for_recognition(clips["video-only"], tmp_path / "speech.wav")
    assert list(tmp_path.iterdir()) == []


def test_zero_length_file_is_refused_by_name(clips):
    with pytest.raises(InputError, match=r"empty\.wav: is empty \(0 bytes\)"):
        check_recording(clips["empty"], LIMIT_S)


def test_missing_file_is_refused_by_name(tmp_path):
    with pytest.raises(InputError, match=r"gone\.mp3: does not exist"):
        check_recording(tmp_path / "gone.mp3", LIMIT_S)


def test_truncated_file_is_refused_by_name(clips):
    # The first 2 KB keep the header, which still announces 11 seconds.
    with pytest.raises(InputError, match=r"truncated\.mp3: is truncated or corrupted"):
        check_recording(clips["truncated"], LIMIT_S)


def test_file_that_is_not_media_is_refused_by_name(clips):
    with pytest.raises(InputError, match=r"notes\.mp3: is not a readable audio or video file"):
        check_recording(clips["text"], LIMIT_S)


def test_silent_recording_is_refused_by_the_name_of_the_dropped_file(clips, tmp_path):
    check_recording(clips["silence"], LIMIT_S)  # a silent file is well-formed: only its content is wrong
    wav = normalize_for_recognition(clips["silence"], tmp_path / "speech.wav")
    assert is_silent(wav)
    with pytest.raises(InputError, match=r"silence\.m4a: is silent"):
        check_not_silent(wav, source=clips["silence"])


def test_speech_is_not_silent(clips, tmp_path):
    wav = normalize_for_recognition(clips["wav"], tmp_path / "speech.wav")
    check_not_silent(wav, source=clips["wav"])


def test_recording_over_the_limit_is_refused_with_the_setting_to_change():
    with pytest.raises(
        InputError,
        match=r"jfk\.flac: is 0\.2 minutes long; the limit is 0\.1 minutes \(set VIDGEN_MAX_RECORDING_MINUTES\)",
    ):
        check_recording(JFK, max_duration_s=5)


def test_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("VIDGEN_MAX_RECORDING_MINUTES", "0.1")
    settings = build_resources()["settings"]
    assert settings.max_recording_seconds == pytest.approx(6.0)
    with pytest.raises(InputError, match="limit is 0.1 minutes"):
        check_recording(JFK, settings.max_recording_seconds)
    monkeypatch.delenv("VIDGEN_MAX_RECORDING_MINUTES")
    assert build_resources()["settings"].max_recording_seconds == 4 * 3600


def test_recording_without_duration_in_its_header_is_measured(clips):
    assert probe(clips["streamed-webm"]).duration_s is None
    assert check_recording(clips["streamed-webm"], LIMIT_S).duration_s == pytest.approx(11.0, abs=0.1)


def test_video_whose_sound_stops_early_is_measured_not_called_truncated(tmp_path):
    path = tmp_path / "talk.mkv"
    _ffmpeg(
        "-f", "lavfi", "-i", "color=c=navy:s=64x48:r=10:d=20", "-i", str(JFK),
        "-c:v", "libx264", "-c:a", "flac", str(path),
    )  # fmt: skip
    assert probe(path).duration_s == pytest.approx(20.0, abs=0.1)
    assert check_recording(path, LIMIT_S).duration_s == pytest.approx(11.0, abs=0.1)


def test_truncated_flac_is_refused_by_name(tmp_path):
    whole = tmp_path / "whole.flac"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=30", str(whole))
    cut = tmp_path / "cut.flac"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(InputError, match=r"cut\.flac: is truncated or corrupted: its header says 30\.0 s"):
        check_recording(cut, LIMIT_S)
