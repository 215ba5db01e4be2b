"""`vidgen`: the one-shot command line.

  vidgen make FILE     turn one document or recording into data/videos/<doc_id>.mp4
  vidgen doctor        say which backends can run on this machine, and why not

`make` runs the same asset graph as the Dagster UI, in one run recorded in the same Dagster
instance (DAGSTER_HOME, by default data/dagster_home), so the result is visible there too.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from tqdm import tqdm

from vidgen_assets.errors import VidgenError


class _Bars:
    """Progress listener drawing one bar over the stages and one over the current stage's items."""

    def __init__(self, stages: list[str]):
        self.stages = stages
        self.overall = tqdm(total=len(stages), desc="vidgen", unit="stage", position=0, file=sys.stderr)
        self.item: tqdm | None = None

    def stage(self, name: str) -> None:
        if self.item is not None:
            self.item.close()
            self.overall.update(1)
        self.overall.set_postfix_str(name)
        self.item = tqdm(total=1, desc=f"  {name}", position=1, leave=False, file=sys.stderr)

    def advance(self, name: str, done: float, total: float) -> None:
        if self.item is not None and total:
            self.item.total = total
            self.item.n = done
            self.item.refresh()

    def close(self) -> None:
        if self.item is not None:
            self.item.close()
        self.overall.n = len(self.stages)
        self.overall.refresh()
        self.overall.close()


def make(path: Path, quiet: bool = False, burn_in: str | None = None) -> Path:
    """Materialize every asset of `path`'s partition; return the video's path."""
    from dagster import DagsterInstance, materialize

    from vidgen_assets import progress
    from vidgen_assets.definitions import PARTITIONED_ASSETS, defs
    from vidgen_assets.partitions import documents
    from vidgen_assets.sources.read import read_source
    from vidgen_assets.registry import register

    resources = dict(defs.resources)
    if burn_in is not None:
        # A new instance, not model_copy: Dagster reads a resource's config from its constructor.
        old = resources["settings"]
        resources["settings"] = type(old)(**{**{f: getattr(old, f) for f in type(old).model_fields}, "burn_in": burn_in})
    storage = resources["storage"]
    paths = storage.paths()
    # Read the file once before anything is recorded, so bad input leaves data/ untouched.
    with tempfile.TemporaryDirectory() as scratch:
        read_source(Path(path), Path(scratch), resources["settings"].max_pages, resources["settings"].max_recording_minutes * 60)
    doc_id = register(storage.database(), path)
    os.environ.setdefault("DAGSTER_HOME", str(paths.root / "dagster_home"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    instance = DagsterInstance.get()
    if not instance.has_dynamic_partition(documents.name, doc_id):
        instance.add_dynamic_partitions(documents.name, [doc_id])
    bars = None if quiet else _Bars([a.key.to_user_string() for a in PARTITIONED_ASSETS])
    if bars:
        progress.add_listener(bars)
    try:
        materialize(
            PARTITIONED_ASSETS,
            partition_key=doc_id,
            instance=instance,
            resources=resources,
            tags={"vidgen/source": "cli", "vidgen/file": str(Path(path).resolve())},
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        )
    finally:
        if bars:
            progress.remove_listener(bars)
            bars.close()
    return paths.video(doc_id)


def _user_error(exc: BaseException) -> VidgenError | None:
    """The VidgenError under Dagster's wrapping exceptions, if the failure is one."""
    seen = exc
    while seen is not None:
        if isinstance(seen, VidgenError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vidgen", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make_cmd = sub.add_parser("make", help="turn a document or recording into a narrated video")
    make_cmd.add_argument("file", type=Path)
    make_cmd.add_argument("--quiet", action="store_true", help="no progress bars")
    make_cmd.add_argument("--burn-in", choices=("none", "plain", "highlight"), default=None,
                          help="draw captions into the picture (highlight: the spoken word too)")
    sub.add_parser("doctor", help="which backends can run here")
    args = parser.parse_args(argv)

    if args.command == "doctor":
        from vidgen_assets.doctor import report

        lines, ok = report()
        print("\n".join(lines))
        return 0 if ok else 1
    try:
        video = make(args.file, quiet=args.quiet, burn_in=args.burn_in)
    except Exception as exc:  # shown as one line; the traceback is in the Dagster run log
        error = _user_error(exc) or exc
        print(f"vidgen: error: {error}".splitlines()[0], file=sys.stderr)
        return 1
    print(video)
    return 0


if __name__ == "__main__":
    sys.exit(main())
