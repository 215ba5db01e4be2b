"""frames: one 1920x1080 picture per chunk, from the built-in renderer."""

from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vidgen_assets.assets.wiring import GPU_STEP, inline_image
from vidgen_assets.media.backgrounds import style_for
from vidgen_assets.media.render import contact_sheet, render_frame, render_title_card
from vidgen_assets.partitions import documents
from vidgen_assets.progress import StageProgress
from vidgen_assets.resources import StorageResource
from vidgen_assets.storage.paths import FrameFiles
from vidgen_assets.storage.records import load_document
from vidgen_assets.storage.tables import ChunkRow, FrameRow, ImagePromptRow, SummaryRow
from vidgen_assets.storage.versions import new_version


@asset(
    partitions_def=documents, group_name="frames",
    deps=["image_prompts", "summaries", "chunks", "source_documents"], kinds={"duckdb", "png"}, **GPU_STEP,
)
def frames(context: AssetExecutionContext, storage: StorageResource) -> MaterializeResult:
    """A PNG per chunk: a title card first, then the chunk's key point over a background drawn
    from its prompt, with the paper's own figure where the chunk discusses it. The prompt is
    kept in the PNG's metadata."""
    doc_id = context.partition_key
    db = storage.database()
    doc = load_document(db, doc_id)
    figures = {f.label: f for f in doc.figures if f.image_path}
    chunks = {c.idx: c for c in db.read(ChunkRow, doc_id)}
    summaries = {s.chunk_idx: s.summary for s in db.read(SummaryRow, doc_id)}
    prompts = db.read(ImagePromptRow, doc_id)
    version = new_version(db, storage.paths(), doc_id, "frames")
    files = FrameFiles(version.directory)
    style = style_for(prompts[0].style if prompts else doc.title)
    progress = StageProgress("frames", context.log.info)
    out = []
    for n, p in enumerate(prompts):
        path = files.frame(p.chunk_idx)
        if n == 0:
            render_title_card(doc.title, summaries[p.chunk_idx], style, p.prompt, path)
        else:
            figure = figures.get(p.figure) if p.figure else None
            render_frame(summaries[p.chunk_idx], p.prompt, style, path,
                         figure=figure.image_path if figure else None,
                         caption=f"{figure.label}: {figure.caption}" if figure else None)
        chunk = chunks[p.chunk_idx]
        out.append(FrameRow(p.chunk_idx, str(path), chunk.start_s, chunk.end_s))
        progress(n + 1, len(prompts))
    sheet = contact_sheet([Path(r.path) for r in out[:12]], files.contact_sheet)
    version.commit({FrameRow: out})
    return MaterializeResult(metadata={
        "frames": len(out),
        "with_figure": sum(1 for p in prompts[1:] if p.figure in figures),
        "directory": MetadataValue.path(str(version.directory)),
        "contact_sheet": MetadataValue.path(str(sheet)),
        "preview": inline_image(sheet),
        "style": style.name,
    })

