"""Soft subtitle files: SubRip (SRT) and WebVTT written from cues, and SRT read back.

Written by hand rather than with pysubs2: its SRT output ends with a blank line, its reader
turns HTML tags into ASS overrides and skips a malformed cue without a word, where vidgen
names the file and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from vidgen_assets.errors import InputError
from vidgen_assets.media.cues import Cue
from vidgen_assets.storage.files import atomic_path


def write_srt(cues: Sequence[Cue], path: Path) -> Path:
    """SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, blank line between cues."""
    blocks = [
        f"{i}\n{_timestamp(c.start_s, ',')} --> {_timestamp(c.end_s, ',')}\n" + "\n".join(c.lines)
        for i, c in enumerate(cues, start=1)
    ]
    return write_text(path, "\n\n".join(blocks) + "\n" if blocks else "")


def write_vtt(cues: Sequence[Cue], path: Path) -> Path:
    """WebVTT: `WEBVTT` header, `HH:MM:SS.mmm` times, cue text escaped for HTML."""
    blocks = [
        f"{_timestamp(c.start_s, '.')} --> {_timestamp(c.end_s, '.')}\n"
        + "\n".join(_vtt_escape(line) for line in c.lines)
        for c in cues
    ]
    return write_text(path, "WEBVTT\n\n" + "\n\n".join(blocks) + ("\n" if blocks else ""))


def parse_srt(path: Path) -> list[Cue]:
    """Read an SRT file (ours or an ordinary one: CRLF, BOM, optional numbers, extra spaces)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raw = path.read_text(encoding="latin-1")
    cues: list[Cue] = []
    for block in re.split(r"\n\s*\n", raw.replace("\r\n", "\n").replace("\r", "\n").strip()):
        lines = [line.strip() for line in block.split("\n")]
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            if block.strip():
                raise InputError(path, f"cue without a timing line: {lines[0][:60]!r}")
            continue
        match = _SRT_TIMING.match(lines[timing])
        if not match:
            raise InputError(path, f"malformed SRT timing line {lines[timing]!r}")
        start, end = _seconds(match.group(1)), _seconds(match.group(2))
        cues.append(Cue(start, end, tuple(line for line in lines[timing + 1 :] if line)))
    return cues


_TIME = r"(\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}|\d{1,2}:\d{1,2}[,.]\d{1,3})"
_SRT_TIMING = re.compile(rf"^{_TIME}\s*-->\s*{_TIME}")


def _seconds(stamp: str) -> float:
    clock, frac = re.split(r"[,.]", stamp)
    parts = [int(p) for p in clock.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    h, m, s = parts
    return h * 3600 + m * 60 + s + int(frac.ljust(3, "0")) / 1000.0


def _timestamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _vtt_escape(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_text(path: Path, text: str) -> Path:
    """Write `text` as UTF-8 at `path` under a temporary name, renamed once complete."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
