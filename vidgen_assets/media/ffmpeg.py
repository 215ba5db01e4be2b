"""ffmpeg and ffprobe, through ffmpeg-python: the only module that runs them for video work."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ffmpeg

from vidgen_assets.errors import InputError


@dataclass(frozen=True)
class StreamInfo:
    index: int
    codec_type: str  # audio | video | subtitle | data
    codec_name: str
    duration_s: float | None
    width: int | None = None
    height: int | None = None
    sample_rate: int | None = None
    channels: int | None = None
    pix_fmt: str | None = None


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    format_name: str
    duration_s: float | None
    streams: tuple[StreamInfo, ...]

    def of_type(self, codec_type: str) -> list[StreamInfo]:
        return [s for s in self.streams if s.codec_type == codec_type]


def probe(path: Path) -> MediaInfo:
    """Read container and stream facts with ffprobe; an unreadable file is an InputError."""
    try:
        raw = ffmpeg.probe(str(path))
    except ffmpeg.Error as exc:
        detail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        raise InputError(path, f"ffprobe cannot read it ({detail[-1] if detail else 'no detail'})") from exc
    fmt = raw.get("format", {})
    streams = tuple(
        StreamInfo(
            index=int(s["index"]),
            codec_type=s.get("codec_type", ""),
            codec_name=s.get("codec_name", ""),
            duration_s=_float(s.get("duration")),
            width=s.get("width"),
            height=s.get("height"),
            sample_rate=int(s["sample_rate"]) if s.get("sample_rate") else None,
            channels=s.get("channels"),
            pix_fmt=s.get("pix_fmt"),
        )
        for s in raw.get("streams", [])
    )
    return MediaInfo(Path(path), fmt.get("format_name", ""), _float(fmt.get("duration")), streams)


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
