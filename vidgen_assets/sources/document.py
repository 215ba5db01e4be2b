"""What source extraction produces, whatever the input kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Section:
    heading: str  # "" for text before the first heading
    text: str  # body text: reading order, hyphenation joined, paragraphs separated by "\n\n"


@dataclass(frozen=True)
class Figure:
    label: str  # "Figure 1", "Table 2"
    caption: str
    page: int  # 1-based
    image_path: Path | None  # PNG crop of the figure, written by extraction


@dataclass(frozen=True)
class Document:
    kind: str  # pdf | md | txt | audio | image | prompt
    title: str
    sections: tuple[Section, ...]
    figures: tuple[Figure, ...] = ()
    page_count: int | None = None
    metadata: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join((f"{s.heading}\n\n{s.text}" if s.heading else s.text) for s in self.sections).strip()


def title_from_file_name(path: Path) -> str:
    """A title for a source that names none itself: "field_notes-2.md" -> "Field notes 2"."""
    name = re.sub(r"[-_]+", " ", Path(path).stem).strip() or Path(path).name
    return name[:1].upper() + name[1:]
