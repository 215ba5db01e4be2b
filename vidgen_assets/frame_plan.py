"""What each frame shows, and drawing it: the title card, then per chunk its on-screen text with
the paper's own figure or a picture from the picture backend over a background.

`plan_frames` decides from the storyboard tables what every frame needs and which chunks ask the
picture backend for a picture; `ask_for_pictures` asks it; `draw_frame` composes one PNG and
returns its row; `write_credits` lists the attributions the pictures' licences ask for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from vidgen_assets.backends.pictures import Picture, PictureBackend, PictureRequest
from vidgen_assets.backends.pictures.generation import document_seed
from vidgen_assets.language.grounding import content_words
from vidgen_assets.language.key_phrases import Embed, ranked_phrases
from vidgen_assets.language.prompts import prompt_subject
from vidgen_assets.language.slides import Slide
from vidgen_assets.media.backgrounds import Style
from vidgen_assets.media.render import render_frame, render_title_card
from vidgen_assets.sources.document import Document, Figure
from vidgen_assets.sources.pdf.byline import names_someone
from vidgen_assets.storage.files import atomic_path
from vidgen_assets.storage.tables import ChunkRow, FrameRow, ImagePromptRow, SummaryRow


@dataclass(frozen=True)
class PlannedFrame:
    chunk_idx: int
    start_s: float
    end_s: float
    slide: Slide                     # what the frame says (on the title card: the title as headline)
    prompt: str                      # the chunk's whole image prompt: seeds the background, kept in the PNG
    subtitle: str = ""               # title card only: authors or the abstract's key phrase
    figure: Figure | None = None     # the paper's figure or table the frame shows
    request: PictureRequest | None = None  # None: the title card, a figure frame, or no picture wanted
    is_title: bool = False
    part: int = 0                    # 1: the chunk's second frame, showing its second figure


def plan_frames(
    doc: Document,
    doc_hash: str,
    chunks: Sequence[ChunkRow],
    summaries: Mapping[int, SummaryRow],
    prompts: Sequence[ImagePromptRow],
    picture_size: tuple[int, int],
    want_pictures: bool = True,
    embed: Embed | None = None,
) -> list[PlannedFrame]:
    """Frames per image prompt, in order: the first is the title card. A chunk that shows a
    figure of the paper gets one frame per figure (two split its time in halves); every
    other chunk asks for a picture of its prompt's subject in the document's style, all with
    the document's one seed, so the pictures of one film look alike."""
    by_idx = {c.idx: c for c in chunks}
    figures = {f.label: f for f in doc.figures if f.image_path}
    seed = document_seed(doc_hash)
    frames = []
    for n, p in enumerate(prompts):
        chunk = by_idx[p.chunk_idx]
        row = summaries.get(p.chunk_idx)
        slide = slide_of(row) if row else Slide()
        if n == 0:
            subtitle = title_subtitle(doc, chunk.text, embed)
            frames.append(PlannedFrame(p.chunk_idx, chunk.start_s, chunk.end_s, Slide(headline=doc.title), p.prompt,
                                       subtitle, is_title=True))
            continue
        shown = [figures[label] for label in (p.figure, p.next_figure) if label and label in figures]
        if shown:
            bounds = [chunk.start_s, *([(chunk.start_s + chunk.end_s) / 2] if len(shown) == 2 else []), chunk.end_s]
            frames.extend(PlannedFrame(p.chunk_idx, bounds[k], bounds[k + 1], slide, p.prompt, figure=figure, part=k)
                          for k, figure in enumerate(shown))
            continue
        request = None
        if want_pictures:
            subject = prompt_subject(p.prompt, p.style) or slide.headline or chunk.text
            request = PictureRequest(prompt=subject, style=p.style, seed=seed, width=picture_size[0],
                                     height=picture_size[1], text=chunk.text, summary=slide.headline)
        frames.append(PlannedFrame(p.chunk_idx, chunk.start_s, chunk.end_s, slide, p.prompt, request=request))
    return frames


def slide_of(row: SummaryRow) -> Slide:
    """The slide a summaries row describes."""
    return Slide(row.section or "", row.summary, tuple(json.loads(row.points or "[]")), row.number or "",
                 row.number_label or "", row.backend or "", row.problem, row.reply)


def title_subtitle(doc: Document, opening: str, embed: Embed | None = None) -> str:
    """The line under the title: the authors when the source names them, else the key phrase
    of the abstract (or of the opening chunk) that does not merely repeat the title."""
    authors = _authors(doc.metadata.get("Author", ""))
    if authors:
        return authors
    abstract = next((s.text for s in doc.sections if s.heading.strip().lower() == "abstract"), "") or opening
    title_words = content_words(doc.title)
    for phrase in ranked_phrases(abstract, embed):
        if not content_words(phrase) <= title_words:
            return phrase
    return ""


def _authors(field: str) -> str:
    return " ".join(str(field).split()).strip(" ;,") if names_someone(field) else ""


def ask_for_pictures(backend: PictureBackend, frames: Sequence[PlannedFrame],
                     log: Callable[[str], None] = lambda message: None) -> dict[int, Picture | None]:
    """The backend's picture (or None) for every frame that asks for one, by chunk index: one
    request at a time, each logged, when the backend asks for that, else all in one call."""
    asking = [f for f in frames if f.request is not None]
    if not asking:
        return {}
    if not backend.one_at_a_time:
        log(f"pictures: asking {backend.name} for {len(asking)} pictures")
        answers = backend.pictures([f.request for f in asking])
        log(f"pictures: {sum(a is not None for a in answers)} of {len(asking)} found by {backend.name}")
        return {f.chunk_idx: a for f, a in zip(asking, answers)}
    out = {}
    for n, frame in enumerate(asking, 1):
        (picture,) = backend.pictures([frame.request])
        out[frame.chunk_idx] = picture
        how = "from the cache" if picture is not None and picture.from_cache else "drawn by " + backend.name
        log(f"pictures: {n}/{len(asking)} {how}: {frame.request.prompt}")
    return out


def draw_frame(frame: PlannedFrame, picture: Picture | None, style: Style, path: Path) -> FrameRow:
    """Compose the frame's PNG at `path` and return its row."""
    base = dict(chunk_idx=frame.chunk_idx, path=str(path), start_s=frame.start_s, end_s=frame.end_s,
                part=frame.part, text_source=frame.slide.source or None, text_problem=frame.slide.problem)
    if frame.is_title:
        render_title_card(frame.slide.headline, frame.subtitle, style, frame.prompt, path)
        return FrameRow(**base, text="\n".join(t for t in (frame.slide.headline, frame.subtitle) if t))
    figure = frame.figure
    meta = None
    if picture is not None:
        meta = {"source": picture.source, "licence": picture.licence, "description": picture.description,
                "attribution": picture.attribution}
    render_frame(frame.slide, frame.prompt, style, path,
                 figure=figure.image_path if figure else None,
                 caption=f"{figure.label}: {figure.caption}" if figure else None,
                 picture=picture.image if picture else None, picture_meta=meta)
    base.update(text=frame.slide.text, figure=figure.label if figure else None)
    if picture is None:
        return FrameRow(**base)
    return FrameRow(
        **base,
        picture_source=picture.source, picture_licence=picture.licence,
        picture_similarity=None if picture.similarity is None else round(float(picture.similarity), 4),
        picture_path=str(picture.path) if picture.path else None,
        picture_description=picture.description, picture_attribution=picture.attribution or None,
    )


def credits_text(frames: Sequence[FrameRow]) -> str:
    """The credits file's text: one line per picture whose licence asks for attribution,
    with where it appears; "" when no picture needs one."""
    lines = []
    for row in frames:
        if row.picture_attribution:
            lines.append(f"{_clock(row.start_s)}  {row.picture_description}: {row.picture_attribution} "
                         f"({row.picture_licence}; {row.picture_source})")
    if not lines:
        return ""
    return "Pictures in this video whose licence asks for attribution (time: picture: credit):\n\n" + "\n".join(lines) + "\n"


def write_credits(frames: Sequence[FrameRow], path: Path) -> Path | None:
    """Write the credits file when some picture needs one and return its path; when none
    does, an older file is removed and None returned."""
    text = credits_text(frames)
    if not text:
        path.unlink(missing_ok=True)
        return None
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"
