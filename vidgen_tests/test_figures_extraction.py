"""Every figure and table of a paper is extracted with a picture of it, and only of it
(vidgen_assets/sources/pdf/figures.py), on the five real papers of ../shared/fixtures/ and on
small papers made here for layouts the fixtures lack."""

from __future__ import annotations

import re

import pdfplumber
import pytest
from PIL import Image, ImageStat

from vidgen_assets.sources.pdf import read_pdf
from vidgen_assets.sources.pdf.figures import FIGURE_DPI
from vidgen_assets.sources.pdf.lines import page_objects, read_page
from vidgen_assets.sources.pdf.structure import read_structure
from vidgen_tests.helpers.paths import FIXTURES, MAX_PAGES, PAPER
from vidgen_tests.helpers.pdfs import make_pdf

PAPERS = FIXTURES / "papers"


def _labels(kind: str, count: int) -> set[str]:
    return {f"{kind} {n}" for n in range(1, count + 1)}


# Counted by looking at every page of each paper (pdftoppm), not by running the reader.
IN_THE_PAPER = {
    PAPER: _labels("Figure", 1) | _labels("Table", 1),
    PAPERS / "influential-nodes-arxiv.pdf": _labels("Figure", 8) | _labels("Table", 5) | _labels("Algorithm", 5),
    PAPERS / "mapreduce-osdi04.pdf": _labels("Figure", 4) | _labels("Table", 1),
    PAPERS / "natural-image-denoising.pdf": _labels("Figure", 4),
    PAPERS / "wheat-heat-stress-plos.pdf": _labels("Figure", 8) | _labels("Table", 8),
}
ALL = pytest.mark.parametrize("path", list(IN_THE_PAPER), ids=lambda p: p.stem)


@pytest.fixture(scope="module")
def read(read_paper):
    """Each paper read once: read_pdf's document, and the captions with their crop boxes."""
    cache = {}

    def get(path):
        if path not in cache:
            doc = read_paper(path)  # once per session
            with pdfplumber.open(path) as pdf:
                pages = [read_page(page_objects(page)) for page in pdf.pages]
                _, sections, captions = read_structure(pages, {})
                inside = {c.label: _words_in(pdf.pages[c.page - 1], c.crop) for c in captions}
            cache[path] = doc, pages, sections, captions, inside
        return cache[path]

    return get


@ALL
def test_every_figure_and_table_of_the_paper_is_found(read, path):
    doc = read(path)[0]
    assert {f.label for f in doc.figures} == IN_THE_PAPER[path]
    assert all(f.caption for f in doc.figures)


@ALL
def test_every_figure_and_table_has_a_picture_that_is_not_blank(read, path):
    doc, pages = read(path)[:2]
    for figure in doc.figures:
        assert figure.image_path is not None and figure.image_path.exists(), figure.label
        page = pages[figure.page - 1]
        with Image.open(figure.image_path) as image:
            assert image.format == "PNG"
            # Sensible: more than a sliver, no more than the page.
            assert image.width >= 150 and image.height >= 40, (figure.label, image.size)
            assert image.width <= page.width * FIGURE_DPI / 72 + 2 and image.height <= page.height * FIGURE_DPI / 72 + 2
            gray = image.convert("L")
            assert gray.getextrema()[0] < 100, figure.label  # has ink
            assert ImageStat.Stat(gray).stddev[0] > 10, figure.label  # not a blank region


@ALL
def test_a_crop_holds_no_running_text_of_the_page(read, path):
    _, pages, sections, captions, inside = read(path)
    narrated = _shingles(" ".join(s.text for s in sections))
    for caption in captions:
        assert not (_shingles(" ".join(inside[caption.label])) & narrated), caption.label
        # Nor the running head or foot, nor another caption's text.
        for line in pages[caption.page - 1].lines:
            if line.role == "margin" or (line.role == "caption" and line not in caption.lines):
                assert not _overlaps((line.x0, line.top, line.x1, line.bottom), caption.crop), (caption.label, line.text)


def test_a_table_and_the_figure_under_it_each_get_their_own_crop(read):
    # influential-nodes page 5: Table 1 under its caption, then Figure 2 over its own.
    captions = {c.label: c for c in read(PAPERS / "influential-nodes-arxiv.pdf")[3]}
    table, figure = captions["Table 1"].crop, captions["Figure 2"].crop
    assert captions["Table 1"].page == captions["Figure 2"].page == 5
    assert table[3] <= figure[1]  # the table's crop ends above the figure's
    assert figure[3] <= captions["Figure 2"].top


def test_a_graph_with_rotated_labels_is_its_figure_not_the_table_below(read):
    # mapreduce page 10: Figure 4's axis labels are rotated (not read), leaving a wide gap
    # over its caption; Table 1 sits below that caption.
    captions = {c.label: c for c in read(PAPERS / "mapreduce-osdi04.pdf")[3]}
    figure, table = captions["Figure 4"], captions["Table 1"]
    assert figure.crop[3] <= figure.top and figure.crop[3] - figure.crop[1] > 100
    assert table.crop[1] >= figure.bottom
    inside = read(PAPERS / "mapreduce-osdi04.pdf")[4]
    assert "29,423" in inside["Table 1"]  # "Number of jobs"
    assert "29,423" not in inside["Figure 4"]


def test_a_figure_on_a_page_of_its_own_takes_the_caption_on_the_next_page(tmp_path):
    # Page 2 holds only a drawing; page 3 opens with its caption, a bare label set in smaller
    # type ("Figure 1 Growth ..."), and its text cites "Figure 1 shows", which is no caption.
    path = tmp_path / "colony.pdf"
    path.write_bytes(make_pdf([
        (b"", _text(_PROSE, 720)),
        (b"", b"0.3 g 90 150 430 520 re f 0 g 140 300 80 60 re f"),
        (b"", _text(["Figure 1 Growth of the colony over five days of culture."], 720, size=8)
         + _text(["Figure 1 shows that the colony doubled every day for five days, " + _PROSE[0], *_PROSE[1:]], 690)),
    ]))
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    assert [(f.label, f.page) for f in doc.figures] == [("Figure 1", 2)]
    assert doc.figures[0].caption == "Growth of the colony over five days of culture."
    assert "Figure 1 shows that the colony doubled" in doc.text
    with Image.open(doc.figures[0].image_path) as image:
        gray = image.convert("L")
        # The drawing (430 x 520 points) with a margin, and nothing of the text pages.
        width, height = image.width * 72 / FIGURE_DPI, image.height * 72 / FIGURE_DPI
        assert 430 <= width <= 430 + 30 and 520 <= height <= 520 + 10
        assert ImageStat.Stat(gray).mean[0] < 120


@pytest.mark.parametrize("label_line, label", [
    ("TABLE II. Yield per plot in the three seasons", "Table II"),
    ("Table 3 Yield per plot in the three seasons", "Table 3"),
    ("Fig. 4 | Yield per plot in the three seasons", "Figure 4"),
    ("Figure 5 - Yield per plot in the three seasons", "Figure 5"),
    ("FIGURE 6 Yield per plot in the three seasons", "Figure 6"),
])
def test_caption_styles_of_other_journals_are_read(tmp_path, label_line, label):
    # In smaller type, a table's caption over its rows of numbers, a figure's under its
    # drawing; running text above and below.
    if label.startswith("Table"):
        rows = [f"Plot {n}      {10 + n}.5      {20 + n}.1      {30 + n}.7" for n in range(1, 7)]
        float_ = _text([label_line], 560, size=8) + _text(rows, 540, size=8)
    else:
        float_ = b"0.3 g 150 480 300 90 re f 0 g\n" + _text(["Plot 1 36.7"], 470, size=8) + _text([label_line], 455, size=8)
    path = tmp_path / "yield.pdf"
    path.write_bytes(make_pdf([(b"", _text(_PROSE, 720) + float_ + _text(_PROSE, 420))]))
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    assert [f.label for f in doc.figures] == [label]
    assert doc.figures[0].caption == "Yield per plot in the three seasons"
    with pdfplumber.open(path) as pdf:
        pages = [read_page(page_objects(page)) for page in pdf.pages]
        caption = read_structure(pages, {})[2][0]
        words = _words_in(pdf.pages[0], caption.crop)
    assert "Plot" in words and "36.7" in words  # the whole float
    assert "crabs" not in words and "Yield" not in words  # and neither running text nor caption


def test_a_paragraph_opening_with_a_label_is_read_not_taken_for_the_caption(tmp_path):
    # A paragraph after a gap opens "Table 1. As the counts show, ..."; the caption itself is
    # set in smaller type over the table, with bold row labels under it.
    rows = [f"Plot {n}      {10 + n}.5      {20 + n}.1      {30 + n}.7" for n in range(1, 7)]
    paragraph = ["Table 1. As the counts show, the lower pools kept their animals through the summer,", *_PROSE[1:]]
    content = _text(_PROSE, 720) + _text(paragraph, 630) + _text(["Table 1: Animals counted per plot."], 540, size=8)
    content += _text(rows, 525, size=8) + _text(_PROSE, 420)
    path = tmp_path / "counts.pdf"
    path.write_bytes(make_pdf([(b"", content)]))
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    assert [(f.label, f.caption) for f in doc.figures] == [("Table 1", "Animals counted per plot.")]
    assert "As the counts show, the lower pools kept their animals" in doc.text


def test_a_figure_of_the_appendix_after_the_references_is_kept(tmp_path):
    references = ["References", "[1] A. Author. Rock pools of the northern shore. Journal of Shores, 1999.",
                  "[2] B. Author. Limpets at low tide. Journal of Shores, 2003."]
    appendix = b"0.3 g 150 330 300 120 re f 0 g\n" + _text(["Figure 7: Pool temperature through one summer day."], 310, size=8)
    path = tmp_path / "appendix.pdf"
    path.write_bytes(make_pdf([(b"", _text(_PROSE, 720) + _text(references, 620) + _text(["A Appendix"], 520) + appendix)]))
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    assert [f.label for f in doc.figures] == ["Figure 7"]
    assert doc.figures[0].image_path.exists()
    assert "Pool temperature" not in doc.text  # shown, not read: nothing after the references is


_PROSE = [
    "The survey counted crabs, limpets and anemones in forty rock pools along the northern shore,",
    "returning to each pool at low tide on three mornings so that the counts could be compared",
    "across weeks. Pools higher on the shore held fewer animals, and the difference grew larger",
    "in the warm weeks of the summer, when the water of the upper pools warmed through the day",
    "and their oxygen fell. The lower pools kept their numbers through the whole of the season.",
]


def _text(lines: list[str], top: float, size: float = 10) -> bytes:
    """Content-stream text: one line each, from `top` (points from the page bottom) down."""
    return b"".join(
        b"BT /F1 %.1f Tf 72 %.1f Td (%s) Tj ET\n" % (size, top - i * size * 1.2, line.encode("latin-1"))
        for i, line in enumerate(lines)
    )


def _words_in(page, box) -> list[str]:
    x0, top, x1, bottom = box
    return [w["text"] for w in page.within_bbox((x0, top, x1, bottom), strict=False).extract_words()]


def _shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = [w for w in re.sub(r"[^\w]+", " ", text.lower()).split() if w]
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _overlaps(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1
