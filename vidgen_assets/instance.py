"""The Dagster instance configuration vidgen needs (vidgen_assets/dagster.yaml): concurrency
pools that give each model step a machine-wide slot, and a run queue that never starts two runs
of one document at once. Installed into DAGSTER_HOME before any run, never overwriting a
user's own settings.

`vidgen make` runs in its own process and claims pool slots like any run; so does every run
the UI, sensor or schedule launches (Dagster's default launcher: a local process per run). If
such a process is killed, its run stays "started" for ever, keeps its slots and its document's
place in the queue, and every later model step waits behind it: the default launcher has no
health check. The next `vidgen make`, and every tick of the inbox sensor, find such runs by
their process id and fail them, freeing the slots.

    python -m vidgen_assets.instance DAGSTER_HOME     (what `make ui` runs)
"""

import os
import socket
import sys
import time
from pathlib import Path

import yaml
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from vidgen_assets.storage.files import atomic_path

TEMPLATE = Path(__file__).with_name("dagster.yaml")
CLAIM_CHECK_S = 0.5  # how often a step waiting for a pool slot asks again


def install_instance_config(home: Path) -> Path:
    """Write vidgen's dagster.yaml into `home` when there is none; to an existing one without a
    `concurrency:` block, add ours. Returns the file's path."""
    target = Path(home) / "dagster.yaml"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            tmp.write_text(TEMPLATE.read_text())
        return target
    current = yaml.safe_load(target.read_text()) or {}
    if "concurrency" not in current:
        block = yaml.safe_dump({"concurrency": yaml.safe_load(TEMPLATE.read_text())["concurrency"]}, sort_keys=False)
        with atomic_path(target) as tmp:
            tmp.write_text(target.read_text().rstrip("\n") + "\n\n# added by vidgen\n" + block)
    return target


def wait_for_pool_slots_without_spinning() -> None:
    """Make a run that waits for a pool slot sleep until its next claim check.

    Dagster 1.13.27's `InstanceConcurrencyContext.interval_to_next_pending_claim_check` returns
    `min([0, ...])`, never more than 0, so the run's step loop never sleeps while it waits: it
    spins a whole core, on 2 cores stolen from the very model step that holds the slot (two
    documents at once took 5.4x one alone). This gives the intended time to the next check.
    Applied when the definitions load, so in `vidgen make`, in every run worker and in the
    multiprocess executor's parent, whose own loop never sleeps while a step waits.
    """
    from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext

    def interval_to_next_pending_claim_check(self) -> float:
        if not self._pending_claims or not self._pending_timeouts:
            return 0.0
        return max(0.0, min(self._pending_timeouts.values()) - time.time())

    InstanceConcurrencyContext.interval_to_next_pending_claim_check = interval_to_next_pending_claim_check

    # A refused claim is retried after 1.1**n seconds (n refusals so far, up to 15 s): fit for a
    # cluster of many waiting steps, but here a step that waited through a few of the other
    # run's model steps would notice a free slot seconds late, leaving the cores idle. On one
    # machine a claim check is one small SQLite query, so ask every half second.
    from dagster._core.execution.plan import instance_concurrency_context

    instance_concurrency_context._calculate_timeout_interval = lambda sleep_interval, count: CLAIM_CHECK_S

    # The multiprocess executor's loop has no sleep of its own: with no step running and one
    # waiting for a slot, it asks again at once, forever. Sleep here instead, only then, so a
    # running step's events are never held back. (In-process, sleep_til_ready finds nothing left.)
    from dagster._core.execution.plan.active import ActiveExecution

    get_steps = ActiveExecution.get_steps_to_execute
    if getattr(get_steps, "vidgen_waits", False):
        return

    def get_steps_to_execute(self, limit=None):
        steps = get_steps(self, limit)
        waiting = self._instance_concurrency_context
        if not steps and not self._in_flight and waiting is not None and waiting.has_pending_claims():
            time.sleep(min(1.0, waiting.interval_to_next_pending_claim_check()))
        return steps

    get_steps_to_execute.vidgen_waits = True
    ActiveExecution.get_steps_to_execute = get_steps_to_execute


def process_tags() -> dict[str, str]:
    """Tags that let a later `vidgen make` tell whether this process is still running."""
    return {"vidgen/host": socket.gethostname(), "vidgen/pid": str(os.getpid())}


def fail_run(instance: DagsterInstance, run, reason: str) -> None:
    """Mark a run whose process is gone as failed and give back the pool slots it held."""
    instance.report_run_failed(run, reason)
    instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)


def release_dead_runs(instance: DagsterInstance) -> list[str]:
    """Fail the started runs on this machine whose process no longer exists (a killed `vidgen
    make`, or a run worker the default launcher started), giving back their pool slots; return
    their run ids."""
    from dagster._core.launcher import DefaultRunLauncher

    local_workers = isinstance(instance.run_launcher, DefaultRunLauncher)
    released = []
    for record in instance.get_run_records(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED])):
        run = record.dagster_run
        if run.tags.get("vidgen/host") == socket.gethostname():
            pid, what = int(run.tags.get("vidgen/pid", "0") or 0), "vidgen make process"
        elif "vidgen/host" not in run.tags and local_workers:
            pid, what = _run_worker_pid(instance, run.run_id), "run worker"
        else:
            continue  # another machine's process, or a launcher that checks its own workers
        if pid and not _running(pid):
            fail_run(instance, run, f"the {what} (pid {pid}) ended without finishing this run (killed?)")
            released.append(run.run_id)
    return released


def _run_worker_pid(instance: DagsterInstance, run_id: str) -> int:
    """The process that started the run: every event records its writer's pid, and RUN_START is
    written by the run worker itself (also with the multiprocess executor, whose step
    processes are its children)."""
    from dagster import DagsterEventType

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


if __name__ == "__main__":
    print(install_instance_config(Path(sys.argv[1])))
