"""The DuckDB tables, one typed record each, and the asset that owns (writes) each table.

A record's fields are the table's columns, after `doc_id` (the partition key), which every
table carries and `Database` fills in. The schema is derived from these classes, so a new
field is a new column, added to older database files on first use.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Union


def _sql(kind: str) -> dict:
    """Field metadata for a column whose SQL type is not the one its Python type implies."""
    return {"sql": kind}


@dataclass(frozen=True)
class Record:
    """Base of every table record; subclasses set TABLE, OWNER and, for one row a document, KEY."""

    TABLE: ClassVar[str]
    OWNER: ClassVar[str]  # the asset whose materialization writes this table
    ONE_PER_DOCUMENT: ClassVar[bool] = False
    ORDER_BY: ClassVar[str] = ""


@dataclass(frozen=True)
class DocumentRow(Record):
    """Which file a `documents` partition stands for (written on registration, not by an asset)."""

    TABLE = "documents"
    OWNER = ""
    ONE_PER_DOCUMENT = True
    path: str
    registered_at: datetime | None = None
    # The last read of the file failed on its content (an InputError): the hash of that content
    # and the error, so the backfill waits for the file to change. Cleared by a good read.
    failed_sha256: str | None = None
    failure: str | None = None


@dataclass(frozen=True)
class SourceDocumentRow(Record):
    TABLE = "source_documents"
    OWNER = "source_documents"
    ONE_PER_DOCUMENT = True
    path: str
    kind: str
    sha256: str
    size_bytes: int
    title: str
    page_count: int | None
    text: str
    sections: str = field(metadata=_sql("JSON"))
    metadata: str = field(metadata=_sql("JSON"))
    created_at: datetime | None = None


@dataclass(frozen=True)
class FigureRow(Record):
    TABLE = "figures"
    OWNER = "source_documents"
    ORDER_BY = "idx"
    idx: int
    label: str
    caption: str
    page: int
    path: str | None


@dataclass(frozen=True)
class ScriptRow(Record):
    TABLE = "narration_scripts"
    OWNER = "narration_scripts"
    ORDER_BY = "idx"
    idx: int
    text: str
    section: str
    written: str | None = None  # the sentence as the source writes it, when it differs from the spoken text


@dataclass(frozen=True)
class NarrationAudioRow(Record):
    TABLE = "narration_audio"
    OWNER = "narration_audio"
    ONE_PER_DOCUMENT = True
    path: str
    duration_s: float
    sample_rate: int
    backend: str
    voice: str
    timings_path: str | None = None  # synthesized speech: exact sentence and word times
    recognition_path: str | None = None  # recordings: the 16 kHz copy Whisper reads


@dataclass(frozen=True)
class TranscriptRow(Record):
    TABLE = "transcripts"
    OWNER = "transcripts"
    ONE_PER_DOCUMENT = True
    backend: str
    model: str
    language: str
    duration_s: float


@dataclass(frozen=True)
class SegmentRow(Record):
    TABLE = "segments"
    OWNER = "transcripts"
    ORDER_BY = "idx"
    idx: int
    start_s: float
    end_s: float
    text: str
    avg_logprob: float | None = None
    compression_ratio: float | None = None
    no_speech_prob: float | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class WordRow(Record):
    TABLE = "words"
    OWNER = "transcripts"
    ORDER_BY = "idx"
    idx: int
    segment_idx: int
    word: str
    start_s: float
    end_s: float
    probability: float | None = None


@dataclass(frozen=True)
class ChunkRow(Record):
    TABLE = "chunks"
    OWNER = "chunks"
    ORDER_BY = "idx"
    idx: int
    start_s: float
    end_s: float
    text: str
    first_segment: int | None = None  # the segments (= script sentences for synthesized speech) it spans
    last_segment: int | None = None


@dataclass(frozen=True)
class SummaryRow(Record):
    """A chunk's slide text: its section, headline, points and a result's number."""

    TABLE = "summaries"
    OWNER = "summaries"
    ORDER_BY = "chunk_idx"
    chunk_idx: int
    summary: str  # the headline
    backend: str | None = None  # who wrote the text: "extractive" or the model ("ollama:llama3.2")
    fallback: bool | None = None  # a model wrote text that failed the grounding check: extractive text used
    problem: str | None = None  # why the model's text was refused
    reply: str | None = None  # the refused text, for inspection
    section: str | None = None  # the paper's heading the chunk belongs to ("Results")
    points: str | None = field(default=None, metadata=_sql("JSON"))  # up to three short points
    number: str | None = None  # a result's number, shown large ("40%")
    number_label: str | None = None  # what it counts ("fewer crabs")


@dataclass(frozen=True)
class ImagePromptRow(Record):
    TABLE = "image_prompts"
    OWNER = "image_prompts"
    ORDER_BY = "chunk_idx"
    chunk_idx: int
    prompt: str
    style: str
    figure: str | None = None  # the paper's figure or table the chunk shows ("Figure 2")
    next_figure: str | None = None  # a second one, shown after the first in the chunk's second half
    figure_reason: str | None = None  # why: "cited", or "caption closest to the narration (0.52)"


@dataclass(frozen=True)
class FrameRow(Record):
    TABLE = "frames"
    OWNER = "frames"
    ORDER_BY = "chunk_idx, part"
    chunk_idx: int
    path: str
    start_s: float
    end_s: float
    text: str | None = None  # what the frame says on screen
    part: int = 0  # 1: a chunk's second frame (a second figure)
    figure: str | None = None  # the paper's figure or table shown ("Table 1")
    text_source: str | None = None  # who wrote the on-screen text: "extractive" or the model
    text_problem: str | None = None  # why a model's text was refused, when it was
    picture_source: str | None = None  # the picture backend's source ("openclipart", "media", "diffusers", ...)
    picture_licence: str | None = None
    picture_similarity: float | None = None  # library only: how well the picture matched the chunk
    picture_path: str | None = None  # the collection's file, or the cached generated PNG
    picture_description: str | None = None
    picture_attribution: str | None = None  # a credit line when the licence asks for one


@dataclass(frozen=True)
class VideoRow(Record):
    TABLE = "videos"
    OWNER = "videos"
    ONE_PER_DOCUMENT = True
    path: str
    duration_s: float
    width: int
    height: int
    size_bytes: int
    srt_path: str
    vtt_path: str
    thumbnail_path: str
    credits_path: str | None = None  # attribution for the pictures that need it; None when none do
    captions_path: str | None = None  # the burned-in captions (ASS), when there are any


RECORDS: tuple[type[Record], ...] = (
    DocumentRow,
    SourceDocumentRow,
    FigureRow,
    ScriptRow,
    NarrationAudioRow,
    TranscriptRow,
    SegmentRow,
    WordRow,
    ChunkRow,
    SummaryRow,
    ImagePromptRow,
    FrameRow,
    VideoRow,
)

_SQL_TYPES = {str: "VARCHAR", int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN", datetime: "TIMESTAMP"}
_DEFAULTS = {"registered_at": "DEFAULT current_timestamp", "created_at": "DEFAULT current_timestamp"}


def columns(record: type[Record]) -> list[tuple[str, str]]:
    """(name, SQL type) of each column after doc_id, in field order."""
    hints = typing.get_type_hints(record)
    out = []
    for f in dataclasses.fields(record):
        kind = f.metadata.get("sql") or _SQL_TYPES[_non_optional(hints[f.name])]
        out.append((f.name, kind))
    return out


def create_table_sql(record: type[Record]) -> str:
    key = "doc_id VARCHAR PRIMARY KEY" if record.ONE_PER_DOCUMENT else "doc_id VARCHAR"
    extra = ", path VARCHAR UNIQUE" if record is DocumentRow else ""
    cols = [
        f"{name} {kind} {_DEFAULTS.get(name, '')}".strip()
        for name, kind in columns(record)
        if not (record is DocumentRow and name == "path")
    ]
    return f"CREATE TABLE IF NOT EXISTS {record.TABLE} ({key}{extra}, {', '.join(cols)})"


def _non_optional(hint) -> type:
    if typing.get_origin(hint) in (Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return inner
    return hint


TABLE_OWNERS: dict[str, str] = {r.TABLE: r.OWNER for r in RECORDS if r.OWNER}
