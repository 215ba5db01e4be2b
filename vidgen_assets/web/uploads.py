"""Files people upload through the web page, checked and put into the inbox for the sensor.

An upload is refused with a message, and nothing is kept, when it is empty, too large, of a
type vidgen does not read, not what its extension claims, or named so that it would land
outside the inbox or hide there. It is written to a hidden partial name in the inbox (the
sensor skips those) and linked to its final name only once complete, so the sensor never
sees half a file, and an existing upload is never replaced: a taken name gets a number.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import BinaryIO

from vidgen_assets.errors import InputError, VidgenError
from vidgen_assets.sources.kinds import (
    AUDIO_EXTENSIONS,
    MARKDOWN_EXTENSIONS,
    PDF_EXTENSIONS,
    TEXT_EXTENSIONS,
    VIDEO_EXTENSIONS,
    content_matches,
)
from vidgen_assets.sources.read import screen_source
from vidgen_assets.sources.text import decode_text

# What the pipeline turns into a video from a single file: documents and recordings.
ACCEPTED = PDF_EXTENSIONS | MARKDOWN_EXTENSIONS | TEXT_EXTENSIONS | AUDIO_EXTENSIONS | VIDEO_EXTENSIONS
MAX_NAME_LENGTH = 120
_UNSAFE = re.compile(r"[^\w. -]+")  # \w: letters and digits of any script, and _


class UploadRejected(VidgenError):
    """An upload that was not kept; the message is shown on the page, with an HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def safe_name(filename: str) -> str:
    """The name an upload is stored under, or UploadRejected.

    Names that try to leave the inbox (`../x`, `/etc/x`, `a\\b`) or to be hidden (`.x`) are
    refused rather than silently rewritten, so the person sees what happened; other unusual
    characters become `-`.
    """
    name = unicodedata.normalize("NFC", filename or "").strip()
    if not name:
        raise UploadRejected("no file was chosen")
    if "/" in name or "\\" in name or name in (".", "..") or "\x00" in name:
        raise UploadRejected(f"{filename!r}: the name must not contain a path ('/', '\\' or '..')")
    if name.startswith("."):
        raise UploadRejected(f"{filename!r}: hidden file names (starting with '.') are not accepted")
    stem, suffix = os.path.splitext(name)
    stem = _UNSAFE.sub("-", stem).strip(" -")
    if suffix.lower() not in ACCEPTED:
        shown = f"'{suffix}'" if suffix else "(no extension)"
        raise UploadRejected(f"{filename!r}: type {shown} is not accepted (accepted: {' '.join(sorted(ACCEPTED))})")
    if not stem:
        raise UploadRejected(f"{filename!r}: the name has no usable characters")
    return stem[: MAX_NAME_LENGTH - len(suffix)] + suffix.lower()


def check_content(path: Path, shown_name: str) -> None:
    """UploadRejected unless the file's bytes match the type its extension names and pass the
    inbox's quick check (a text with a sentence to narrate, a whole PDF)."""
    suffix = path.suffix.lower()
    textual = suffix in MARKDOWN_EXTENSIONS | TEXT_EXTENSIONS
    if not content_matches(path) or (textual and not _is_text(path)):
        what = "UTF-8 or UTF-16 text" if textual else f"a {suffix[1:].upper()} file"
        raise UploadRejected(f"{shown_name!r} is not {what}: its content does not match its extension")
    try:
        screen_source(path)  # what the inbox sensor would refuse, said now rather than never
    except InputError as error:
        raise UploadRejected(f"{shown_name!r} {error.problem}") from error


def _is_text(path: Path) -> bool:
    try:
        decode_text(path)
    except InputError:
        return False
    return True


def _link_without_replacing(tmp: Path, inbox: Path, name: str) -> Path:
    """Give `tmp` the name `name` in `inbox`, or `stem-2.ext`, `stem-3.ext`... if taken."""
    stem, suffix = os.path.splitext(name)
    for n in range(1, 1000):
        final = inbox / (name if n == 1 else f"{stem}-{n}{suffix}")
        try:
            os.link(tmp, final)  # fails if the name exists: never overwrites, even in a race
            return final
        except FileExistsError:
            continue
    raise UploadRejected(f"{name!r}: too many uploads with this name already in the inbox")


def save_upload(source: BinaryIO, filename: str, inbox: Path, max_bytes: int) -> Path:
    """Copy an uploaded stream into `inbox` under a safe, unused name; return its path.

    Raises UploadRejected (and leaves nothing behind) for a bad name, an empty or oversized
    file, or content that does not match the extension.
    """
    name = safe_name(filename)
    inbox.mkdir(parents=True, exist_ok=True)
    # Hidden and .part: the inbox sensor ignores the file while it is being written.
    fd, tmp_name = tempfile.mkstemp(prefix=".upload-", suffix=f".part{Path(name).suffix}", dir=inbox)
    tmp = Path(tmp_name)
    try:
        size = 0
        with os.fdopen(fd, "wb") as out:
            for block in iter(lambda: source.read(1 << 20), b""):
                size += len(block)
                if size > max_bytes:
                    raise UploadRejected(f"{filename!r} is larger than the limit of {max_bytes / 1e6:g} MB", status=413)
                out.write(block)
        if size == 0:
            raise UploadRejected(f"{filename!r} is empty")
        check_content(tmp, filename)
        os.chmod(tmp, 0o644)
        return _link_without_replacing(tmp, inbox, name)
    finally:
        tmp.unlink(missing_ok=True)
