"""Every figure and table of a paper is extracted with a picture of it, and only of it
(vidgen_assets/sources/pdf/figures.py), on the five real papers of ../shared/fixtures/ and on
small papers made here for layouts the fixtures lack."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageStat

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
                assert not _overlaps((line.x0, line.top, line.x1, line.bottom), caption.crop), (
                    caption.label,
                    line.text,
                )


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
    path.write_bytes(
        make_pdf(
            [
                (b"", _text(_PROSE, 720)),
                (b"", b"0.3 g 90 150 430 520 re f 0 g 140 300 80 60 re f"),
                (
                    b"",
                    _text(["Figure 1 Growth of the colony over five days of culture."], 720, size=8)
                    + _text(
                        ["Figure 1 shows that the colony doubled every day for five days, " + _PROSE[0], *_PROSE[1:]],
                        690,
                    ),
                ),
            ]
        )
    )
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


PEERJ = Path(__file__).parent / "data" / "papers" / "peerj-cs-118-vespa.pdf"  # CC BY 4.0, see data/README.md


def test_a_float_continued_over_two_pages_keeps_its_first_part(read):
    # PeerJ: Figure 2 fills page 5, its caption "(continued on next page...)" goes on at the
    # top of page 6 under the journal's logo as "Figure 2 (...continued)"; Table 2 is a
    # landscape table on page 8 continued on page 9 as "Table 2 (continued)".
    doc, _, _, _, inside = read(PEERJ)
    figures = {f.label: f for f in doc.figures}
    assert set(figures) == _labels("Figure", 2) | _labels("Table", 3)
    assert all(f.image_path and f.image_path.exists() for f in figures.values())
    assert (figures["Figure 2"].page, figures["Table 2"].page) == (5, 8)
    assert figures["Figure 2"].caption.startswith("Overview of the options available in the VESPA package")
    assert figures["Table 2"].caption.startswith("Sample of a summary output file")
    with Image.open(figures["Figure 2"].image_path) as image:  # a picture filling most of the page, not the logo
        assert image.width * 72 / FIGURE_DPI > 350 and image.height * 72 / FIGURE_DPI > 450
    assert "Purpose" in inside["Table 1"] and "m1Neutral" in inside["Table 2"]


@pytest.mark.parametrize("rotate", [0, 180], ids=["reading-up", "reading-down"])
def test_a_table_printed_sideways_on_a_portrait_page_is_turned_upright(read, tmp_path, rotate):
    # PeerJ's page 8 is a portrait page drawn sideways that its /Rotate 90 sets upright. With
    # /Rotate 0 (or 180), pypdfium2 makes of it what journals print: a wide table whose text
    # runs up (or down) a portrait page. Its crop must read left to right, as the landscape
    # page's crop does.
    source = pdfium.PdfDocument(PEERJ)
    sideways = pdfium.PdfDocument.new()
    sideways.import_pages(source, [6, 7, 8])
    assert sideways[1].get_rotation() == 90
    sideways[1].set_rotation(rotate)
    path = tmp_path / "sideways.pdf"
    sideways.save(path)
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    figures = {f.label: f for f in doc.figures}
    assert figures["Table 2"].page == 2
    assert figures["Table 2"].caption.startswith("Sample of a summary output file")
    landscape = {f.label: f for f in read(PEERJ)[0].figures}["Table 2"]
    with Image.open(figures["Table 2"].image_path) as crop, Image.open(landscape.image_path) as expected:
        assert abs(crop.width - expected.width) <= 3 and abs(crop.height - expected.height) <= 3
        small = (300, 210)  # the same picture: the same rows and columns (turned the wrong way: 17)
        difference = ImageChops.difference(crop.convert("L").resize(small), expected.convert("L").resize(small))
        assert ImageStat.Stat(difference).mean[0] < 6


def test_a_landscape_pages_running_head_set_down_its_side_stays_out_of_the_crop(read):
    # PeerJ's landscape page 8 carries its running head, page-number bar and journal logo down
    # its long sides, set sideways (not read, so no margin line bounds them): Table 2's crop
    # had them at its left and right edges.
    captions = {c.label: c for c in read(PEERJ)[3]}
    x0, top, x1, bottom = captions["Table 2"].crop
    with pdfplumber.open(PEERJ) as pdf:
        page = pdf.pages[captions["Table 2"].page - 1]
        sideways = [c for c in page.chars if not c["upright"]]
        text = [c for c in page.chars if c["upright"]]
        logo = [obj for obj in page.curves if obj["x0"] > max(c["x1"] for c in text)]
    assert sideways and logo
    assert not any(c["x1"] > x0 and c["x0"] < x1 and c["bottom"] > top and c["top"] < bottom for c in sideways)
    assert not any(obj["x1"] > x0 and obj["x0"] < x1 and obj["bottom"] > top and obj["top"] < bottom for obj in logo)


BMC = Path(__file__).parent / "data" / "papers" / "bmc-hsr-14-1-quality.pdf"  # CC BY 2.0, see data/README.md


def test_a_tables_first_column_is_not_taken_for_a_side_column(read):
    # BMC: Table 2 fills landscape page 5 and goes on, "(Continued)", on page 6. Its row labels
    # ("1. Affiliate respondents (n = 5)") stand in a column apart, level with their rows; were
    # they a side column, the caption would be split and only the continuation shown.
    doc, _, _, captions, inside = read(BMC)
    figures = {f.label: f for f in doc.figures}
    assert set(figures) == {"Table 1", "Table 2", "Figure 1"}
    assert figures["Table 2"].page == 5
    assert figures["Table 2"].caption.startswith("Overview of themes on quality emerging from in-depth interviews")
    text = "".join(inside["Table 2"])  # pdfplumber's words on this page run together: compare without spaces
    assert "Respondentgroup" in text and "Affiliaterespondents" in text and "Staffrespondents" in text
    assert "4.3Treatmentprotocols" not in text  # the continuation's first row


def test_a_table_set_over_three_columns_of_two_pages_is_shown_whole(tmp_path):
    # IEEE's layout (as in a software-engineering paper of the trial set, not ours to copy): a
    # ruled table begins at the foot of page 1's right column, fills page 2's left column and
    # ends at the top of its right column over its caption. The picture is the three pieces side
    # by side, first first, not the last piece alone; the rows are not read as text.
    rows = [f"{n}      {_BINS[n % len(_BINS)]}      {_DESCRIBED[n % len(_DESCRIBED)]}" for n in range(1, 41)]
    prose = _COLUMN_PROSE * 6

    def table(lines: list[str], top: float, x: float) -> bytes:
        rules = b"".join(b"0 g %.1f %.1f 200 0.5 re f\n" % (x - 4, top + 9 - i * 12) for i in range(len(lines) + 1))
        return rules + b"".join(
            b"BT /F1 8 Tf %.1f %.1f Td (%s) Tj ET\n" % (x + dx, top - i * 12, cell.encode("latin-1"))
            for i, line in enumerate(lines)
            for dx, cell in zip((0, 18, 80), line.split("      "))
        )

    header = "No      Bin      Description"
    pages = [
        (b"", _text(prose[:54], 740) + _text(prose[:36], 740, x=320) + table([header, *rows[:8]], 290, 322)),
        (
            b"",
            table(rows[8:36], 740, 74)
            + table(rows[36:], 740, 322)
            + _text(["Table 1: Name and description of the bins."], 680, size=8, x=340)
            + _text(prose[:44], 650, x=320),
        ),
    ]
    path = tmp_path / "three-columns.pdf"
    path.write_bytes(make_pdf(pages))
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    assert [(f.label, f.caption) for f in doc.figures] == [("Table 1", "Name and description of the bins.")]
    with Image.open(doc.figures[0].image_path) as image:
        assert image.width * 72 / FIGURE_DPI > 3 * 200  # three pieces, not one
    with pdfplumber.open(path) as pdf:
        pages_read = [read_page(page_objects(page)) for page in pdf.pages]
        caption = read_structure(pages_read, {})[2][0]
        pieces = [*caption.pieces, (caption.page, caption.crop)]
        words = [_words_in(pdf.pages[number - 1], box) for number, box in pieces]
    assert [number for number, _ in pieces] == [1, 2, 2]
    assert words[0][:3] == ["No", "Bin", "Description"] and words[2][-1] == rows[-1].split()[-1]
    assert sum(word.isdigit() for piece in words for word in piece) == 40  # every row, once
    assert not any(_shingles(row) & _shingles(doc.text) for row in rows)
    assert "thermometers" in doc.text  # the running text is still read


def test_a_table_without_rules_whose_rows_read_like_prose_is_cropped_to_its_last_row(tmp_path):
    # Rows that are sentences at the size of the text, no rules, under their caption: they
    # read like running text, so the crop was the caption alone and the rows were narrated.
    # The crop spans the rows until the running text resumes after the space below the table.
    rows = [
        "Edison invented the phonograph at Menlo Park in the year 1877.",
        "Marie Curie was awarded the Nobel Prize in Physics in 1903.",
        "The Wright brothers flew the first powered aircraft at Kitty Hawk.",
        "Tim Berners-Lee proposed the World Wide Web at CERN in 1989.",
        "Alexander Fleming discovered penicillin in his London laboratory.",
    ]
    caption = ["Table 1: Sentences from which relations were extracted."]
    path = tmp_path / "sentences.pdf"
    path.write_bytes(
        make_pdf([(b"", _text(_PROSE, 740) + _text(caption, 660) + _text(rows, 640) + _text(_PROSE, 560))])
    )
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    assert [(f.label, f.caption) for f in doc.figures] == [
        ("Table 1", "Sentences from which relations were extracted.")
    ]
    with pdfplumber.open(path) as pdf:
        caption = read_structure([read_page(page_objects(pdf.pages[0]))], {})[2][0]
        words = " ".join(_words_in(pdf.pages[0], caption.crop))
    assert words.startswith("Edison invented") and words.endswith("London laboratory.")
    assert "crabs" not in words and "Sentences" not in words
    assert "phonograph" not in doc.text and doc.text.count("rock pools") == 2  # the rows are shown, not read


_BINS = ["Scalability", "Security", "Usability", "Recovery", "Backup", "Portability"]
_DESCRIBED = ["Copes with growing work", "Guards against intrusion", "People reach their goal", "Lost data is got back"]
_COLUMN_PROSE = [
    "The survey counted crabs and limpets in",
    "forty rock pools along the northern shore,",
    "returning at low tide on three mornings",
    "so that the counts could be compared. The",
    "pools higher on the shore held fewer of",
    "them, and small thermometers logged the",
    "water of every pool through the summer.",
    "The lower pools kept their animals well.",
]


@pytest.mark.parametrize(
    "label_line, label",
    [
        ("TABLE II. Yield per plot in the three seasons", "Table II"),
        ("Table 3 Yield per plot in the three seasons", "Table 3"),
        ("Fig. 4 | Yield per plot in the three seasons", "Figure 4"),
        ("Figure 5 - Yield per plot in the three seasons", "Figure 5"),
        ("FIGURE 6 Yield per plot in the three seasons", "Figure 6"),
        ("FIG. 7. Yield per plot in the three seasons", "Figure 7"),
        ("Scheme 2. Yield per plot in the three seasons", "Scheme 2"),
        ("Chart 1: Yield per plot in the three seasons", "Chart 1"),
        ("Plate 3 Yield per plot in the three seasons", "Plate 3"),
        ("Exhibit 4: Yield per plot in the three seasons", "Exhibit 4"),
        ("Figure S1. Yield per plot in the three seasons", "Figure S1"),
        ("Supplementary Figure 2. Yield per plot in the three seasons", "Figure S2"),
        ("Supplementary Table 5: Yield per plot in the three seasons", "Table S5"),
    ],
)
def test_caption_styles_of_other_journals_are_read(tmp_path, label_line, label):
    # In smaller type, a table's caption over its rows of numbers, a figure's under its
    # drawing; running text above and below.
    if label.startswith(("Table", "Exhibit")):
        rows = [f"Plot {n}      {10 + n}.5      {20 + n}.1      {30 + n}.7" for n in range(1, 7)]
        float_ = _text([label_line], 560, size=8) + _text(rows, 540, size=8)
    else:
        float_ = (
            b"0.3 g 150 480 300 90 re f 0 g\n" + _text(["Plot 1 36.7"], 470, size=8) + _text([label_line], 455, size=8)
        )
    path = tmp_path / "yield.pdf"
    path.write_bytes(make_pdf([(b"", _text(_PROSE, 720) + float_ + _text(_PROSE, 420))]))
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    assert [f.label for f in doc.figures] == [label]
    assert doc.figures[0].caption == "Yield per plot in the three seasons"
    caption, words = _first_caption(path)
    assert "Plot" in words and "36.7" in words  # the whole float
    assert "crabs" not in words and "Yield" not in words  # and neither running text nor caption


def test_a_table_continued_on_the_next_page_is_shown_and_named_by_its_first_part(tmp_path):
    # The caption repeated over the rest of the rows, longer and marked "(continued)", is not
    # the table's caption, nor its picture.
    rows = [f"Plot {n}      {10 + n}.5      {20 + n}.1      {30 + n}.7" for n in range(1, 7)]
    more = [f"Pool {n}      {10 + n}.5      {20 + n}.1      {30 + n}.7" for n in range(7, 12)]
    path = tmp_path / "continued.pdf"
    path.write_bytes(
        make_pdf(
            [
                (
                    b"",
                    _text(_PROSE, 720)
                    + _text(["Table 1: Animals counted per plot."], 560, size=8)
                    + _text(rows, 545, size=8),
                ),
                (
                    b"",
                    _text(["Table 1: Animals counted per plot in the three seasons (continued)"], 720, size=8)
                    + _text(more, 705, size=8)
                    + _text(_PROSE, 600),
                ),
            ]
        )
    )
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    assert [(f.label, f.page, f.caption) for f in doc.figures] == [("Table 1", 1, "Animals counted per plot.")]
    caption, words = _first_caption(path)
    assert "Plot" in words and "36.7" in words


def test_a_caption_carried_over_takes_the_float_nearest_the_page_break(tmp_path):
    # Page 1 opens under a large banner and ends with a ruled table whose caption is carried
    # over to the top of page 2: the table is the caption's, not the larger banner.
    rows = [f"Plot {n}      {10 + n}.5      {20 + n}.1      {30 + n}.7" for n in range(1, 6)]
    table = b"0 g 72 200 300 1 re f 72 128 300 1 re f\n" + _text(rows, 185, size=8)
    path = tmp_path / "carried.pdf"
    path.write_bytes(
        make_pdf(
            [
                (b"", b"0.3 g 72 690 460 80 re f 0 g\n" + _text(_PROSE * 3, 660) + table),
                (b"", _text(["Table 1: Animals counted per plot."], 720, size=8) + _text(_PROSE * 2, 690)),
            ]
        )
    )
    caption, words = _first_caption(path)
    assert (caption.label, caption.page, caption.source) == ("Table 1", 1, "neighbour")
    assert "Plot" in words and "34.7" in words
    assert caption.crop[1] > 792 - 210  # the table at the foot of the page, not the banner


def test_a_boxed_table_whose_rows_read_like_prose_is_cropped_whole(tmp_path):
    # A table in a ruled frame (a rule each side of every row) whose rows are phrases at the
    # size of the text, with its caption under it: the rows are the table, not running text.
    rows = [
        "dat: a single dataset and the model that is associated with it",
        "kin: the kinetic model specification, which inherits from dat",
        "spec: the spectral model specification, which inherits from dat",
        "theta: the parameter estimates of the model for a single dataset",
        "res: the results of fitting one or many of the datasets together",
    ]
    frame = b"0 g 66 662 450 0.6 re f 66 600 450 0.6 re f\n" + b"".join(
        b"66 %d 0.6 12 re f 515.4 %d 0.6 12 re f\n" % (651 - 12 * i, 651 - 12 * i) for i in range(5)
    )
    content = _text(_PROSE, 740) + frame + _text(rows, 653) + _text(["Table 1: Classes of the package."], 585)
    path = tmp_path / "boxed.pdf"
    path.write_bytes(make_pdf([(b"", content + _text(_PROSE, 555))]))
    caption, words = _first_caption(path)
    assert caption.label == "Table 1" and caption.source == "drawing"
    assert "dat:" in words and "res:" in words and "kinetic" in words
    assert "crabs" not in words and "Classes" not in words


def test_a_caption_in_a_side_column_level_with_the_tick_labels_gets_the_whole_figure(tmp_path):
    # Nature's layout: the caption in a narrow column beside its figure, its lines level with
    # the tick labels of the figure's axes (smaller type, across a wide gap).
    caption = [
        "Figure 1 Tide and temperature.",
        "(a) Height of the tide over",
        "one day. (b) Temperature of",
        "the upper pools, mean and",
        "range over forty pools.",
    ]
    content = _text(_PROSE, 760) + b"0.3 g 250 560 290 130 re f 0 g\n" + _text(caption, 680, size=8)
    content += b"".join(
        _text([tick], 680 - 9.6 * i, size=6, x=232) for i, tick in enumerate(["0.8", "0.4", "0", "-0.4", "-0.8"])
    )
    path = tmp_path / "side.pdf"
    path.write_bytes(make_pdf([(b"", content + _text(_PROSE, 530))]))
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    assert [f.label for f in doc.figures] == ["Figure 1"]
    assert doc.figures[0].caption.startswith("Tide and temperature. (a) Height of the tide")
    assert "0.8" not in doc.figures[0].caption
    with pdfplumber.open(path) as pdf:
        pages = [read_page(page_objects(page)) for page in pdf.pages]
        crop = read_structure(pages, {})[2][0].crop
    assert crop[0] <= 232 and crop[2] >= 540  # the drawing and its tick labels
    assert crop[0] > 72 + 100  # and none of the caption


def test_panel_letters_at_the_top_of_several_pages_are_not_a_running_head(tmp_path):
    # Figures heading two pages, each with panel letters "a" and "b" in the top tenth of the
    # page where each figure puts them; the crop keeps them.
    def page(number: int, x: float) -> bytes:
        drawing = b"0.3 g 90 480 430 235 re f 0 g\n"
        letters = _text(["a"], 720, size=12, x=x) + _text(["b"], 720, size=12, x=x + 220)
        caption = _text([f"Figure {number}: Pools on day {number} of the survey."], 465, size=8)
        return drawing + letters + caption + _text(_PROSE, 440)

    path = tmp_path / "panels.pdf"
    path.write_bytes(make_pdf([(b"", page(1, 80)), (b"", page(2, 86))]))
    with pdfplumber.open(path) as pdf:
        pages = [read_page(page_objects(p)) for p in pdf.pages]
        captions = read_structure(pages, {})[2]
        words = [_words_in(pdf.pages[c.page - 1], c.crop) for c in captions]
    assert [c.label for c in captions] == ["Figure 1", "Figure 2"]
    assert all({"a", "b"} <= set(w) for w in words)


def test_a_numbered_heading_over_a_figure_is_not_part_of_it(tmp_path):
    # A section opens with its heading, in larger bold type with a wide gap after its number,
    # right over the figure that heads the section.
    heading = b"BT /F2 12 Tf 72 670 Td (3) Tj ET\nBT /F2 12 Tf 100 670 Td (The Survey Design) Tj ET\n"
    content = _text(["Rock pools"], 770, size=16) + _text(_PROSE, 745) + heading + b"0.3 g 150 530 300 120 re f 0 g\n"
    content += _text(["Figure 1: The pools and the days they were visited."], 515, size=8) + _text(_PROSE, 490)
    path = tmp_path / "heading.pdf"
    path.write_bytes(make_pdf([(b"", content)]))
    caption, words = _first_caption(path)
    assert caption.label == "Figure 1" and caption.source == "drawing"
    assert "Survey" not in words and "Design" not in words


def test_a_figure_that_the_text_wraps_round_is_found_in_its_own_lane(tmp_path):
    # A paragraph narrowed on the right for a drawing and its caption set beside it (as
    # LaTeX's wrapfigure sets them), then running on at full width under them.
    narrow = [line[:48] for line in (_PROSE * 4)[:17]]
    content = _text(narrow, 700) + b"0.3 g 340 560 180 110 re f 0 g\n"
    content += _text(["Figure 1: The cycle of a survey.", "Counts, checks and repeats."], 540, size=10, x=340)
    path = tmp_path / "wrapped.pdf"
    path.write_bytes(make_pdf([(b"", content + _text(_PROSE, 496))]))
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    assert [f.label for f in doc.figures] == ["Figure 1"]
    assert doc.figures[0].caption.startswith("The cycle of a survey.")
    with Image.open(doc.figures[0].image_path) as image:
        width, height = image.width * 72 / FIGURE_DPI, image.height * 72 / FIGURE_DPI
        assert 180 <= width <= 180 + 30 and 110 <= height <= 110 + 10  # the drawing, no text beside it
        assert ImageStat.Stat(image.convert("L")).mean[0] < 120


def test_a_running_head_set_low_on_every_page_is_not_part_of_a_figure(tmp_path):
    # The journal's running head sits 12% down each page (too low for the usual margin), and a
    # figure on the second page stands right under it.
    head = _text(["Rock pools of the northern shore"], 697, size=9, x=330)
    path = tmp_path / "heads.pdf"
    path.write_bytes(
        make_pdf(
            [
                (b"", head + _text(_PROSE * 2, 660)),
                (
                    b"",
                    head
                    + b"0.3 g 150 460 300 220 re f 0 g\n"
                    + _text(["Figure 1: Pool temperature through one day."], 445, size=8)
                    + _text(_PROSE, 400),
                ),
                (b"", head + _text(_PROSE * 2, 660)),
            ]
        )
    )
    caption, words = _first_caption(path)
    assert caption.label == "Figure 1" and caption.source == "drawing"
    assert "northern" not in words and "shore" not in words


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
    references = [
        "References",
        "[1] A. Author. Rock pools of the northern shore. Journal of Shores, 1999.",
        "[2] B. Author. Limpets at low tide. Journal of Shores, 2003.",
    ]
    appendix = b"0.3 g 150 330 300 120 re f 0 g\n" + _text(
        ["Figure 7: Pool temperature through one summer day."], 310, size=8
    )
    path = tmp_path / "appendix.pdf"
    path.write_bytes(
        make_pdf([(b"", _text(_PROSE, 720) + _text(references, 620) + _text(["A Appendix"], 520) + appendix)])
    )
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


def _text(lines: list[str], top: float, size: float = 10, x: float = 72) -> bytes:
    """Content-stream text: one line each, from `top` (points from the page bottom) down."""
    return b"".join(
        b"BT /F1 %.1f Tf %.1f %.1f Td (%s) Tj ET\n" % (size, x, top - i * size * 1.2, line.encode("latin-1"))
        for i, line in enumerate(lines)
    )


def _first_caption(path: Path):
    """The first caption the reader finds in the PDF at `path`, and the words inside its crop."""
    with pdfplumber.open(path) as pdf:
        caption = read_structure([read_page(page_objects(page)) for page in pdf.pages], {})[2][0]
        return caption, _words_in(pdf.pages[caption.page - 1], caption.crop)


def _words_in(page, box) -> list[str]:
    x0, top, x1, bottom = box
    return [w["text"] for w in page.within_bbox((x0, top, x1, bottom), strict=False).extract_words()]


def _shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = [w for w in re.sub(r"[^\w]+", " ", text.lower()).split() if w]
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _overlaps(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1
