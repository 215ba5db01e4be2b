"""Which file each `documents` partition stands for, and which documents are due again.

A doc_id is readable (from the file name) and stable: the same path keeps its id when the
file changes, and two different files never share one.
"""

from __future__ import annotations

import hashlib
import re
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
        raise InputError(doc_id, "is not a registered document (drop the file into data/inbox/ or run `vidgen make FILE`)")
    return Path(row.path)


def documents_to_refresh(db: Database, doc_ids: list[str], with_video: set[str]) -> list[str]:
    """Partitions whose video is missing, or whose source file changed since it was read."""
    due = []
    for doc_id in doc_ids:
        if doc_id not in with_video:
            due.append(doc_id)
            continue
        row = db.read_one(SourceDocumentRow, doc_id)
        if row is None or (Path(row.path).is_file() and sha256_of(Path(row.path)) != row.sha256):
            due.append(doc_id)
    return due
