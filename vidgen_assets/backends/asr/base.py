"""What every transcription backend gives and takes: the `Transcriber` interface and its `Transcript`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from vidgen_assets.backends import Backend
from vidgen_assets.errors import BackendUnavailable
from vidgen_assets.progress import ProgressCallback
from vidgen_assets.timeline import Segment


@dataclass
class Transcript:
    segments: list[Segment]
    language: str  # "" when nothing was heard
    backend: str
    model: str
    duration_s: float

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments).strip()


class Transcriber(Backend, Protocol):
    def load(self) -> object:
        """Load the model now (otherwise the first transcription does)."""
        ...

    def transcribe(self, wav16k: Path, progress: ProgressCallback | None = None) -> Transcript:
        """Segments with word times of a 16 kHz mono WAV (`media.audio.normalize_for_recognition`)."""
        ...


def import_backend(module: str, backend: str, package: str):
    """Import `module`, or say which package `backend` lacks."""
    try:
        return __import__(module)
    except ImportError as exc:
        raise BackendUnavailable(
            backend, f"the Python package {package} cannot be imported ({exc})", f"pip install {package}"
        ) from exc
