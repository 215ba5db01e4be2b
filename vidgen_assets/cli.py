"""`vidgen`: the one-shot command line.

  vidgen make FILE     turn one document or recording into data/videos/<doc_id>.mp4
  vidgen doctor        say which backends can run on this machine, and why not
  vidgen serve         the web pages: gallery, player with storyboard, upload, health

`make` runs the same asset graph as the Dagster UI, in one run recorded in the same Dagster
instance (DAGSTER_HOME, by default data/dagster_home), so the result is visible there too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tqdm import tqdm

from vidgen_assets.errors import CheckFailed, DocumentBusy, VidgenError

# The exit status when another run of the document is active: try again later (sysexits.h).
EX_TEMPFAIL = 75


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


def make(path: Path, quiet: bool = False, overrides: dict | None = None) -> Path:
    """Materialize every asset of `path`'s partition; return the video's path.

    `overrides` maps setting flags (`burn-in`, `tts`, ...) to values; the rest comes from the
    environment and the defaults, exactly as in the Dagster UI.
    """
    from dagster import DagsterInstance, materialize
    from dagster._core.errors import DagsterAssetCheckFailedError

    from vidgen_assets import progress
    from vidgen_assets.definitions import ASSET_CHECKS, PARTITIONED_ASSETS
    from vidgen_assets.document_runs import cli_run_tags, fail_dead_cli_runs, refuse_if_busy
    from vidgen_assets.instance import release_dead_runs
    from vidgen_assets.partitions import documents
    from vidgen_assets.resources import build_resources, ensure_dagster_home, resolved
    from vidgen_assets.sources.kinds import RECORDING_KINDS
    from vidgen_assets.sources.read import read_source
    from vidgen_assets.storage.catalog import doc_id_of, register
    from vidgen_assets.storage.locks import document_lock

    resources = {key: resolved(r) for key, r in build_resources(overrides).items()}
    storage, settings = resources["storage"], resources["settings"]
    paths = storage.paths()
    # Read the file and check the backends it needs before anything is recorded, so bad input
    # or an unreachable backend leaves data/ untouched.
    with tempfile.TemporaryDirectory() as scratch:
        doc = read_source(Path(path), Path(scratch), settings.max_pages, settings.max_recording_seconds,
                          settings.max_words)
    _check_backends(resources, recording=doc.kind in RECORDING_KINDS)
    db = storage.database()
    doc_id = doc_id_of(db, path)
    ensure_dagster_home(paths)
    instance = DagsterInstance.get()
    with document_lock(paths.lock(doc_id), doc_id):
        release_dead_runs(instance)  # a killed `vidgen make` would hold its model slot for ever
        fail_dead_cli_runs(instance, paths, doc_id)
        refuse_if_busy(instance, doc_id)
        # Recorded only now, so a refused run leaves the database as it was.
        if register(db, path) != doc_id:
            raise VidgenError(f"{path}: another file took the name {doc_id} while this run started; run again")
        if not instance.has_dynamic_partition(documents.name, doc_id):
            instance.add_dynamic_partitions(documents.name, [doc_id])
        bars = None if quiet else _Bars([a.key.to_user_string() for a in PARTITIONED_ASSETS])
        if bars:
            progress.add_listener(bars)
        try:
            materialize(
                [*PARTITIONED_ASSETS, *ASSET_CHECKS],  # the checks too: blocking ones stop the run before `videos`
                partition_key=doc_id,
                instance=instance,
                resources=resources,
                tags=cli_run_tags(paths, path),
                run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
            )
        except DagsterAssetCheckFailedError as exc:
            raise CheckFailed(doc_id, _failed_checks(str(exc))) from exc
        finally:
            if bars:
                progress.remove_listener(bars)
                bars.close()
    return paths.video(doc_id)


def _check_backends(resources: dict, recording: bool) -> None:
    """VidgenError naming the first backend this run needs that cannot run here (doctor's check)."""
    from vidgen_assets.doctor import configured_problem

    problem = configured_problem(resources, ["asr" if recording else "tts", "llm", "pictures"])
    if problem:
        raise VidgenError(problem)


def _failed_checks(message: str) -> list[tuple[str, str]]:
    """(asset, check) pairs from Dagster's "N blocking asset checks failed" message, whose
    lines after the first read `asset: check,check`."""
    pairs = []
    for line in message.splitlines()[1:]:
        asset, _, names = line.partition(": ")
        pairs += [(asset.strip(), name.strip()) for name in names.split(",") if name.strip()]
    return pairs or [("?", message.splitlines()[0] if message else "?")]


def _add_setting_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per setting, the same fields the Dagster launchpad shows."""
    from typing import Literal, get_args, get_origin

    from vidgen_assets.resources import SETTINGS

    group = parser.add_argument_group("settings (default: the environment variable, else the built-in default)")
    for s in SETTINGS:
        kind = s.annotation
        options: dict = {"default": None, "dest": f"setting:{s.flag}",
                         "help": f"{s.description} [{s.env}; default {s.default!r}]".replace("%", "%%")}
        if get_origin(kind) is Literal:
            options["choices"] = get_args(kind)
        elif kind in (int, float):
            options["type"] = kind
        group.add_argument(f"--{s.flag}", **options)


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
    _add_setting_flags(make_cmd)
    doctor_cmd = sub.add_parser("doctor", help="the configuration in force, and which backends can run here")
    _add_setting_flags(doctor_cmd)
    serve_cmd = sub.add_parser("serve", help="the web pages to watch, share and upload videos")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--dagster-url", default="http://127.0.0.1:3000", help="where `make ui` serves the Dagster UI")
    serve_cmd.add_argument("--max-upload-mb", type=float, default=500)
    args = parser.parse_args(argv)
    overrides = {k.split(":", 1)[1]: v for k, v in vars(args).items() if k.startswith("setting:")}

    if args.command == "serve":
        from vidgen_assets.web.app import serve

        serve(args.host, args.port, args.dagster_url, int(args.max_upload_mb * 1e6))
        return 0

    if args.command == "doctor":
        from vidgen_assets.doctor import report

        lines, ok = report(overrides)
        print("\n".join(lines))
        return 0 if ok else 1
    try:
        video = make(args.file, quiet=args.quiet, overrides=overrides)
    except Exception as exc:  # shown as one line; the traceback is in the Dagster run log
        error = _user_error(exc) or exc
        print(f"vidgen: error: {error}".splitlines()[0], file=sys.stderr)
        return EX_TEMPFAIL if isinstance(error, DocumentBusy) else 1
    print(video)
    return 0


if __name__ == "__main__":
    sys.exit(main())
