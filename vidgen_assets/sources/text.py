"""The characters of a Markdown or plain-text file: its encoding found, binary files refused,
its size bounded.

UTF-8 (with or without a signature) and UTF-16 (with a byte-order mark, or without one when the
zero bytes of ASCII text show which half of each code unit they fill, as Windows editors write
it) are decoded; anything else is refused with what to do.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from vidgen_assets.errors import InputError

# Bytes a word takes at most in the text files we read, so a file can be refused before it is
# read whole: about 6 bytes a word in English UTF-8, twice that in UTF-16, with room to spare.
BYTES_PER_WORD = 24
_SNIFF_BYTES = 4096
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_text(path: Path, max_words: int | None = None) -> str:
    """The file as text with \\n line ends.

    Raises InputError naming the file when it cannot be read, is binary, is in an encoding
    other than UTF-8 or UTF-16, is blank, or is too large for `max_words` words.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if max_words is not None and size > max_words * BYTES_PER_WORD:
            raise InputError(
                path,
                f"is {size / 1e6:.3g} MB, too large for a text document (the limit is "
                f"{max_words} words; set VIDGEN_MAX_WORDS, or split the file)",
            )
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror or error})") from error
    encoding = text_encoding(data[:_SNIFF_BYTES])
    if encoding is None:
        raise InputError(path, "is a binary file, not text")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        label = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
        raise InputError(
            path, f"is not {label} text (invalid byte at offset {error.start}); save it as UTF-8"
        ) from error
    if "\x00" in text:
        raise InputError(path, "is a binary file, not text")
    if not text.strip():
        raise InputError(path, "has no text")
    if max_words is not None and (words := len(text.split())) > max_words:
        raise InputError(path, f"has {words} words; the limit is {max_words} (set VIDGEN_MAX_WORDS, or split the file)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_encoding(head: bytes) -> str | None:
    """The codec for text starting with `head`, or None when it looks binary (zero bytes that
    are not the other half of UTF-16 code units)."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" not in head:
        return "utf-8"
    pairs = len(head) // 2
    if pairs < 2:
        return None
    zero_even = head[0 : 2 * pairs : 2].count(0) / pairs
    zero_odd = head[1 : 2 * pairs : 2].count(0) / pairs
    # ASCII-heavy UTF-16 has a zero in one half of most code units and almost none in the other.
    if zero_odd > 0.3 and zero_even < 0.02:
        return "utf-16-le"
    if zero_even > 0.3 and zero_odd < 0.02:
        return "utf-16-be"
    return None
