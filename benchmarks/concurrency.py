"""Documents at once: does running several cost what it should on 2 cores?

    .venv/bin/python benchmarks/concurrency.py [two|backfill]     (both by default)

two       Two `vidgen make` of different documents started together, against one alone. Model
          steps share the machine-wide pool slots (vidgen_assets/dagster.yaml), so both
          together should take at most 2.2x one alone (issue 8 measured 18x per step without).
backfill  Eight short documents as a backfill runs them, a process per run: two runs at a time
          (the run queue's max_concurrent_runs) with vidgen's default executor (steps in the
          run's process) and with Dagster's multiprocess executor (a process per step), against
          one run after another in-process. Target: throughput at least 1.4x. Beside the runs a
          process reads one document's storyboard page, as the web app does, every 0.5 s (a
          person clicking through); lock waits are counted in the runs' processes (steps in the
          run's process only) and in that reader.

Each part uses a fresh data directory whose model cache is warmed by one run first, so
neither side pays for assembling models. Run it on a quiet machine (uptime load < 1.5).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "examples" / "rock-pools.md"
sys.path.insert(0, str(ROOT))


def fresh_data_dir(name: str) -> Path:
    data = Path(tempfile.mkdtemp(prefix=f"vidgen-bench-{name}-"))
    os.environ["VIDGEN_DATA_DIR"] = str(data)
    os.environ["DAGSTER_HOME"] = str(data / "dagster_home")
    return data


def vidgen_make(document: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "vidgen_assets.cli", "make", str(document), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def finish(runs: list[subprocess.Popen]) -> None:
    for run in runs:
        out, err = run.communicate()
        if run.returncode != 0:
            raise SystemExit(f"vidgen make failed: {err.strip().splitlines()[-1] if err.strip() else out}")


def two_at_once() -> None:
    data = fresh_data_dir("two")
    copies = {}
    for name in ("warm-up", "alone", "first", "second"):
        copies[name] = data / "inputs" / f"{name}.md"
        copies[name].parent.mkdir(exist_ok=True)
        shutil.copy(EXAMPLE, copies[name])
    finish([vidgen_make(copies["warm-up"])])
    started = time.perf_counter()
    finish([vidgen_make(copies["alone"])])
    alone = time.perf_counter() - started
    started = time.perf_counter()
    finish([vidgen_make(copies["first"]), vidgen_make(copies["second"])])
    both = time.perf_counter() - started
    print(
        f"two documents at once ({EXAMPLE.name}, twice): one alone {alone:.1f} s, "
        f"both together {both:.1f} s, ratio {both / alone:.2f}x (target <= 2.2x)"
    )


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def backfill() -> None:
    from vidgen_tests.helpers.load import Reader, register_documents, run_at_once, write_notes

    data = fresh_data_dir("backfill")
    warm, *notes = write_notes(data / "inputs", 9)  # a warm-up and eight documents
    doc_ids = register_documents([warm, *notes])
    run_at_once(doc_ids[:1], executor="in_process")  # models assembled into the cache once
    documents = doc_ids[1:]
    results = {}
    # The same eight documents both ways (a run replaces a document's rows and files).
    for label, executor, at_once in (
        ("in-process, one run after another", "in_process", 1),
        ("in-process, two runs at a time (the default)", "in_process", 2),
        ("multiprocess executor, two runs at a time", "multiprocess", 2),
    ):
        reader = Reader(data / "vidgen.duckdb", documents, pages=True, pause_s=0.5)
        cpu_before = _children_cpu_seconds()
        started = time.perf_counter()
        with ThreadPoolExecutor(at_once) as workers:
            outcomes = list(workers.map(lambda d, executor=executor: run_at_once([d], executor=executor)[d], documents))
        seconds = time.perf_counter() - started
        busy = (
            _children_cpu_seconds() - cpu_before
        ) / seconds  # runs (and their step processes) ended and were waited for
        reads, errors, waits = reader.stop()
        failed = sum(not ok for ok, *_ in outcomes)
        run_waits = [o[3] for o in outcomes]
        results[label] = seconds
        print(
            f"{label}: {len(outcomes)} documents in {seconds:.1f} s ({failed} failed), {busy:.2f} of "
            f"{len(os.sched_getaffinity(0))} cores busy on average; reader beside: "
            f"{reads} page reads, {waits['count']} lock waits ({waits['seconds']:.2f} s), {len(errors)} errors; "
            f"runs' lock waits: {sum(w['count'] for w in run_waits)} ({sum(w['seconds'] for w in run_waits):.2f} s)"
        )
    baseline, *scaled = results.items()
    for label, seconds in scaled:
        print(f"backfill throughput, {label}: {baseline[1] / seconds:.2f}x one after another (target >= 1.4x)")


if __name__ == "__main__":
    parts = sys.argv[1:] or ["two", "backfill"]
    print(f"load before: {os.getloadavg()[0]:.2f}")
    if "two" in parts:
        two_at_once()
    if "backfill" in parts:
        backfill()
