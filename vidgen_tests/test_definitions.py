"""The Dagster definitions: what a user sees in the UI, and that Dagster itself accepts them."""

import subprocess
import sys
from pathlib import Path

from vidgen_assets.definitions import defs

ROOT = Path(__file__).resolve().parents[1]


def test_asset_graph_is_the_nine_documented_assets_in_order():
    graph = defs.resolve_asset_graph()
    order = [
        "source_documents",
        "narration_scripts",
        "narration_audio",
        "transcripts",
        "chunks",
        "summaries",
        "image_prompts",
        "frames",
        "videos",
    ]
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == set(order)
    for n, (upstream, downstream) in enumerate(zip(order, order[1:])):
        parents = {p.to_user_string() for p in graph.get(downstream_key(downstream)).parent_keys}
        # Each step follows the one before it and reads nothing later (test_lineage checks the rest).
        assert upstream in parents and parents <= set(order[: n + 1]), (downstream, parents)


def downstream_key(name):
    from dagster import AssetKey

    return AssetKey(name)


def test_every_asset_is_partitioned_by_document():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        assert graph.get(key).partitions_def.name == "documents"


def test_jobs_sensors_schedules_and_checks_are_registered():
    assert defs.resolve_job_def("make_video") is not None
    assert defs.resolve_sensor_def("inbox_sensor") is not None
    assert defs.resolve_schedule_def("backfill_schedule") is not None
    checks = {k.name for k in defs.resolve_asset_graph().asset_check_keys}
    assert checks == {
        "audio_not_silent",
        "subtitles_say_the_narration",
        "every_chunk_has_a_frame",
        "no_blank_frame",
        "video_matches_narration",
        "subtitles_cover_narration",
    }


def test_gpu_capable_steps_are_in_the_gpu_pool():
    graph = defs.resolve_asset_graph()
    for name in ("transcripts", "frames"):
        node = graph.get(downstream_key(name))
        assert node.pools == {"gpu"}


def test_cpu_model_steps_are_in_the_model_pool_and_the_rest_in_none():
    graph = defs.resolve_asset_graph()
    for name in ("narration_audio", "summaries"):  # summaries: when a model writes the slides
        assert graph.get(downstream_key(name)).pools == {"model"}
    # image_prompts runs only the small sentence-embedding model, for a moment.
    for name in ("source_documents", "narration_scripts", "chunks", "image_prompts", "videos"):
        assert not graph.get(downstream_key(name)).pools


def test_dagster_definitions_validate_accepts_the_workspace(data_dir):
    result = subprocess.run(
        [str(Path(sys.executable).with_name("dagster")), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_runs_execute_in_process_unless_their_config_asks_for_a_process_per_step():
    from dagster._core.system_config.objects import ResolvedRunConfig

    for job in (defs.resolve_job_def("make_video"), defs.resolve_implicit_global_asset_job_def()):
        assert list(ResolvedRunConfig.build(job, {}).execution.execution_engine_config) == ["in_process"]
        asked = {"execution": {"config": {"multiprocess": {"max_concurrent": 2}}}}
        assert (
            ResolvedRunConfig.build(job, asked).execution.execution_engine_config["multiprocess"]["max_concurrent"] == 2
        )
