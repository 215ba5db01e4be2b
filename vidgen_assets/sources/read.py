"""Read a dropped file into a Document: the text of a PDF, Markdown or plain text; the title and
length of a checked recording."""

from __future__ import annotations

from pathlib import Path

from vidgen_assets.errors import InputError
from vidgen_assets.media.audio import check_not_silent, check_recording
from vidgen_assets.sources.document import Document, title_from_file_name
from vidgen_assets.sources.kinds import RECORDING_KINDS, detect_kind
from vidgen_assets.sources.markdown import read_markdown, read_text
from vidgen_assets.sources.pdf import read_pdf

_NOT_DOCUMENTS = {
    "audio": "audio sources are read by the recording pipeline (transcription), not the document reader",
    "video": "video sources are read by the recording pipeline (transcription), not the document reader",
    "image": "image sources are described by the vision model, not the document reader",
    "prompt": "prompt sources are written into a script by the LLM, not the document reader",
}


def read_source(path: Path, figures_dir: Path, max_pages: int, max_recording_seconds: float) -> Document:
    """Any supported file as a Document; recordings carry no text until they are transcribed.

    Raises InputError naming the file for anything that cannot become a video (see
    read_document; for recordings also unreadable, too long or silent ones).
    """
    path = Path(path)
    kind = detect_kind(path)
    if kind in RECORDING_KINDS:
        info = check_recording(path, max_recording_seconds)
        check_not_silent(path, source=path)  # here, so a silent file is refused before anything is written
        return Document(kind=kind, title=title_from_file_name(path), sections=(), metadata={"duration_s": info.duration_s})
    return read_document(path, figures_dir, max_pages)


def read_document(path: Path, figures_dir: Path, max_pages: int) -> Document:
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
