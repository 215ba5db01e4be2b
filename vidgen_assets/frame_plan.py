"""What each frame shows: the title card, then per chunk its slide with the paper's own figure,
or a request for a picture from the picture backend.

`plan_frames` decides it from the storyboard tables; `media.frames.draw_frame` draws a planned
frame, `backends.pictures.ask_for_pictures` fetches the pictures it asks for.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vidgen_assets.backends.pictures import PictureRequest
from vidgen_assets.backends.pictures.generation import document_seed
from vidgen_assets.language.grounding import content_words
from vidgen_assets.language.key_phrases import Embed, ranked_phrases
from vidgen_assets.language.prompts import prompt_subject
from vidgen_assets.language.slides import Slide
from vidgen_assets.sources.document import Document, Figure
from vidgen_assets.sources.pdf.byline import names_someone
from vidgen_assets.storage.tables import ChunkRow, ImagePromptRow, SummaryRow


@dataclass(frozen=True)
class PlannedFrame:
    chunk_idx: int
    start_s: float
    end_s: float
    slide: Slide  # what the frame says (on the title card: the title as headline)
    prompt: str  # the chunk's whole image prompt: seeds the background, kept in the PNG
    subtitle: str = ""  # title card only: authors or the abstract's key phrase
    figure: Figure | None = None  # the paper's figure or table the frame shows
    request: PictureRequest | None = None  # None: the title card, a figure frame, or no picture wanted
    is_title: bool = False
    part: int = 0  # 1: the chunk's second frame, showing its second figure


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
            frames.append(
                PlannedFrame(
                    p.chunk_idx,
                    chunk.start_s,
                    chunk.end_s,
                    Slide(headline=doc.title),
                    p.prompt,
                    subtitle,
                    is_title=True,
                )
            )
            continue
        shown = [figures[label] for label in (p.figure, p.next_figure) if label and label in figures]
        if shown:
            bounds = [chunk.start_s, *([(chunk.start_s + chunk.end_s) / 2] if len(shown) == 2 else []), chunk.end_s]
            frames.extend(
                PlannedFrame(p.chunk_idx, bounds[k], bounds[k + 1], slide, p.prompt, figure=figure, part=k)
                for k, figure in enumerate(shown)
            )
            continue
        request = None
        if want_pictures:
            subject = prompt_subject(p.prompt, p.style) or slide.headline or chunk.text
            request = PictureRequest(
                prompt=subject,
                style=p.style,
                seed=seed,
                width=picture_size[0],
                height=picture_size[1],
                text=chunk.text,
                summary=slide.headline,
            )
        frames.append(PlannedFrame(p.chunk_idx, chunk.start_s, chunk.end_s, slide, p.prompt, request=request))
    return frames


def slide_of(row: SummaryRow) -> Slide:
    """The slide a summaries row describes."""
    return Slide(
        row.section or "",
        row.summary,
        tuple(json.loads(row.points or "[]")),
        row.number or "",
        row.number_label or "",
        row.backend or "",
        row.problem,
        row.reply,
    )


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
