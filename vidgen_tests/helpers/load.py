"""Several documents at once, as Dagster's run launcher runs them: one process per run
(execute_job on a reconstructable make_video, with the multiprocess or in-process executor),
beside a process that reads the DuckDB file in a loop. Shared by test_load.py and
benchmarks/concurrency.py; the caller sets VIDGEN_DATA_DIR and DAGSTER_HOME."""

from __future__ import annotations

import multiprocessing
import time
import traceback
from pathlib import Path

TOPICS = [
    (
        "Rock pools",
        "When the sea goes out, water stays behind in hollows of the rock. Crabs, anemones "
        "and small fish live there until the tide returns. Shore crabs hide under weed by day.",
    ),
    (
        "Honey bees",
        "A honey bee tells its sisters where flowers are with a dance. The angle of the dance "
        "points the way from the sun. The length of the waggle says how far to fly.",
    ),
    (
        "Sea ice",
        "Sea ice forms when the ocean surface freezes in winter. It reflects most of the "
        "sunlight that falls on it. Less ice means darker water that warms faster.",
    ),
    (
        "Tree rings",
        "A tree adds one ring of wood every year. Wide rings mark wet and warm years, narrow "
        "rings dry or cold ones. Old beams can be dated by matching their rings.",
    ),
    (
        "Moss",
        "Moss has no roots and drinks through its leaves. It can dry out for months and wake "
        "with the rain. Many small animals live in its wet cushions.",
    ),
    (
        "Lichens",
        "A lichen is a fungus and an alga living as one. The alga makes food from light, the "
        "fungus holds water. Lichens grow on bare rock where nothing else can.",
    ),
    (
        "Owls",
        "An owl hears a mouse under snow before it sees it. Its face gathers sound like a dish. "
        "Soft edges on its feathers make its flight almost silent.",
    ),
    (
        "Glaciers",
        "A glacier is snow pressed into ice over many years. It flows downhill slowly under "
        "its own weight. As it moves it carves valleys and carries stones far away.",
    ),
    (
        "Volcanoes",
        "A volcano is an opening where melted rock reaches the surface. Gas trapped in the "
        "rock drives the eruption. Ash from one eruption can cool the whole world for a year.",
    ),
]


def write_notes(folder: Path, count: int) -> list[Path]:
    """`count` short Markdown documents (three sentences each), one per topic."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for title, body in TOPICS[:count]:
        path = folder / f"{title.lower().replace(' ', '-')}.md"
        path.write_text(f"# {title}\n\n{body}\n")
        paths.append(path)
    return paths


def register_documents(paths: list[Path]) -> list[str]:
    """Record the files as documents and add their partitions; their doc_ids."""
    from dagster import DagsterInstance

    from vidgen_assets.partitions import documents
    from vidgen_assets.resources import build_resources, ensure_dagster_home, resolved
    from vidgen_assets.storage.catalog import register

    storage = resolved(build_resources()["storage"])
    ensure_dagster_home(storage.paths())
    doc_ids = [register(storage.database(), p) for p in paths]
    with DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(
            documents.name, [d for d in doc_ids if not instance.has_dynamic_partition(documents.name, d)]
        )
    return doc_ids


def make_video_job(pause_in: str = "", pause_marker: str = ""):
    """make_video of the definitions, its storage observed (helpers/observed_storage.py: lock
    waits counted; with `pause_in`, that asset's commit waits for `pause_marker` to go), for
    build_reconstructable_job."""
    from dagster import Definitions

    from vidgen_assets.definitions import RESOURCES, defs
    from vidgen_assets.resources import resolved
    from vidgen_tests.helpers.observed_storage import ObservedStorage

    storage = ObservedStorage(
        data_dir=resolved(RESOURCES["storage"]).data_dir, pause_in=pause_in, pause_marker=pause_marker
    )
    observed = Definitions(
        assets=defs.assets,
        asset_checks=defs.asset_checks,
        jobs=defs.jobs,
        executor=defs.executor,
        resources={**RESOURCES, "storage": storage},
    )
    return observed.resolve_job_def("make_video")


def _run(doc_id: str, executor: str, answers, pause: tuple[str, str] | None = None) -> None:
    from dagster import DagsterInstance, build_reconstructable_job, execute_job

    from vidgen_assets.runs.liveness import PARTITION_TAG
    from vidgen_tests.helpers.observed_storage import WAITS

    started = time.monotonic()
    pause_in, marker = pause or ("", "")
    job = build_reconstructable_job(
        "vidgen_tests.helpers.load",
        "make_video_job",
        reconstructable_kwargs={"pause_in": pause_in, "pause_marker": str(marker)},
        # Step processes import this module by name: the repository root is where it resolves
        # (pytest puts it on sys.path, but a step process starts without it).
        reconstructor_working_directory=str(Path(__file__).resolve().parents[2]),
    )
    try:
        with DagsterInstance.get() as instance:
            result = execute_job(
                job,
                instance=instance,
                tags={PARTITION_TAG: doc_id},
                run_config={"execution": {"config": {executor: {}}}},
            )
            errors = [
                str(e.step_failure_data.error.message)
                for e in result.all_events
                if e.is_step_failure and e.step_failure_data and e.step_failure_data.error
            ]
            answers.put((doc_id, result.success, time.monotonic() - started, errors, dict(WAITS)))
    except Exception:
        answers.put((doc_id, False, time.monotonic() - started, [traceback.format_exc()], dict(WAITS)))


def run_at_once(doc_ids: list[str], executor: str = "multiprocess", timeout_s: float = 3600) -> dict[str, tuple]:
    """Run make_video for every document at the same time, one process each; doc_id ->
    (success, seconds, step errors, the run process's DuckDB lock waits). `executor` is
    `multiprocess` or `in_process` (with `multiprocess`, the waits of the step processes are
    not counted)."""
    context = multiprocessing.get_context("spawn")
    answers = context.Queue()
    runs = [context.Process(target=_run, args=(d, executor, answers)) for d in doc_ids]
    for run in runs:
        run.start()
    found = {}
    for _ in runs:
        doc_id, *outcome = answers.get(timeout=timeout_s)
        found[doc_id] = tuple(outcome)
    for run in runs:
        run.join()
    return found


def _read_in_a_loop(database: Path, doc_ids: list[str], pages: bool, pause_s: float, stop, answers) -> None:
    from vidgen_assets.storage.tables import ChunkRow, FrameRow, SegmentRow, VideoRow
    from vidgen_assets.web.queries import video_page
    from vidgen_tests.helpers.observed_storage import WAITS, ObservedDatabase

    db, reads, errors = ObservedDatabase(database), 0, []

    def reads_of(doc_id: str) -> list:
        if pages:  # the storyboard page, as the web app reads it
            return [lambda: video_page(db, doc_id)]
        return [lambda r=record: db.read(r, doc_id) for record in (SegmentRow, ChunkRow, FrameRow, VideoRow)]

    while not stop.is_set():
        for doc_id in doc_ids:
            for read in reads_of(doc_id):
                try:
                    read()
                    reads += 1
                except Exception as exc:  # any error here is what the load test looks for
                    errors.append(f"{type(exc).__name__}: {exc}")
            if pages:
                time.sleep(pause_s)  # a person moving on to the next page
        if not pages:
            time.sleep(pause_s)  # between rounds of the stress
    answers.put((reads, errors, dict(WAITS)))


class Reader:
    """A process reading this data directory's tables in a loop until `stop()`: by default
    every table of every document, connection after connection, with a 0.2 s pause between
    rounds (a stress: about 70% of a core on 8 documents); with `pages`, one document's
    storyboard page as the web app reads it every `pause_s` (a person clicking through)."""

    def __init__(self, database: Path, doc_ids: list[str], pages: bool = False, pause_s: float = 0.2):
        context = multiprocessing.get_context("spawn")
        self._stop, self._answers = context.Event(), context.Queue()
        self._process = context.Process(
            target=_read_in_a_loop, args=(database, doc_ids, pages, pause_s, self._stop, self._answers)
        )
        self._process.start()

    def stop(self) -> tuple[int, list[str], dict]:
        """(reads done, errors met, this reader's lock waits)."""
        self._stop.set()
        outcome = self._answers.get(timeout=300)
        self._process.join()
        return outcome
