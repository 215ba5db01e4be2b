"""The inbox sensor and the backfill schedule, evaluated on real files and a real DuckDB file."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dagster import (
    DagsterInstance,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
    instance_for_test,
    materialize,
)
from PIL import Image

from vidgen_assets.assets.documents import source_documents
from vidgen_assets.definitions import defs
from vidgen_assets.partitions import documents
from vidgen_assets.resources import SettingsResource, StorageResource
from vidgen_assets.sensors import inbox_sensor
from vidgen_assets.storage.catalog import register
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.files import sha256_of
from vidgen_assets.storage.tables import DocumentRow, SourceDocumentRow
from vidgen_tests.helpers.paths import FIXTURES, PAPER, RECORDING
from vidgen_tests.helpers.processes import dagster_dev, graphql

TICK = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def _drop(inbox, name, content: bytes | None = None):
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    if content is None:
        shutil.copy(PAPER, path)
    else:
        path.write_bytes(content)
    return path


class Sensor:
    """The inbox sensor ticked through Dagster's sensor API on a real instance, keeping the cursor
    and adding the partitions it asks for, as the daemon does."""

    def __init__(self, instance, data_dir):
        self.instance, self.cursor = instance, None
        self.resources = {"storage": StorageResource(data_dir=str(data_dir)), "settings": SettingsResource()}

    def tick(self):
        # evaluate_tick, as the daemon calls it, also checks each request against the job's
        # partitions, counting those the same tick adds (which needs the instance by reference).
        with build_sensor_context(
            instance_ref=self.instance.get_ref(), cursor=self.cursor, resources=self.resources, definitions=defs
        ) as context:
            result = inbox_sensor.evaluate_tick(context)
        self.cursor = result.cursor
        for request in result.dynamic_partitions_requests or []:
            self.instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        return result


@pytest.fixture
def sensor(data_dir):
    with instance_for_test() as instance:
        yield Sensor(instance, data_dir)


def test_a_dropped_file_adds_a_partition_and_requests_one_run_once_it_stops_changing(data_dir, sensor):
    _drop(data_dir / "inbox", "Open Information Extraction.pdf")
    first = sensor.tick()
    assert first.run_requests == [] and "1 file(s) changed since the last tick" in first.skip_message
    second = sensor.tick()
    assert [r.partition_key for r in second.run_requests] == ["open-information-extraction"]
    assert second.dynamic_partitions_requests[0].partition_keys == ["open-information-extraction"]
    assert second.dynamic_partitions_requests[0].partitions_def_name == documents.name
    assert sensor.tick().run_requests == []


def test_the_same_file_is_not_processed_twice_but_a_changed_file_is(data_dir, sensor):
    note = _drop(data_dir / "inbox", "notes.md", b"# Notes\n\nFirst version of the notes, with a sentence.\n")
    sensor.tick()
    (first,) = sensor.tick().run_requests
    os.utime(note)  # touched, same content
    assert sensor.tick().run_requests == sensor.tick().run_requests == []
    _drop(data_dir / "inbox", "notes.md", b"# Notes\n\nSecond version of the notes, a little longer.\n")
    sensor.tick()
    changed = sensor.tick()
    assert [r.partition_key for r in changed.run_requests] == ["notes"]
    assert changed.run_requests[0].run_key != first.run_key
    assert changed.dynamic_partitions_requests == []  # the partition exists already


def test_junk_is_reported_once_and_never_takes_a_documents_id(data_dir, sensor):
    _drop(data_dir / "inbox", "paper.docx", b"PK\x03\x04 a word document")
    sensor.tick()
    refused = sensor.tick()
    assert refused.run_requests == [] and "paper.docx: unsupported file type '.docx'" in refused.skip_message
    assert "paper.docx" not in (sensor.tick().skip_message or "")  # once
    _drop(data_dir / "inbox", "paper.pdf")
    sensor.tick()
    assert [r.partition_key for r in sensor.tick().run_requests] == ["paper"]
    assert sensor.instance.get_dynamic_partitions(documents.name) == ["paper"]


def _note(n: int) -> bytes:
    return f"# Note {n}\n\nThis is note number {n} about rock pools. It has a sentence to narrate.\n".encode()


def test_a_hundred_files_at_once_each_valid_content_runs_once_and_junk_gets_no_partition(data_dir, sensor, capsys):
    inbox = data_dir / "inbox"
    notes = {f"note-{n:02d}.md": _note(n) for n in range(81)}
    for name, content in notes.items():
        _drop(inbox, name, content)
    for n in range(1, 5):  # the same content twice, under another name
        _drop(inbox, f"copy-of-note-{n:02d}.md", notes[f"note-{n:02d}.md"])
    papers = sorted((FIXTURES / "papers").glob("*.pdf"))  # shared/ may gain papers: count them
    for pdf in papers:
        shutil.copy(pdf, inbox / pdf.name)
    shutil.copy(RECORDING, inbox / "jfk.flac")
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(RECORDING), str(inbox / "jfk.wav")], check=True)
    junk = {
        "notes.docx": b"PK\x03\x04 a word document",
        "empty.md": b"",
        "binary.txt": bytes(range(256)) * 8,
        "fake.pdf": b"<html><body>not a PDF</body></html>",
        "code-only.md": b"```\nprint(1)\n```\n\nhttps://x.org\n",
    }
    for name, content in junk.items():
        _drop(inbox, name, content)
    Image.new("RGB", (64, 64), "teal").save(inbox / "picture.png")
    whole_pdf, grown = PAPER.read_bytes(), {"growing.md": _note(100), "growing.txt": _note(101)}
    _drop(inbox, "stalled.pdf", whole_pdf[: len(whole_pdf) // 2])  # a copy that stalls half-way
    for name, content in grown.items():
        _drop(inbox, name, content[:15])  # copies still going
    a, b = _note(200), _note(201)
    _drop(inbox, "abba.md", a)
    dropped = 81 + 4 + len(papers) + 2 + len(junk) + 1 + 1 + len(grown) + 1
    assert len(list(inbox.iterdir())) == dropped

    requested = []  # (file name, sha256 of its content when requested, run key)

    def tick(expected: int):
        result = sensor.tick()
        for r in result.run_requests:
            path = Path(r.tags["vidgen/file"])
            requested.append((path.name, hashlib.sha256(path.read_bytes()).hexdigest(), r.run_key))
        assert len(result.run_requests) == expected, result.skip_message
        return result

    first = tick(0)
    assert first.skip_message.startswith(f"{dropped} file(s) changed since the last tick")
    for name, content in grown.items():
        _drop(inbox, name, content[:40])
    tick(81 + len(papers) + 2 + 1)  # notes (duplicates once), papers, recordings, abba's A
    for name, content in grown.items():
        _drop(inbox, name, content)
    tick(0)  # the growing files grew once more
    tick(2)  # and have stopped
    _drop(inbox, "stalled.pdf", whole_pdf)  # the stalled copy finishes
    _drop(inbox, "abba.md", b)
    tick(0)
    tick(2)
    _drop(inbox, "abba.md", a)
    tick(0)
    tick(1)
    assert tick(0).skip_message == "no new or changed file in the inbox"

    sha = lambda content: hashlib.sha256(content).hexdigest()  # noqa: E731
    expected = {
        *notes.values(),
        *grown.values(),
        whole_pdf,
        RECORDING.read_bytes(),
        (inbox / "jfk.wav").read_bytes(),
        *(p.read_bytes() for p in papers),
        a,
        b,
    }
    assert sorted(s for _, s, _ in requested) == sorted([sha(c) for c in expected] + [sha(a)])  # A -> B -> A
    assert len({key for _, _, key in requested}) == len(requested)  # every request is a new run key
    assert not {name for name, _, _ in requested} & {*junk, "picture.png"}
    partitions = set(sensor.instance.get_dynamic_partitions(documents.name))
    assert len(partitions) == len({name for name, _, _ in requested}) == 81 + len(papers) + 2 + len(grown) + 1 + 1
    assert not partitions & {"notes", "empty", "binary", "fake", "code-only", "picture"}
    with Database(StorageResource(data_dir=str(data_dir)).paths().database).connect() as con:
        registered = {Path(p).name for (p,) in con.execute("SELECT path FROM documents").fetchall()}
    assert registered == {name for name, _, _ in requested}
    log = capsys.readouterr().err
    refused = [*junk, "picture.png", "stalled.pdf", *(f"note-{n:02d}.md" for n in range(1, 5))]
    assert [name for name in refused if log.count(f"not taken: {inbox / name}:") != 1] == []  # each reported once

    gone = ["note-10.md", "note-11.md", "notes.docx", "note-01.md", "jfk.wav"]
    for name in gone:
        (inbox / name).unlink()
    tick(0)
    assert sorted(Path(k).name for k in json.loads(sensor.cursor)) == sorted(p.name for p in inbox.iterdir())
    assert len(json.loads(sensor.cursor)) == dropped - len(gone)


def test_backfill_requests_documents_without_a_video_and_skips_when_none(data_dir, tmp_path):
    storage = StorageResource(data_dir=str(data_dir))
    with instance_for_test() as instance:  # schedules need a persistent instance
        _check_backfill(instance, storage, tmp_path)


def _backfill_tick(instance, storage):
    with build_schedule_context(
        instance=instance, resources={"storage": storage}, scheduled_execution_time=TICK
    ) as context:
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

    db = Database(StorageResource(data_dir=str(data_dir)).paths().database)
    doc = tmp_path / "paper.md"
    doc.write_text("# Paper\n\nFirst.\n")
    doc_id = register(db, doc)
    db.replace(
        doc_id,
        {
            SourceDocumentRow: [
                SourceDocumentRow(
                    path=str(doc),
                    kind="md",
                    sha256=sha256_of(doc),
                    size_bytes=doc.stat().st_size,
                    title="Paper",
                    page_count=None,
                    text="First.",
                    sections="[]",
                    metadata="{}",
                )
            ]
        },
    )
    assert documents_to_refresh(db, [doc_id], with_video={doc_id}).due == []
    doc.write_text("# Paper\n\nSecond.\n")
    assert documents_to_refresh(db, [doc_id], with_video={doc_id}).due == [doc_id]


def _read_source_document(instance, storage, doc_id):
    """Materialize source_documents of one partition, as a run of the backfill would start."""
    result = materialize(
        [source_documents],
        partition_key=doc_id,
        instance=instance,
        raise_on_error=False,
        resources={"storage": storage, "settings": SettingsResource()},
    )
    return result.success


def test_the_backfill_does_not_retry_a_bad_input_until_it_changes_nor_a_deleted_source(data_dir, tmp_path):
    storage = StorageResource(data_dir=str(data_dir))
    db = storage.database()
    bad, good = tmp_path / "links.md", tmp_path / "note.md"
    bad.write_text("# Links\n\nhttps://example.org/a\n\nhttps://example.org/b\n")
    good.write_text("# Note\n\nThis note has a sentence for the narrator.\n")
    with instance_for_test() as instance:
        doc_ids = [register(db, bad), register(db, good)]
        instance.add_dynamic_partitions(documents.name, doc_ids)
        assert [r.partition_key for r in _backfill_tick(instance, storage)] == ["links", "note"]
        assert not _read_source_document(instance, storage, "links")  # fails on its input
        failed = db.read_one(DocumentRow, "links")
        assert failed.failed_sha256 == sha256_of(bad) and "has no sentence to narrate" in failed.failure

        assert [r.partition_key for r in _backfill_tick(instance, storage)] == ["note"]  # links held back
        good.unlink()
        skipped = _backfill_tick(instance, storage)
        assert isinstance(skipped, SkipReason)
        assert skipped.skip_message == (
            f"0 of 2 documents are up to date; not retried: links: {bad}: has no sentence to narrate (only headings, "
            "code, links or numbers); add some prose (retried once the file changes); "
            f"note: its source {good} is gone (drop it into the inbox again to rebuild it)"
        )

        bad.write_text("# Links\n\nThe links were replaced by a sentence worth reading aloud.\n")
        assert [r.partition_key for r in _backfill_tick(instance, storage)] == ["links"]  # changed: tried again
        assert _read_source_document(instance, storage, "links")
        cleared = db.read_one(DocumentRow, "links")
        assert cleared.failed_sha256 is None and cleared.failure is None


RUNS = "{ runsOrError { ... on Runs { results { status tags { key value } } } } }"


def _sensor_runs(port):
    runs = graphql(port, RUNS)["runsOrError"]["results"]
    return [r for r in runs if {"key": "dagster/sensor_name", "value": "inbox_sensor"} in r["tags"]]


TICKS = (
    '{ sensorOrError(sensorSelector: {repositoryLocationName: "vidgen_assets.definitions", '
    'repositoryName: "__repository__", sensorName: "inbox_sensor"}) '
    "{ ... on Sensor { sensorState { ticks(limit: 20) { timestamp status } } } } }"
)


def _sensor_ticks_since(port, since: float) -> list[dict]:
    """The inbox sensor's finished ticks (the daemon's) that started after `since` (epoch seconds)."""
    ticks = graphql(port, TICKS)["sensorOrError"]["sensorState"]["ticks"]
    return [tick for tick in ticks if tick["timestamp"] >= since and tick["status"] != "STARTED"]


def test_a_drop_becomes_a_video_under_dagster_dev_and_is_not_redone_after_a_restart(data_dir):
    """The daemon runs the sensor; its cursor lives in DAGSTER_HOME and survives a restart. The
    dropped file is the smallest real document: one sentence, after the title its name gives."""
    with dagster_dev(data_dir) as port:
        _drop(data_dir / "inbox", "dropped-note.txt", b"A dropped note becomes a short video.\n")
        deadline = time.monotonic() + 300
        while not (runs := _sensor_runs(port)) or runs[0]["status"] not in ("SUCCESS", "FAILURE"):
            assert time.monotonic() < deadline, "the sensor's run did not finish"
            time.sleep(3)
        assert [r["status"] for r in runs] == ["SUCCESS"]
    assert (data_dir / "videos" / "dropped-note.mp4").is_file()
    os.utime(data_dir / "inbox" / "dropped-note.txt")  # touched, same content
    # Forget the run, so Dagster's run-key check cannot skip a re-request: only the cursor kept
    # in DAGSTER_HOME can tell the restarted sensor that this file was already taken.
    with DagsterInstance.from_config(str(data_dir / "dagster_home")) as instance:
        for run in instance.get_runs():
            instance.delete_run(run.run_id)
    with dagster_dev(data_dir) as port:
        restarted = time.time()
        # A file is taken once it is unchanged over two ticks: two finished ticks after the
        # restart are when a forgotten cursor would have asked for the run.
        deadline = time.monotonic() + 180
        while len(ticks := _sensor_ticks_since(port, restarted)) < 2:
            assert time.monotonic() < deadline, f"the daemon did not tick the sensor twice: {ticks}"
            time.sleep(1)
        assert {tick["status"] for tick in ticks} <= {"SKIPPED", "SUCCESS"}, ticks
        assert _sensor_runs(port) == []
