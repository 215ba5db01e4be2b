"""The DuckDB file: partitions replaced atomically, old files upgraded, a locked file reported."""

import multiprocessing
import threading

import duckdb
import pytest

from vidgen_assets.errors import StorageBusy
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.tables import ChunkRow, SummaryRow


def test_replacing_a_partition_never_duplicates_rows_or_touches_other_documents(tmp_path):
    db = Database(tmp_path / "v.duckdb")
    db.replace("a", {ChunkRow: [ChunkRow(i, i, i + 1, "x") for i in range(3)]})
    db.replace("b", {ChunkRow: [ChunkRow(0, 0, 1, "y")]})
    db.replace("a", {ChunkRow: [ChunkRow(0, 0, 2, "z")]})
    assert db.read(ChunkRow, "a") == [ChunkRow(0, 0.0, 2.0, "z")]
    assert [r.text for r in db.read(ChunkRow, "b")] == ["y"]


def test_a_failed_write_leaves_the_previous_rows_in_place(tmp_path):
    db = Database(tmp_path / "v.duckdb")
    db.replace("a", {ChunkRow: [ChunkRow(0, 0, 1, "kept")]})
    with pytest.raises(duckdb.Error):
        # The second table's rows fail to convert (a chunk index that is not a number).
        db.replace("a", {ChunkRow: [ChunkRow(0, 0, 1, "new")], SummaryRow: [SummaryRow("not a number", "s")]})
    assert [r.text for r in db.read(ChunkRow, "a")] == ["kept"]


def test_a_row_of_another_table_is_refused(tmp_path):
    with pytest.raises(TypeError, match="chunks takes ChunkRow rows, not SummaryRow"):
        Database(tmp_path / "v.duckdb").replace("a", {ChunkRow: [SummaryRow(0, "s")]})


def test_a_database_from_an_older_version_gains_the_new_columns(tmp_path):
    path = tmp_path / "v.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE summaries (doc_id VARCHAR, chunk_idx INTEGER, summary VARCHAR, backend VARCHAR)")
    con.execute("INSERT INTO summaries VALUES ('a', 0, 'old', 'embedded')")
    con.close()
    db = Database(path)
    db.replace("b", {SummaryRow: [SummaryRow(0, "new", fallback=True)]})
    assert db.read(SummaryRow, "a") == [SummaryRow(0, "old", "embedded")]
    assert db.read(SummaryRow, "b")[0].fallback is True


def _hold(path, opened, release):
    con = duckdb.connect(path)
    opened.set()  # the file is held from now on
    release.wait(120)
    con.close()


def test_a_file_held_by_another_program_gives_a_clear_error(tmp_path):
    path = tmp_path / "v.duckdb"
    Database(path).replace("a", {ChunkRow: []})
    context = multiprocessing.get_context("spawn")
    opened, release = context.Event(), context.Event()
    holder = context.Process(target=_hold, args=(str(path), opened, release))
    holder.start()
    try:
        assert opened.wait(120), "the other process did not open the file"
        with pytest.raises(StorageBusy, match="locked by another program"):
            Database(path, busy_timeout_s=1).replace("a", {ChunkRow: []})
    finally:
        release.set()
        holder.join()
    Database(path, busy_timeout_s=1).replace("a", {ChunkRow: []})  # free again


def test_a_connection_of_the_other_mode_in_this_process_is_waited_for(tmp_path):
    path = tmp_path / "v.duckdb"
    db = Database(path)
    db.replace("a", {ChunkRow: [ChunkRow(0, 0, 1, "kept")]})
    # A read-write connection open in this process (a writer on another thread) makes
    # DuckDB refuse a read-only one outright; the reader waits until the writer closes.
    writer = duckdb.connect(str(path))
    closer = threading.Timer(1.5, writer.close)
    closer.start()
    try:
        assert [r.text for r in db.read(ChunkRow, "a")] == ["kept"]
    finally:
        closer.join()
    # And the other way round: a writer waits for a read-only connection to close.
    reader = duckdb.connect(str(path), read_only=True)
    closer = threading.Timer(1.5, reader.close)
    closer.start()
    try:
        db.replace("a", {ChunkRow: [ChunkRow(0, 0, 2, "new")]})
    finally:
        closer.join()
    assert [r.text for r in db.read(ChunkRow, "a")] == ["new"]


def test_a_connection_of_the_other_mode_held_too_long_gives_the_clear_error(tmp_path):
    path = tmp_path / "v.duckdb"
    Database(path).replace("a", {ChunkRow: []})
    writer = duckdb.connect(str(path))
    try:
        with pytest.raises(StorageBusy, match="locked by another program for over 1 s"):
            Database(path, busy_timeout_s=1).read(ChunkRow, "a")
    finally:
        writer.close()
    assert Database(path, busy_timeout_s=1).read(ChunkRow, "a") == []
