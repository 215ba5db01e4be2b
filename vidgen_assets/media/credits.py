"""The credits file published beside a video: the pictures whose licence asks for attribution."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vidgen_assets.storage.files import atomic_path
from vidgen_assets.storage.tables import FrameRow


def credits_text(frames: Sequence[FrameRow]) -> str:
    """The credits file's text: one line per picture whose licence asks for attribution,
    with where it appears; "" when no picture needs one."""
    lines = []
    for row in frames:
        if row.picture_attribution:
            lines.append(
                f"{_clock(row.start_s)}  {row.picture_description}: {row.picture_attribution} "
                f"({row.picture_licence}; {row.picture_source})"
            )
    if not lines:
        return ""
    return (
        "Pictures in this video whose licence asks for attribution (time: picture: credit):\n\n"
        + "\n".join(lines)
        + "\n"
    )


def write_credits(frames: Sequence[FrameRow], path: Path) -> Path | None:
    """Write the credits file when some picture needs one and return its path; when none
    does, an older file is removed and None returned."""
    text = credits_text(frames)
    if not text:
        path.unlink(missing_ok=True)
        return None
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"
