"""frames: one 1920x1080 picture per chunk, composed by the built-in renderer around a picture
from the configured picture backend."""

from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vidgen_assets.assets.wiring import GPU_STEP, inline_image
from vidgen_assets.backends.pictures import ask_for_pictures
from vidgen_assets.frame_plan import plan_frames
from vidgen_assets.media.backgrounds import picture_palette, style_for
from vidgen_assets.media.frames import draw_frame
from vidgen_assets.media.render import contact_sheet
from vidgen_assets.partitions import documents
from vidgen_assets.progress import StageProgress
from vidgen_assets.resources import PicturesResource, StorageResource
from vidgen_assets.storage.paths import FrameFiles
from vidgen_assets.storage.records import load_document
from vidgen_assets.storage.tables import ChunkRow, FrameRow, ImagePromptRow, SourceDocumentRow, SummaryRow
from vidgen_assets.storage.versions import new_version


@asset(
    partitions_def=documents,
    group_name="frames",
    deps=["image_prompts", "summaries", "chunks", "source_documents"],
    kinds={"duckdb", "png"},
    **GPU_STEP,
)
def frames(context: AssetExecutionContext, storage: StorageResource, pictures: PicturesResource) -> MaterializeResult:
    """A PNG per chunk: a title card first (title and authors), then each chunk's slide (section,
    headline, a result's number, points) beside the paper's figure or table it shows (two
    figures: two frames, one after the other), else beside a picture from the picture backend
    (chosen from the library or generated from the chunk's image prompt) where one fits, else
    alone, over a background drawn from the prompt. The figure, the picture's source and
    licence, and who wrote the text are kept in the frames table (the prompt in the PNG)."""
    doc_id = context.partition_key
    db = storage.database()
    paths = storage.paths()
    doc = load_document(db, doc_id)
    prompts = db.read(ImagePromptRow, doc_id)
    style = style_for(prompts[0].style if prompts else doc.title)
    backend = pictures.picture_backend(db, paths.picture_cache, palette=picture_palette(style))
    plan = plan_frames(
        doc,
        db.read_one(SourceDocumentRow, doc_id).sha256,
        db.read(ChunkRow, doc_id),
        {s.chunk_idx: s for s in db.read(SummaryRow, doc_id)},
        prompts,
        (pictures.width, pictures.height),
        want_pictures=backend.name != "none",
    )
    requests = {f.chunk_idx: f.request for f in plan if f.request is not None}
    found = ask_for_pictures(backend, requests, context.log.info)
    version = new_version(db, paths, doc_id, "frames")
    files = FrameFiles(version.directory)
    progress = StageProgress("frames", context.log.info)
    out = []
    for n, frame in enumerate(plan):
        out.append(draw_frame(frame, found.get(frame.chunk_idx), style, files.frame(frame.chunk_idx)))
        progress(n + 1, len(plan))
    sheet = contact_sheet([Path(r.path) for r in out[:12]], files.contact_sheet)
    version.commit({FrameRow: out})
    plain = [f for f in plan if not f.is_title and f.figure is None]
    pictured = [r for r in out if r.picture_source]
    with_image = {f.label for f in doc.figures if f.image_path}
    shown = {r.figure for r in out if r.figure}
    return MaterializeResult(
        metadata={
            "frames": len(out),
            "with_figure": sum(1 for f in plan if f.figure is not None),
            "figures_shown": f"{len(shown)} of {len(with_image)}",
            "figures_not_shown": MetadataValue.json(sorted(with_image - shown)),
            "text_by_model": sum(1 for r in out if r.text_source not in (None, "extractive")),
            "picture_backend": backend.name,
            "with_picture_share": round(len(pictured) / len(plain), 3) if plain else 0.0,
            "picture_sources": MetadataValue.json(
                {s: sum(r.picture_source == s for r in pictured) for s in sorted({r.picture_source for r in pictured})}
            ),
            "directory": MetadataValue.path(str(version.directory)),
            "contact_sheet": MetadataValue.path(str(sheet)),
            "preview": inline_image(sheet),
            "style": style.name,
        }
    )
