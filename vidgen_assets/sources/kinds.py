"""What kind of source a dropped file is, decided by its extension, and whether its first bytes
agree (magic numbers)."""

from __future__ import annotations

from pathlib import Path

from vidgen_assets.errors import InputError

# Extensions are lower-case and carry the leading dot, as Path.suffix gives them.
PDF_EXTENSIONS = frozenset({".pdf"})
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown"})
TEXT_EXTENSIONS = frozenset({".txt"})
AUDIO_EXTENSIONS = frozenset({".wav", ".mp3", ".flac", ".m4a", ".ogg", ".opus"})
VIDEO_EXTENSIONS = frozenset({".mp4", ".mkv", ".webm", ".mov"})
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".webp"})
PROMPT_EXTENSIONS = frozenset({".prompt"})

_KIND_BY_EXTENSION = {
    **{ext: "pdf" for ext in PDF_EXTENSIONS},
    **{ext: "md" for ext in MARKDOWN_EXTENSIONS},
    **{ext: "txt" for ext in TEXT_EXTENSIONS},
    **{ext: "audio" for ext in AUDIO_EXTENSIONS},
    **{ext: "video" for ext in VIDEO_EXTENSIONS},
    **{ext: "image" for ext in IMAGE_EXTENSIONS},
    **{ext: "prompt" for ext in PROMPT_EXTENSIONS},
}
SUPPORTED_EXTENSIONS = frozenset(_KIND_BY_EXTENSION)
KINDS = ("pdf", "md", "txt", "audio", "video", "image", "prompt")
# Kinds whose words come from transcribing their sound, not from reading the file.
RECORDING_KINDS = ("audio", "video")


def detect_kind(path: Path) -> str:
    """Return "pdf", "md", "txt", "audio", "video", "image" or "prompt" for a file.

    Raises InputError for a missing file, an unsupported extension or a 0-byte file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    kind = _KIND_BY_EXTENSION.get(suffix)
    if kind is None:
        shown = f"'{suffix}'" if suffix else "(no extension)"
        supported = " ".join(sorted(SUPPORTED_EXTENSIONS))
        raise InputError(path, f"unsupported file type {shown} (supported: {supported})")
    if not path.is_file():
        raise InputError(path, "file not found")
    if path.stat().st_size == 0:
        raise InputError(path, "file is empty")
    return kind


# The first bytes of each binary format, by extension; text kinds are checked by decoding them.
_SIGNATURES = {
    ".pdf": lambda h: b"%PDF-" in h[:1024],  # the standard allows junk before the header
    ".wav": lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE",
    ".flac": lambda h: h[:4] == b"fLaC",
    ".mp3": lambda h: h[:3] == b"ID3" or (len(h) > 1 and h[0] == 0xFF and h[1] & 0xE0 == 0xE0),
    ".ogg": lambda h: h[:4] == b"OggS",
    ".opus": lambda h: h[:4] == b"OggS",
    ".m4a": lambda h: h[4:8] == b"ftyp",
    ".mp4": lambda h: h[4:8] == b"ftyp",
    ".mov": lambda h: h[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free"),
    ".mkv": lambda h: h[:4] == b"\x1a\x45\xdf\xa3",
    ".webm": lambda h: h[:4] == b"\x1a\x45\xdf\xa3",
    ".png": lambda h: h[:8] == b"\x89PNG\r\n\x1a\n",
    ".jpg": lambda h: h[:3] == b"\xff\xd8\xff",
    ".jpeg": lambda h: h[:3] == b"\xff\xd8\xff",
    ".webp": lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP",
}


def content_matches(path: Path) -> bool:
    """Whether a binary file's first bytes are what its extension says; True for text kinds,
    which only decoding them can tell."""
    check = _SIGNATURES.get(Path(path).suffix.lower())
    if check is None:
        return True
    with open(path, "rb") as f:
        return check(f.read(1024))
