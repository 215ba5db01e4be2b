"""What the index needs from a collection of pictures: its files and a description of each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Entry:
    """One file of a collection, with what tells whether it changed since it was indexed."""

    path: Path
    signature: str  # size and mtime of the file (and of its caption, if any)
    kind: str  # "svg", "image" or "clip"


@dataclass(frozen=True)
class Description:
    text: str  # what the picture shows, in words; this is what is embedded and matched
    licence: str
    attribution: str = ""  # a credit line when the licence asks for one


class Collection(Protocol):
    source: str  # "openclipart" or "media"
    root: Path

    def entries(self) -> list[Entry]: ...

    def describe(self, entry: Entry) -> Description: ...


def signature_of(*paths: Path) -> str:
    """Size and modification time of each existing path: changes when any of them is rewritten."""
    parts = []
    for path in paths:
        if path.exists():
            stat = path.stat()
            parts.append(f"{stat.st_size}:{stat.st_mtime_ns}")
    return "/".join(parts)
