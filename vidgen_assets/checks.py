"""Asset checks for what a viewer would notice: silence, missing or blank frames, subtitles that
do not say what is spoken, a video that drifts from its speech.

The checks on narration_audio, transcripts and frames are blocking: a failure stops the run
before `videos`, so a broken narration or picture never replaces a good video. Every job that
materializes an asset runs its checks, `vidgen make` included. Each check's judgement is a
plain function of the database and the document (`judge_*`), its Dagster check a thin wrapper.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dagster import AssetCheckExecutionContext, AssetCheckResult, asset_check

from vidgen_assets.media.audio import is_silent
from vidgen_assets.media.cues import Cue, cue_words
from vidgen_assets.media.ffmpeg import probe
from vidgen_assets.media.render import is_blank
from vidgen_assets.media.subtitle_files import parse_srt
from vidgen_assets.partitions import documents
from vidgen_assets.resources import StorageResource
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.records import load_segments
from vidgen_assets.storage.tables import ChunkRow, FrameRow, NarrationAudioRow, ScriptRow, VideoRow
from vidgen_assets.timeline import Segment

DURATION_TOLERANCE_S = 0.1
MIN_WORD_MATCH = 0.98  # share of words the subtitles and the script have in common, in order


def uncovered_words(cues: Sequence[Cue], segments: Sequence[Segment]) -> list[str]:
    """Spoken words whose midpoint no subtitle cue shows."""
    missing = []
    for seg in segments:
        for w in seg.words:
            mid = (w.start_s + w.end_s) / 2
            if not any(c.start_s <= mid <= c.end_s for c in cues):
                missing.append(w.word)
    return missing


def _comparable(words: Sequence[str]) -> list[str]:
    """Words as a reader compares them: lower case, no punctuation around them."""
    out = [re.sub(r"[^\w'’-]+", "", w.lower()).strip("'’-") for w in words]
    return [w for w in out if w]


def common_words(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two word lists (bit-parallel, Hyyrö 2004:
    one big-integer step per word of `b`, so a 5000-word script takes milliseconds)."""
    masks: dict[str, int] = {}
    for i, word in enumerate(a):
        masks[word] = masks.get(word, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for word in b:
        u = v & masks.get(word, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - bin(v).count("1")


def word_match(script: Sequence[str], shown: Sequence[str]) -> tuple[float, list[str], list[str]]:
    """How well `shown` (the subtitle words) says `script`, word by word in order.

    Returns the share of words in common, in order (over the longer list, so dropped and
    invented words both count), and examples of script words the subtitles lack and of
    subtitle words the script lacks.
    """
    a, b = _comparable(script), _comparable(shown)
    if not a and not b:
        return 1.0, [], []
    dropped, added = Counter(a) - Counter(b), Counter(b) - Counter(a)
    return common_words(a, b) / max(len(a), len(b)), list(dropped.elements()), list(added.elements())


def speech_extent(segments: Sequence[Segment]) -> float:
    """Where the last spoken segment ends: the length a video must at least have."""
    return max((s.end_s for s in segments), default=0.0)


@dataclass(frozen=True)
class Verdict:
    """A check's outcome on one document, as plain values."""

    passed: bool
    metadata: dict


def judge_audio(db: Database, doc_id: str) -> Verdict:
    row = db.read_one(NarrationAudioRow, doc_id)
    return Verdict(not is_silent(Path(row.path)), {"path": row.path})


def judge_subtitle_words(db: Database, doc_id: str) -> Verdict:
    script = [w for row in db.read(ScriptRow, doc_id) for w in row.text.split()]
    shown = cue_words(load_segments(db, doc_id))
    if not script:
        return Verdict(
            True,
            {"script_words": 0, "subtitle_words": len(shown), "note": "a recording: the subtitles are its transcript"},
        )
    share, dropped, added = word_match(script, shown)
    return Verdict(
        share >= MIN_WORD_MATCH,
        {
            "match": round(share, 4),
            "script_words": len(script),
            "subtitle_words": len(shown),
            "missing_examples": " ".join(dropped[:20]),
            "extra_examples": " ".join(added[:20]),
        },
    )


def judge_frames_present(db: Database, doc_id: str) -> Verdict:
    chunks = {c.idx for c in db.read(ChunkRow, doc_id)}
    framed = {f.chunk_idx for f in db.read(FrameRow, doc_id) if Path(f.path).is_file()}
    missing = sorted(chunks - framed)
    return Verdict(not missing, {"chunks": len(chunks), "missing": str(missing)})


def judge_frames_not_blank(db: Database, doc_id: str) -> Verdict:
    rows = db.read(FrameRow, doc_id)
    blank = [r.chunk_idx for r in rows if Path(r.path).is_file() and is_blank(Path(r.path))]
    return Verdict(not blank, {"frames": len(rows), "blank": str(blank)})


def judge_video_length(db: Database, doc_id: str) -> Verdict:
    spoken = speech_extent(load_segments(db, doc_id))
    narration = db.read_one(NarrationAudioRow, doc_id).duration_s
    info = probe(Path(db.read_one(VideoRow, doc_id).path))
    lengths = {s.codec_type: s.duration_s or 0.0 for s in info.streams if s.codec_type in ("video", "audio")}
    short = {k: v for k, v in lengths.items() if v < spoken - DURATION_TOLERANCE_S}
    long = {k: v for k, v in lengths.items() if v > max(spoken, narration) + DURATION_TOLERANCE_S}
    return Verdict(
        set(lengths) == {"video", "audio"} and not short and not long,
        {
            "spoken_s": round(spoken, 3),
            "narration_s": round(narration, 3),
            **{f"{k}_s": round(v, 3) for k, v in lengths.items()},
            "cuts_speech": ", ".join(sorted(short)) or "no",
        },
    )


def judge_subtitle_coverage(db: Database, doc_id: str) -> Verdict:
    cues = parse_srt(Path(db.read_one(VideoRow, doc_id).srt_path))
    missing = uncovered_words(cues, load_segments(db, doc_id))
    return Verdict(
        not missing, {"cues": len(cues), "uncovered_words": len(missing), "examples": " ".join(missing[:20])}
    )


def _result(verdict: Verdict) -> AssetCheckResult:
    return AssetCheckResult(passed=verdict.passed, metadata=verdict.metadata)


@asset_check(asset="narration_audio", partitions_def=documents, blocking=True)
def audio_not_silent(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    """The narration WAV has a sample louder than -60 dBFS (a silent voice or a broken encode fails)."""
    return _result(judge_audio(storage.database(), context.partition_key))


@asset_check(asset="transcripts", partitions_def=documents, blocking=True, additional_deps=["narration_scripts"])
def subtitles_say_the_narration(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    """The words the subtitles will show (cut from the transcript's segments) match the
    narration script word for word, at least 98% in order. A recording has no script: its
    transcript is what is spoken, and passes."""
    return _result(judge_subtitle_words(storage.database(), context.partition_key))


@asset_check(asset="frames", partitions_def=documents, blocking=True, additional_deps=["chunks"])
def every_chunk_has_a_frame(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    """Every chunk has a row in `frames` whose PNG exists."""
    return _result(judge_frames_present(storage.database(), context.partition_key))


@asset_check(asset="frames", partitions_def=documents, blocking=True)
def no_blank_frame(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    """No frame is one flat colour."""
    return _result(judge_frames_not_blank(storage.database(), context.partition_key))


@asset_check(asset="videos", partitions_def=documents, additional_deps=["transcripts", "narration_audio"])
def video_matches_narration(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    """The video's picture and sound both last to the end of the last spoken segment (within
    0.1 s), and no longer than the narration audio. Synthesized segments tile the narration, so
    there both bounds meet; a recording may go on after its last words."""
    return _result(judge_video_length(storage.database(), context.partition_key))


@asset_check(asset="videos", partitions_def=documents, additional_deps=["transcripts"])
def subtitles_cover_narration(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    """Every spoken word is on screen in a cue of the written .srt while it is spoken."""
    return _result(judge_subtitle_coverage(storage.database(), context.partition_key))
