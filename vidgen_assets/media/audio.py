"""Recordings: checked before any work, converted for the recognizer, and kept for the video.

A recording arrives in any container ffmpeg reads (wav, mp3, flac, m4a, ogg, opus, or the audio
track of an mp4, mkv or webm). The recognizer gets a 16 kHz mono PCM copy; the finished video
plays the original audio, extracted losslessly at its own rate and channel count.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import ffmpeg
import numpy as np

from vidgen_assets.errors import InputError
from vidgen_assets.media.ffmpeg import MediaInfo, probe, run
from vidgen_assets.storage.files import atomic_path

RECOGNITION_RATE = 16_000
SILENCE_DB = -60.0  # loudest sample quieter than this: nothing a recognizer could hear
_PROBE_WINDOW_S = 5.0  # decoded at the head and at the tail to catch truncated files quickly
_SPEECH_WINDOWS, _SPEECH_WINDOW_S = 6, 30.0  # listened to for speech: at most three minutes


def check_recording(path: Path, max_duration_s: float) -> MediaInfo:
    """Refuse a recording that cannot become a video, before any slow work starts.

    Raises InputError naming the file when it is missing or empty, unreadable, truncated or
    corrupted (probe plus a short decode at its start and its end, so an hours-long file is not
    decoded whole), has no audio stream, or is longer than `max_duration_s`. A file whose container does not state its duration (browser
    webm recordings) is decoded once to measure it.
    """
    path = Path(path)
    limit = max_duration_s
    if not path.is_file():
        raise InputError(path, "does not exist")
    if path.stat().st_size == 0:
        raise InputError(path, "is empty (0 bytes)")
    info = probe(path, problem="is not a readable audio or video file, or is truncated: ffprobe cannot read it")
    audio = info.of_type("audio")
    if not audio:
        kinds = ", ".join(sorted({s.codec_type for s in info.streams})) or "no streams"
        raise InputError(path, f"has no audio stream (it has {kinds})")
    duration = audio[0].duration_s or info.duration_s
    if duration is None:
        duration = _decoded_seconds(path)  # decoding it whole also proves it decodes
        _check_length(path, duration, limit)
        return replace(info, duration_s=duration)
    _check_length(path, duration, limit)
    _check_head_decodes(path, duration)
    if not _tail_decodes(path, duration):
        if audio[0].duration_s is None and info.of_type("video"):
            # Only the container's duration is known, and that is its longest stream's: the
            # audio may simply stop before the picture does.
            duration = _decoded_seconds(path)
            _check_length(path, duration, limit)
            return replace(info, duration_s=duration)
        raise InputError(
            path, f"is truncated or corrupted: its header says {duration:.1f} s but the end does not decode"
        )
    return info


def _check_length(path: Path, duration_s: float, limit_s: float) -> None:
    if duration_s <= 0:
        raise InputError(path, "contains no audio (duration 0 s)")
    if duration_s > limit_s:
        raise InputError(
            path,
            f"is {duration_s / 60:.1f} minutes long; the limit is {limit_s / 60:.1f} minutes "
            "(set VIDGEN_MAX_RECORDING_MINUTES)",
        )


def _check_head_decodes(path: Path, duration_s: float) -> None:
    window = min(_PROBE_WINDOW_S, duration_s)
    head = _decode_seconds(path, start_s=0.0, length_s=window)
    if head < 0.5 * window:
        raise InputError(path, f"is truncated or corrupted: only {head:.2f} s of its first {window:.1f} s decode")


def _tail_decodes(path: Path, duration_s: float) -> bool:
    """A cut-off file keeps its header, which still claims the full duration: the end shows it."""
    if duration_s <= 2 * _PROBE_WINDOW_S:
        return True  # the head check has already decoded most of it
    tail = _decode_seconds(path, start_s=duration_s - _PROBE_WINDOW_S, length_s=_PROBE_WINDOW_S)
    return tail >= 0.25 * _PROBE_WINDOW_S


_DECODE_RATE = 8000  # enough to count samples; cheap to pipe
_UNDECODABLE = "is corrupted: ffmpeg cannot decode it"
_UNCONVERTIBLE = "ffmpeg cannot convert its audio"


def _decode_seconds(path: Path, start_s: float, length_s: float) -> float:
    """Seconds of audio that actually decode from `start_s` (at most `length_s`)."""
    return len(_pcm(path, start_s, length_s, _DECODE_RATE)) / (2 * _DECODE_RATE)


def _pcm(path: Path, start_s: float, length_s: float, rate: int) -> bytes:
    """Mono 16-bit samples of the first audio track from `start_s`, at most `length_s` long."""
    stream = ffmpeg.input(str(path), ss=start_s) if start_s > 0 else ffmpeg.input(str(path))
    out, _ = run(stream.output("pipe:", map="0:a:0", t=length_s, format="s16le", ac=1, ar=rate), path, _UNDECODABLE)
    return out


def _decoded_seconds(path: Path) -> float:
    """Decode the whole audio track without keeping it, and read the time ffmpeg reached."""
    stream = ffmpeg.input(str(path)).output("-", map="0:a:0", format="null")
    _, err = run(stream, path, _UNDECODABLE, loglevel="info", stats=True)
    stamps = re.findall(r"time=(\d+):(\d+):(\d+(?:\.\d+)?)", err.decode(errors="replace"))
    if not stamps:
        return 0.0
    h, m, s = stamps[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)


def speech_sample(path: Path, duration_s: float) -> np.ndarray:
    """What a speech-presence test listens to, as 16 kHz mono float32: all of a recording up to
    three minutes long, else six 30 s windows spread evenly over it (music under a talk's first
    minute does not decide for the whole)."""
    path = Path(path)
    whole = _SPEECH_WINDOWS * _SPEECH_WINDOW_S
    if duration_s <= whole:
        spans = [(0.0, whole)]
    else:
        step = (duration_s - _SPEECH_WINDOW_S) / (_SPEECH_WINDOWS - 1)
        spans = [(i * step, _SPEECH_WINDOW_S) for i in range(_SPEECH_WINDOWS)]
    pieces = [np.frombuffer(_pcm(path, start, length, RECOGNITION_RATE), dtype=np.int16) for start, length in spans]
    return np.concatenate(pieces).astype(np.float32) / 32768.0


def normalize_for_recognition(src: Path, dst: Path) -> Path:
    """Write the first audio track of `src` as 16 kHz mono 16-bit PCM WAV at `dst`."""
    src, dst = Path(src), Path(dst)
    with atomic_path(dst) as tmp:
        stream = ffmpeg.input(str(src)).output(
            str(tmp), map="0:a:0", ac=1, ar=RECOGNITION_RATE, acodec="pcm_s16le", format="wav"
        )
        run(stream, src, _UNCONVERTIBLE)
    return dst


def extract_original_audio(src: Path, dst: Path) -> Path:
    """Write the first audio track of `src` as PCM WAV at its own sample rate and channels.

    16-bit PCM: the video's AAC encoder cannot carry more, and it keeps a 4-hour stereo 48 kHz
    recording under the 4 GB WAV limit (RF64 is written automatically beyond it).
    """
    src, dst = Path(src), Path(dst)
    with atomic_path(dst) as tmp:
        stream = ffmpeg.input(str(src)).output(str(tmp), map="0:a:0", acodec="pcm_s16le", format="wav", rf64="auto")
        run(stream, src, _UNCONVERTIBLE)
    return dst


def loudest_db(path: Path) -> float:
    """Peak level of the first audio track in dBFS (-inf for digital silence)."""
    path = Path(path)
    stream = ffmpeg.input(str(path)).output("-", map="0:a:0", af="volumedetect", format="null")
    _, err = run(stream, path, "ffmpeg cannot measure its volume", loglevel="info")
    match = re.search(r"max_volume:\s*(-?inf|-?\d+(?:\.\d+)?) dB", err.decode(errors="replace"))
    if match is None:
        raise InputError(path, "contains no audio samples to measure")
    return float(match.group(1))


def is_silent(path: Path, threshold_db: float = SILENCE_DB) -> bool:
    """True when no sample of the recording is louder than `threshold_db` dBFS."""
    return loudest_db(path) < threshold_db


def check_not_silent(wav: Path, source: Path | None = None, threshold_db: float = SILENCE_DB) -> None:
    """Raise InputError naming `source` (the file the user dropped) if the normalized `wav` is silent."""
    peak = loudest_db(wav)
    if peak < threshold_db:
        raise InputError(source or wav, f"is silent (loudest sample {peak:.1f} dBFS, below {threshold_db:.0f} dBFS)")
