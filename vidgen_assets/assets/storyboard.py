"""summaries and image_prompts: what each chunk is about, and the picture to show for it."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vidgen_assets.assets.wiring import MODEL_STEP, step_threads
from vidgen_assets.illustrations.embeddings import TextEmbedder
from vidgen_assets.language.figure_mentions import mentioned_figure
from vidgen_assets.partitions import documents
from vidgen_assets.progress import StageProgress
from vidgen_assets.resources import StorageResource, TextModelResource
from vidgen_assets.storage.records import load_document
from vidgen_assets.storage.tables import ChunkRow, ImagePromptRow, SummaryRow
from vidgen_assets.language.drafts import draft_image_prompt, draft_summary, visual_style


@asset(
    partitions_def=documents, group_name="storyboard", deps=["chunks", "source_documents"], kinds={"duckdb"},
    **MODEL_STEP,
)
def summaries(
    context: AssetExecutionContext, storage: StorageResource, llm: TextModelResource
) -> MaterializeResult:
    """The single concept of each chunk, one short sentence written by the language model and
    checked against the chunk; an unusable answer is replaced by the chunk's key phrase (never
    its first clause, which the narration is saying) and flagged (`fallback`, `problem`). Shown
    as the key point on the chunk's frame."""
    doc_id = context.partition_key
    db = storage.database()
    title = load_document(db, doc_id).title
    rows = db.read(ChunkRow, doc_id)
    model = llm.text_model(cache_dir=storage.paths().cache, threads=step_threads(context))
    embedder = TextEmbedder()  # ranks key phrases; loaded only when a summary needs replacing
    progress = StageProgress("summaries", context.log.info)
    out = []
    for n, chunk in enumerate(rows):
        draft = draft_summary(model, chunk.text, title, embedder.embed)
        out.append(SummaryRow(chunk.idx, draft.text, model.name, draft.fallback, draft.problem, draft.reply))
        progress(n + 1, len(rows))
    db.replace(doc_id, {SummaryRow: out})
    return MaterializeResult(metadata={
        "summaries": len(out),
        "replaced_by_key_phrase": sum(bool(r.fallback) for r in out),
        "backend": model.name,
        "preview": MetadataValue.md("\n".join(f"{r.chunk_idx}. {r.summary}" for r in out[:12])),
    })


@asset(
    partitions_def=documents, group_name="storyboard", deps=["summaries", "chunks", "source_documents"],
    kinds={"duckdb"}, **MODEL_STEP,
)
def image_prompts(
    context: AssetExecutionContext, storage: StorageResource, llm: TextModelResource
) -> MaterializeResult:
    """One image prompt per chunk (structured output), all sharing one document-wide visual
    style so the frames look like one film; a chunk that mentions one of the paper's figures
    is tied to it."""
    doc_id = context.partition_key
    db = storage.database()
    doc = load_document(db, doc_id)
    model = llm.text_model(cache_dir=storage.paths().cache, threads=step_threads(context))
    style = visual_style(doc.title)
    labels = [f.label for f in doc.figures if f.image_path]
    chunk_text = {c.idx: c.text for c in db.read(ChunkRow, doc_id)}
    rows = db.read(SummaryRow, doc_id)
    progress = StageProgress("image_prompts", context.log.info)
    out = []
    for n, row in enumerate(rows):
        draft = draft_image_prompt(model, row.summary, style)
        figure = mentioned_figure(chunk_text[row.chunk_idx], labels)
        out.append(ImagePromptRow(row.chunk_idx, draft.text, style, figure, draft.fallback, draft.problem))
        progress(n + 1, len(rows))
    db.replace(doc_id, {ImagePromptRow: out})
    return MaterializeResult(metadata={
        "prompts": len(out),
        "replaced": sum(bool(r.fallback) for r in out),
        "style": style,
        "figures_used": MetadataValue.json(sorted({r.figure for r in out if r.figure})),
        "preview": MetadataValue.md("\n".join(f"{r.chunk_idx}. {r.prompt}" for r in out[:8])),
    })
