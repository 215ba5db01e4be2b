"""Which runs are alive, told by the tags vidgen puts on them, and the one reaper of dead ones.

Every run of a document carries `dagster/partition=<doc_id>`. A `vidgen make` run also says
where its process is: this data directory, this host and pid, and that it holds the document
lock (document_lock.py) from before its run starts until after it ends. Runs the
UI, sensor or schedule launch run in a worker process Dagster's default launcher starts, whose
pid the run's RUN_START event records.

Dagster's default launcher has no health check: a killed process leaves its run "started" for
ever, holding its pool slots and its document's place in the queue, and every later model step
waits behind it. `reap_dead_runs`, called by `vidgen make` and by every tick of the inbox
sensor, fails such runs and frees their slots.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, DagsterRun, DagsterRunStatus, DefaultRunLauncher, RunsFilter

from vidgen_assets.runs.document_lock import holder_elsewhere
from vidgen_assets.storage.paths import Paths

PARTITION_TAG = "dagster/partition"  # Dagster's own: the document a run makes
SOURCE_TAG = "vidgen/source"  # "cli" for a `vidgen make` run
DATA_DIR_TAG = "vidgen/data-dir"  # the data directory whose document lock a `vidgen make` run holds
FILE_TAG = "vidgen/file"  # the source file a run was started for
HOST_TAG, PID_TAG = "vidgen/host", "vidgen/pid"  # where a `vidgen make` run's process is
FROM_CLI = "cli"

RUNNING = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]


def cli_run_tags(paths: Paths, source: Path) -> dict[str, str]:
    """Tags of a `vidgen make` run in this process: it holds the document lock of this data directory."""
    return {
        SOURCE_TAG: FROM_CLI,
        DATA_DIR_TAG: str(paths.root),
        FILE_TAG: str(Path(source).resolve()),
        HOST_TAG: socket.gethostname(),
        PID_TAG: str(os.getpid()),
    }


def from_cli(run: DagsterRun) -> bool:
    return run.tags.get(SOURCE_TAG) == FROM_CLI


def why_dead(instance: DagsterInstance, run: DagsterRun, paths: Paths | None = None) -> str | None:
    """Why `run` (queued or running) has no live process, or None when it may be alive.

    A `vidgen make` run of `paths`' data directory is dead when its document lock is free (the
    kernel frees the lock of a killed process, and reusing its pid changes nothing); another one
    on this host, when its pid is gone. A run of Dagster's default launcher on this host, when
    the worker that started it is gone. Runs elsewhere, or of a launcher that watches its own
    workers, are never judged here.
    """
    doc_id = run.tags.get(PARTITION_TAG)
    if from_cli(run) and paths is not None and doc_id and run.tags.get(DATA_DIR_TAG) == str(paths.root):
        if holder_elsewhere(paths.lock(doc_id)) is None:
            return "the `vidgen make` process running it ended without finishing it (killed?)"
        return None
    if run.tags.get(HOST_TAG) == socket.gethostname():
        pid, what = int(run.tags.get(PID_TAG) or 0), "vidgen make process"
    elif HOST_TAG not in run.tags and isinstance(instance.run_launcher, DefaultRunLauncher):
        pid, what = _run_worker_pid(instance, run.run_id), "run worker"
    else:
        return None
    if pid and not _running(pid):
        return f"the {what} (pid {pid}) ended without finishing this run (killed?)"
    return None


def reap_dead_runs(instance: DagsterInstance, paths: Paths | None = None) -> list[str]:
    """Fail every running run that `why_dead` finds dead, giving back the pool slots it held
    (`paths`: the data directory whose `vidgen make` runs are judged by their lock). Returns
    their run ids."""
    reaped = []
    for record in instance.get_run_records(filters=RunsFilter(statuses=RUNNING)):
        reason = why_dead(instance, record.dagster_run, paths)
        if reason:
            instance.report_run_failed(record.dagster_run, reason)
            instance.event_log_storage.free_concurrency_slots_for_run(record.dagster_run.run_id)
            reaped.append(record.dagster_run.run_id)
    return reaped


def _run_worker_pid(instance: DagsterInstance, run_id: str) -> int:
    """The process that started the run: every event records its writer's pid, and RUN_START is
    written by the run worker itself (also with the multiprocess executor, whose step
    processes are its children). 0 before it starts."""
    starts = instance.all_logs(run_id, of_type=DagsterEventType.RUN_START)
    event = starts[0].dagster_event if starts else None
    return event.pid if event and event.pid else 0


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child its parent has not reaped yet is a zombie: gone all the same
        return " Z " not in Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1][:4]
    except OSError:
        return False
