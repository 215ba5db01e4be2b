"""Asset checks for what a viewer would notice: silence, missing or blank frames, a video
that drifts from its narration, speech without subtitles."""

from pathlib import Path
from typing import Sequence

from dagster import AssetCheckExecutionContext, AssetCheckResult, asset_check

from vidgen_assets.media.audio import is_silent
from vidgen_assets.media.ffmpeg import probe
from vidgen_assets.media.render import is_blank
from vidgen_assets.media.cues import Cue
from vidgen_assets.media.subtitle_files import parse_srt
from vidgen_assets.partitions import documents
from vidgen_assets.resources import StorageResource
from vidgen_assets.storage.records import load_segments
from vidgen_assets.storage.tables import ChunkRow, FrameRow, NarrationAudioRow, VideoRow
from vidgen_assets.timeline import Segment

DURATION_TOLERANCE_S = 0.1


def uncovered_words(cues: Sequence[Cue], segments: Sequence[Segment]) -> list[str]:
    """Spoken words whose midpoint no subtitle cue shows."""
    missing = []
    for seg in segments:
        for w in seg.words:
            mid = (w.start_s + w.end_s) / 2
            if not any(c.start_s <= mid <= c.end_s for c in cues):
                missing.append(w.word)
    return missing


@asset_check(asset="narration_audio", partitions_def=documents)
def audio_not_silent(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    row = storage.database().read_one(NarrationAudioRow, context.partition_key)
    silent = is_silent(Path(row.path))
    return AssetCheckResult(passed=not silent, metadata={"path": row.path})


@asset_check(asset="frames", partitions_def=documents)
def every_chunk_has_a_frame(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    db = storage.database()
    chunks = {c.idx for c in db.read(ChunkRow, context.partition_key)}
    framed = {f.chunk_idx for f in db.read(FrameRow, context.partition_key) if Path(f.path).is_file()}
    missing = sorted(chunks - framed)
    return AssetCheckResult(passed=not missing, metadata={"chunks": len(chunks), "missing": str(missing)})


@asset_check(asset="frames", partitions_def=documents)
def no_blank_frame(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    rows = storage.database().read(FrameRow, context.partition_key)
    blank = [r.chunk_idx for r in rows if is_blank(Path(r.path))]
    return AssetCheckResult(passed=not blank, metadata={"frames": len(rows), "blank": str(blank)})


@asset_check(asset="videos", partitions_def=documents)
def video_matches_narration(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    db = storage.database()
    narration = db.read_one(NarrationAudioRow, context.partition_key).duration_s
    info = probe(Path(db.read_one(VideoRow, context.partition_key).path))
    drift = {s.codec_type: round(abs((s.duration_s or 0.0) - narration), 3)
             for s in info.streams if s.codec_type in ("video", "audio")}
    passed = set(drift) == {"video", "audio"} and max(drift.values()) <= DURATION_TOLERANCE_S
    return AssetCheckResult(passed=passed, metadata={"narration_s": narration, **{f"{k}_drift_s": v for k, v in drift.items()}})


@asset_check(asset="videos", partitions_def=documents)
def subtitles_cover_narration(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    db = storage.database()
    cues = parse_srt(Path(db.read_one(VideoRow, context.partition_key).srt_path))
    missing = uncovered_words(cues, load_segments(db, context.partition_key))
    return AssetCheckResult(passed=not missing, metadata={"cues": len(cues), "uncovered_words": len(missing),
                                                          "examples": " ".join(missing[:20])})
