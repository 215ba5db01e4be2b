"""Read a dropped document (PDF, Markdown or plain text) into a Document."""

from __future__ import annotations

from pathlib import Path

from vidgen_assets.errors import InputError
from vidgen_assets.sources.document import Document
from vidgen_assets.sources.kinds import detect_kind
from vidgen_assets.sources.markdown import read_markdown, read_text
from vidgen_assets.sources.pdf import read_pdf

_NOT_DOCUMENTS = {
    "audio": "audio sources are read by the recording pipeline (transcription), not the document reader",
    "video": "video sources are read by the recording pipeline (transcription), not the document reader",
    "image": "image sources are described by the vision model, not the document reader",
    "prompt": "prompt sources are written into a script by the LLM, not the document reader",
}


def read_document(path: Path, figures_dir: Path, max_pages: int = 60) -> Document:
    """Read a PDF, Markdown or text file; figure crops of a PDF go to `figures_dir`.

    Raises InputError for other kinds of source and for any unreadable file.
    """
    path = Path(path)
    kind = detect_kind(path)
    if kind == "pdf":
        return read_pdf(path, figures_dir, max_pages=max_pages)
    if kind == "md":
        return read_markdown(path)
    if kind == "txt":
        return read_text(path)
    raise InputError(path, _NOT_DOCUMENTS[kind])
