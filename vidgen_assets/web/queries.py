"""Everything the web pages read from the DuckDB file, in one place.

Each read opens the file read-only and closes it before returning, so a running pipeline,
which writes in short transactions, is never held up by a page being viewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from vidgen_assets.storage.duckdb import Database


@dataclass(frozen=True)
class VideoCard:
    """One finished video as the gallery lists it."""

    doc_id: str
    title: str
    kind: str
    duration_s: float
    made_at: datetime
    path: Path
    thumbnail: Path | None


@dataclass(frozen=True)
class Beat:
    """One chunk of the storyboard: its frame, its time span and what it shows and says."""

    idx: int
    start_s: float
    end_s: float
    narration: str
    on_screen: str
    prompt: str
    frame: Path | None
    figure: str | None


@dataclass(frozen=True)
class FigureCard:
    label: str
    caption: str
    page: int | None
    path: Path


@dataclass(frozen=True)
class VideoPage:
    """Everything the player page shows for one document."""

    card: VideoCard
    width: int
    height: int
    srt: Path | None
    vtt: Path | None
    beats: list[Beat]
    figures: list[FigureCard]


_VIDEOS = """
    SELECT v.doc_id, coalesce(s.title, v.doc_id), coalesce(s.kind, ''), v.duration_s, v.path,
           v.thumbnail_path, v.width, v.height, v.srt_path, v.vtt_path
    FROM videos v LEFT JOIN source_documents s USING (doc_id)"""

_BEATS = """
    SELECT c.idx, c.start_s, c.end_s, c.text, coalesce(f.text, m.summary, ''), coalesce(p.prompt, ''),
           f.path, coalesce(f.figure, p.figure)
    FROM chunks c
    LEFT JOIN summaries m ON m.doc_id = c.doc_id AND m.chunk_idx = c.idx
    LEFT JOIN image_prompts p ON p.doc_id = c.doc_id AND p.chunk_idx = c.idx
    LEFT JOIN frames f ON f.doc_id = c.doc_id AND f.chunk_idx = c.idx AND coalesce(f.part, 0) = 0
    WHERE c.doc_id = ? ORDER BY c.idx"""

_FIGURES = """
    SELECT label, coalesce(caption, ''), page, path FROM figures
    WHERE doc_id = ? AND path IS NOT NULL ORDER BY idx"""

_PATHS_OF_SOURCES = "SELECT path, doc_id FROM documents"


def _query(db: Database, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a read-only query; none when the file or a table does not exist yet."""
    if not db.path.exists():
        return []
    with db.connect(read_only=True) as con:
        try:
            return con.execute(sql, params or []).fetchall()
        except duckdb.CatalogException:  # a table not created yet: nothing has been made
            return []


def _card(row: tuple) -> VideoCard | None:
    """A gallery card, or None when the row's MP4 is gone (it is not a finished video then)."""
    doc_id, title, kind, duration, path, thumbnail = row[:6]
    path = Path(path)
    if not path.is_file():
        return None
    return VideoCard(
        doc_id,
        title,
        kind,
        duration or 0.0,
        datetime.fromtimestamp(path.stat().st_mtime),
        path,
        Path(thumbnail) if thumbnail else None,
    )


def finished_videos(db: Database) -> list[VideoCard]:
    """Every video whose file exists, newest first."""
    cards = [c for c in map(_card, _query(db, _VIDEOS)) if c]
    return sorted(cards, key=lambda c: c.made_at, reverse=True)


def video_page(db: Database, doc_id: str) -> VideoPage | None:
    rows = _query(db, _VIDEOS + " WHERE v.doc_id = ?", [doc_id])
    card = _card(rows[0]) if rows else None
    if card is None:
        return None
    width, height, srt, vtt = rows[0][6:]
    beats = [
        Beat(idx, start, end, text, summary, prompt, Path(frame) if frame else None, figure)
        for idx, start, end, text, summary, prompt, frame, figure in _query(db, _BEATS, [doc_id])
    ]
    figures = [
        FigureCard(label, caption, page, Path(path)) for label, caption, page, path in _query(db, _FIGURES, [doc_id])
    ]
    return VideoPage(
        card, width or 0, height or 0, Path(srt) if srt else None, Path(vtt) if vtt else None, beats, figures
    )


def doc_ids_by_source(db: Database) -> dict[str, str]:
    """doc_id of every registered source file, keyed by its absolute path."""
    return dict(_query(db, _PATHS_OF_SOURCES))
