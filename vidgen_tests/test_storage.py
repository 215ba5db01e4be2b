"""The DuckDB file: partitions replaced atomically, old files upgraded, a locked file reported."""

import multiprocessing
import time

import duckdb
import pytest

from vidgen_assets.errors import StorageBusy
from vidgen_assets.storage.duckdb import Database


def test_replacing_a_partition_never_duplicates_rows_or_touches_other_documents(tmp_path):
    db = Database(tmp_path / "v.duckdb")
    db.replace_partition("a", {"chunks": [{"idx": i, "start_s": i, "end_s": i + 1, "text": "x"} for i in range(3)]})
    db.replace_partition("b", {"chunks": [{"idx": 0, "start_s": 0, "end_s": 1, "text": "y"}]})
    db.replace_partition("a", {"chunks": [{"idx": 0, "start_s": 0, "end_s": 2, "text": "z"}]})
    assert [r["text"] for r in db.rows("chunks", "a")] == ["z"]
    assert [r["text"] for r in db.rows("chunks", "b")] == ["y"]


def test_a_failed_write_leaves_the_previous_rows_in_place(tmp_path):
    db = Database(tmp_path / "v.duckdb")
    db.replace_partition("a", {"chunks": [{"idx": 0, "start_s": 0, "end_s": 1, "text": "kept"}]})
    with pytest.raises(duckdb.Error):
        db.replace_partition("a", {
            "chunks": [{"idx": 0, "start_s": 0, "end_s": 1, "text": "new"}],
            "summaries": [{"chunk_idx": 0, "no_such_column": 1}],
        })
    assert [r["text"] for r in db.rows("chunks", "a")] == ["kept"]


def test_a_database_from_an_older_version_gains_the_new_columns(tmp_path):
    path = tmp_path / "v.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE summaries (doc_id VARCHAR, chunk_idx INTEGER, summary VARCHAR, backend VARCHAR)")
    con.execute("INSERT INTO summaries VALUES ('a', 0, 'old', 'embedded')")
    con.close()
    db = Database(path)
    db.replace_partition("b", {"summaries": [{"chunk_idx": 0, "summary": "new", "fallback": True}]})
    assert db.rows("summaries", "a")[0]["fallback"] is None
    assert db.rows("summaries", "b")[0]["fallback"] is True


def _hold(path, seconds):
    con = duckdb.connect(path)
    time.sleep(seconds)
    con.close()


def test_a_file_held_by_another_program_gives_a_clear_error(tmp_path):
    path = tmp_path / "v.duckdb"
    Database(path).replace_partition("a", {"chunks": []})
    holder = multiprocessing.get_context("spawn").Process(target=_hold, args=(str(path), 8))
    holder.start()
    time.sleep(3)  # let the other process open the file
    try:
        with pytest.raises(StorageBusy, match="locked by another program"):
            Database(path, busy_timeout_s=1).replace_partition("a", {"chunks": []})
    finally:
        holder.join()
    Database(path, busy_timeout_s=1).replace_partition("a", {"chunks": []})  # free again
