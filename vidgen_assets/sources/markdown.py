"""Title and sections of Markdown and plain-text sources, as plain prose.

Markdown syntax is stripped the way a reader would speak the page: link text kept, images and
code blocks dropped, emphasis markers removed, list items turned into sentences.
"""

from __future__ import annotations

import re
from pathlib import Path

from vidgen_assets.errors import InputError
from vidgen_assets.sources.document import Document, Section, title_from_file_name

_ATX_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?(.*)$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$|^\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_FOOTNOTE_DEFINITION = re.compile(r"^\s{0,3}\[\^[^\]]+\]:")


def read_markdown(path: Path) -> Document:
    """Read a Markdown file: title from the first `#` heading (else the file name), sections
    from `##` and deeper headings, paragraphs as plain text separated by blank lines."""
    path = Path(path)
    source = re.sub(r"<!--.*?-->", "", _decode(path), flags=re.S)  # HTML comments
    lines = source.split("\n")
    title = ""
    if lines and lines[0].strip() == "---":  # YAML front matter
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
        if end is not None:
            for line in lines[1:end]:
                match = re.match(r"^title:\s*['\"]?(.*?)['\"]?\s*$", line)
                if match:
                    title = _inline(match.group(1))
            lines = lines[end + 1 :]

    sections: list[tuple[str, list[str]]] = [("", [])]
    paragraph: list[str] = []
    in_list = False
    fence: str | None = None

    def flush() -> None:
        nonlocal in_list
        text = " ".join(part for part in paragraph if part).strip()
        if text:
            sections[-1][1].append(text)
        paragraph.clear()
        in_list = False

    for index, raw in enumerate(lines):
        if fence:
            if raw.strip().startswith(fence):
                fence = None
            continue
        fence_match = _FENCE.match(raw)
        if fence_match:
            flush()
            fence = fence_match.group(1)[0] * 3
            continue
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if line.startswith(("    ", "\t")) and not paragraph and not in_list:
            continue  # indented code block
        heading = _ATX_HEADING.match(line)
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        if not heading and paragraph == [] and _SETEXT_UNDERLINE.match(next_line) and not _RULE.match(line):
            level = 1 if next_line.strip().startswith("=") else 2
            heading = (level, stripped)
        elif heading:
            heading = (len(heading.group(1)), heading.group(2))
        if heading:
            flush()
            level, text = heading
            text = _inline(text)
            if level == 1 and not title:
                title = text
            else:
                sections.append((text, []))
            continue
        if _SETEXT_UNDERLINE.match(line) and index > 0 and lines[index - 1].strip() and not paragraph:
            continue  # the underline of a setext heading handled above
        if _RULE.match(line) or _TABLE_ROW.match(line) or _LINK_DEFINITION.match(line) or _FOOTNOTE_DEFINITION.match(line):
            flush()
            continue
        line = re.sub(r"^\s{0,3}>\s?", "", line)  # block quotes read as text
        item = _LIST_ITEM.match(line)
        if item:
            if not in_list:
                flush()
            in_list = True
            paragraph.append(_as_sentence(_inline(item.group(1))))
            continue
        text = _inline(line.strip())
        if in_list and paragraph:
            paragraph[-1] = _as_sentence(paragraph[-1].rstrip(".") + " " + text)
        else:
            paragraph.append(text)
    flush()

    result = tuple(
        Section(heading=heading, text="\n\n".join(paragraphs))
        for heading, paragraphs in sections
        if heading or paragraphs
    )
    if not any(section.text for section in result):
        raise InputError(path, "has no text (only headings, code or markup)")
    return Document(kind="md", title=title or title_from_file_name(path), sections=result)


def read_text(path: Path) -> Document:
    """Read a plain-text file: a short first line is the title; blank lines separate paragraphs."""
    path = Path(path)
    source = _decode(path)
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


def _decode(path: Path) -> str:
    """The file as text with \\n line ends; InputError for binary, non-UTF-8 or blank files."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror or error})") from error
    if b"\x00" in data[:8192]:
        raise InputError(path, "is a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, f"is not UTF-8 text (invalid byte at offset {error.start}); save it as UTF-8") from error
    if not text.strip():
        raise InputError(path, "has no text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _inline(text: str) -> str:
    """Markdown inline syntax to plain text."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"!\[[^\]]*\]\[[^\]]*\]", "", text)
    text = re.sub(r"\[\^[^\]]+\]", "", text)  # footnote references
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", text)
    text = re.sub(r"<(https?://|mailto:)[^>]+>", "", text)  # autolinks
    text = re.sub(r"</?[A-Za-z][^>]*>", "", text)  # inline HTML tags
    text = re.sub(r"(`+)(.+?)\1", r"\2", text)  # inline code keeps its content
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])", r"\1", text)
    text = re.sub(r"~~(.+?)~~", r"\1", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|>~])", r"\1", text)  # backslash escapes
    return re.sub(r"\s+", " ", text).strip()


def _as_sentence(text: str) -> str:
    text = text.strip()
    if text and text[-1] not in ".!?:;":
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
