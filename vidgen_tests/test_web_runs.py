"""The upload page's progress, read from real Dagster runs: a finished document is at stage
9 of 9, a failed one names its stage and the one-line reason, and a file no run has taken yet
is queued."""

from __future__ import annotations

from dagster import DagsterInstance, materialize

from vidgen_assets.assets.documents import source_documents
from vidgen_assets.graph import stage_names
from vidgen_assets.resources import build_resources, resolved
from vidgen_assets.storage.catalog import register
from vidgen_assets.web.runs import inbox_progress, run_state


def test_the_made_example_is_finished_at_the_last_stage(example_video):
    instance = DagsterInstance.from_config(str(example_video["data"] / "dagster_home"))
    state = run_state(instance, example_video["doc_id"], stage_names())
    assert state.state == "finished" and state.run_id
    assert (state.stage, state.stages, state.step) == (9, 9, "videos")
    assert state.describe() == "finished"


def test_a_failed_run_names_its_stage_and_the_reason_in_one_line(data_dir):
    inbox = data_dir / "inbox"
    inbox.mkdir()
    broken = inbox / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis file was cut off before its first page\n")
    waiting = inbox / "not-yet-seen.md"
    waiting.write_text("# Waiting\n\nNo run has taken this file yet.\n")
    resources = {key: resolved(r) for key, r in build_resources().items()}
    db = resources["storage"].database()
    doc_id = register(db, broken)
    instance = DagsterInstance.from_config(str(data_dir / "dagster_home"))
    instance.add_dynamic_partitions("documents", [doc_id])
    result = materialize(
        [source_documents], partition_key=doc_id, instance=instance, resources=resources, raise_on_error=False
    )
    assert not result.success

    state = run_state(instance, doc_id, stage_names())
    assert (state.state, state.stage, state.stages, state.step) == ("failed", 1, 9, "source_documents")
    assert state.reason.startswith("InputError: ") and "broken.pdf" in state.reason
    assert "\n" not in state.reason and "Error occurred while executing" not in state.reason
    assert state.describe() == f"failed at source_documents (stage 1 of 9): {state.reason}"

    listed = {u.name: u for u in inbox_progress(inbox, db, data_dir / "dagster_home")}
    assert listed["broken.pdf"].run == state and listed["broken.pdf"].doc_id == doc_id
    assert listed["not-yet-seen.md"].run.state == "queued" and listed["not-yet-seen.md"].doc_id is None
