"""Concurrency that scales: model steps sized to their cores and holding a machine-wide pool
slot, the instance configuration that sets the limits, and `vidgen make` honouring a slot held
by another run while giving back the slots of a `vidgen make` that was killed."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import yaml
from dagster import DagsterInstance, DagsterRun, DagsterRunStatus

from vidgen_assets.backends.threads import available_cores, model_threads
from vidgen_assets.definitions import defs
from vidgen_assets.runs.instance_config import TEMPLATE, install_instance_config
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.tables import NarrationAudioRow, VideoRow
from vidgen_tests.helpers.documents import NOTE


def pool_limit(instance: DagsterInstance, pool: str) -> int:
    """How many steps of `pool` the instance lets run at once: its own limit, else the default."""
    return instance.event_log_storage.get_concurrency_info(pool).limit


def _threads_on_one_core(answer) -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    answer.put((available_cores(), model_threads(), model_threads(2)))


def test_model_threads_follow_the_cores_the_process_is_given():
    cores = len(os.sched_getaffinity(0))
    assert model_threads() == cores and model_threads(None) == cores
    assert model_threads(2) == max(1, cores // 2)
    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    child = context.Process(target=_threads_on_one_core, args=(answer,))
    child.start()
    child.join()
    assert answer.get(timeout=5) == (1, 1, 1)  # taskset to one core: one thread, never zero


def test_piper_runs_with_the_threads_it_is_given_and_follows_a_changing_count_sentence_by_sentence(tmp_path):
    from vidgen_assets.backends.tts import PiperSynthesizer

    assert PiperSynthesizer(threads=1).threads == 1
    share = [2]  # another model step starts after the first sentence: one thread from then on
    asked = []

    def threads() -> int:
        asked.append(share[0])
        return share[0]

    synthesizer = PiperSynthesizer(threads=threads)
    assert synthesizer.threads == 2

    def progress(done: int, total: int) -> None:
        share[0] = 1

    sentences = ["Shore crabs hide under weed.", "Owls hear mice under snow.", "Moss drinks through its leaves."]
    segments = synthesizer.synthesize(sentences, tmp_path / "three.wav", progress=progress)
    assert synthesizer.threads == 1 and asked[-3:] == [2, 1, 1]
    assert [w.word for w in segments[0].words] == ["Shore", "crabs", "hide", "under", "weed."]
    assert [len(s.words) for s in segments] == [5, 5, 5] and segments[2].end_s > segments[0].end_s


def test_the_embedded_model_follows_a_changing_thread_count_prompt_by_prompt_with_the_same_answer(tmp_path):
    from vidgen_assets.backends.llm import EmbeddedModel

    share = [2]
    model = EmbeddedModel(cache_dir=tmp_path / "cache", n_threads=lambda: share[0])
    assert model.threads == 2
    question = ("Answer in one sentence.", "What lives in a rock pool?")
    alone = model.generate_field(*question)
    share[0] = 1
    shared = model.generate_field(*question)
    assert model.threads == 1
    assert shared == alone and len(alone.split()) > 3  # greedy decoding: threads change speed only


def test_the_instance_config_is_installed_into_an_empty_dagster_home(tmp_path):
    home = tmp_path / "home"
    install_instance_config(home)
    assert (home / "dagster.yaml").read_text() == TEMPLATE.read_text()
    instance = DagsterInstance.from_config(str(home))
    pools = instance.event_log_storage.get_pool_config()
    assert (pools.default_pool_limit, pools.pool_granularity.value) == (2, "op")
    queue = instance.get_concurrency_config().run_queue_config
    assert queue.tag_concurrency_limits == [
        {"key": "dagster/partition", "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
    ]
    assert pool_limit(instance, "model") == pool_limit(instance, "gpu") == 2
    instance.event_log_storage.set_concurrency_slots("gpu", 1)  # `dagster instance concurrency set gpu 1`
    assert pool_limit(instance, "model") == 2 and pool_limit(instance, "gpu") == 1


def test_a_model_step_shares_the_cores_with_the_model_steps_of_other_runs_while_they_hold_slots(tmp_path):
    """step_threads counts the slots of both model pools held on the instance, from any run."""
    from dagster import build_asset_context

    from vidgen_assets.assets.wiring import step_threads

    home = tmp_path / "home"
    install_instance_config(home)
    instance = DagsterInstance.from_config(str(home))
    with build_asset_context(instance=instance) as context:
        threads = step_threads(context)
        cores = available_cores()
        assert threads() == cores  # nothing else running
        ours = _held_slot(instance, "model", os.getpid())  # this step's own slot
        assert threads() == cores
        theirs = _held_slot(instance, "gpu", os.getpid())  # another document's frames step
        assert threads() == max(1, cores // 2)
        instance.event_log_storage.free_concurrency_slot_for_step(theirs, "held-0")
        assert threads() == cores  # it ended: this step has every core again
        instance.event_log_storage.free_concurrency_slot_for_step(ours, "held-0")
    with build_asset_context() as context:  # an ephemeral instance keeps no pools: all cores
        assert step_threads(context)() == cores


def test_an_existing_instance_config_keeps_its_settings_and_gains_only_the_concurrency_block(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "dagster.yaml").write_text(
        "telemetry:\n  enabled: true\nretention:\n  schedule:\n    purge_after_days: 7\n"
    )
    install_instance_config(mine)
    merged = yaml.safe_load((mine / "dagster.yaml").read_text())
    assert merged["telemetry"] == {"enabled": True} and merged["retention"]["schedule"]["purge_after_days"] == 7
    assert merged["concurrency"] == yaml.safe_load(TEMPLATE.read_text())["concurrency"]
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "dagster.yaml").write_text("concurrency:\n  pools:\n    default_limit: 3\n")
    install_instance_config(theirs)
    assert (theirs / "dagster.yaml").read_text() == "concurrency:\n  pools:\n    default_limit: 3\n"


def _held_slot(instance: DagsterInstance, pool: str, pid: int, slots: int = 1) -> str:
    """A started `vidgen make` run of process `pid` that holds `slots` slots of `pool` (steps
    `held-0`, `held-1`, ...); its run id."""
    run = DagsterRun(
        job_name="__ephemeral_asset_job__",
        run_id=str(uuid.uuid4()),
        status=DagsterRunStatus.STARTED,
        tags={"vidgen/source": "cli", **{"vidgen/host": os.uname().nodename, "vidgen/pid": str(pid)}},
    )
    instance.add_run(run)
    instance.event_log_storage.initialize_concurrency_limit_to_default(pool)
    for n in range(slots):
        assert instance.event_log_storage.claim_concurrency_slot(pool, run.run_id, f"held-{n}", 0).is_claimed
    return run.run_id


def _fill_pool(instance: DagsterInstance, pool: str, pid: int) -> str:
    """A live run holding every slot of `pool`; its run id."""
    instance.event_log_storage.initialize_concurrency_limit_to_default(pool)
    return _held_slot(instance, pool, pid, slots=pool_limit(instance, pool))


def test_vidgen_make_waits_for_a_model_slot_and_frees_one_a_killed_run_kept(data_dir, tmp_path):
    note = tmp_path / "rock-pools.md"
    note.write_text(NOTE)
    home = data_dir / "dagster_home"
    install_instance_config(home)
    instance = DagsterInstance.from_config(str(home))
    # A killed `vidgen make` (its process is gone) still holds a gpu slot; a live one every model slot.
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead_run = _held_slot(instance, "gpu", gone.pid)
    live_run = _fill_pool(instance, "model", os.getpid())
    cli = subprocess.Popen(
        [sys.executable, "-m", "vidgen_assets.cli", "make", str(note), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        storage = instance.event_log_storage
        deadline = time.monotonic() + 600
        while not storage.get_concurrency_info("model").pending_run_ids:
            assert cli.poll() is None, cli.stderr.read()[-3000:]
            assert time.monotonic() < deadline, "vidgen make never asked for the model slot"
            time.sleep(1)
        # narration_audio (pool model) waits for the slot: nothing synthesized yet.
        assert Database(data_dir / "vidgen.duckdb").read_one(NarrationAudioRow, "rock-pools") is None
        # ... and waits asleep: a spinning wait would take a core from the step holding the slot.
        before = _cpu_seconds(cli.pid)
        time.sleep(6)
        assert _cpu_seconds(cli.pid) - before < 1.5
        assert instance.get_run_by_id(dead_run).status == DagsterRunStatus.FAILURE
        assert storage.get_concurrency_info("gpu").claimed_slots == []
        for slot in storage.get_concurrency_info("model").claimed_slots:
            storage.free_concurrency_slot_for_step(live_run, slot.step_key)
        out, err = cli.communicate(timeout=1500)
    finally:
        if cli.poll() is None:
            cli.kill()
    assert cli.returncode == 0, err[-3000:]
    assert Database(data_dir / "vidgen.duckdb").read_one(VideoRow, "rock-pools") is not None
    for pool in ("model", "gpu"):
        info = storage.get_concurrency_info(pool)
        assert (info.claimed_slots, info.pending_steps) == ([], []), pool


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start_run(doc_id: str, executor: str, pause: tuple[str, Path] | None = None):
    """make_video of one document in its own process, as a run worker runs it (`pause`: the
    asset whose commit waits for a marker file to go); (process, queue of its outcome). Keep
    the queue: the child fails at start if it is collected."""
    from vidgen_tests.helpers.load import _run

    context = multiprocessing.get_context("spawn")
    answers = context.Queue()
    process = context.Process(target=_run, args=(doc_id, executor, answers, pause))
    process.start()
    return process, answers


def test_a_multiprocess_run_waits_for_a_model_slot_asleep(data_dir, tmp_path):
    """The multiprocess executor (the UI's and the backfill's runs) has a loop of its own that
    never sleeps while a step waits for a slot; it must not spin a core meanwhile either."""
    from vidgen_tests.helpers.load import register_documents, write_notes

    (doc_id,) = register_documents(write_notes(tmp_path / "notes", 1))
    instance = DagsterInstance.from_config(str(data_dir / "dagster_home"))
    _fill_pool(instance, "model", os.getpid())
    run, answers = _start_run(doc_id, "multiprocess")
    try:
        storage = instance.event_log_storage
        deadline = time.monotonic() + 600
        while not storage.get_concurrency_info("model").pending_run_ids:
            assert run.is_alive(), answers.get(timeout=10)
            assert time.monotonic() < deadline, "the run never asked for the model slot"
            time.sleep(1)
        before = _cpu_seconds(run.pid)
        time.sleep(6)
        assert _cpu_seconds(run.pid) - before < 1.5
    finally:
        run.kill()
        run.join()


def test_a_killed_run_worker_is_failed_by_the_next_sensor_tick_and_its_slot_freed(data_dir, tmp_path):
    """Dagster's default launcher never notices a run worker that was killed: its run would stay
    started for ever, holding the model slot every later run waits for."""
    from dagster import build_sensor_context

    from vidgen_assets.resources import SettingsResource, StorageResource
    from vidgen_assets.sensors import inbox_sensor
    from vidgen_assets.web.runs import inbox_progress
    from vidgen_tests.helpers.load import register_documents, write_notes

    (doc_id,) = register_documents(write_notes(tmp_path / "notes", 1))
    marker = tmp_path / "paused"
    worker, answers = _start_run(doc_id, "in_process", pause=("narration_audio", marker))
    try:
        deadline = time.monotonic() + 600
        while not marker.exists():  # narration_audio has its slot and its files, not yet its rows
            assert worker.is_alive(), answers.get(timeout=10)
            assert time.monotonic() < deadline, "the run never reached narration_audio"
            time.sleep(0.2)
        instance = DagsterInstance.from_config(str(data_dir / "dagster_home"))
        storage = instance.event_log_storage
        (run,) = instance.get_runs()
        assert storage.get_concurrency_info("model").claimed_slots
        # Meanwhile the upload page says how far the run has got (the README's "stage n of 9").
        (upload,) = inbox_progress(tmp_path / "notes", Database(data_dir / "vidgen.duckdb"), data_dir / "dagster_home")
        assert (upload.doc_id, upload.run.state) == (doc_id, "running")
        assert upload.run.describe() == "running stage 3 of 9: narration_audio"
        resources = {"storage": StorageResource(data_dir=str(data_dir)), "settings": SettingsResource()}
        with build_sensor_context(instance=instance, resources=resources, definitions=defs) as tick:
            inbox_sensor.evaluate_tick(tick)
        assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.STARTED  # alive: left alone
        worker.kill()
        worker.join()
        with build_sensor_context(instance=instance, resources=resources, definitions=defs) as tick:
            inbox_sensor.evaluate_tick(tick)
        assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.FAILURE
        assert storage.get_concurrency_info("model").claimed_slots == []
    finally:
        if worker.is_alive():
            worker.kill()
