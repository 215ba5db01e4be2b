"""The one reaper: on a real Dagster instance, with real processes alive and killed, it fails
exactly the runs whose process is gone, whichever way their liveness is told, and frees the
pool slots they held."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from dagster import DagsterInstance, DagsterRunStatus

from vidgen_assets.runs.liveness import (
    DATA_DIR_TAG,
    HOST_TAG,
    PARTITION_TAG,
    PID_TAG,
    SOURCE_TAG,
    cli_run_tags,
    reap_dead_runs,
)
from vidgen_assets.storage.paths import Paths
from vidgen_tests.helpers.runs import one_step_job

ROOT = Path(__file__).resolve().parents[1]
HOLD_LOCK = """
import sys, time
from pathlib import Path
from vidgen_assets.runs.document_lock import document_lock
with document_lock(Path(sys.argv[1]), "doc"):
    print("held", flush=True)
    time.sleep(600)
"""
# A run of Dagster's default launcher as its worker runs it: RUN_START is written by this
# process; the step then waits (alive) or the process is killed in it.
RUN_WORKER = """
import os, signal, sys, time
from dagster import DagsterInstance, job, op

@op
def step():
    print("running", flush=True)
    if sys.argv[2] == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(600)

@job
def worker_job():
    step()

with DagsterInstance.from_config(sys.argv[1]) as instance:
    worker_job.execute_in_process(instance=instance, tags={"worker": sys.argv[2]})
"""


def _started(proc: subprocess.Popen, line: str) -> subprocess.Popen:
    assert proc.stdout.readline().strip() == line, proc.stderr.read()[-2000:]
    return proc


def _python(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_the_reaper_fails_exactly_the_runs_whose_process_is_gone_and_frees_their_slots(tmp_path):
    home, paths = tmp_path / "dagster_home", Paths(tmp_path / "data")
    home.mkdir()
    gone = subprocess.Popen(["true"])
    gone.wait()
    holder = _started(_python(HOLD_LOCK, str(paths.lock("held"))), "held")
    live_worker = _started(_python(RUN_WORKER, str(home), "alive"), "running")
    killed_worker = _python(RUN_WORKER, str(home), "killed")
    assert killed_worker.wait(timeout=120) == -signal.SIGKILL, killed_worker.stderr.read()[-2000:]
    try:
        with DagsterInstance.from_config(str(home)) as instance:

            def run(doc_id: str, tags: dict[str, str]) -> str:
                return instance.create_run_for_job(
                    one_step_job, status=DagsterRunStatus.STARTED, tags={PARTITION_TAG: doc_id, **tags}
                ).run_id

            cli = cli_run_tags(paths, tmp_path / "doc.md")  # this process's pid: alive by pid
            elsewhere = {SOURCE_TAG: "cli", DATA_DIR_TAG: "/another/data", HOST_TAG: socket.gethostname()}
            dead = {
                # `vidgen make` of this data directory, told by its document lock: free
                run("free", cli),
                # `vidgen make` of another data directory on this host, told by its pid: gone
                run("x", {**elsewhere, PID_TAG: str(gone.pid)}),
            }
            alive = {
                run("held", cli),  # its lock is held by a live process
                run("y", {**elsewhere, PID_TAG: str(os.getpid())}),
                run("z", {**elsewhere, HOST_TAG: "another-host", PID_TAG: str(gone.pid)}),  # not ours to judge
            }
            workers = {r.tags["worker"]: r.run_id for r in instance.get_runs() if "worker" in r.tags}
            dead.add(workers["killed"])
            alive.add(workers["alive"])
            storage = instance.event_log_storage
            storage.set_concurrency_slots("model", 10)
            for run_id in dead | alive:
                assert storage.claim_concurrency_slot("model", run_id, "held-step", 0).is_claimed

            assert set(reap_dead_runs(instance, paths)) == dead
            status = {r.run_id: r.status for r in instance.get_runs()}
            assert {r for r in dead | alive if status[r] == DagsterRunStatus.FAILURE} == dead
            assert {r for r in dead | alive if status[r] == DagsterRunStatus.STARTED} == alive
            assert {s.run_id for s in storage.get_concurrency_info("model").claimed_slots} == alive
            assert reap_dead_runs(instance, paths) == []
    finally:
        for proc in (holder, live_worker):
            proc.send_signal(signal.SIGKILL)
            proc.wait()
