"""Title and sections of Markdown and plain-text sources, as plain prose.

Markdown is parsed with markdown-it-py (CommonMark, plus tables and strikethrough) and read the
way a reader would speak the page: link text kept; images, code, tables, HTML and footnotes
dropped; emphasis markers removed; list items turned into sentences.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from vidgen_assets.errors import InputError
from vidgen_assets.language.sentences import ends_sentence
from vidgen_assets.sources.document import Document, Section, title_from_file_name
from vidgen_assets.sources.text import decode_text

_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)  # YAML, for its title
_FRONT_MATTER_TITLE = re.compile(r"^title:\s*['\"]?(.*?)['\"]?\s*$", re.M)
# CommonMark has no footnotes: a reference "[^1]" stays text, a definition "[^1]: ..." a paragraph.
_FOOTNOTE_REFERENCE = re.compile(r"\[\^[^\]\s]+\]")
_FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\]\s]+\]:")


def read_markdown(path: Path, max_words: int | None = None) -> Document:
    """Read a Markdown file: title from the front matter or the first `#` heading (else the file
    name), sections from the other headings, paragraphs separated by blank lines."""
    path = Path(path)
    source = decode_text(path, max_words)
    title = ""
    front_matter = _FRONT_MATTER.match(source)
    if front_matter:
        source = source[front_matter.end() :]
        found = _FRONT_MATTER_TITLE.search(front_matter.group(1))
        title = _spoken(_MARKDOWN.parseInline(found.group(1))[0]) if found else ""

    sections: list[tuple[str, list[str]]] = [("", [])]
    list_sentences: list[str] = []  # the items of adjacent lists, read as one paragraph
    lists = 0  # how deep in lists the current token is
    tokens = _MARKDOWN.parse(source)
    for opener, token in zip([None, *tokens], tokens):
        if token.type.endswith("list_open"):
            lists += 1
        elif token.type.endswith("list_close"):
            lists -= 1
        elif token.level == 0 and list_sentences:  # any other block ends the list paragraph
            sections[-1][1].append(" ".join(list_sentences))
            list_sentences.clear()
        if token.type != "inline":
            continue
        text = _spoken(token)
        if opener.type == "heading_open":
            if opener.tag == "h1" and not title:
                title = text
            else:
                sections.append((text, []))
        elif opener.type == "paragraph_open" and text and not _FOOTNOTE_DEFINITION.match(token.content):
            if lists:
                list_sentences.append(_as_sentence(text))
            else:
                sections[-1][1].append(text)
    if list_sentences:
        sections[-1][1].append(" ".join(list_sentences))

    result = tuple(
        Section(heading=heading, text="\n\n".join(paragraphs))
        for heading, paragraphs in sections
        if heading or paragraphs
    )
    if not any(section.text for section in result):
        raise InputError(path, "has no text (only headings, code or markup)")
    return Document(kind="md", title=title or title_from_file_name(path), sections=result)


def _spoken(inline: Token) -> str:
    """The words of an inline token: text, link text and code kept; images, HTML and autolinks
    (a bare address is not read aloud) dropped."""
    parts: list[str] = []
    autolink = False
    for child in inline.children or ():
        if child.type == "link_open":
            autolink = child.markup == "autolink"
        elif child.type == "link_close":
            autolink = False
        elif child.type == "text" and not autolink:
            parts.append(_FOOTNOTE_REFERENCE.sub("", child.content))
        elif child.type == "code_inline":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def read_text(path: Path, max_words: int | None = None) -> Document:
    """Read a plain-text file: a short first line is the title; blank lines separate paragraphs."""
    path = Path(path)
    source = decode_text(path, max_words)
    blocks = [block.strip() for block in re.split(r"\n\s*\n", source) if block.strip()]
    title = ""
    first_line, _, rest = blocks[0].partition("\n")
    short = len(first_line) <= 100 and len(first_line.split()) <= 14
    if short and not first_line.rstrip().endswith((".", ",", ";", ":")) and (rest.strip() or len(blocks) > 1):
        title = first_line.strip()
        blocks = ([rest.strip()] if rest.strip() else []) + blocks[1:]
    paragraphs = [_unwrap(block) for block in blocks]
    return Document(
        kind="txt",
        title=title or title_from_file_name(path),
        sections=(Section(heading="", text="\n\n".join(paragraphs)),),
    )


def _as_sentence(text: str) -> str:
    """A list item read aloud as a sentence of its own (a clause ending in ':' or ';' stays)."""
    text = text.strip()
    if text and not ends_sentence(text) and text[-1] not in ":;":
        text += "."
    return text


def _unwrap(block: str) -> str:
    """Join hard-wrapped lines of a paragraph."""
    out = ""
    for line in (line.strip() for line in block.split("\n")):
        if not line:
            continue
        out = line if not out else (out + line if out.endswith("-") else out + " " + line)
    return out
