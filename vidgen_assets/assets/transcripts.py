"""transcripts and chunks: timed sentences and words, grouped into visual beats."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vidgen_assets.assets.narration import RECOGNITION_WAV, TIMINGS_JSON, load_timings
from vidgen_assets.assets.source_documents import RECORDING_KINDS, load_document
from vidgen_assets.chunking import split_into_chunks
from vidgen_assets.errors import InputError
from vidgen_assets.partitions import documents
from vidgen_assets.progress import Progress
from vidgen_assets.registry import source_path
from vidgen_assets.resources import SettingsResource, StorageResource, TranscriptionResource
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.timeline import Segment, Word


@asset(
    partitions_def=documents, group_name="timeline", deps=["narration_audio"], kinds={"duckdb"},
    pool="gpu", op_tags={"dagster-k8s/config": {"container_config": {"resources": {"limits": {"nvidia.com/gpu": "1"}}}}},
)
def transcripts(
    context: AssetExecutionContext, storage: StorageResource, transcription: TranscriptionResource
) -> MaterializeResult:
    """Timed segments and words of the narration: exact sentence and word times from the
    synthesizer, or Whisper with word timestamps for recordings. Tables `segments`, `words`."""
    doc_id = context.partition_key
    progress = Progress("transcripts", context.log.info)
    db = storage.database()
    artifacts = storage.paths().artifacts(doc_id)
    audio = db.row("narration_audio", doc_id)
    if load_document(db, doc_id).kind in RECORDING_KINDS:
        transcriber = transcription.transcriber()
        result = transcriber.transcribe(artifacts / RECOGNITION_WAV, progress=progress)
        segments, backend, model, language = result.segments, result.backend, result.model, result.language
        if not segments:
            raise InputError(source_path(db, doc_id), "contains no recognizable speech")
    else:
        segments = load_timings(artifacts / TIMINGS_JSON)
        backend, model, language = audio["backend"], audio["voice"], "en"
    save_segments(db, doc_id, segments, {
        "backend": backend, "model": model, "language": language, "duration_s": audio["duration_s"],
    })
    words = sum(len(s.words) for s in segments)
    return MaterializeResult(metadata={
        "segments": len(segments),
        "words": words,
        "language": language,
        "backend": backend,
        "duration_s": round(audio["duration_s"], 2),
        "preview": MetadataValue.md("\n".join(
            f"- `{s.start_s:7.2f}–{s.end_s:7.2f}` {s.text}" for s in segments[:10]
        )),
    })


def save_segments(db: Database, doc_id: str, segments: list[Segment], summary: dict) -> None:
    db.replace_partition(doc_id, {
        "transcripts": [summary],
        "segments": [
            {"idx": i, "start_s": s.start_s, "end_s": s.end_s, "text": s.text,
             "avg_logprob": s.avg_logprob, "compression_ratio": s.compression_ratio,
             "no_speech_prob": s.no_speech_prob, "confidence": s.confidence}
            for i, s in enumerate(segments)
        ],
        "words": [
            {"idx": n, "segment_idx": i, "word": w.word, "start_s": w.start_s, "end_s": w.end_s,
             "probability": w.probability}
            for n, (i, w) in enumerate((i, w) for i, s in enumerate(segments) for w in s.words)
        ],
    })


def load_segments(db: Database, doc_id: str) -> list[Segment]:
    words: dict[int, list[Word]] = {}
    for w in db.rows("words", doc_id, order_by="idx"):
        words.setdefault(w["segment_idx"], []).append(
            Word(w["word"], w["start_s"], w["end_s"], w["probability"])
        )
    return [
        Segment(r["start_s"], r["end_s"], r["text"], tuple(words.get(r["idx"], ())),
                r["avg_logprob"], r["compression_ratio"], r["no_speech_prob"], r["confidence"])
        for r in db.rows("segments", doc_id, order_by="idx")
    ]


@asset(partitions_def=documents, group_name="timeline", deps=["transcripts"], kinds={"duckdb"})
def chunks(
    context: AssetExecutionContext, storage: StorageResource, settings: SettingsResource
) -> MaterializeResult:
    """Consecutive segments grouped into visual beats of at most `chunk_seconds` (default 8),
    each ending at a sentence end; one frame is shown per chunk."""
    doc_id = context.partition_key
    Progress("chunks", context.log.info)
    db = storage.database()
    duration = db.row("narration_audio", doc_id)["duration_s"]
    found = split_into_chunks(load_segments(db, doc_id), duration, settings.chunk_seconds)
    db.replace_partition(doc_id, {"chunks": [
        {"idx": c.idx, "start_s": c.start_s, "end_s": c.end_s, "text": c.text} for c in found
    ]})
    lengths = [c.duration_s for c in found]
    return MaterializeResult(metadata={
        "chunks": len(found),
        "mean_seconds": round(sum(lengths) / len(lengths), 2) if lengths else 0.0,
        "longest_seconds": round(max(lengths), 2) if lengths else 0.0,
        "preview": MetadataValue.md("\n".join(f"{c.idx}. {c.text}" for c in found[:8])),
    })
