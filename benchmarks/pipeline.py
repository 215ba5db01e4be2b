"""Seconds per stage, peak memory, and total time / video length for the fixture paper.

    .venv/bin/python benchmarks/pipeline.py [FILE]

Runs `vidgen make` in-process on a fresh data directory (so nothing is reused) and reports
each asset's wall time from the progress events the assets emit. The figure that matters is
the ratio of total time to the video's duration (target <= 0.5 on 2 cores); peak memory is
the process's maximum resident set size (target < 2.5 GB).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT.parent / "shared" / "fixtures" / "open-information-extraction.pdf"


class StageClock:
    def __init__(self):
        self.starts: list[tuple[str, float]] = []

    def stage(self, name: str) -> None:
        self.starts.append((name, time.perf_counter()))

    def advance(self, name: str, done: float, total: float) -> None:
        pass


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else PAPER
    data = Path(tempfile.mkdtemp(prefix="vidgen-bench-"))
    os.environ["VIDGEN_DATA_DIR"] = str(data)
    os.environ["DAGSTER_HOME"] = str(data / "dagster_home")
    (data / "dagster_home").mkdir()

    from vidgen_assets import progress
    from vidgen_assets.cli import make
    from vidgen_assets.media.ffmpeg import probe

    clock = StageClock()
    progress.add_listener(clock)
    t0 = time.perf_counter()
    video = make(source, quiet=True)
    total = time.perf_counter() - t0
    duration = probe(video).duration_s

    ends = [t for _, t in clock.starts[1:]] + [t0 + total]
    print(f"source: {source.name}   video: {duration:.1f} s   data: {data}")
    print(f"{'stage':18} {'seconds':>8} {'share':>6}")
    first = clock.starts[0][1] if clock.starts else t0
    print(f"{'(start-up)':18} {first - t0:8.1f} {100 * (first - t0) / total:5.1f}%")
    for (name, start), end in zip(clock.starts, ends):
        print(f"{name:18} {end - start:8.1f} {100 * (end - start) / total:5.1f}%")
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    child_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    print(f"total {total:.1f} s; time / video length = {total / duration:.2f} (target <= 0.5)")
    print(f"peak memory: vidgen {peak_gb:.2f} GB, largest child (ffmpeg) {child_gb:.2f} GB (target < 2.5 GB)")


if __name__ == "__main__":
    main()
