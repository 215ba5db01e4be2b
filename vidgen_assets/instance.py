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
from pathlib import Path

import yaml
from dagster import DagsterInstance, DagsterRunStatus, DefaultRunLauncher, RunsFilter

from vidgen_assets.storage.files import atomic_path

TEMPLATE = Path(__file__).with_name("dagster.yaml")


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
