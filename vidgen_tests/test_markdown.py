"""Markdown and plain-text sources (vidgen_assets/sources/markdown.py) read as titled prose."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidgen_assets.errors import InputError
from vidgen_assets.sources.markdown import read_markdown, read_text
from vidgen_assets.sources.read import read_document
from vidgen_tests.helpers.paths import EXAMPLES, MAX_PAGES


def test_markdown_example_reads_into_titled_sections():
    doc = read_document(EXAMPLES / "how-vidgen-works.md", Path("/nonexistent/figures"), MAX_PAGES)
    assert doc.kind == "md"
    assert doc.title == "How a Paper Becomes a Narrated Video"
    assert [s.heading for s in doc.sections] == [
        "",
        "From Pages to a Spoken Script",
        "Speech and Timing",
        "Chunking into Visual Beats",
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
    assert intro == ("Intro with a link to docs and inline. It has bold, italic, code and struck words.")
    assert steps == "First item. Second item, which wraps onto a second line. Numbered item."
    assert deeper == "Last paragraph."
    for debris in ("print", "|", "comment", "footnote", "http", "*", "`", "chart"):
        assert debris not in doc.text


def test_markdown_without_a_title_heading_is_named_after_the_file(tmp_path):
    path = tmp_path / "field-notes.md"
    path.write_text("## Only a section\n\nSome words here.\n")
    assert read_markdown(path).title == "Field notes"


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
    [
        (" \n\t\n", "has no text"),
        ("caf\xe9 latin-1".encode("latin-1"), "is not UTF-8 text"),
        (b"\x00\x01\x02binary\x00", "is a binary file"),
    ],
    ids=["whitespace", "latin-1", "binary"],
)
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_unreadable_text_raises_input_error_naming_the_file(tmp_path, content, problem, suffix):
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(InputError) as caught:
        read_document(path, tmp_path / "figures", MAX_PAGES)
    assert str(caught.value).startswith(f"{path}: ") and problem in str(caught.value)


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
        ("", "See the page first & then run:"),
        ("Next", "After the code."),
    ]
