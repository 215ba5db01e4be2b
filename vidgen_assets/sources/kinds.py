"""What kind of source a dropped file is, decided by its extension."""

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
