"""Where a document is in the pipeline, read from the Dagster instance's run records.

Every run of a document, from the sensor, the UI or `vidgen make`, carries the tag
`dagster/partition=<doc_id>`; its step events say which asset is being made and, when it
failed, why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

from vidgen_assets.graph import stage_names
from vidgen_assets.runs.liveness import PARTITION_TAG
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.web.queries import doc_ids_by_source

_STEP_EVENTS = {
    DagsterEventType.STEP_START,
    DagsterEventType.STEP_SUCCESS,
    DagsterEventType.STEP_FAILURE,
    DagsterEventType.RUN_FAILURE,
}
_STATE = {
    DagsterRunStatus.QUEUED: "queued",
    DagsterRunStatus.NOT_STARTED: "queued",
    DagsterRunStatus.STARTING: "running",
    DagsterRunStatus.STARTED: "running",
    DagsterRunStatus.SUCCESS: "finished",
    DagsterRunStatus.FAILURE: "failed",
    DagsterRunStatus.CANCELING: "canceled",
    DagsterRunStatus.CANCELED: "canceled",
}


@dataclass(frozen=True)
class RunState:
    """A document's latest run: queued, running at stage n of N, finished, failed or canceled."""

    state: str
    stage: int = 0  # 1-based index of the asset being made (or last made); 0 before the first
    stages: int = 0
    step: str | None = None
    reason: str | None = None  # one line, for a failed run
    run_id: str | None = None

    @property
    def detail(self) -> str:
        """What to say beside the state: the stage being made, or why it failed or waits."""
        if self.state == "running" and self.stage:
            return f"stage {self.stage} of {self.stages}: {self.step}"
        if self.state == "failed":
            where = f"at {self.step} (stage {self.stage} of {self.stages}): " if self.step else ""
            return where + (self.reason or "no reason recorded")
        return self.reason or ""

    def describe(self) -> str:
        return f"{self.state} {self.detail}" if self.detail else self.state


WAITING = RunState("queued", reason="waiting for the inbox sensor to start a run")


def one_line(error) -> str:
    """What the asset raised, from a serialized Dagster error, as 'Class: message' on one line.

    Dagster wraps an asset's exception ("Error occurred while executing op ..."); the person
    wants the error underneath (a vidgen error names the file and the fix), not Dagster's
    wrapper nor the library error that vidgen's own was raised from.
    """
    while error.cause is not None and error.message.startswith("dagster."):
        error = error.cause
    text = error.message.strip()
    head, sep, rest = text.partition(": ")
    if sep and head.endswith(error.cls_name):  # "vidgen_assets.errors.InputError: ..." -> "InputError: ..."
        text = f"{error.cls_name}: {rest}"
    return (text.splitlines() or [error.cls_name])[0]


def run_state(instance: DagsterInstance, doc_id: str, stages: list[str]) -> RunState:
    """The latest run of `doc_id` (WAITING when there is none yet).

    `stages` are the step keys of the pipeline in order (the partitioned assets); other steps,
    such as asset checks, do not count as stages.
    """
    runs = instance.get_runs(filters=RunsFilter(tags={PARTITION_TAG: doc_id}), limit=1)
    if not runs:
        return WAITING
    run = runs[0]
    state = _STATE.get(run.status, run.status.value.lower())
    step, reason = None, None
    for entry in instance.all_logs(run.run_id, of_type=_STEP_EVENTS):
        event = entry.dagster_event
        if entry.step_key in stages:
            step = entry.step_key
        if event.event_type == DagsterEventType.STEP_FAILURE and reason is None:
            reason = one_line(event.step_failure_data.error)
        elif event.event_type == DagsterEventType.RUN_FAILURE and reason is None:
            error = getattr(event.event_specific_data, "error", None)
            reason = one_line(error) if error else entry.message
    stage = stages.index(step) + 1 if step else 0
    return RunState(state, stage, len(stages), step, reason if state == "failed" else None, run.run_id)


@dataclass(frozen=True)
class Upload:
    """A file in the inbox and how far the pipeline has got with it."""

    name: str
    added_at: datetime
    doc_id: str | None
    run: RunState


@lru_cache(maxsize=4)
def _instance(dagster_home: str) -> DagsterInstance:
    return DagsterInstance.from_config(dagster_home)


def inbox_progress(inbox: Path, db: Database, dagster_home: Path, limit: int = 50) -> list[Upload]:
    """The newest `limit` files in the inbox with the state of each one's latest run."""
    if not inbox.is_dir():
        return []
    files = [p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")]
    files = sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)[:limit]
    doc_ids = doc_ids_by_source(db)
    # No instance yet means no run yet; opening one would create it, which is not ours to do.
    instance = _instance(str(dagster_home)) if dagster_home.is_dir() else None
    stages = stage_names()
    uploads = []
    for path in files:
        doc_id = doc_ids.get(str(path.resolve()))
        state = run_state(instance, doc_id, stages) if doc_id and instance else WAITING
        uploads.append(Upload(path.name, datetime.fromtimestamp(path.stat().st_mtime), doc_id, state))
    return uploads
