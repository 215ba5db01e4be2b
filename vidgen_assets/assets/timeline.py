"""transcripts and chunks: timed sentences and words, grouped into visual beats."""

from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vidgen_assets.assets.wiring import GPU_STEP, step_threads
from vidgen_assets.errors import InputError
from vidgen_assets.partitions import documents
from vidgen_assets.progress import StageProgress
from vidgen_assets.resources import SettingsResource, StorageResource, TranscriptionResource
from vidgen_assets.sources.kinds import RECORDING_KINDS
from vidgen_assets.storage.catalog import source_path
from vidgen_assets.storage.records import load_document, load_segments, load_timings, save_segments
from vidgen_assets.storage.tables import ChunkRow, NarrationAudioRow, TranscriptRow
from vidgen_assets.timeline import split_into_chunks


@asset(
    partitions_def=documents,
    group_name="timeline",
    deps=["narration_audio", "source_documents"],
    kinds={"duckdb"},
    **GPU_STEP,
)
def transcripts(
    context: AssetExecutionContext, storage: StorageResource, asr: TranscriptionResource
) -> MaterializeResult:
    """Timed segments and words of the narration: exact sentence and word times from the
    synthesizer, or Whisper with word timestamps for recordings. Tables `segments`, `words`."""
    doc_id = context.partition_key
    progress = StageProgress("transcripts", context.log.info)
    db = storage.database()
    audio = db.read_one(NarrationAudioRow, doc_id)
    if load_document(db, doc_id).kind in RECORDING_KINDS:
        transcriber = asr.transcriber(cache_dir=storage.paths().cache, threads=step_threads(context))
        result = transcriber.transcribe(Path(audio.recognition_path), progress=progress)
        segments, backend, model, language = result.segments, result.backend, result.model, result.language
        if not segments:
            raise InputError(source_path(db, doc_id), "contains no recognizable speech")
    else:
        segments = load_timings(Path(audio.timings_path))
        backend, model, language = audio.backend, audio.voice, "en"
    save_segments(db, doc_id, segments, TranscriptRow(backend, model, language, audio.duration_s))
    return MaterializeResult(
        metadata={
            "segments": len(segments),
            "words": sum(len(s.words) for s in segments),
            "language": language,
            "backend": backend,
            "duration_s": round(audio.duration_s, 2),
            "preview": MetadataValue.md(
                "\n".join(f"- `{s.start_s:7.2f}–{s.end_s:7.2f}` {s.text}" for s in segments[:10])
            ),
        }
    )


@asset(partitions_def=documents, group_name="timeline", deps=["transcripts", "narration_audio"], kinds={"duckdb"})
def chunks(context: AssetExecutionContext, storage: StorageResource, settings: SettingsResource) -> MaterializeResult:
    """Consecutive segments grouped into visual beats of at most `chunk_seconds` (default 8),
    each ending at a sentence end; one frame is shown per chunk."""
    doc_id = context.partition_key
    db = storage.database()
    duration = db.read_one(NarrationAudioRow, doc_id).duration_s
    found = split_into_chunks(load_segments(db, doc_id), duration, settings.chunk_seconds)
    db.replace(
        doc_id,
        {ChunkRow: [ChunkRow(c.idx, c.start_s, c.end_s, c.text, c.segment_idx[0], c.segment_idx[-1]) for c in found]},
    )
    lengths = [c.duration_s for c in found]
    return MaterializeResult(
        metadata={
            "chunks": len(found),
            "mean_seconds": round(sum(lengths) / len(lengths), 2) if lengths else 0.0,
            "longest_seconds": round(max(lengths), 2) if lengths else 0.0,
            "preview": MetadataValue.md("\n".join(f"{c.idx}. {c.text}" for c in found[:8])),
        }
    )
