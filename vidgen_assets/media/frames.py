"""A planned frame drawn: its PNG by the built-in renderer, and its row for the frames table."""

from __future__ import annotations

from pathlib import Path

from vidgen_assets.backends.pictures import Picture
from vidgen_assets.frame_plan import PlannedFrame
from vidgen_assets.media.backgrounds import Style
from vidgen_assets.media.render import render_frame, render_title_card
from vidgen_assets.storage.tables import FrameRow


def draw_frame(frame: PlannedFrame, picture: Picture | None, style: Style, path: Path) -> FrameRow:
    """Compose the frame's PNG at `path` and return its row."""
    base = dict(
        chunk_idx=frame.chunk_idx,
        path=str(path),
        start_s=frame.start_s,
        end_s=frame.end_s,
        part=frame.part,
        text_source=frame.slide.source or None,
        text_problem=frame.slide.problem,
    )
    if frame.is_title:
        render_title_card(frame.slide.headline, frame.subtitle, style, frame.prompt, path)
        return FrameRow(**base, text="\n".join(t for t in (frame.slide.headline, frame.subtitle) if t))
    figure = frame.figure
    meta = None
    if picture is not None:
        meta = {
            "source": picture.source,
            "licence": picture.licence,
            "description": picture.description,
            "attribution": picture.attribution,
        }
    render_frame(
        frame.slide,
        frame.prompt,
        style,
        path,
        figure=figure.image_path if figure else None,
        caption=f"{figure.label}: {figure.caption}" if figure else None,
        picture=picture.image if picture else None,
        picture_meta=meta,
    )
    base.update(text=frame.slide.text, figure=figure.label if figure else None)
    if picture is None:
        return FrameRow(**base)
    return FrameRow(
        **base,
        picture_source=picture.source,
        picture_licence=picture.licence,
        picture_similarity=None if picture.similarity is None else round(float(picture.similarity), 4),
        picture_path=str(picture.path) if picture.path else None,
        picture_description=picture.description,
        picture_attribution=picture.attribution or None,
    )
