"""Load: four documents at once, each run in its own process with the multiprocess executor
(as the UI's run launcher starts them) under vidgen's instance configuration, while another
process reads the DuckDB file in a loop. Every run succeeds with exactly the rows it should
have, and nobody meets a lock error."""

from __future__ import annotations

from pathlib import Path

from dagster import DagsterEventType, DagsterInstance

from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.tables import (
    ChunkRow,
    FrameRow,
    ImagePromptRow,
    NarrationAudioRow,
    ScriptRow,
    SegmentRow,
    SourceDocumentRow,
    SummaryRow,
    VideoRow,
    WordRow,
)
from vidgen_tests.helpers.load import Reader, register_documents, run_at_once, write_notes


def test_four_documents_at_once_beside_a_reader_all_succeed_with_exact_rows(data_dir, tmp_path):
    doc_ids = register_documents(write_notes(tmp_path / "notes", 4))
    database = data_dir / "vidgen.duckdb"
    reader = Reader(database, doc_ids)
    try:
        outcomes = run_at_once(doc_ids, executor="multiprocess")
    finally:
        reads, read_errors, _ = reader.stop()
    assert {d: (ok, errors) for d, (ok, _, errors, _) in outcomes.items()} == {d: (True, []) for d in doc_ids}
    assert read_errors == [] and reads > 0

    db = Database(database)
    for doc_id in doc_ids:
        script = db.read(ScriptRow, doc_id)
        chunks = db.read(ChunkRow, doc_id)
        assert len(script) >= 3  # three sentences (and the title, if the script reads it)
        assert len(db.read(SegmentRow, doc_id)) == len(script)
        assert len(db.read(WordRow, doc_id)) == sum(len(s.text.split()) for s in script)
        assert chunks and [c.idx for c in chunks] == list(range(len(chunks)))
        for record in (SummaryRow, ImagePromptRow, FrameRow):
            assert len(db.read(record, doc_id)) == len(chunks), (doc_id, record.TABLE)
        for record in (SourceDocumentRow, NarrationAudioRow, VideoRow):
            assert len(db.read(record, doc_id)) == 1, (doc_id, record.TABLE)
        frames = {Path(f.path) for f in db.read(FrameRow, doc_id)}
        assert all(f.is_file() for f in frames) and Path(db.read_one(VideoRow, doc_id).path).is_file()

    # Every check ran in every run and passed; the pool slots were all given back.
    instance = DagsterInstance.from_config(str(data_dir / "dagster_home"))
    for run in instance.get_runs():
        events = instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
        assert len(events) == 6 and all(e.dagster_event.event_specific_data.passed for e in events), run.tags
    for pool in ("model", "gpu"):
        assert instance.event_log_storage.get_concurrency_info(pool).claimed_slots == []
