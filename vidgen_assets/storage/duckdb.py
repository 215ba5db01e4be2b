"""The DuckDB file: one table per record type (storage/tables.py), every row keyed by doc_id.

DuckDB lets one process write at a time, so every access is a short-lived connection, and a
connection that finds the file held (locked by another process, or open in the other mode,
read-only vs read-write, in this one) waits and retries instead of failing at once. The schema
is created or upgraded once per process and file, not on every write.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from vidgen_assets.errors import StorageBusy
from vidgen_assets.storage.tables import RECORDS, Record, columns, create_table_sql

R = TypeVar("R", bound=Record)

_schema_ready: set[Path] = set()
_schema_lock = threading.Lock()

RETRY_S = 0.05  # how often a connection that found the file held asks again


class Database:
    """A DuckDB file opened briefly for each read or write. `on_wait(seconds)`, if given, hears
    of every connection that had to wait for the file, and how long (benchmarks/concurrency.py
    counts them)."""

    def __init__(self, path: Path, busy_timeout_s: float = 120.0, on_wait: Callable[[float], None] | None = None):
        self.path = Path(path).resolve()
        self.busy_timeout_s = busy_timeout_s
        self.on_wait = on_wait

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        self._ensure_schema()
        con = self._open(read_only)
        try:
            yield con
        finally:
            con.close()

    def _ensure_schema(self) -> None:
        with _schema_lock:
            if self.path in _schema_ready and self.path.exists():
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = self._open(read_only=False)
            try:
                for record in RECORDS:
                    con.execute(create_table_sql(record))
                    _add_missing_columns(con, record)
            finally:
                con.close()
            _schema_ready.add(self.path)

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        started = time.monotonic()
        deadline = started + self.busy_timeout_s
        waited = False
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                if waited and self.on_wait:
                    self.on_wait(time.monotonic() - started)
                return con
            except (duckdb.IOException, duckdb.ConnectionException) as exc:
                if not _is_conflict(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise StorageBusy(
                        f"{self.path} is locked by another program for over "
                        f"{self.busy_timeout_s:.0f} s ({exc}). Close that program "
                        "(a DuckDB shell or notebook holding the file) and run again."
                    ) from exc
                # Ask again soon, at an even pace: the holder is usually a quick write, or a
                # reader whose connections come back to back with short gaps between bursts; a
                # growing delay would step over those gaps. A refused open costs about 4 ms of CPU.
                time.sleep(RETRY_S)
                waited = True

    def replace(self, doc_id: str, rows_by_type: Mapping[type[Record], Sequence[Record]]) -> None:
        """Replace this document's rows in each table, all tables in one transaction."""
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                for record, rows in rows_by_type.items():
                    con.execute(f"DELETE FROM {record.TABLE} WHERE doc_id = ?", [doc_id])
                    names = [name for name, _ in columns(record) if name not in _DB_FILLED]
                    if rows:
                        con.executemany(
                            f"INSERT INTO {record.TABLE} (doc_id, {', '.join(names)}) VALUES (?{', ?' * len(names)})",
                            [[doc_id, *[getattr(_checked(row, record), n) for n in names]] for row in rows],
                        )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def read(self, record: type[R], doc_id: str, *, lineage: bool = True) -> list[R]:
        """This document's rows of one table, in the table's natural order. `lineage=False`
        for housekeeping (the sweep), which reads rows without depending on them."""
        # Announced for the lineage test, which checks each asset declares what it reads.
        if lineage:
            sys.audit("vidgen.storage.read", record.TABLE)
        if not self.path.exists():
            return []
        names = [name for name, _ in columns(record)]
        order = f" ORDER BY {record.ORDER_BY}" if record.ORDER_BY else ""
        with self.connect(read_only=True) as con:
            found = con.execute(
                f"SELECT {', '.join(names)} FROM {record.TABLE} WHERE doc_id = ?{order}", [doc_id]
            ).fetchall()
        return [record(**dict(zip(names, values))) for values in found]

    def read_one(self, record: type[R], doc_id: str, *, lineage: bool = True) -> R | None:
        found = self.read(record, doc_id, lineage=lineage)
        return found[0] if found else None


def _is_conflict(exc: Exception) -> bool:
    """Another connection holds the file: a lock held by another process (IOException), or,
    within this process, an open connection in the other mode, read-write vs read-only
    (ConnectionException "different configuration"). Both clear when that connection closes."""
    message = str(exc).lower()
    if isinstance(exc, duckdb.ConnectionException):
        return "different configuration" in message
    return "lock" in message


# Columns the database fills in itself (registration and creation times).
_DB_FILLED = frozenset({"registered_at", "created_at"})


def _checked(row: Record, record: type[Record]) -> Record:
    if type(row) is not record:
        raise TypeError(f"{record.TABLE} takes {record.__name__} rows, not {type(row).__name__}")
    return row


def _add_missing_columns(con: duckdb.DuckDBPyConnection, record: type[Record]) -> None:
    """Bring a table made by an older vidgen up to its record (new columns are added as NULL)."""
    existing = {row[1] for row in con.execute(f"PRAGMA table_info('{record.TABLE}')").fetchall()}
    for name, kind in columns(record):
        if name not in existing:
            con.execute(f"ALTER TABLE {record.TABLE} ADD COLUMN {name} {kind}")
