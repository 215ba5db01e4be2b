"""frames: one 1920x1080 picture per chunk, from the built-in renderer."""

import base64
from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vidgen_assets.media.frames import contact_sheet, render_frame, render_title_card, style_for
from vidgen_assets.partitions import documents
from vidgen_assets.progress import Progress
from vidgen_assets.resources import StorageResource
from vidgen_assets.storage.records import load_document


@asset(
    partitions_def=documents, group_name="frames", deps=["image_prompts"], kinds={"duckdb", "png"},
    pool="gpu", op_tags={"dagster-k8s/config": {"container_config": {"resources": {"limits": {"nvidia.com/gpu": "1"}}}}},
)
def frames(context: AssetExecutionContext, storage: StorageResource) -> MaterializeResult:
    """A PNG per chunk: a title card first, then the chunk's key point over a background drawn
    from its prompt, with the paper's own figure where the chunk discusses it. The prompt is
    kept in the PNG's metadata."""
    doc_id = context.partition_key
    db = storage.database()
    doc = load_document(db, doc_id)
    figures = {f.label: f for f in doc.figures if f.image_path}
    chunks = {c["idx"]: c for c in db.rows("chunks", doc_id)}
    summaries = {s["chunk_idx"]: s["summary"] for s in db.rows("summaries", doc_id)}
    prompts = db.rows("image_prompts", doc_id, order_by="chunk_idx")
    frames_dir = storage.paths().artifacts(doc_id) / "frames"
    style = style_for(prompts[0]["style"] if prompts else doc.title)
    progress = Progress("frames", context.log.info)
    out = []
    for n, p in enumerate(prompts):
        idx = p["chunk_idx"]
        path = frames_dir / f"{idx:04d}.png"
        if n == 0:
            render_title_card(doc.title, summaries[idx], style, p["prompt"], path)
        else:
            figure = figures.get(p["figure"]) if p["figure"] else None
            render_frame(summaries[idx], p["prompt"], style, path,
                         figure=figure.image_path if figure else None,
                         caption=f"{figure.label}: {figure.caption}" if figure else None)
        out.append({"chunk_idx": idx, "path": str(path),
                    "start_s": chunks[idx]["start_s"], "end_s": chunks[idx]["end_s"]})
        progress(n + 1, len(prompts))
    _remove_stale(frames_dir, {Path(r["path"]).name for r in out})
    db.replace_partition(doc_id, {"frames": out})
    sheet = contact_sheet([Path(r["path"]) for r in out[:12]], frames_dir.parent / "contact-sheet.jpg")
    return MaterializeResult(metadata={
        "frames": len(out),
        "with_figure": sum(1 for p in prompts[1:] if p["figure"] in figures),
        "directory": MetadataValue.path(str(frames_dir)),
        "contact_sheet": MetadataValue.path(str(sheet)),
        "preview": MetadataValue.md(inline_image(sheet)),
        "style": style.name,
    })


def inline_image(jpeg: Path) -> str:
    """Markdown that shows a small JPEG inside the Dagster UI's metadata panel."""
    return f"![preview](data:image/jpeg;base64,{base64.b64encode(jpeg.read_bytes()).decode()})"


def _remove_stale(frames_dir: Path, keep: set[str]) -> None:
    """Frames of an earlier, longer run of this partition would otherwise linger."""
    for png in frames_dir.glob("*.png"):
        if png.name not in keep:
            png.unlink()
