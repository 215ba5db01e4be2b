"""Runs of one document never overlap.

Three things keep them apart: the run queue's limit of one run per `dagster/partition` tag
(the instance configuration) for runs launched from the UI, sensor or schedule; the document
lock (document_lock.py) that `vidgen make` holds for its whole run; and `vidgen make` itself,
which refuses to start while the Dagster instance has a queued or running run of the document.
Its own run is recorded in the same instance, so the queue holds back the UI's runs of that
document meanwhile. The first step of every run checks once more (`start_document_run`), then
sweeps what interrupted runs of the document left behind.
"""

from __future__ import annotations

from pathlib import Path

from dagster import DagsterInstance, DagsterRun, DagsterRunStatus, RunsFilter

from vidgen_assets.errors import DocumentBusy
from vidgen_assets.runs.document_lock import holder_elsewhere
from vidgen_assets.runs.liveness import PARTITION_TAG, RUNNING, from_cli, why_dead
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.paths import Paths
from vidgen_assets.storage.versions import sweep


def runs_of(instance: DagsterInstance, doc_id: str, statuses: list[DagsterRunStatus]) -> list[DagsterRun]:
    return list(instance.get_runs(filters=RunsFilter(tags={PARTITION_TAG: doc_id}, statuses=statuses)))


def describe(run: DagsterRun) -> str:
    where = "vidgen make" if from_cli(run) else "the Dagster UI, sensor or schedule"
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
    others = [r for r in runs_of(instance, doc_id, RUNNING) if r.run_id != run_id and not why_dead(instance, r, paths)]
    if others:
        raise DocumentBusy(doc_id, describe(others[0]))
    return sweep(db, paths, doc_id)
