"""Where vidgen keeps its data, and the limits a user may change, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_REPO_DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass(frozen=True)
class Paths:
    """Every location under the data directory (VIDGEN_DATA_DIR, default ./data of the checkout)."""

    root: Path

    @classmethod
    def from_env(cls) -> "Paths":
        return cls(Path(os.environ.get("VIDGEN_DATA_DIR", _REPO_DATA)).resolve())

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

    def artifacts(self, doc_id: str) -> Path:
        return self.root / "artifacts" / doc_id

    def video(self, doc_id: str) -> Path:
        return self.videos / f"{doc_id}.mp4"
