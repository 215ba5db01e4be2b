"""The drop zone: which files in data/inbox/ are new or changed and ready to be processed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vidgen_assets.storage.files import sha256_of

# Names that browsers, editors and copy tools give files still being written.
_PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", "~")


@dataclass(frozen=True)
class Drop:
    path: Path
    sha256: str


def scan_inbox(
    inbox: Path, seen: dict[str, dict], now: float, settle_s: float = 5.0
) -> tuple[list[Drop], dict[str, dict]]:
    """Files to process, and the updated record of what has been seen.

    `seen` maps a resolved path to {"size", "mtime_ns", "sha256"}. A file is taken once it
    has not been modified for `settle_s` seconds, so a half-written file waits for a later
    scan; it is taken again only when its content changes (a touched but identical file is
    not). Only files whose size or mtime changed are hashed again.
    """
    drops: list[Drop] = []
    updated = dict(seen)
    if not inbox.is_dir():
        return drops, updated
    for path in sorted(inbox.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.name.endswith(_PARTIAL_SUFFIXES):
            continue
        stat = path.stat()
        if now - stat.st_mtime < settle_s:
            continue
        key = str(path.resolve())
        before = seen.get(key)
        if before and before["size"] == stat.st_size and before["mtime_ns"] == stat.st_mtime_ns:
            continue
        digest = sha256_of(path)
        updated[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
        if not before or before["sha256"] != digest:
            drops.append(Drop(path, digest))
    return drops, updated
