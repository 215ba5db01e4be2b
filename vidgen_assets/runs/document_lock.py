"""The per-document lock `vidgen make` holds for its whole run, so that two runs of one
document never overlap.

It is an fcntl.flock on data/locks/<doc_id>.lock, which the kernel releases when the process
ends, however it ends: a killed run never leaves the lock held. While held, the file names its
holder, so the one refused can say whom it waits for. The files stay (removing a lock file
while another process waits on it would let two processes hold "the" lock).
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from vidgen_assets.errors import DocumentBusy

_held_here: set[Path] = set()


def describe_this_process() -> str:
    command = " ".join(Path(a).name if n == 0 else a for n, a in enumerate(sys.argv)) or "python"
    return f"`{command}` (pid {os.getpid()}, started {datetime.now():%Y-%m-%d %H:%M:%S})"


@contextmanager
def document_lock(path: Path, doc_id: str) -> Iterator[None]:
    """Hold the document's lock for the block; DocumentBusy, naming the holder, if another
    process holds it."""
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DocumentBusy(doc_id, _holder(fd)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, describe_this_process().encode(), 0)
        _held_here.add(path)
        try:
            yield
        finally:
            _held_here.discard(path)
            os.ftruncate(fd, 0)  # while still locked: an idle lock file is empty
    finally:
        os.close(fd)  # releases the lock


def holder_elsewhere(path: Path) -> str | None:
    """Who holds the lock, if a process other than this one does; else None."""
    path = Path(path).resolve()
    if path in _held_here or not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(fd)
        return None
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    return os.pread(fd, 4096, 0).decode(errors="replace").strip() or "another process"
