"""The inbox sensor and the backfill schedule, evaluated on real files and a real DuckDB file."""

from __future__ import annotations

import os
import shutil
import time
from datetime import datetime, timezone

from dagster import DagsterInstance, SkipReason, build_schedule_context, build_sensor_context, instance_for_test

from vidgen_assets.partitions import documents
from vidgen_assets.storage.catalog import register
from vidgen_assets.resources import StorageResource
from vidgen_assets.sensors import inbox_sensor
from vidgen_assets.definitions import defs
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.tables import SourceDocumentRow
from vidgen_tests.conftest import PAPER, dagster_dev, graphql

TICK = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)


def _drop(inbox, name, content: bytes | None = None, age_s: float = 60):
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    if content is None:
        shutil.copy(PAPER, path)
    else:
        path.write_bytes(content)
    old = time.time() - age_s
    os.utime(path, (old, old))
    return path


def _tick(instance, storage, cursor):
    with build_sensor_context(instance=instance, cursor=cursor, resources={"storage": storage}) as context:
        return inbox_sensor(context)


def test_a_dropped_file_adds_a_partition_and_requests_one_run(data_dir):
    storage = StorageResource(data_dir=str(data_dir))
    instance = DagsterInstance.ephemeral()
    _drop(data_dir / "inbox", "Open Information Extraction.pdf")
    result = _tick(instance, storage, None)
    assert [r.partition_key for r in result.run_requests] == ["open-information-extraction"]
    assert result.dynamic_partitions_requests[0].partition_keys == ["open-information-extraction"]
    assert result.dynamic_partitions_requests[0].partitions_def_name == documents.name


def test_the_same_file_is_not_processed_twice_but_a_changed_file_is(data_dir):
    storage = StorageResource(data_dir=str(data_dir))
    instance = DagsterInstance.ephemeral()
    note = _drop(data_dir / "inbox", "notes.md", b"# Notes\n\nFirst version of the notes.\n")
    first = _tick(instance, storage, None)
    instance.add_dynamic_partitions(documents.name, ["notes"])
    again = _tick(instance, storage, first.cursor)  # cursor survives: kept by Dagster between ticks
    assert again.run_requests == []
    _drop(data_dir / "inbox", "notes.md", b"# Notes\n\nSecond version, longer.\n")
    changed = _tick(instance, storage, again.cursor)
    assert [r.partition_key for r in changed.run_requests] == ["notes"]
    assert changed.run_requests[0].run_key != first.run_requests[0].run_key
    assert changed.dynamic_partitions_requests == []  # the partition exists already
    assert note.exists()


def test_a_file_still_being_written_waits_for_a_later_tick(data_dir):
    storage = StorageResource(data_dir=str(data_dir))
    _drop(data_dir / "inbox", "fresh.md", b"# Fresh\n\nJust landed.\n", age_s=0)
    result = _tick(DagsterInstance.ephemeral(), storage, None)
    assert result.run_requests == []


def test_backfill_requests_documents_without_a_video_and_skips_when_none(data_dir, tmp_path):
    storage = StorageResource(data_dir=str(data_dir))
    with instance_for_test() as instance:  # schedules need a persistent instance
        _check_backfill(instance, storage, tmp_path)


def _backfill_tick(instance, storage):
    with build_schedule_context(instance=instance, resources={"storage": storage},
                                scheduled_execution_time=TICK) as context:
        return defs.resolve_schedule_def("backfill_schedule")(context)


def _check_backfill(instance, storage, tmp_path):
    assert isinstance(_backfill_tick(instance, storage), SkipReason)
    doc = tmp_path / "paper.md"
    doc.write_text("# Paper\n\nText.\n")
    doc_id = register(Database(storage.paths().database), doc)
    instance.add_dynamic_partitions(documents.name, [doc_id])
    requests = _backfill_tick(instance, storage)
    assert [r.partition_key for r in requests] == [doc_id]


def test_a_document_whose_source_changed_is_due_again(data_dir, tmp_path):
    from vidgen_assets.storage.catalog import documents_to_refresh
    from vidgen_assets.storage.files import sha256_of

    db = Database(StorageResource(data_dir=str(data_dir)).paths().database)
    doc = tmp_path / "paper.md"
    doc.write_text("# Paper\n\nFirst.\n")
    doc_id = register(db, doc)
    db.replace(doc_id, {SourceDocumentRow: [SourceDocumentRow(
        path=str(doc), kind="md", sha256=sha256_of(doc), size_bytes=doc.stat().st_size, title="Paper",
        page_count=None, text="First.", sections="[]", metadata="{}")]})
    assert documents_to_refresh(db, [doc_id], with_video={doc_id}) == []
    doc.write_text("# Paper\n\nSecond.\n")
    assert documents_to_refresh(db, [doc_id], with_video={doc_id}) == [doc_id]


RUNS = '{ runsOrError { ... on Runs { results { status tags { key value } } } } }'


def _sensor_runs(port):
    runs = graphql(port, RUNS)["runsOrError"]["results"]
    return [r for r in runs if {"key": "dagster/sensor_name", "value": "inbox_sensor"} in r["tags"]]


def test_a_drop_becomes_a_video_under_dagster_dev_and_is_not_redone_after_a_restart(data_dir):
    """The daemon runs the sensor; its cursor lives in DAGSTER_HOME and survives a restart."""
    with dagster_dev(data_dir) as port:
        _drop(data_dir / "inbox", "dropped-note.md",
              b"# A dropped note\n\nThis note was dropped into the inbox. It becomes a short video.\n", age_s=30)
        deadline = time.monotonic() + 300
        while not (runs := _sensor_runs(port)) or runs[0]["status"] not in ("SUCCESS", "FAILURE"):
            assert time.monotonic() < deadline, "the sensor's run did not finish"
            time.sleep(3)
        assert [r["status"] for r in runs] == ["SUCCESS"]
    assert (data_dir / "videos" / "dropped-note.mp4").is_file()
    os.utime(data_dir / "inbox" / "dropped-note.md")  # touched, same content
    with dagster_dev(data_dir) as port:
        time.sleep(40)  # more than two sensor intervals
        assert len(_sensor_runs(port)) == 1
