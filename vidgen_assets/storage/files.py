"""Atomic file writes (a hidden temporary name, then a rename) and file hashes."""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Read once at import: os.umask can only be read by setting it, which is not thread-safe.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """Yield a temporary path beside `final`; rename it over `final` only if the block succeeds.

    A reader never sees a half-written file under the final name, and a failure leaves any
    earlier version of the file untouched.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=f".part{final.suffix}", dir=final.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates 0600; outputs are meant to be shared like any file the user writes.
        os.chmod(tmp_path, 0o666 & ~_UMASK)
        os.replace(tmp_path, final)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def sha256_of(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def room_problem(path: Path) -> str | None:
    """Why writing `path` may have stopped for lack of room (the disk is full, or the file
    reached the process's file size limit), or None when there was room."""
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit != resource.RLIM_INFINITY and path.exists() and path.stat().st_size >= limit:
        return f"it reached the file size limit of {limit} bytes (ulimit -f)"
    free = shutil.disk_usage(path.parent).free
    if free < 16 * 1024 * 1024:
        return f"the disk is full ({free // 1024} KiB free in {path.parent})"
    return None
