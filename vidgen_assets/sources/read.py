"""Read a dropped file into a Document: the text of a PDF, Markdown or plain text; the title and
length of a checked recording. Everything that makes a file unusable is found here, before
anything is written."""

from __future__ import annotations

from pathlib import Path

from vidgen_assets.backends.asr.vad import MIN_SPEECH_SHARE, SAMPLE_RATE, speech_seconds
from vidgen_assets.errors import InputError
from vidgen_assets.language.script import speakable_sentence_count
from vidgen_assets.media.audio import check_not_silent, check_recording, speech_sample
from vidgen_assets.sources.document import Document, title_from_file_name
from vidgen_assets.sources.kinds import RECORDING_KINDS, content_matches, detect_kind
from vidgen_assets.sources.markdown import read_markdown, read_text
from vidgen_assets.sources.pdf import read_pdf

# The kinds read_source turns into a Document today.
READ_KINDS = ("pdf", "md", "txt", *RECORDING_KINDS)
_NOT_DOCUMENTS = {
    "audio": "audio sources are read by the recording pipeline (transcription), not the document reader",
    "video": "video sources are read by the recording pipeline (transcription), not the document reader",
    "image": "image sources are described by the vision model, not the document reader",
    "prompt": "prompt sources are written into a script by the LLM, not the document reader",
}


def read_source(
    path: Path, figures_dir: Path, max_pages: int, max_recording_seconds: float, max_words: int | None = None
) -> Document:
    """Any supported file as a Document; recordings carry no text until they are transcribed.

    Raises InputError naming the file for anything that cannot become a video (see
    read_document; for recordings also unreadable, too long, silent or speechless ones).
    """
    path = Path(path)
    kind = detect_kind(path)
    if kind in RECORDING_KINDS:
        info = check_recording(path, max_recording_seconds)
        check_not_silent(path, source=path)  # here, so a silent file is refused before anything is written
        check_speech(path, info.duration_s)
        return Document(
            kind=kind, title=title_from_file_name(path), sections=(), metadata={"duration_s": info.duration_s}
        )
    return read_document(path, figures_dir, max_pages, max_words)


def read_document(path: Path, figures_dir: Path, max_pages: int, max_words: int | None = None) -> Document:
    """Read a PDF, Markdown or text file; figure crops of a PDF go to `figures_dir`.

    Raises InputError for other kinds of source, for any unreadable file, for a text file over
    `max_words` words, and for a document with no sentence to narrate.
    """
    path = Path(path)
    kind = detect_kind(path)
    if kind in ("md", "txt"):
        return _read_text_document(path, kind, max_words)
    if kind != "pdf":
        raise InputError(path, _NOT_DOCUMENTS[kind])
    doc = read_pdf(path, figures_dir, max_pages=max_pages)  # bounded by its pages, not its words
    _check_speakable(path, doc)
    return doc


def screen_source(path: Path, max_words: int | None = None) -> str:
    """The kind of a file the inbox may take, from a test cheap enough for a hundred files a
    tick: its extension, its first bytes, a PDF's end marker, and a text file read whole.

    Raises InputError naming the file otherwise. Passing it is no promise: a PDF's pages and a
    recording's sound are read only by source_documents (read_source).
    """
    path = Path(path)
    kind = detect_kind(path)
    if kind not in READ_KINDS:
        raise InputError(
            path, f"{kind} sources are not made into videos yet (drop a PDF, Markdown, text or a recording)"
        )
    if not content_matches(path):
        raise InputError(path, f"is not a {path.suffix[1:].upper()} file: its content does not match its extension")
    if kind == "pdf" and not _ends_like_a_pdf(path):
        raise InputError(path, "is not a whole PDF (no %%EOF marker at its end): still being copied, or cut off")
    if kind in ("md", "txt"):
        _read_text_document(path, kind, max_words)
    return kind


def _read_text_document(path: Path, kind: str, max_words: int | None) -> Document:
    doc = read_markdown(path, max_words) if kind == "md" else read_text(path, max_words)
    _check_speakable(path, doc)
    return doc


def _check_speakable(path: Path, doc: Document) -> None:
    if speakable_sentence_count(doc) == 0:
        raise InputError(path, "has no sentence to narrate (only headings, code, links or numbers); add some prose")


def _ends_like_a_pdf(path: Path) -> bool:
    """Every PDF ends with %%EOF (some writers add a few bytes after it); a copy cut short does not."""
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - 1024))
        return b"%%EOF" in f.read()


def check_speech(path: Path, duration_s: float) -> None:
    """InputError unless a voice is heard in enough of the recording (backends/asr/vad.py):
    music or noise alone would be transcribed into nothing, after minutes of work."""
    samples = speech_sample(path, duration_s)
    listened_s = len(samples) / SAMPLE_RATE
    heard_s = speech_seconds(samples)
    if heard_s < MIN_SPEECH_SHARE * listened_s:
        raise InputError(
            path,
            f"has no speech to transcribe (a voice in {heard_s:.1f} s of the {listened_s:.0f} s listened to; "
            "music or noise only?); vidgen makes videos of spoken recordings",
        )
