"""Which file each `documents` partition stands for, which of them failed on their content,
and which documents are due again.

A doc_id is readable (from the file name) and stable: the same path keeps its id when the
file changes, and two different files never share one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vidgen_assets.errors import InputError
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.files import sha256_of
from vidgen_assets.storage.tables import DocumentRow, SourceDocumentRow

MAX_ID_LENGTH = 64


def slug(name: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text[:MAX_ID_LENGTH].strip("-") or "document"


def doc_id_for(path: Path, taken: dict[str, str]) -> str:
    """The id for `path`, given the ids already taken (doc_id -> absolute path)."""
    path = Path(path).resolve()
    for doc_id, owner in taken.items():
        if owner == str(path):
            return doc_id
    base = slug(path.stem)
    if base not in taken:
        return base
    # Same name as a different file ("Paper.pdf" vs "paper.md"): disambiguate by the path.
    suffix = hashlib.sha256(str(path).encode()).hexdigest()[:8]
    return f"{base[: MAX_ID_LENGTH - 9].rstrip('-')}-{suffix}"


def doc_id_of(db: Database, path: Path) -> str:
    """The doc_id `register` gives `path`, recording nothing: a run that is refused (the document
    is busy) must leave the database as it was, and not create it."""
    path = Path(path).resolve()
    if not db.path.exists():
        return doc_id_for(path, {})
    with db.connect(read_only=True) as con:
        return doc_id_for(path, dict(con.execute(f"SELECT doc_id, path FROM {DocumentRow.TABLE}").fetchall()))


def register(db: Database, path: Path) -> str:
    """Record `path` as a document and return its doc_id (the existing one if known)."""
    path = Path(path).resolve()
    if not path.is_file():
        raise InputError(path, "no such file")
    with db.connect() as con:
        taken = dict(con.execute(f"SELECT doc_id, path FROM {DocumentRow.TABLE}").fetchall())
        doc_id = doc_id_for(path, taken)
        if doc_id not in taken:
            con.execute(f"INSERT INTO {DocumentRow.TABLE} (doc_id, path) VALUES (?, ?)", [doc_id, str(path)])
    return doc_id


def source_path(db: Database, doc_id: str) -> Path:
    row = db.read_one(DocumentRow, doc_id)
    if row is None:
        raise InputError(
            doc_id, "is not a registered document (drop the file into data/inbox/ or run `vidgen make FILE`)"
        )
    return Path(row.path)


@contextmanager
def input_failures_recorded(db: Database, doc_id: str, path: Path) -> Iterator[None]:
    """Around the read of a document's source: an InputError is recorded against the content
    that caused it (and raised on), a read that gets through clears an earlier record."""
    try:
        yield
    except InputError as error:
        digest = sha256_of(path) if path.is_file() else None
        _set_failure(db, doc_id, digest, str(error))
        raise
    _set_failure(db, doc_id, None, None)


def _set_failure(db: Database, doc_id: str, digest: str | None, failure: str | None) -> None:
    with db.connect() as con:
        con.execute(
            f"UPDATE {DocumentRow.TABLE} SET failed_sha256 = ?, failure = ? WHERE doc_id = ?", [digest, failure, doc_id]
        )


@dataclass(frozen=True)
class Refresh:
    """What the backfill should do: documents to run, and documents held back with the reason."""

    due: list[str]
    held: dict[str, str]


def documents_to_refresh(db: Database, doc_ids: list[str], with_video: set[str]) -> Refresh:
    """Partitions whose video is missing, or whose source file changed since it was read.

    Held back, with the reason: a document whose source file is gone, and one whose last read
    failed on its content (InputError) while that content is unchanged; it is due again as soon
    as the file changes.
    """
    refresh = Refresh(due=[], held={})
    for doc_id in doc_ids:
        registered = db.read_one(DocumentRow, doc_id)
        source = Path(registered.path) if registered else None
        if source is not None and not source.is_file():
            refresh.held[doc_id] = f"its source {source} is gone (drop it into the inbox again to rebuild it)"
            continue
        digest = sha256_of(source) if source is not None else None
        if registered is not None and registered.failed_sha256 is not None and registered.failed_sha256 == digest:
            refresh.held[doc_id] = f"{registered.failure} (retried once the file changes)"
            continue
        read = db.read_one(SourceDocumentRow, doc_id) if doc_id in with_video else None
        if read is None or read.sha256 != digest:
            refresh.due.append(doc_id)
    return refresh
