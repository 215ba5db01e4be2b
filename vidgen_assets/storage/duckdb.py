"""The DuckDB file: one table per tabular asset, every row keyed by doc_id.

DuckDB lets one process write at a time, so every access is a short-lived connection and a
writer that finds the file locked waits and retries instead of failing at once.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

import duckdb

from vidgen_assets.errors import StorageBusy

SCHEMA: dict[str, str] = {
    "documents": "doc_id VARCHAR PRIMARY KEY, path VARCHAR UNIQUE, registered_at TIMESTAMP DEFAULT current_timestamp",
    "source_documents": """
        doc_id VARCHAR PRIMARY KEY, path VARCHAR, kind VARCHAR, sha256 VARCHAR, size_bytes BIGINT,
        title VARCHAR, page_count INTEGER, text VARCHAR, sections JSON, metadata JSON,
        created_at TIMESTAMP DEFAULT current_timestamp""",
    "figures": """
        doc_id VARCHAR, idx INTEGER, label VARCHAR, caption VARCHAR, page INTEGER, path VARCHAR""",
    "narration_scripts": "doc_id VARCHAR, idx INTEGER, text VARCHAR, section VARCHAR",
    "narration_audio": """
        doc_id VARCHAR PRIMARY KEY, path VARCHAR, duration_s DOUBLE, sample_rate INTEGER,
        backend VARCHAR, voice VARCHAR""",
    "segments": """
        doc_id VARCHAR, idx INTEGER, start_s DOUBLE, end_s DOUBLE, text VARCHAR,
        avg_logprob DOUBLE, compression_ratio DOUBLE, no_speech_prob DOUBLE, confidence DOUBLE""",
    "words": """
        doc_id VARCHAR, idx INTEGER, segment_idx INTEGER, word VARCHAR, start_s DOUBLE,
        end_s DOUBLE, probability DOUBLE""",
    "transcripts": """
        doc_id VARCHAR PRIMARY KEY, backend VARCHAR, model VARCHAR, language VARCHAR,
        duration_s DOUBLE""",
    "chunks": "doc_id VARCHAR, idx INTEGER, start_s DOUBLE, end_s DOUBLE, text VARCHAR",
    "summaries": """
        doc_id VARCHAR, chunk_idx INTEGER, summary VARCHAR, backend VARCHAR, fallback BOOLEAN,
        problem VARCHAR, reply VARCHAR""",
    "image_prompts": """
        doc_id VARCHAR, chunk_idx INTEGER, prompt VARCHAR, style VARCHAR, figure VARCHAR,
        fallback BOOLEAN, problem VARCHAR""",
    "frames": "doc_id VARCHAR, chunk_idx INTEGER, path VARCHAR, start_s DOUBLE, end_s DOUBLE",
    "videos": """
        doc_id VARCHAR PRIMARY KEY, path VARCHAR, duration_s DOUBLE, width INTEGER,
        height INTEGER, size_bytes BIGINT, srt_path VARCHAR, vtt_path VARCHAR,
        thumbnail_path VARCHAR""",
}


class Database:
    """A DuckDB file opened briefly for each read or write."""

    def __init__(self, path: Path, busy_timeout_s: float = 120.0):
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self._open(read_only and self.path.exists())
        try:
            if not read_only:
                for table, columns in SCHEMA.items():
                    con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
                    _add_missing_columns(con, table, columns)
            yield con
        finally:
            con.close()

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.busy_timeout_s
        delay = 0.05
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise StorageBusy(
                        f"{self.path} is locked by another program for over "
                        f"{self.busy_timeout_s:.0f} s ({exc}). Close that program "
                        "(a DuckDB shell or notebook holding the file) and run again."
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def replace_partition(self, doc_id: str, rows_by_table: dict[str, Sequence[dict[str, Any]]]) -> None:
        """Replace this document's rows in each table, all tables in one transaction."""
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                for table, rows in rows_by_table.items():
                    con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])
                    if rows:
                        columns = ["doc_id", *[c for c in rows[0] if c != "doc_id"]]
                        placeholders = ", ".join("?" for _ in columns)
                        con.executemany(
                            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
                            [[doc_id, *[row[c] for c in columns[1:]]] for row in rows],
                        )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def rows(self, table: str, doc_id: str, order_by: str = "") -> list[dict[str, Any]]:
        """This document's rows of one table, as dicts."""
        if not self.path.exists():
            return []
        with self.connect(read_only=True) as con:
            if not _has_table(con, table):
                return []
            order = f" ORDER BY {order_by}" if order_by else ""
            cur = con.execute(f"SELECT * FROM {table} WHERE doc_id = ?{order}", [doc_id])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

    def row(self, table: str, doc_id: str) -> dict[str, Any] | None:
        found = self.rows(table, doc_id)
        return found[0] if found else None


def _add_missing_columns(con: duckdb.DuckDBPyConnection, table: str, columns: str) -> None:
    """Bring a table made by an older vidgen up to SCHEMA (new columns are added as NULL)."""
    existing = {row[1] for row in con.execute(f"PRAGMA table_info('{table}')").fetchall()}
    for definition in columns.split(","):
        name, kind = definition.split()[:2]
        if name not in existing:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
        ).fetchone()[0]
    )
