"""The picture index: one DuckDB row per picture file, with its description's embedding.

Indexing is incremental: a file whose signature (size, mtime, and its caption's) and embedding
model are unchanged is left alone; new and changed files are described and embedded; rows of
files gone from a collection are deleted. Lookups load the collections' vectors into memory once
per video (7,500 x 384 floats, 11 MB) and rank pictures by dot product (`choice`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vidgen_assets.backends.embeddings import DIMENSIONS, TextEmbedder
from vidgen_assets.backends.pictures.library.catalog import Collection, Entry
from vidgen_assets.progress import ProgressCallback
from vidgen_assets.storage.duckdb import Database

TABLE = "illustrations"
# LEAD: fold into storage's schema. Not per document, so it has no doc_id: one index serves all.
DDL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    path VARCHAR PRIMARY KEY, collection VARCHAR, source VARCHAR, kind VARCHAR, licence VARCHAR,
    attribution VARCHAR, description VARCHAR, signature VARCHAR, model VARCHAR,
    embedding FLOAT[{DIMENSIONS}], indexed_at TIMESTAMP DEFAULT current_timestamp)"""
# An index made before pictures had names gains the column; its rows are re-embedded (SCHEME).
MIGRATE = f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS name VARCHAR; ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS name_embedding FLOAT[{DIMENSIONS}]"
SCHEME = "names; no perl references"  # bumped when what is embedded changes, so every row is embedded again
_BATCH = 256  # files described, embedded and written per transaction


@dataclass(frozen=True)
class IndexReport:
    added: int
    changed: int
    removed: int
    unchanged: int

    def __add__(self, other: IndexReport) -> IndexReport:
        return IndexReport(
            self.added + other.added,
            self.changed + other.changed,
            self.removed + other.removed,
            self.unchanged + other.unchanged,
        )


@dataclass(frozen=True)
class Match:
    path: Path
    source: str
    kind: str
    licence: str
    attribution: str
    description: str
    similarity: float
    query: str = ""  # which of the chunk's queries found it ("phrase: shore crabs")


def update_index(
    db: Database, embedder: TextEmbedder, collections: Sequence[Collection], progress: ProgressCallback | None = None
) -> IndexReport:
    """Bring the index up to date with the collections' files; returns what was done.

    `progress` hears (pictures embedded, pictures to embed) after each batch: a first index of
    the bundled collections takes minutes.
    """
    added = changed = removed = unchanged = 0
    plans = []
    for collection in collections:
        with db.connect() as con:
            con.execute(DDL)
            con.execute(MIGRATE)
            known = dict(
                con.execute(
                    f"SELECT path, signature || '|' || model FROM {TABLE} WHERE collection = ?", [str(collection.root)]
                ).fetchall()
            )
        entries = collection.entries()
        todo = [e for e in entries if known.get(str(e.path)) != f"{e.signature}|{_model(embedder)}"]
        plans.append((collection, todo, set(known) - {str(e.path) for e in entries}))
        changed_now = sum(1 for e in todo if str(e.path) in known)
        added += len(todo) - changed_now
        changed += changed_now
        unchanged += len(entries) - len(todo)
    total, done = sum(len(todo) for _, todo, _ in plans), 0
    for collection, todo, gone in plans:
        for start in range(0, len(todo), _BATCH):
            _write(db, embedder, collection, todo[start : start + _BATCH])
            done += len(todo[start : start + _BATCH])
            if progress:
                progress(done, total)
        if gone:
            with db.connect() as con:
                con.execute(f"DELETE FROM {TABLE} WHERE path IN (SELECT unnest(?::VARCHAR[]))", [sorted(gone)])
        removed += len(gone)
    return IndexReport(added, changed, removed, unchanged)


def _write(db: Database, embedder: TextEmbedder, collection: Collection, entries: Sequence[Entry]) -> None:
    descriptions = [collection.describe(e) for e in entries]
    vectors = embedder.embed([d.text for d in descriptions] + [d.name for d in descriptions])
    rows = [
        [
            str(e.path),
            str(collection.root),
            collection.source,
            e.kind,
            d.licence,
            d.attribution,
            d.text,
            e.signature,
            _model(embedder),
            v.tolist(),
            d.name,
            n.tolist() if d.name.strip() else None,
        ]
        for e, d, v, n in zip(entries, descriptions, vectors[: len(entries)], vectors[len(entries) :])
    ]
    with db.connect() as con:
        con.execute(DDL)
        con.execute("BEGIN TRANSACTION")
        con.executemany(
            f"""INSERT OR REPLACE INTO {TABLE} (path, collection, source, kind, licence, attribution, description,
                signature, model, embedding, name, name_embedding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            rows,
        )
        con.execute("COMMIT")


class Shelf:
    """The indexed pictures of some collections, held in memory so each lookup is one product."""

    def __init__(self, matches: list[Match], vectors: np.ndarray, name_vectors: np.ndarray | None = None):
        self.matches = matches  # similarity 0.0 until ranked
        self.vectors = vectors  # each picture's description
        self.name_vectors = name_vectors  # each picture's name alone (zero where it has none)
        self._sources = np.array([m.source for m in matches], dtype=object)
        self._positions = {m.path: i for i, m in enumerate(matches)}

    def __len__(self) -> int:
        return len(self.matches)

    def position(self, path: Path) -> int:
        return self._positions[path]

    def similarities(self, vectors: np.ndarray) -> np.ndarray:
        """Cosine similarity of every picture (rows) to every query vector (columns).

        A picture's similarity is the better of its description's and its name's: "dna" alone
        matches a chunk's "DNA" far better than "dna (biologist, evolution, gene, ...)" does,
        while the tags find it for "genetics".
        """
        queries = np.asarray(vectors, dtype=np.float32).T
        similarity = self.vectors @ queries
        if self.name_vectors is not None:
            np.maximum(similarity, self.name_vectors @ queries, out=similarity)
        return similarity

    def best(
        self,
        scores: np.ndarray,
        limit: int,
        preferred_source: str = "",
        preferred_above: float = 1.0,
        at_least: float = -1.0,
    ) -> list[Match]:
        """At most `limit` pictures scoring `at_least`, highest `scores` (one per picture) first.

        Pictures from `preferred_source` scoring at least `preferred_above` rank before all
        others (the user's own media beat clip art when they match well).
        """
        candidates = np.flatnonzero(scores >= at_least)
        if not len(candidates) or limit <= 0:
            return []
        preferred = (self._sources[candidates] == preferred_source) & (scores[candidates] >= preferred_above)
        rank = scores[candidates] + 10.0 * preferred  # similarities lie in [-1, 1]: +10 puts these first
        limit = min(limit, len(candidates))
        # Only the head needs sorting: partition first, then order those few.
        head = np.argpartition(-rank, limit - 1)[:limit]
        head = head[np.argsort(-rank[head], kind="stable")]
        return [replace(self.matches[i], similarity=float(scores[i])) for i in candidates[head]]


def _model(embedder: TextEmbedder) -> str:
    return f"{embedder.name}; {SCHEME}"


def join_shelves(shelves: Sequence[Shelf]) -> Shelf:
    """One shelf holding the pictures of several (from the shared bundled index and the data
    directory's own)."""
    shelves = [s for s in shelves if len(s)]
    if not shelves:
        return Shelf([], np.zeros((0, DIMENSIONS), dtype=np.float32))
    if len(shelves) == 1:
        return shelves[0]
    return Shelf(
        [m for s in shelves for m in s.matches],
        np.concatenate([s.vectors for s in shelves]),
        np.concatenate([s.name_vectors if s.name_vectors is not None else np.zeros_like(s.vectors) for s in shelves]),
    )


def load_shelf(db: Database, roots: Sequence[Path]) -> Shelf:
    """Every indexed picture under `roots` (collection folders), with its unit vectors."""
    if not roots or not db.path.exists():
        return Shelf([], np.zeros((0, DIMENSIONS), dtype=np.float32))
    marks = ", ".join("?" for _ in roots)
    with db.connect(read_only=True) as con:
        if not con.execute("SELECT 1 FROM information_schema.tables WHERE table_name = ?", [TABLE]).fetchall():
            return Shelf([], np.zeros((0, DIMENSIONS), dtype=np.float32))
        columns = con.execute(
            f"""SELECT path, source, kind, licence, attribution, description, embedding, name_embedding FROM {TABLE}
                WHERE collection IN ({marks}) ORDER BY path""",
            [str(r) for r in roots],
        ).fetchnumpy()
    rows = zip(*(columns[c] for c in ("path", "source", "kind", "licence", "attribution", "description")))
    matches = [Match(Path(p), s, k, lic, att or "", d, 0.0) for p, s, k, lic, att, d in rows]
    if not matches:
        return Shelf([], np.zeros((0, DIMENSIONS), dtype=np.float32))
    vectors = np.stack(columns["embedding"]).astype(np.float32)
    none = np.zeros(DIMENSIONS, dtype=np.float32)
    names = np.stack([none if v is None or np.ma.is_masked(v) else v for v in columns["name_embedding"]]).astype(
        np.float32
    )
    return Shelf(matches, vectors, names)
