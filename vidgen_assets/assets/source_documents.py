"""source_documents: the dropped file identified, hashed, typed, and its text and figures read."""

import json
from dataclasses import asdict

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vidgen_assets.partitions import documents
from vidgen_assets.progress import StageProgress
from vidgen_assets.resources import SettingsResource, StorageResource
from vidgen_assets.sources.read import read_source
from vidgen_assets.storage.catalog import input_failures_recorded, source_path
from vidgen_assets.storage.files import atomic_dir, sha256_of
from vidgen_assets.storage.tables import FigureRow, SourceDocumentRow


@asset(partitions_def=documents, group_name="documents", kinds={"duckdb"})
def source_documents(
    context: AssetExecutionContext, storage: StorageResource, settings: SettingsResource
) -> MaterializeResult:
    """The dropped file: kind, hash, title, sections and body text, and the figures it contains
    (saved as PNG crops with their captions). Bad input fails here with the file named."""
    doc_id = context.partition_key
    StageProgress("source_documents", context.log.info)
    db = storage.database()
    path = source_path(db, doc_id)
    figures_dir = storage.paths().figures(doc_id)
    # Figures are written to a fresh directory that replaces the old one only on success.
    with atomic_dir(figures_dir) as scratch:
        with input_failures_recorded(db, doc_id, path):  # so the backfill waits for the file to change
            doc = read_source(path, scratch, settings.max_pages, settings.max_recording_seconds, settings.max_words)
        figures = [
            FigureRow(i, f.label, f.caption, f.page, str(figures_dir / f.image_path.name) if f.image_path else None)
            for i, f in enumerate(doc.figures)
        ]
        db.replace(doc_id, {
            SourceDocumentRow: [SourceDocumentRow(
                path=str(path), kind=doc.kind, sha256=sha256_of(path), size_bytes=path.stat().st_size,
                title=doc.title, page_count=doc.page_count, text=doc.text,
                sections=json.dumps([asdict(s) for s in doc.sections]),
                metadata=json.dumps(doc.metadata, default=str),
            )],
            FigureRow: figures,
        })
    warnings = doc.metadata.get("warnings", [])
    for warning in warnings:
        context.log.warning(f"{path.name}: {warning}")
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
        "warnings": MetadataValue.md("\n".join(f"- {w}" for w in warnings) or "none"),
    })
