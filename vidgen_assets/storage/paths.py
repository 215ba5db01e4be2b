"""Where every file lives under the data directory. Assets rebuild locations from the doc_id
with these names, so a reader of one asset's output never guesses another asset's layout."""

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

    def figures(self, doc_id: str) -> Path:
        return self.artifacts(doc_id) / "figures"

    def narration_wav(self, doc_id: str) -> Path:
        return self.artifacts(doc_id) / "narration.wav"

    def recognition_wav(self, doc_id: str) -> Path:
        """16 kHz mono copy of a recording, for Whisper."""
        return self.artifacts(doc_id) / "recognition.wav"

    def timings(self, doc_id: str) -> Path:
        """Exact sentence and word times from the synthesizer."""
        return self.artifacts(doc_id) / "narration.timings.json"

    def frames(self, doc_id: str) -> Path:
        return self.artifacts(doc_id) / "frames"

    def contact_sheet(self, doc_id: str) -> Path:
        return self.artifacts(doc_id) / "contact-sheet.jpg"

    def captions(self, doc_id: str) -> Path:
        """Burned-in captions (ASS) drawn into the picture by ffmpeg."""
        return self.artifacts(doc_id) / "captions.ass"

    def video(self, doc_id: str) -> Path:
        return self.videos / f"{doc_id}.mp4"

    def credits(self, doc_id: str) -> Path:
        """Attribution for the pictures whose licence asks for it, beside the video."""
        return self.videos / f"{doc_id}.credits.txt"
