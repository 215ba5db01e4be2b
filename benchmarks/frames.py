"""The frames stage's cost per chunk with the `library` picture backend against `none`, in one run.

    .venv/bin/python benchmarks/frames.py [FILE] [--data-dir DIR] [--repeat 2]

Materializes the assets up to image_prompts for FILE (default data/examples/how-vidgen-works.md)
into a data directory (a fresh one unless --data-dir names one where FILE is already done), then
materializes `frames` alone with each backend in turn, `none` first, --repeat times each. The
first `library` run of a fresh data directory also indexes the clip-art collection; it is
reported on its own line, as a one-off. Prints seconds per chunk for each backend, the ratio
library / none measured in the same run, and the share of non-figure frames given a picture.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "examples" / "how-vidgen-works.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=EXAMPLE)
    parser.add_argument("--data-dir", type=Path, help="a data directory to reuse (upstream assets already made)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    data = args.data_dir or Path(tempfile.mkdtemp(prefix="vidgen-bench-frames-"))
    os.environ["VIDGEN_DATA_DIR"] = str(data)
    os.environ.setdefault("DAGSTER_HOME", str(data / "dagster_home"))
    (data / "dagster_home").mkdir(parents=True, exist_ok=True)

    from dagster import DagsterInstance, materialize

    from vidgen_assets.definitions import PARTITIONED_ASSETS
    from vidgen_assets.partitions import documents
    from vidgen_assets.resources import build_resources, resolved
    from vidgen_assets.storage.catalog import register
    from vidgen_assets.storage.tables import ChunkRow, FrameRow, ImagePromptRow

    def resources(backend: str) -> dict:
        return {key: resolved(r) for key, r in build_resources({"pictures": backend}).items()}

    db = resources("none")["storage"].database()
    doc_id = register(db, args.source)
    instance = DagsterInstance.get()
    if not instance.has_dynamic_partition(documents.name, doc_id):
        instance.add_dynamic_partitions(documents.name, [doc_id])
    upstream = PARTITIONED_ASSETS[: [a.key.to_user_string() for a in PARTITIONED_ASSETS].index("frames")]
    frames = next(a for a in PARTITIONED_ASSETS if a.key.to_user_string() == "frames")
    if not db.read(ImagePromptRow, doc_id):
        started = time.perf_counter()
        materialize(upstream, partition_key=doc_id, instance=instance, resources=resources("none"))
        print(f"upstream assets of {args.source.name}: {time.perf_counter() - started:.0f} s (not part of the figures)")
    chunks = len(db.read(ChunkRow, doc_id))

    def run(backend: str) -> float:
        started = time.perf_counter()
        materialize([frames], partition_key=doc_id, instance=instance, resources=resources(backend))
        return time.perf_counter() - started

    seconds: dict[str, list[float]] = {"none": [], "library": []}
    index_run = None
    for n in range(args.repeat):
        seconds["none"].append(run("none"))
        took = run("library")
        if n == 0 and args.data_dir is None:
            index_run = took  # a fresh directory: this run indexed the collection
            took = run("library")
        seconds["library"].append(took)
    rows = db.read(FrameRow, doc_id)
    plain = [r for r in rows[1:] if "figure" not in _png_text(Path(r.path))]
    pictured = sum(1 for r in plain if r.picture_source)

    print(f"source: {args.source.name}   chunks: {chunks}   data: {data}")
    if index_run is not None:
        print(f"library, first run (indexes the clip art once): {index_run:.1f} s")
    for backend, runs in seconds.items():
        median = statistics.median(runs)
        print(
            f"{backend:8} {median:7.2f} s   {median / chunks:.3f} s per chunk   (runs: {', '.join(f'{s:.1f}' for s in runs)})"
        )
    ratio = statistics.median(seconds["library"]) / statistics.median(seconds["none"])
    print(f"library / none = {ratio:.2f}x; non-figure frames with a picture: {pictured}/{len(plain)}")


def _png_text(path: Path) -> dict:
    from PIL import Image

    with Image.open(path) as image:
        return dict(image.text)


if __name__ == "__main__":
    main()
