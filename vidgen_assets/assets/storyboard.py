"""summaries and image_prompts: what each chunk's slide says, and what it shows."""

import json

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vidgen_assets.assets.wiring import MODEL_STEP, step_threads
from vidgen_assets.backends.embeddings import TextEmbedder
from vidgen_assets.language.figure_mentions import place_figures
from vidgen_assets.language.prompts import image_prompt, visual_style
from vidgen_assets.language.slides import EXTRACTIVE, extract_slide, picture_subject, write_slide
from vidgen_assets.partitions import documents
from vidgen_assets.progress import StageProgress
from vidgen_assets.resources import StorageResource, TextModelResource
from vidgen_assets.storage.records import chunk_sentences, load_document
from vidgen_assets.storage.tables import ChunkRow, ImagePromptRow, SummaryRow


@asset(
    partitions_def=documents,
    group_name="storyboard",
    deps=["chunks", "narration_scripts", "source_documents"],
    kinds={"duckdb"},
    **MODEL_STEP,
)
def summaries(context: AssetExecutionContext, storage: StorageResource, llm: TextModelResource) -> MaterializeResult:
    """Each chunk's slide text: the paper's section it belongs to, a headline, up to three short
    points (its sentences compressed, numbers and named terms kept) and a result's number to
    show large. Extracted from the chunk's own words by default, so nothing on screen is
    invented; with `llm.slides` (auto with Ollama) a model writes headline and points, shown
    only when every number and name is in the chunk and it does not talk about "the paper"
    (else the extractive text, with the reason in `problem`)."""
    doc_id = context.partition_key
    db = storage.database()
    title = load_document(db, doc_id).title
    sentences = chunk_sentences(db, doc_id)
    model = (
        llm.text_model(cache_dir=storage.paths().cache, threads=step_threads(context)) if llm.writes_slides() else None
    )
    embed = TextEmbedder().embed
    progress = StageProgress("summaries", context.log.info)
    out = []
    for n, (chunk, (section, text)) in enumerate(sentences):
        slide = write_slide(model, text, section, title, embed) if model else extract_slide(text, section, embed)
        out.append(
            SummaryRow(
                chunk.idx,
                slide.headline,
                slide.source,
                slide.problem is not None,
                slide.problem,
                slide.reply,
                slide.section,
                json.dumps(list(slide.points)),
                slide.number or None,
                slide.number_label or None,
            )
        )
        if slide.problem:
            context.log.info(f"summaries: chunk {chunk.idx}: the model's text was refused: {slide.problem}")
        progress(n + 1, len(sentences))
    db.replace(doc_id, {SummaryRow: out})
    return MaterializeResult(
        metadata={
            "slides": len(out),
            "written_by": model.name if model else EXTRACTIVE,
            "model_text_refused": sum(bool(r.fallback) for r in out),
            "with_number": sum(bool(r.number) for r in out),
            "preview": MetadataValue.md(
                "\n".join(
                    f"{r.chunk_idx}. **{r.summary}** ({r.section or '-'}): " + " / ".join(json.loads(r.points))
                    for r in out[:12]
                )
            ),
        }
    )


@asset(
    partitions_def=documents,
    group_name="storyboard",
    deps=["summaries", "chunks", "source_documents"],
    kinds={"duckdb"},
)
def image_prompts(context: AssetExecutionContext, storage: StorageResource) -> MaterializeResult:
    """What each chunk shows. The paper's figures and tables first: each one at the chunks
    that cite it, the rest at the chunk whose narration is closest in meaning to the caption
    (in document order), up to two a chunk; every figure with an image is shown. Then an
    image prompt per chunk for the picture backend: the slide's headline and the chunk's
    central phrases in one document-wide style, so a library is searched with the chunk's terms and a generator keeps
    its real subject."""
    doc_id = context.partition_key
    db = storage.database()
    doc = load_document(db, doc_id)
    style = visual_style(doc.title)
    chunks = db.read(ChunkRow, doc_id)
    headlines = {s.chunk_idx: s.summary for s in db.read(SummaryRow, doc_id)}
    embed = TextEmbedder().embed
    figures = [(f.label, f.caption or f.label) for f in doc.figures if f.image_path]
    placements = place_figures([c.text for c in chunks], figures, embed)
    progress = StageProgress("image_prompts", context.log.info)
    out = []
    for n, chunk in enumerate(chunks):
        shown = placements.get(n)
        labels = shown.figures if shown else ()
        prompt = image_prompt(picture_subject(chunk.text, embed, headlines.get(chunk.idx, "")) or doc.title, style)
        out.append(
            ImagePromptRow(
                chunk.idx,
                prompt,
                style,
                labels[0] if labels else None,
                next_figure=labels[1] if len(labels) > 1 else None,
                figure_reason=shown.reason if shown else None,
            )
        )
        progress(n + 1, len(chunks))
    db.replace(doc_id, {ImagePromptRow: out})
    shown_labels = sorted({label for p in placements.values() for label in p.figures})
    return MaterializeResult(
        metadata={
            "prompts": len(out),
            "style": style,
            "figures": len(figures),
            "figures_shown": MetadataValue.json(shown_labels),
            "figures_left_out": MetadataValue.json(sorted({label for label, _ in figures} - set(shown_labels))),
            "preview": MetadataValue.md(
                "\n".join(f"{r.chunk_idx}. {r.prompt}" + (f" [{r.figure}]" if r.figure else "") for r in out[:8])
            ),
        }
    )
