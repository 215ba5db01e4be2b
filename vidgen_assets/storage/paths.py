"""Where every file lives under the data directory, and what the files in a version directory
are called, so a reader of one asset's output never guesses another asset's layout.

Files an asset writes live in a version directory, artifacts/<doc_id>/<asset>/<version>/,
which that asset's rows name; readers follow the rows to it. Only the published copies under
videos/ are found by doc_id."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    """Every location under one data directory (the storage resource's `data_dir`)."""

    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def database(self) -> Path:
        return self.root / "vidgen.duckdb"

    @property
    def videos(self) -> Path:
        return self.root / "videos"

    @property
    def cache(self) -> Path:
        """Assembled model files (built once from the packages that ship them)."""
        return self.root / "cache"

    @property
    def picture_cache(self) -> Path:
        """Pictures drawn or rasterised for frames, shared by every document (keyed by what shaped them)."""
        return self.cache / "pictures"

    @property
    def dagster_home(self) -> Path:
        """The Dagster instance used when DAGSTER_HOME is not set."""
        return self.root / "dagster_home"

    def artifacts(self, doc_id: str) -> Path:
        return self.root / "artifacts" / doc_id

    def versions(self, doc_id: str, asset: str) -> Path:
        """The version directories of one asset's files (storage/versions.py names them)."""
        return self.artifacts(doc_id) / asset

    def lock(self, doc_id: str) -> Path:
        """The file `vidgen make` locks while it makes this document."""
        return self.root / "locks" / f"{doc_id}.lock"

    def video(self, doc_id: str) -> Path:
        """The published copy of the current video (the rows name the versioned file)."""
        return self.published(doc_id, ".mp4")

    def published(self, doc_id: str, suffix: str) -> Path:
        """videos/<doc_id><suffix>: the video, its subtitles and thumbnail where users look."""
        return self.videos / f"{doc_id}{suffix}"


# The files inside one version directory of each asset that writes files. Readers find a
# version's directory from the rows (never from the doc_id); these name the files in it.


@dataclass(frozen=True)
class NarrationFiles:
    directory: Path

    @property
    def wav(self) -> Path:
        return self.directory / "narration.wav"

    @property
    def recognition_wav(self) -> Path:
        """16 kHz mono copy of a recording, for Whisper."""
        return self.directory / "recognition.wav"

    @property
    def timings(self) -> Path:
        """Exact sentence and word times from the synthesizer."""
        return self.directory / "narration.timings.json"


@dataclass(frozen=True)
class FrameFiles:
    directory: Path

    def frame(self, chunk_idx: int) -> Path:
        return self.directory / f"{chunk_idx:04d}.png"

    @property
    def contact_sheet(self) -> Path:
        return self.directory / "contact-sheet.jpg"


@dataclass(frozen=True)
class VideoFiles:
    directory: Path
    doc_id: str

    @property
    def mp4(self) -> Path:
        return self.directory / f"{self.doc_id}.mp4"

    @property
    def srt(self) -> Path:
        return self.mp4.with_suffix(".srt")

    @property
    def vtt(self) -> Path:
        return self.mp4.with_suffix(".vtt")

    @property
    def thumbnail(self) -> Path:
        return self.mp4.with_suffix(".jpg")

    @property
    def captions(self) -> Path:
        """Burned-in captions (ASS) drawn into the picture by ffmpeg."""
        return self.directory / "captions.ass"

    @property
    def credits(self) -> Path:
        """Attribution for the pictures whose licence asks for it, beside the video."""
        return self.mp4.with_suffix(".credits.txt")
