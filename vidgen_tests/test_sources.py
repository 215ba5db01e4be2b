"""Source extraction on the real paper and on small files made here: kinds, PDF, Markdown, text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from vidgen_assets.errors import InputError
from vidgen_assets.sources.kinds import AUDIO_EXTENSIONS, SUPPORTED_EXTENSIONS, detect_kind
from vidgen_assets.sources.markdown import read_markdown, read_text
from vidgen_assets.sources.pdf import read_pdf
from vidgen_assets.sources.read import read_document, read_source
from vidgen_tests.conftest import EXAMPLES, PAPER, RECORDING

ABSTRACT_START = (
    "Traditionally, Information Extraction (IE) has focused on satisfying precise, narrow, "
    "pre-specified requests from small homogeneous corpora"
)


@pytest.fixture(scope="module")
def figures_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("paper") / "figures"


@pytest.fixture(scope="module")
def paper(figures_dir):
    return read_pdf(PAPER, figures_dir)


# --- kinds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, kind",
    [("a.pdf", "pdf"), ("a.PDF", "pdf"), ("a.md", "md"), ("a.markdown", "md"), ("a.txt", "txt"),
     ("a.wav", "audio"), ("a.flac", "audio"), ("a.opus", "audio"), ("a.mp4", "video"), ("a.MOV", "video"),
     ("a.png", "image"), ("a.jpeg", "image"), ("a.webp", "image"), ("idea.prompt", "prompt")],
)
def test_kind_is_decided_by_extension(tmp_path, name, kind):
    path = tmp_path / name
    path.write_bytes(b"x")
    assert detect_kind(path) == kind


def test_extension_sets_carry_the_dot_like_path_suffix():
    assert ".flac" in AUDIO_EXTENSIONS and ".prompt" in SUPPORTED_EXTENSIONS


def test_unsupported_extension_is_refused_with_the_supported_list(tmp_path):
    path = tmp_path / "notes.xyz"
    path.write_text("hello")
    with pytest.raises(InputError) as caught:
        detect_kind(path)
    message = str(caught.value)
    assert str(path) in message and "'.xyz'" in message and ".pdf" in message and ".md" in message


# --- the paper -----------------------------------------------------------------------------


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
    for expected in ["1 Introduction and Motivation", "2 Open IE in TextRunner", "2.1 Self-Supervised Learner",
                     "3 Experimental Results", "Estimating the Correctness of Facts", "5 Conclusions"]:
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
    assert ("Relations are found by examining the text between the noun phrases and heuristically "
            "eliminating non-essential phrases") in text
    # Page 5: left column ends at "useful for", right column resumes under Figure 1.
    assert ("Concrete facts are potentially useful for information extraction or question answering, "
            "while abstract assertions are useful for ontology learning and other applications.") in text
    # Page 4 to page 5, across Table 1 at the top of the page.
    assert "As explained below, we made a series of estimates and approximations in order to address the questions." in text


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


# --- bad input ------------------------------------------------------------------------------


def _empty_pdf(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _scanned_pdf(path: Path) -> Path:
    Image.new("RGB", (600, 800), "white").save(path, "PDF")
    return path


def _garbage_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n" + b"\x8f not really a PDF at all \n" * 50)
    return path


def _truncated_pdf(path: Path) -> Path:
    path.write_bytes(PAPER.read_bytes()[:20_000])
    return path


def _long_pdf(path: Path) -> Path:
    shutil.copy(PAPER, path)
    return path


def _unsupported(path: Path) -> Path:
    path = path.with_suffix(".xyz")
    path.write_text("some text")
    return path


@pytest.mark.parametrize(
    "make, max_pages, problem",
    [
        (_empty_pdf, 60, "file is empty"),
        (_scanned_pdf, 60, "has no text layer (scanned?)"),
        (_garbage_pdf, 60, "not a readable PDF"),
        (_truncated_pdf, 60, "not a readable PDF"),
        (_long_pdf, 3, "has 7 pages; the limit is 3 (set VIDGEN_MAX_PAGES)"),
        (_unsupported, 60, "unsupported file type '.xyz'"),
    ],
    ids=["empty", "no-text-layer", "garbage", "truncated", "too-many-pages", "unsupported"],
)
def test_bad_input_raises_input_error_naming_the_file_and_writes_nothing(tmp_path, make, max_pages, problem):
    path = make(tmp_path / "paper.pdf")
    figures = tmp_path / "figures"
    with pytest.raises(InputError) as caught:
        read_document(path, figures, max_pages=max_pages)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and problem in message
    assert "\n" not in message
    assert not figures.exists() or not any(figures.iterdir())


def test_recordings_are_not_read_as_documents(tmp_path):
    with pytest.raises(InputError, match="recording pipeline"):
        read_document(RECORDING, tmp_path / "figures")


# --- Markdown and text ----------------------------------------------------------------------


def test_markdown_example_reads_into_titled_sections():
    doc = read_document(EXAMPLES / "how-vidgen-works.md", Path("/nonexistent/figures"))
    assert doc.kind == "md"
    assert doc.title == "How a Paper Becomes a Narrated Video"
    assert [s.heading for s in doc.sections] == [
        "", "From Pages to a Spoken Script", "Speech and Timing", "Chunking into Visual Beats",
        "Rendering Frames and Assembly",
    ]
    assert all(s.text and "#" not in s.text for s in doc.sections)
    assert 600 <= len(doc.text.split()) <= 800


def test_markdown_syntax_is_stripped(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(
        "---\nauthor: someone\n---\n"
        "# Notes on *Speech*\n\n"
        "Intro with a [link to docs](https://example.org/docs) and ![a chart](chart.png) inline.\n"
        "It has **bold**, _italic_, `code` and ~~struck~~ words.[^1]\n\n"
        "<!-- a comment\nover lines -->\n"
        "## Steps\n\n"
        "- First item\n- Second item, which\n  wraps onto a second line\n1. Numbered item\n\n"
        "```python\nprint('dropped')\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "### Deeper\n\nLast paragraph.\n\n[^1]: A footnote that is dropped.\n"
    )
    doc = read_markdown(path)
    assert doc.title == "Notes on Speech"
    assert [s.heading for s in doc.sections] == ["", "Steps", "Deeper"]
    intro, steps, deeper = (s.text for s in doc.sections)
    assert intro == (
        "Intro with a link to docs and inline. It has bold, italic, code and struck words."
    )
    assert steps == "First item. Second item, which wraps onto a second line. Numbered item."
    assert deeper == "Last paragraph."
    for debris in ("print", "|", "comment", "footnote", "http", "*", "`", "chart"):
        assert debris not in doc.text


def test_markdown_without_a_title_heading_is_named_after_the_file(tmp_path):
    path = tmp_path / "field-notes.md"
    path.write_text("## Only a section\n\nSome words here.\n")
    assert read_markdown(path).title == "Field notes"


def test_markdown_is_read_as_commonmark_where_line_patterns_go_wrong(tmp_path):
    # A longer fence holds a shorter one and a '#' line; a link's address has parentheses;
    # an entity stands for its character. Line-by-line patterns got all three wrong.
    path = tmp_path / "shell.md"
    path.write_text(
        "# Shell notes\n\n"
        "See [the page](https://en.wikipedia.org/wiki/Bash_(Unix_shell)) first &amp; then run:\n\n"
        "````markdown\n```\n# Not a heading\n````\n\n"
        "## Next\n\nAfter the code.\n"
    )
    doc = read_markdown(path)
    assert [(s.heading, s.text) for s in doc.sections] == [
        ("", "See the page first & then run:"), ("Next", "After the code."),
    ]



def test_plain_text_title_is_a_short_first_line(tmp_path):
    path = tmp_path / "memo.txt"
    path.write_text("A Short Memo\n\nFirst paragraph is\nhard wrapped.\n\nSecond paragraph.\n")
    doc = read_text(path)
    assert doc.title == "A Short Memo" and doc.kind == "txt"
    assert doc.text == "First paragraph is hard wrapped.\n\nSecond paragraph."


def test_plain_text_starting_with_a_sentence_keeps_it_as_text(tmp_path):
    path = tmp_path / "one-liner.txt"
    path.write_text("Just one sentence of text.\n")
    doc = read_text(path)
    assert doc.title == "One liner" and doc.text == "Just one sentence of text."


@pytest.mark.parametrize(
    "content, problem",
    [(" \n\t\n", "has no text"), ("caf\xe9 latin-1".encode("latin-1"), "is not UTF-8 text"),
     (b"\x00\x01\x02binary\x00", "is a binary file")],
    ids=["whitespace", "latin-1", "binary"],
)
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_unreadable_text_raises_input_error_naming_the_file(tmp_path, content, problem, suffix):
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(InputError) as caught:
        read_document(path, tmp_path / "figures")
    assert str(caught.value).startswith(f"{path}: ") and problem in str(caught.value)


def test_recording_is_checked_and_titled_after_its_file_name(tmp_path):
    path = tmp_path / f"inaugural_address-1961{RECORDING.suffix}"
    shutil.copy(RECORDING, path)
    doc = read_source(path, tmp_path / "figures", max_pages=60, max_recording_seconds=600)
    assert doc.kind == "audio" and doc.title == "Inaugural address 1961"
    assert doc.sections == () and 10 < doc.metadata["duration_s"] < 12
    assert not (tmp_path / "figures").exists()


def test_recording_longer_than_the_limit_is_refused_naming_the_file(tmp_path):
    with pytest.raises(InputError) as caught:
        read_source(RECORDING, tmp_path / "figures", max_pages=60, max_recording_seconds=5)
    assert str(caught.value).startswith(f"{RECORDING}: is 0.2 minutes long; the limit is 0.1 minutes")


def test_paper_is_read_within_the_page_limit(tmp_path):
    with pytest.raises(InputError, match="has 7 pages; the limit is 6"):
        read_source(PAPER, tmp_path / "figures", max_pages=6, max_recording_seconds=600)
