"""Reading an ASS caption script back: its style and its Dialogue events."""

from __future__ import annotations

import re
from pathlib import Path


def ass_style(text: str) -> dict[str, str]:
    fields = [f.strip() for f in re.search(r"^\[V4\+ Styles\]\nFormat: (.*)$", text, flags=re.M).group(1).split(",")]
    values = re.search(r"^Style: (.*)$", text, flags=re.M).group(1).split(",")
    return dict(zip(fields, values))


def ass_events(text: str) -> list[tuple[str, str, str]]:
    """(start, end, text) of every Dialogue line."""
    return [
        (m[0], m[1], m[2]) for m in re.findall(r"^Dialogue: 0,([^,]+),([^,]+),Caption,,0,0,0,,(.*)$", text, flags=re.M)
    ]


def centiseconds(stamp: str) -> int:
    h, m, s = stamp.split(":")
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 100)


def event_times(path: Path) -> list[float]:
    """Every moment (seconds, ascending, unique) at which a Dialogue line of the script starts or ends."""
    events = ass_events(path.read_text())
    return sorted({centiseconds(stamp) / 100 for start, end, _ in events for stamp in (start, end)})
