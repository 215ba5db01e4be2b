"""source_documents: the dropped file identified, hashed, typed, and its text and figures read."""

import json
from dataclasses import asdict
from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vidgen_assets.media.audio import check_not_silent, check_recording
from vidgen_assets.partitions import documents
from vidgen_assets.progress import Progress
from vidgen_assets.registry import source_path
from vidgen_assets.resources import SettingsResource, StorageResource
from vidgen_assets.sources.document import Document, title_from_file_name
from vidgen_assets.sources.kinds import detect_kind
from vidgen_assets.sources.read import read_document
from vidgen_assets.storage.files import atomic_dir, sha256_of

RECORDING_KINDS = ("audio", "video")


def read_source(path: Path, figures_dir: Path, settings: SettingsResource) -> Document:
    """Any supported file as a Document; recordings carry no text until they are transcribed."""
    kind = detect_kind(path)
    if kind in RECORDING_KINDS:
        info = check_recording(path, settings.max_recording_minutes * 60)
        check_not_silent(path, source=path)  # here, so a silent file is refused before anything is written
        return Document(kind=kind, title=title_from_file_name(path), sections=(), metadata={"duration_s": info.duration_s})
    return read_document(path, figures_dir, settings.max_pages)


@asset(partitions_def=documents, group_name="documents", kinds={"duckdb"})
def source_documents(
    context: AssetExecutionContext, storage: StorageResource, settings: SettingsResource
) -> MaterializeResult:
    """The dropped file: kind, hash, title, sections and body text, and the figures it contains
    (saved as PNG crops with their captions). Bad input fails here with the file named."""
    doc_id = context.partition_key
    Progress("source_documents", context.log.info)
    db = storage.database()
    path = source_path(db, doc_id)
    # Figures are written to a fresh directory that replaces the old one only on success.
    with atomic_dir(storage.paths().artifacts(doc_id) / "figures") as figures_dir:
        doc = read_source(path, figures_dir, settings)
        figures = [
            {"idx": i, "label": f.label, "caption": f.caption, "page": f.page,
             "path": str(storage.paths().artifacts(doc_id) / "figures" / f.image_path.name) if f.image_path else None}
            for i, f in enumerate(doc.figures)
        ]
        db.replace_partition(doc_id, {
            "source_documents": [{
                "path": str(path), "kind": doc.kind, "sha256": sha256_of(path),
                "size_bytes": path.stat().st_size, "title": doc.title, "page_count": doc.page_count,
                "text": doc.text, "sections": json.dumps([asdict(s) for s in doc.sections]),
                "metadata": json.dumps(doc.metadata, default=str),
            }],
            "figures": figures,
        })
    context.log.info(f"{path.name}: {doc.kind}, {len(doc.sections)} sections, {len(figures)} figures")
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(path)),
        "kind": doc.kind,
        "title": doc.title,
        "pages": doc.page_count or 0,
        "sections": MetadataValue.md("\n".join(f"- {s.heading or '(untitled)'}" for s in doc.sections) or "(none)"),
        "figures": len(figures),
        "words": len(doc.text.split()),
        "preview": MetadataValue.md(doc.text[:800] or "(recording: text comes from the transcript)"),
    })
