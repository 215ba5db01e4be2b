"""What the index needs from a collection of pictures: its files and a description of each."""

from __future__ import annotations

import os
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


class Folder:
    """A collection kept in one folder (subclasses add entries() and describe())."""

    source = ""
    missing = "the folder {root} does not exist"  # what problem() says when it is absent

    def __init__(self, root: Path):
        self.root = Path(root)

    def problem(self) -> str | None:
        return None if self.root.is_dir() else self.missing.format(root=self.root)


def signature_of(*paths: Path) -> str:
    """Size and modification time of each existing path: changes when any of them is rewritten."""
    parts = []
    for path in paths:
        if path.exists():
            stat = path.stat()
            parts.append(f"{stat.st_size}:{stat.st_mtime_ns}")
    return "/".join(parts)


def files_under(root: Path, skip_links: bool = False) -> list[Path]:
    """Every file below `root`, sorted, leaving out hidden files and folders (and links if asked)."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(folder) / name
            if not name.startswith(".") and not (skip_links and path.is_symlink()):
                found.append(path)
    return sorted(found)
