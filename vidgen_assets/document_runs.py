"""Runs of one document never overlap.

Three things keep them apart: the run queue's limit of one run per `dagster/partition` tag
(the instance configuration) for runs launched from the UI, sensor or schedule; the document
lock (storage/locks.py) that `vidgen make` holds for its whole run; and `vidgen make` itself,
which refuses to start while the Dagster instance has a queued or running run of the document.
Its own run is recorded in the same instance, so the queue holds back the UI's runs of that
document meanwhile. The first step of every run checks once more (`start_document_run`), then
sweeps what interrupted runs of the document left behind.
"""

from __future__ import annotations

from pathlib import Path

from dagster import DagsterInstance, DagsterRun, DagsterRunStatus, RunsFilter

from vidgen_assets.errors import DocumentBusy
from vidgen_assets.instance import fail_run, process_tags
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.locks import holder_elsewhere
from vidgen_assets.storage.paths import Paths
from vidgen_assets.storage.versions import sweep

PARTITION_TAG = "dagster/partition"
SOURCE_TAG, DATA_DIR_TAG = "vidgen/source", "vidgen/data-dir"
RUNNING = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]


def cli_run_tags(paths: Paths, source: Path) -> dict[str, str]:
    """Tags of a `vidgen make` run: it holds the document lock of this data directory."""
    return {SOURCE_TAG: "cli", DATA_DIR_TAG: str(paths.root), "vidgen/file": str(Path(source).resolve()),
            **process_tags()}


def _is_dead_cli_run(run: DagsterRun, paths: Paths, doc_id: str) -> bool:
    """A `vidgen make` run of this data directory whose process is gone: it would still hold
    the document lock if it were alive (the lock is taken before its run starts and released
    after it ends), and the kernel drops the lock of a killed process."""
    return (run.tags.get(SOURCE_TAG) == "cli" and run.tags.get(DATA_DIR_TAG) == str(paths.root)
            and holder_elsewhere(paths.lock(doc_id)) is None)


def runs_of(instance: DagsterInstance, doc_id: str, statuses: list[DagsterRunStatus]) -> list[DagsterRun]:
    return list(instance.get_runs(filters=RunsFilter(tags={PARTITION_TAG: doc_id}, statuses=statuses)))


def fail_dead_cli_runs(instance: DagsterInstance, paths: Paths, doc_id: str) -> list[str]:
    """Mark as failed the runs of killed `vidgen make` processes, which Dagster would show as
    running forever (and count against the queue's limit). Returns their run ids."""
    dead = [r for r in runs_of(instance, doc_id, RUNNING) if _is_dead_cli_run(r, paths, doc_id)]
    for run in dead:
        fail_run(instance, run, "the `vidgen make` process running it ended without finishing it (killed?)")
    return [r.run_id for r in dead]


def describe(run: DagsterRun) -> str:
    where = "vidgen make" if run.tags.get(SOURCE_TAG) == "cli" else "the Dagster UI, sensor or schedule"
    return f"Dagster run {run.run_id} ({run.status.value.lower()}, from {where})"


def refuse_if_busy(instance: DagsterInstance, doc_id: str) -> None:
    """For `vidgen make`, holding the document lock: DocumentBusy if the instance has a queued
    or running run of the document."""
    busy = runs_of(instance, doc_id, [DagsterRunStatus.QUEUED, *RUNNING])
    if busy:
        raise DocumentBusy(doc_id, describe(busy[0]))


def start_document_run(instance: DagsterInstance, paths: Paths, db: Database, doc_id: str, run_id: str) -> list[Path]:
    """In the first step of a run: DocumentBusy if another run of the document is active (a
    `vidgen make` in another process, or another running Dagster run); otherwise remove what
    interrupted runs left behind and return it."""
    holder = holder_elsewhere(paths.lock(doc_id))
    if holder:
        raise DocumentBusy(doc_id, holder)
    others = [r for r in runs_of(instance, doc_id, RUNNING)
              if r.run_id != run_id and not _is_dead_cli_run(r, paths, doc_id)]
    if others:
        raise DocumentBusy(doc_id, describe(others[0]))
    return sweep(db, paths, doc_id)
