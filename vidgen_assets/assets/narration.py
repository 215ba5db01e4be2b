"""narration_scripts and narration_audio: the words to be spoken, and the speech itself."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vidgen_assets.assets.wiring import MODEL_STEP, step_threads
from vidgen_assets.errors import InputError
from vidgen_assets.language.script import write_script
from vidgen_assets.media.audio import extract_original_audio, normalize_for_recognition
from vidgen_assets.media.ffmpeg import probe
from vidgen_assets.partitions import documents
from vidgen_assets.progress import StageProgress
from vidgen_assets.resources import SettingsResource, SpeechResource, StorageResource
from vidgen_assets.sources.kinds import RECORDING_KINDS
from vidgen_assets.storage.catalog import source_path
from vidgen_assets.storage.paths import NarrationFiles
from vidgen_assets.storage.records import load_document, save_timings
from vidgen_assets.storage.tables import NarrationAudioRow, ScriptRow
from vidgen_assets.storage.versions import new_version


@asset(partitions_def=documents, group_name="narration", deps=["source_documents"], kinds={"duckdb"})
def narration_scripts(
    context: AssetExecutionContext, storage: StorageResource, settings: SettingsResource
) -> MaterializeResult:
    """The sentences to be spoken, in spoken style (no citations, URLs or symbol-by-symbol
    equations), drawn from the abstract, introduction, key results and conclusion to the target
    length. Empty for recordings: their words come from the transcript."""
    doc_id = context.partition_key
    db = storage.database()
    doc = load_document(db, doc_id)
    script = (
        []
        if doc.kind in RECORDING_KINDS
        else write_script(doc, target_seconds=settings.target_seconds, words_per_minute=settings.words_per_minute)
    )
    db.replace(doc_id, {ScriptRow: [ScriptRow(i, s.text, s.section, s.written or None) for i, s in enumerate(script)]})
    words = sum(len(s.text.split()) for s in script)
    return MaterializeResult(
        metadata={
            "sentences": len(script),
            "words": words,
            "estimated_minutes": round(words / settings.words_per_minute, 2),
            "preview": MetadataValue.md(" ".join(s.text for s in script[:12]) or "(recording)"),
        }
    )


@asset(
    partitions_def=documents,
    group_name="narration",
    deps=["narration_scripts", "source_documents"],
    kinds={"duckdb", "wav"},
    **MODEL_STEP,
)
def narration_audio(context: AssetExecutionContext, storage: StorageResource, tts: SpeechResource) -> MaterializeResult:
    """The narration as a WAV file: the script synthesized sentence by sentence (so every
    sentence's time is exact), or, for a recording, the original audio plus a 16 kHz copy for
    recognition."""
    doc_id = context.partition_key
    db = storage.database()
    version = new_version(db, storage.paths(), doc_id, "narration_audio")
    files = NarrationFiles(version.directory)
    wav, timings, recognition = files.wav, None, None
    doc = load_document(db, doc_id)
    if doc.kind in RECORDING_KINDS:
        source = source_path(db, doc_id)
        recognition = str(normalize_for_recognition(source, files.recognition_wav))
        extract_original_audio(source, wav)
        backend, voice = "recording", source.name
    else:
        sentences = [r.text for r in db.read(ScriptRow, doc_id)]
        if not sentences:
            raise InputError(source_path(db, doc_id), "yields no sentences to narrate")
        synthesizer = tts.synthesizer(threads=step_threads(context))
        segments = synthesizer.synthesize(sentences, wav, progress=StageProgress("narration_audio", context.log.info))
        timings = str(save_timings(segments, files.timings))
        backend, voice = synthesizer.name, synthesizer.voice
    info = probe(wav)
    audio = info.of_type("audio")[0]
    duration = audio.duration_s or info.duration_s
    version.commit(
        {
            NarrationAudioRow: [
                NarrationAudioRow(str(wav), duration, audio.sample_rate, backend, voice, timings, recognition)
            ]
        }
    )
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(wav)),
            "duration_s": round(duration, 2),
            "size_bytes": wav.stat().st_size,
            "backend": backend,
            "voice": voice,
        }
    )
