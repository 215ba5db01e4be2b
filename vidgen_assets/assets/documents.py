"""source_documents: the dropped file identified, hashed, typed, and its text and figures read."""

import json
from dataclasses import asdict

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vidgen_assets.partitions import documents
from vidgen_assets.resources import SettingsResource, StorageResource
from vidgen_assets.runs.one_per_document import start_document_run
from vidgen_assets.sources.read import read_source
from vidgen_assets.storage.catalog import input_failures_recorded, source_path
from vidgen_assets.storage.files import sha256_of
from vidgen_assets.storage.tables import FigureRow, SourceDocumentRow
from vidgen_assets.storage.versions import new_version


@asset(partitions_def=documents, group_name="documents", kinds={"duckdb"})
def source_documents(
    context: AssetExecutionContext, storage: StorageResource, settings: SettingsResource
) -> MaterializeResult:
    """The dropped file: kind, hash, title, sections and body text, and the figures it contains
    (saved as PNG crops with their captions). Bad input fails here with the file named.
    As the first step of a run, it stops when another run of the document is active, and
    sweeps what interrupted runs of the document left behind."""
    doc_id = context.partition_key
    db = storage.database()
    for leftover in start_document_run(context.instance, storage.paths(), db, doc_id, context.run.run_id):
        context.log.info(f"removed what an interrupted run left: {leftover}")
    path = source_path(db, doc_id)
    version = new_version(db, storage.paths(), doc_id, "source_documents")
    with input_failures_recorded(db, doc_id, path):  # so the backfill waits for the file to change
        doc = read_source(
            path, version.directory, settings.max_pages, settings.max_recording_seconds, settings.max_words
        )
    figures = [
        FigureRow(i, f.label, f.caption, f.page, str(f.image_path) if f.image_path else None)
        for i, f in enumerate(doc.figures)
    ]
    version.commit(
        {
            SourceDocumentRow: [
                SourceDocumentRow(
                    path=str(path),
                    kind=doc.kind,
                    sha256=sha256_of(path),
                    size_bytes=path.stat().st_size,
                    title=doc.title,
                    page_count=doc.page_count,
                    text=doc.text,
                    sections=json.dumps([asdict(s) for s in doc.sections]),
                    metadata=json.dumps(doc.metadata, default=str),
                )
            ],
            FigureRow: figures,
        }
    )
    warnings = doc.metadata.get("warnings", [])
    for warning in warnings:
        context.log.warning(f"{path.name}: {warning}")
    context.log.info(f"{path.name}: {doc.kind}, {len(doc.sections)} sections, {len(figures)} figures")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(path)),
            "kind": doc.kind,
            "title": doc.title,
            "pages": doc.page_count or 0,
            "sections": MetadataValue.md("\n".join(f"- {s.heading or '(untitled)'}" for s in doc.sections) or "(none)"),
            "figures": len(figures),
            "words": len(doc.text.split()),
            "preview": MetadataValue.md(doc.text[:800] or "(recording: text comes from the transcript)"),
            "warnings": MetadataValue.md("\n".join(f"- {w}" for w in warnings) or "none"),
        }
    )
