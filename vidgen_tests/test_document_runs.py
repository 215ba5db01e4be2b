"""Runs of one document never overlap: the document lock between real processes, the Dagster
instance's queued and running runs of the document, and the runs of killed `vidgen make`
processes, on a real (temporary) Dagster instance."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus

from vidgen_assets.errors import DocumentBusy
from vidgen_assets.runs.document_lock import document_lock, holder_elsewhere
from vidgen_assets.runs.one_per_document import runs_of, start_document_run
from vidgen_assets.storage.catalog import register
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.paths import Paths
from vidgen_assets.storage.versions import new_version
from vidgen_tests.helpers.cli import database_rows, run_vidgen, snapshot
from vidgen_tests.helpers.runs import ONE_STEP_JOB_ORIGIN, one_step_job

HOLD = """
import sys, time
from pathlib import Path
from vidgen_assets.runs.document_lock import document_lock
with document_lock(Path(sys.argv[1]), "doc"):
    print("held", flush=True)
    time.sleep(600)
"""


@pytest.fixture
def instance(tmp_path):
    (tmp_path / "dagster_home").mkdir()
    with DagsterInstance.local_temp(str(tmp_path / "dagster_home")) as inst:
        yield inst


def _hold_lock_in_another_process(path: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_process_is_refused_the_lock_with_the_holder_named_until_the_holder_dies(tmp_path):
    lock = tmp_path / "locks" / "doc.lock"
    holder = _hold_lock_in_another_process(lock)
    try:
        with pytest.raises(DocumentBusy, match=rf"doc is already being made by .*pid {holder.pid}"):
            with document_lock(lock, "doc"):
                pass
        assert f"pid {holder.pid}" in holder_elsewhere(lock)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # The kernel released the lock of the killed process.
    assert holder_elsewhere(lock) is None
    with document_lock(lock, "doc"):
        assert holder_elsewhere(lock) is None, "held by this process, not elsewhere"
    assert lock.read_text() == "", "an idle lock file names nobody"


def test_vidgen_make_refuses_while_a_run_of_the_document_is_queued_and_changes_nothing(data_dir, tmp_path):
    doc, other = tmp_path / "note.md", tmp_path / "other.md"
    doc.write_text("# A note\n\nOne sentence to narrate.\n")
    other.write_text("# Another note\n\nIt was registered before.\n")
    register(Database(data_dir / "vidgen.duckdb"), other)  # a database with something in it
    with DagsterInstance.from_config(str(data_dir / "dagster_home")) as inst:
        queued = inst.create_run_for_job(
            one_step_job,
            status=DagsterRunStatus.QUEUED,
            tags={"dagster/partition": "note"},
            remote_job_origin=ONE_STEP_JOB_ORIGIN,
        )

    def files() -> dict[str, str]:
        # DuckDB may rewrite its file's bytes when it opens it: its rows are compared instead.
        # The document's lock file stays (idle, it names nobody: checked below).
        return {
            name: digest
            for name, digest in snapshot(data_dir).items()
            if name not in ("vidgen.duckdb", "locks/note.lock")
        }

    files_before, rows_before = files(), database_rows(data_dir)
    result = run_vidgen(data_dir, "make", str(doc), "--quiet")
    assert result.returncode == 75, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert f"note is already being made by Dagster run {queued.run_id} (queued" in last
    assert database_rows(data_dir) == rows_before, "a refused run records nothing"
    assert files() == files_before
    assert (data_dir / "locks" / "note.lock").read_text() == ""


def test_the_first_step_stops_beside_another_run_and_otherwise_sweeps(tmp_path, instance):
    paths, db = Paths(tmp_path / "data"), Database(tmp_path / "data" / "v.duckdb")
    leftover = new_version(db, paths, "doc", "frames").directory  # never committed
    mine = instance.create_run_for_job(one_step_job, status=DagsterRunStatus.STARTED, tags={"dagster/partition": "doc"})
    other = instance.create_run_for_job(
        one_step_job, status=DagsterRunStatus.STARTED, tags={"dagster/partition": "doc"}
    )
    with pytest.raises(DocumentBusy, match=f"Dagster run {other.run_id} \\(started, from the Dagster UI"):
        start_document_run(instance, paths, db, "doc", mine.run_id)
    assert leftover.is_dir(), "nothing is swept while another run may be writing"

    instance.report_run_failed(other)
    holder = _hold_lock_in_another_process(paths.lock("doc"))
    try:
        with pytest.raises(DocumentBusy, match=f"pid {holder.pid}"):
            start_document_run(instance, paths, db, "doc", mine.run_id)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert start_document_run(instance, paths, db, "doc", mine.run_id) == [leftover]
    assert [r.run_id for r in runs_of(instance, "doc", [DagsterRunStatus.STARTED])] == [mine.run_id]
