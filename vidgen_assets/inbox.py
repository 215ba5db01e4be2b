"""The drop zone: which files in data/inbox/ are ready, new or changed, and worth a run.

Everything the inbox sensor remembers is the cursor, a plain dict it gets back each tick:
path -> {"size", "mtime_ns", "settled", "sha256", "changes", "refused"}. A file is taken only
once its size and modification time are the same on two ticks in a row (no guess of how long
a copy may pause: a copy still going changes them). Each content taken counts one change, so a
file edited A -> B -> A is taken three times under three different run keys. A file that is
not usable is reported once per content and never taken; a file whose content is already
taken under another name is a duplicate, reported once. Files that leave the inbox leave the
cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vidgen_assets.errors import InputError
from vidgen_assets.storage.files import sha256_of

# Names that browsers, editors and copy tools give files still being written.
_PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", "~")


@dataclass(frozen=True)
class Drop:
    """A file to process: its content's hash, and how many contents of it have been taken."""

    path: Path
    sha256: str
    change: int

    @property
    def run_key(self) -> str:
        return f"{self.path.name}:{self.change}:{self.sha256[:16]}"


@dataclass(frozen=True)
class Refusal:
    path: Path
    reason: str  # one line, naming the file


@dataclass
class Scan:
    """One tick's findings, and the cursor to keep for the next."""

    cursor: dict[str, dict]
    drops: list[Drop] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)  # reported now, once per content
    waiting: list[Path] = field(default_factory=list)  # changed since the last tick
    gone: list[str] = field(default_factory=list)  # left the inbox since the last tick


def scan_inbox(inbox: Path, cursor: dict[str, dict], screen: Callable[[Path], object]) -> Scan:
    """Compare the inbox with `cursor` (the previous tick's); `screen(path)` raises InputError
    for a file that cannot become a video. Only settled files not seen before are hashed."""
    present = sorted(p for p in inbox.iterdir() if _candidate(p)) if inbox.is_dir() else []
    keys = {str(p.resolve()): p for p in present}
    # An entry of an older cursor ({"size", "mtime_ns", "sha256"}) is one already dealt with.
    blank = {"changes": 0, "sha256": None, "refused": None, "settled": True}
    scan = Scan(cursor={key: {**blank, **cursor.get(key, {})} for key in keys})
    scan.gone = sorted(Path(k).name for k in cursor if k not in keys)
    for key, path in keys.items():
        entry = scan.cursor[key]
        stat = path.stat()
        if (entry.get("size"), entry.get("mtime_ns")) != (stat.st_size, stat.st_mtime_ns):
            entry.update(size=stat.st_size, mtime_ns=stat.st_mtime_ns, settled=False)
            scan.waiting.append(path)
        elif not entry["settled"]:
            entry["settled"] = True
            _consider(path, entry, scan, screen)
    return scan


def _consider(path: Path, entry: dict, scan: Scan, screen: Callable[[Path], object]) -> None:
    """A settled file: taken, or refused once, or left alone when its content is known."""
    digest = sha256_of(path)
    if digest == entry["sha256"] or digest == entry["refused"]:
        return  # touched or rewritten with the same bytes: already dealt with
    twin = next((Path(k) for k, e in scan.cursor.items() if e is not entry and e["sha256"] == digest), None)
    try:
        if twin is not None:
            raise InputError(path, f"has the same content as {twin.name}, which is already taken; it is not made twice")
        screen(path)
    except InputError as refusal:
        entry["refused"] = digest
        scan.refused.append(Refusal(path, str(refusal)))
        return
    entry.update(sha256=digest, changes=entry["changes"] + 1, refused=None)
    scan.drops.append(Drop(path, digest, entry["changes"]))


def _candidate(path: Path) -> bool:
    """Hidden files and the partial names of downloads and uploads are never looked at."""
    return path.is_file() and not path.name.startswith(".") and not path.name.endswith(_PARTIAL_SUFFIXES)
