"""Reading the real paper (vidgen_assets/sources/pdf/): title, sections in reading order,
what is left out, mended words, and figure crops."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from vidgen_assets.sources.pdf import read_pdf
from vidgen_tests.helpers.paths import FIXTURES, MAX_PAGES, PAPER
from vidgen_tests.helpers.pdfs import make_pdf, text_lines

ABSTRACT_START = (
    "Traditionally, Information Extraction (IE) has focused on satisfying precise, narrow, "
    "pre-specified requests from small homogeneous corpora"
)


@pytest.fixture(scope="module")
def figures_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("paper") / "figures"


@pytest.fixture(scope="module")
def paper(figures_dir):
    return read_pdf(PAPER, figures_dir, MAX_PAGES)


def test_pdf_title_is_the_papers_title(paper):
    assert paper.title == "Open Information Extraction from the Web"
    assert paper.kind == "pdf" and paper.page_count == 7


def test_abstract_is_the_first_section_and_starts_with_its_first_sentence(paper):
    first = paper.sections[0]
    assert first.heading == "Abstract"
    assert first.text.startswith(ABSTRACT_START)


def test_author_block_is_not_body_text(paper):
    assert "University of Washington Box" not in paper.text
    assert "@cs.washington.edu" not in paper.text


def test_small_capital_system_names_read_as_the_authors_write_them(paper):
    assert "TextRunner" in paper.text and "KnowItAll" in paper.text
    assert "TEXTRUNNER" not in paper.text and "T R" not in paper.text


def test_sections_are_found_by_their_numbered_and_bold_headings(paper):
    headings = [s.heading for s in paper.sections]
    for expected in [
        "1 Introduction and Motivation",
        "2 Open IE in TextRunner",
        "2.1 Self-Supervised Learner",
        "3 Experimental Results",
        "Estimating the Correctness of Facts",
        "5 Conclusions",
    ]:
        assert expected in headings
    intro = paper.sections[headings.index("1 Introduction and Motivation")]
    assert intro.text.count("\n\n") >= 5  # paragraphs kept apart
    assert not any(s.heading.startswith(("2. ", "3. ")) for s in paper.sections)  # list items are not headings


def test_reference_list_is_left_out(paper):
    assert not any(re.search(r"references|bibliography", s.heading, re.I) for s in paper.sections)
    assert "In Proceedings of" not in paper.text
    assert "Agichtein and Gravano, 2000] E. Agichtein" not in paper.text
    assert "Preemptive information extraction" not in paper.text  # last entry of the list


def test_running_heads_page_numbers_and_footnotes_are_left_out(paper):
    assert "IJCAI" not in paper.text
    assert not re.search(r"\b267[0-6]\b", paper.text)
    assert "we refer to it as" not in paper.text  # footnote 1
    assert "Lucene" not in paper.text  # footnote 4


def test_words_split_at_line_ends_are_joined_and_real_hyphens_kept(paper):
    text = paper.text
    assert re.findall(r"\b\w+- \w+", text) == []
    assert "ex- tensive" not in text and "extensive human involvement" in text  # "ex-" | "tensive"
    assert "informa- tion" not in text
    for compound in ("pre-specified", "domain-independent", "hand-tagged", "state-of-the-art"):
        assert compound in text
    assert "noisy-or" in text  # TeX never breaks before a two-letter tail: a real hyphen


def test_abstract_is_read_before_the_introduction(paper):
    text = paper.text
    assert text.index(ABSTRACT_START) < text.index("1 Introduction and Motivation")
    assert text.index("1 Introduction and Motivation") < text.index("2 Open IE in TextRunner")


def test_sentences_crossing_a_column_or_page_break_read_continuously(paper):
    text = paper.text
    # Page 3: left column ends at "between", right column starts at "the noun phrases".
    assert (
        "Relations are found by examining the text between the noun phrases and heuristically "
        "eliminating non-essential phrases"
    ) in text
    # Page 5: left column ends at "useful for", right column resumes under Figure 1.
    assert (
        "Concrete facts are potentially useful for information extraction or question answering, "
        "while abstract assertions are useful for ontology learning and other applications."
    ) in text
    # Page 4 to page 5, across Table 1 at the top of the page.
    assert (
        "As explained below, we made a series of estimates and approximations in order to address the questions."
        in text
    )


def test_figure_and_table_are_cropped_with_their_captions(paper, figures_dir):
    by_label = {f.label: f for f in paper.figures}
    assert set(by_label) == {"Figure 1", "Table 1"}
    figure, table = by_label["Figure 1"], by_label["Table 1"]
    assert figure.caption.startswith("Overview of the tuples extracted from 9 million Web page corpus")
    assert table.caption.startswith("Over a set of ten relations, TextRunner achieved a 33% lower error rate")
    assert figure.page == table.page == 5
    assert figure.image_path == figures_dir / "figure-1.png"
    assert table.image_path == figures_dir / "table-1.png"
    for item, min_size in ((figure, (300, 300)), (table, (250, 60))):
        with Image.open(item.image_path) as image:
            assert image.format == "PNG"
            assert image.width >= min_size[0] and image.height >= min_size[1]
            gray = image.convert("L")
            assert gray.getextrema()[0] < 80  # has ink
            assert ImageStat.Stat(gray).stddev[0] > 15  # not a blank crop
    assert sorted(p.name for p in figures_dir.iterdir()) == ["figure-1.png", "table-1.png"]


def test_captions_and_table_cells_are_not_body_text(paper):
    assert "Overview of the tuples extracted" not in paper.text
    assert "11,476" not in paper.text and "Error rate" not in paper.text


_RECORDS = [
    "Since the input of the task is a list of questions, their answers and the documents holding",
    "these answers, we adapt them into pairs of a text and a hypothesis for the entailment system.",
    "The question, each candidate answer and its supporting document are combined into one pair,",
    "and the pairs are checked one by one against the document that the answer was taken from.",
]


def test_a_bold_line_of_a_boxed_example_is_not_a_section(tmp_path):
    # An LNCS paper (Wang and Neumann, AVE 2008) sets its example in an indented block whose
    # first line, "Id: 87_1", is bold: it became a section. Headings start at the column's
    # edge or are centred in it; numbered and usual section names are headings wherever set.
    page = (
        text_lines(["3.1 Preprocessing"], 720, bold=True)
        + text_lines(_RECORDS, 700)
        + text_lines(["Id: 87_1"], 640, x=106, bold=True)
        + text_lines(["Entailment: Unknown", "Text: Steve Webster has won ten world championships."], 628, x=106)
        + text_lines(_RECORDS, 596)
        + text_lines(["Error Analysis"], 536, bold=True)
        + text_lines(_RECORDS, 516)
        + text_lines(["A Closer Look"], 456, x=245, bold=True)  # centred on the text block
        + text_lines(_RECORDS, 436)
        + text_lines(["Discussion"], 376, x=106, bold=True)
        + text_lines(_RECORDS, 356)
    )
    path = tmp_path / "example-box.pdf"
    path.write_bytes(make_pdf([(b"", page)]))
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    headings = [s.heading for s in doc.sections]
    assert headings == ["3.1 Preprocessing", "Error Analysis", "A Closer Look", "Discussion"]
    assert "Id: 87_1 Entailment: Unknown" in doc.sections[0].text


def test_a_run_in_head_is_a_paragraph_of_its_own_not_the_start_of_its_sentence(read_paper):
    # mapreduce: "Distributed Grep: The map function emits a line ..." in bold was narrated
    # whole; the head stays in the section, set apart, and the narration starts at "The".
    from vidgen_assets.language.script import write_script

    doc = read_paper(FIXTURES / "papers" / "mapreduce-osdi04.pdf")
    (examples,) = [s for s in doc.sections if s.heading == "2.3 More Examples"]
    paragraphs = examples.text.split("\n\n")
    for head in ("Distributed Grep", "Count of URL Access Frequency", "Inverted Index", "Distributed Sort"):
        assert head in paragraphs
        assert paragraphs[paragraphs.index(head) + 1].startswith("The map function")
    spoken = [s.text for s in write_script(doc, target_seconds=100000.0) if s.section == "2.3 More Examples"]
    assert "The map function emits a line if it matches a supplied pattern." in spoken
    # ("Term-Vector per Host:" follows a paragraph the reader ends without a stop, so it is
    # not known to open one.)
    assert not [s for s in spoken if re.match(r"(Distributed|Count of|Inverted|Reverse)\b", s)]


def test_a_run_in_head_in_italic_or_naming_a_part_of_an_abstract_is_set_apart(tmp_path):
    # A heart-failure paper's abstract sets "Objectives." in italic; structured abstracts
    # write "Methods:" in the text's own type. An italic word opening a sentence is no head.
    lines = [
        (b"F3", "Data collection.", b"F1", " We sampled forty rock pools along the northern shore at low tide."),
        (b"F1", "Methods: The counts were repeated on three mornings in each of the weeks.", b"", ""),
        (b"F3", "Each", b"F1", " pool was visited at the same hour, so the counts could be compared."),
    ]
    content = b""
    for n, (font, lead, rest_font, rest) in enumerate(lines):
        top = 700 - n * 36
        content += b"BT /%s 10 Tf 72 %d Td (%s) Tj " % (font, top, lead.encode())
        if rest:
            content += b"/%s 10 Tf (%s) Tj " % (rest_font, rest.encode())
        content += b"ET\n"
    path = tmp_path / "run-in.pdf"
    path.write_bytes(make_pdf([(b"", text_lines(["A Survey of Rock Pools"], 740, bold=True) + content)]))
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    paragraphs = "\n\n".join(s.text for s in doc.sections).split("\n\n")
    assert paragraphs[:4] == [
        "Data collection",
        "We sampled forty rock pools along the northern shore at low tide.",
        "Methods",
        "The counts were repeated on three mornings in each of the weeks.",
    ]
    assert paragraphs[4].startswith("Each pool was visited")
