"""Title, sections and figure crops of a PDF paper, read with pdfplumber.

Works from pdfplumber's characters rather than its text, because paper PDFs need decisions
pdfplumber does not make. The stages, one module each: glyphs (characters the PDF does not map
to Unicode, read from their fonts' glyph names), sideways (a page whose text runs up or down it
is read turned upright, and its crops turned to match), lines (characters to lines with their
super- and subscripts, and reading order), columns (the gutter, side columns and line numbers
that are not read), figures (captions, and crops of figures, tables and algorithm boxes),
structure (title, headings, sections, and what is not read: running heads, page numbers, tables
of contents, footnotes, references) and repair (ligatures and hyphenation with the word list,
paragraph joins). Pages are parsed on two cores; a page that cannot be parsed is skipped with a warning.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pdfplumber

from vidgen_assets.errors import InputError
from vidgen_assets.sources.document import Document, title_from_file_name
from vidgen_assets.sources.pdf.byline import authors
from vidgen_assets.sources.pdf.figures import render_float, save_figures
from vidgen_assets.sources.pdf.lines import page_objects, read_page
from vidgen_assets.sources.pdf.repair import mend_unmapped_ligatures
from vidgen_assets.sources.pdf.structure import read_structure

PARSE_WORKERS = 2  # the pipeline's machine has two cores
# Characters (spaces aside) on a page of prose are in the thousands; a page picture with fewer
# (about 20 words) is a scanned page, and a PDF made mostly of such pages is a scan.
THIN_PAGE_CHARS = 100


def read_pdf(path: Path, figures_dir: Path, max_pages: int) -> Document:
    """Read a paper: title, sections in reading order, and figure/table crops saved as PNG.

    Raises InputError (naming the file) for an unreadable or encrypted PDF, a scan (no text
    layer, or a thin one over page pictures), or one with more than `max_pages` pages. A page
    that cannot be parsed is skipped and named in metadata["warnings"]. Nothing is written to
    `figures_dir` unless the whole document was read.
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
            metadata = {k: str(v) for k, v in (pdf.metadata or {}).items() if isinstance(v, (str, int, float))}
        raw_pages, warnings = _parse_pages(path, pdf, page_count)
        if warnings:
            metadata["warnings"] = warnings
        if len(warnings) == page_count:
            raise InputError(path, f"not a readable PDF (no page could be read; {warnings[0]})")
        _check_text_layer(path, raw_pages)
        mend_unmapped_ligatures(raw_pages)
        pages = [read_page(raw) for raw in raw_pages]
        title, sections, captions = read_structure(pages, metadata)
        metadata["Author"] = authors(metadata.get("Author", ""), pages)
        with _unreadable_as_input_error(path):
            images = [(caption, render_float(pdf, pages, caption)) for caption in captions if caption.crop is not None]

    figures = save_figures(captions, images, Path(figures_dir))
    return Document(
        kind="pdf",
        title=title or title_from_file_name(path),
        sections=tuple(sections),
        figures=figures,
        page_count=page_count,
        metadata=metadata,
    )


def _parse_pages(path: Path, pdf, page_count: int) -> tuple[list[dict], list[str]]:
    """Every page's objects (page_objects), parsed on up to two cores since parsing is most
    of the time; a page that cannot be parsed is left empty, with a warning naming it."""
    workers = min(PARSE_WORKERS, os.cpu_count() or 1, page_count // 4)
    if workers < 2:
        return _parse_range(path, 1, page_count, pdf)
    bounds = [round(i * page_count / workers) for i in range(workers + 1)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(_parse_range, [path] * workers, [b + 1 for b in bounds[:-1]], bounds[1:]))
    return [raw for raws, _ in parts for raw in raws], [w for _, warnings in parts for w in warnings]


def _parse_range(path: Path, first: int, last: int, pdf=None) -> tuple[list[dict], list[str]]:
    """Pages `first` to `last` (1-based) of the open `pdf`, or of the file when called in a worker."""
    if pdf is None:
        with pdfplumber.open(path) as opened:
            return _parse_range(path, first, last, opened)
    raws, warnings = [], []
    for number in range(first, last + 1):
        try:
            raws.append(page_objects(pdf.pages[number - 1]))
        except Exception as error:  # pdfminer raises many types for one damaged page
            detail = (str(error).strip().splitlines() or ["no detail"])[0][:120]
            warnings.append(f"page {number} skipped: unreadable ({type(error).__name__}: {detail})")
            raws.append(
                {"number": number, "width": 612.0, "height": 792.0, "chars": [], "graphics": [], "skipped": True}
            )
    return raws, warnings


def _check_text_layer(path: Path, raw_pages: list[dict]) -> None:
    """InputError unless the text can be read: a scan has no text layer, or only the thin one a
    scanner stamps on its page pictures (a page number, a file name), which narrates nothing."""
    readable = [raw for raw in raw_pages if not raw.get("skipped")]
    scanned = [raw for raw in readable if len(raw["chars"]) < THIN_PAGE_CHARS and _mostly_picture(raw)]
    if sum(len(raw["chars"]) for raw in readable) < 20:
        found = "has no text layer"
    elif len(scanned) * 2 > len(readable):
        found = (
            f"has almost no text layer ({len(scanned)} of {len(readable)} pages are pictures with fewer "
            f"than {THIN_PAGE_CHARS} characters of text)"
        )
    else:
        return
    raise InputError(
        path, f"{found} (scanned?); run OCR on it first (for example ocrmypdf) or drop the text as .md or .txt"
    )


def _mostly_picture(raw: dict) -> bool:
    """Whether one picture or drawing covers at least half of the page, as a scanned page's does."""
    area = raw["width"] * raw["height"]
    return any((x1 - x0) * (bottom - top) >= 0.5 * area for x0, top, x1, bottom in raw["graphics"])


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
