"""Title, sections and figure crops of a PDF paper, read with pdfplumber.

Works from pdfplumber's characters rather than its text, because paper PDFs need decisions
pdfplumber does not make. The stages, one module each: lines (characters to lines, columns and
reading order), figures (captions and crops), structure (title, headings, sections, and what is
not read: running heads, page numbers, footnotes, references) and repair (hyphenation,
paragraph joins).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pdfplumber

from vidgen_assets.errors import InputError
from vidgen_assets.sources.document import Document, title_from_file_name
from vidgen_assets.sources.pdf.figures import render_crop, save_figures
from vidgen_assets.sources.pdf.lines import page_objects, read_page
from vidgen_assets.sources.pdf.structure import read_structure


def read_pdf(path: Path, figures_dir: Path, max_pages: int) -> Document:
    """Read a paper: title, sections in reading order, and figure/table crops saved as PNG.

    Raises InputError (naming the file) for an unreadable or encrypted PDF, one without a text
    layer, or one with more than `max_pages` pages. Nothing is written to `figures_dir` unless
    the whole document was read.
    """
    path = Path(path)
    with _unreadable_as_input_error(path):
        pdf = pdfplumber.open(path)
    with pdf:
        with _unreadable_as_input_error(path):
            page_count = len(pdf.pages)
        if page_count == 0:
            raise InputError(path, "not a readable PDF (it has no pages)")
        if page_count > max_pages:
            raise InputError(path, f"has {page_count} pages; the limit is {max_pages} (set VIDGEN_MAX_PAGES)")
        with _unreadable_as_input_error(path):
            raw_pages = [page_objects(page) for page in pdf.pages]
            metadata = {k: str(v) for k, v in (pdf.metadata or {}).items() if isinstance(v, (str, int, float))}
        if sum(len(raw["chars"]) for raw in raw_pages) < 20:
            raise InputError(
                path,
                "has no text layer (scanned?); run OCR on it first (for example ocrmypdf) "
                "or drop the text as .md or .txt",
            )
        pages = [read_page(raw) for raw in raw_pages]
        title, sections, captions = read_structure(pages, metadata)
        with _unreadable_as_input_error(path):
            images = [
                (caption, render_crop(pdf.pages[caption.page - 1], caption.crop))
                for caption in captions
                if caption.crop is not None
            ]

    figures = save_figures(captions, images, Path(figures_dir))
    return Document(
        kind="pdf",
        title=title or title_from_file_name(path),
        sections=tuple(sections),
        figures=figures,
        page_count=page_count,
        metadata=metadata,
    )


@contextmanager
def _unreadable_as_input_error(path: Path) -> Iterator[None]:
    """pdfminer and pypdfium2 raise many exception types for broken files; the user gets one."""
    try:
        yield
    except InputError:
        raise
    except Exception as error:
        name = type(error).__name__
        if "Password" in name or "Encrypt" in name:
            raise InputError(path, "is an encrypted PDF; save an unencrypted copy and drop that") from error
        detail = (str(error).strip().splitlines() or ["no detail"])[0][:120]
        raise InputError(path, f"not a readable PDF ({name}: {detail})") from error
