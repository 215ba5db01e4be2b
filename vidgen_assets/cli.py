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
import uuid
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


def make(path: Path, quiet: bool = False, overrides: dict | None = None, resources: dict | None = None) -> Path:
    """Materialize every asset of `path`'s partition; return the video's path.

    `overrides` maps setting flags (`burn-in`, `tts`, ...) to values; the rest comes from the
    environment and the defaults, exactly as in the Dagster UI. `resources` replaces built
    resources by key (a test passes a storage resource that stops the run before a commit).
    """
    from dagster import DagsterInstance, Definitions

    from vidgen_assets import progress
    from vidgen_assets.graph import ASSET_CHECKS, PARTITIONED_ASSETS, stage_names
    from vidgen_assets.jobs import make_video
    from vidgen_assets.partitions import documents
    from vidgen_assets.resources import build_resources, ensure_dagster_home, resolved
    from vidgen_assets.runs import dagster_patches
    from vidgen_assets.runs.document_lock import document_lock
    from vidgen_assets.runs.liveness import cli_run_tags, reap_dead_runs
    from vidgen_assets.runs.one_per_document import refuse_if_busy
    from vidgen_assets.sources.kinds import RECORDING_KINDS
    from vidgen_assets.sources.read import read_source
    from vidgen_assets.storage.catalog import doc_id_of, register

    resources = {key: resolved(r) for key, r in {**build_resources(overrides), **(resources or {})}.items()}
    storage, settings = resources["storage"], resources["settings"]
    paths = storage.paths()
    # Read the file and check the backends it needs before anything is recorded, so bad input
    # or an unreachable backend leaves data/ untouched.
    with tempfile.TemporaryDirectory() as scratch:
        doc = read_source(
            Path(path), Path(scratch), settings.max_pages, settings.max_recording_seconds, settings.max_words
        )
    _check_backends(resources, recording=doc.kind in RECORDING_KINDS)
    db = storage.database()
    doc_id = doc_id_of(db, path)
    ensure_dagster_home(paths)
    instance = DagsterInstance.get()
    with document_lock(paths.lock(doc_id), doc_id):
        reap_dead_runs(instance, paths)  # a killed run would hold its model slot and its document for ever
        refuse_if_busy(instance, doc_id)
        # Recorded only now, so a refused run leaves the database as it was.
        if register(db, path) != doc_id:
            raise VidgenError(f"{path}: another file took the name {doc_id} while this run started; run again")
        if not instance.has_dynamic_partition(documents.name, doc_id):
            instance.add_dynamic_partitions(documents.name, [doc_id])
        # The UI's job, checks included (blocking ones stop the run before `videos`), run here.
        job = Definitions(
            assets=PARTITIONED_ASSETS, asset_checks=ASSET_CHECKS, jobs=[make_video], resources=resources
        ).resolve_job_def(make_video.name)
        run_id = str(uuid.uuid4())
        instance.add_event_listener(run_id, progress.announce_stages(stage_names()))
        bars = None if quiet else _Bars(stage_names())
        if bars:
            progress.add_listener(bars)
        dagster_patches.apply()  # this process runs the steps
        try:
            result = job.execute_in_process(
                run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
                instance=instance,
                partition_key=doc_id,
                raise_on_error=False,
                run_id=run_id,
                tags=cli_run_tags(paths, path),
            )
        finally:
            if bars:
                progress.remove_listener(bars)
                bars.close()
    if not result.success:
        raise _why_failed(doc_id, result)
    return paths.video(doc_id)


def _check_backends(resources: dict, recording: bool) -> None:
    """BackendUnavailable naming the first backend this run needs that cannot run here (doctor's check)."""
    from vidgen_assets.doctor import check_configured

    check_configured(resources, ["asr" if recording else "tts", "llm", "pictures"])


class StepFailed(VidgenError):
    """A step of the run raised `error_class` (a VidgenError's name, or another exception's),
    as the run's events recorded it; the message is the error's own."""

    def __init__(self, error_class: str, message: str):
        self.error_class = error_class
        super().__init__(message)


def _why_failed(doc_id: str, result) -> VidgenError:
    """What stopped a failed run, from its result: the blocking checks that failed (CheckFailed),
    else the error of the first failed step, the vidgen error under Dagster's wrapping if any."""
    from dagster import AssetCheckSeverity

    failed = [
        (e.asset_key.to_user_string(), e.check_name)
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == AssetCheckSeverity.ERROR and e.blocking
    ]
    if failed:
        return CheckFailed(doc_id, failed)
    for event in result.get_step_failure_events():
        if event.step_failure_data and event.step_failure_data.error:
            return _raised(event.step_failure_data.error)
    return VidgenError(f"{doc_id}: the run failed ({result.get_run_failure_event().message})")


def _raised(error) -> StepFailed:
    """The error a step raised, from Dagster's serialized chain (wrapper -> cause/context): the
    first VidgenError in it, else the innermost error that is not Dagster's own."""
    ours = {cls.__name__ for cls in _subclasses(VidgenError)}
    chain, seen = [], error
    while seen is not None:
        chain.append(seen)
        seen = seen.cause or seen.context
    found = next((e for e in chain if e.cls_name in ours), None)
    found = found or next((e for e in chain if not e.message.startswith("dagster.")), chain[-1])
    head, sep, rest = found.message.strip().partition(": ")
    text = rest if sep and head.endswith(found.cls_name) else found.message.strip()  # "pkg.module.Class: text"
    return StepFailed(found.cls_name, text if found.cls_name in ours else f"{found.cls_name}: {text}")


def _subclasses(cls: type) -> list[type]:
    return [cls] + [s for sub in cls.__subclasses__() for s in _subclasses(sub)]


def _add_setting_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per setting, the same fields the Dagster launchpad shows."""
    from typing import Literal, get_args, get_origin

    from vidgen_assets.resources import SETTINGS

    group = parser.add_argument_group("settings (default: the environment variable, else the built-in default)")
    for s in SETTINGS:
        kind = s.annotation
        options: dict = {
            "default": None,
            "dest": f"setting:{s.flag}",
            "help": f"{s.description} [{s.env}; default {s.default!r}]".replace("%", "%%"),
        }
        if get_origin(kind) is Literal:
            options["choices"] = get_args(kind)
        else:
            options["metavar"] = s.flag.upper()  # not the namespaced dest ("SETTING:DATA-DIR")
        if kind in (int, float):
            options["type"] = kind
        group.add_argument(f"--{s.flag}", **options)


def main(argv: list[str] | None = None, resources: dict | None = None) -> int:
    """The command line; `resources` replaces built resources by key in `make` (see make)."""
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
    serve_cmd.add_argument(
        "--dagster-url", default="http://127.0.0.1:3000", help="where `make ui` serves the Dagster UI"
    )
    serve_cmd.add_argument("--max-upload-mb", type=float, default=500)
    args = parser.parse_args(argv)
    overrides = {k.split(":", 1)[1]: v for k, v in vars(args).items() if k.startswith("setting:")}

    if args.command == "serve":
        from vidgen_assets.web.app import serve

        serve(args.host, args.port, args.dagster_url, int(args.max_upload_mb * 1e6))
        return 0

    if args.command == "doctor":
        from vidgen_assets.doctor import format_report, report

        found = report(overrides)
        print("\n".join(format_report(found)))
        return 0 if found.ok else 1
    try:
        video = make(args.file, quiet=args.quiet, overrides=overrides, resources=resources)
    except Exception as error:  # shown as one line; a step's traceback is in the Dagster run log
        print(f"vidgen: error: {error}".splitlines()[0], file=sys.stderr)
        busy = isinstance(error, DocumentBusy) or getattr(error, "error_class", None) == DocumentBusy.__name__
        return EX_TEMPFAIL if busy else 1
    print(video)
    return 0


if __name__ == "__main__":
    sys.exit(main())
