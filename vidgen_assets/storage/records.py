"""The domain values assets hand to each other, to and from their table rows: the source
document, and the timed segments and words of the narration."""

import json
from dataclasses import asdict
from pathlib import Path

from vidgen_assets.sources.document import Document, Figure, Section
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.files import atomic_path
from vidgen_assets.storage.tables import (
    ChunkRow,
    FigureRow,
    ScriptRow,
    SegmentRow,
    SourceDocumentRow,
    TranscriptRow,
    WordRow,
)
from vidgen_assets.timeline import Segment, Word


def load_document(db: Database, doc_id: str) -> Document:
    """The stored Document of a partition, as source_documents wrote it."""
    row = db.read_one(SourceDocumentRow, doc_id)
    if row is None:
        raise LookupError(f"{doc_id}: source_documents is not materialized yet")
    figures = tuple(
        Figure(f.label, f.caption, f.page, Path(f.path) if f.path else None) for f in db.read(FigureRow, doc_id)
    )
    sections = tuple(Section(**s) for s in json.loads(row.sections))
    return Document(row.kind, row.title, sections, figures, row.page_count, json.loads(row.metadata))


def chunk_sentences(db: Database, doc_id: str) -> list[tuple[ChunkRow, tuple[str, str]]]:
    """Each chunk with (section, text): the section heading of its first script sentence and
    its sentences as the source writes them. Synthesized speech has one segment per script
    sentence; a recording (no script) gives its transcript's words and no section."""
    script = db.read(ScriptRow, doc_id)
    out = []
    for chunk in db.read(ChunkRow, doc_id):
        first, last = chunk.first_segment, chunk.last_segment
        if first is None or last is None or last >= len(script):
            out.append((chunk, ("", chunk.text)))
            continue
        sentences = script[first : last + 1]
        out.append((chunk, (sentences[0].section, " ".join(s.written or s.text for s in sentences))))
    return out


def save_segments(db: Database, doc_id: str, segments: list[Segment], transcript: TranscriptRow) -> None:
    db.replace(
        doc_id,
        {
            TranscriptRow: [transcript],
            SegmentRow: [
                SegmentRow(
                    i, s.start_s, s.end_s, s.text, s.avg_logprob, s.compression_ratio, s.no_speech_prob, s.confidence
                )
                for i, s in enumerate(segments)
            ],
            WordRow: [
                WordRow(n, i, w.word, w.start_s, w.end_s, w.probability)
                for n, (i, w) in enumerate((i, w) for i, s in enumerate(segments) for w in s.words)
            ],
        },
    )


def load_segments(db: Database, doc_id: str) -> list[Segment]:
    words: dict[int, list[Word]] = {}
    for w in db.read(WordRow, doc_id):
        words.setdefault(w.segment_idx, []).append(Word(w.word, w.start_s, w.end_s, w.probability))
    return [
        Segment(
            r.start_s,
            r.end_s,
            r.text,
            tuple(words.get(r.idx, ())),
            r.avg_logprob,
            r.compression_ratio,
            r.no_speech_prob,
            r.confidence,
        )
        for r in db.read(SegmentRow, doc_id)
    ]


def save_timings(segments: list[Segment], path: Path) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps([asdict(s) for s in segments]))
    return path


def load_timings(path: Path) -> list[Segment]:
    return [Segment(**{**s, "words": tuple(Word(**w) for w in s["words"])}) for s in json.loads(Path(path).read_text())]
