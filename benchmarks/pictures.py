"""Cost and reach of the `library` picture backend on the whole openclipart collection.

    .venv/bin/python benchmarks/pictures.py                  # index from scratch, then choose
    .venv/bin/python benchmarks/pictures.py --db /tmp/p.duckdb --calibrate --sheet /tmp/sheet.png

Prints: the time to index every openclipart SVG into a fresh DuckDB (seconds, pictures per
second), the time of an index update that finds nothing new, the lookup cost per chunk (loading
the vectors once, then scoring and ranking every picture for a chunk), and for three texts the
share of chunks that get a picture. The texts are the fixture paper, data/examples/how-vidgen-
works.md and data/examples/rock-pools.md, cut into chunks of whole sentences of at least 20 words
(an approximation of the pipeline's timed chunks). --calibrate also prints every chunk's best
picture and score, and the share at other thresholds: how THRESHOLD in illustrations/choice.py
was chosen.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from vidgen_assets.backends.pictures import PictureRequest
from vidgen_assets.backends.pictures.library import LibraryPictures
from vidgen_assets.illustrations.choice import THRESHOLD, Wanted, build_queries, choose, scores
from vidgen_assets.illustrations.index import load_shelf
from vidgen_assets.sources.read import read_document
from vidgen_assets.storage.duckdb import Database

REPO = Path(__file__).resolve().parents[1]
TEXTS = [
    REPO.parent / "shared" / "fixtures" / "open-information-extraction.pdf",
    REPO / "data" / "examples" / "how-vidgen-works.md",
    REPO / "data" / "examples" / "rock-pools.md",
]


def sentence_chunks(text: str, min_words: int = 20) -> list[str]:
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z(])", " ".join(text.split()))
    chunks, current = [], []
    for sentence in sentences:
        current.append(sentence)
        if len(" ".join(current).split()) >= min_words:
            chunks.append(" ".join(current))
            current = []
    if current:
        chunks.append(" ".join(current))
    return chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reuse (or build) the index in this DuckDB file instead of a fresh one")
    parser.add_argument("--calibrate", action="store_true", help="print each chunk's best picture and other thresholds")
    parser.add_argument("--sheet", type=Path, help="write the pictures chosen for the texts to this PNG contact sheet")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vidgen-pictures-"))
    db = Database(args.db or work / "pictures.duckdb")
    library = LibraryPictures(db, work / "cache")
    problem = library.check()
    if problem:
        sys.exit(f"cannot run: {problem}")

    started = time.perf_counter()
    report = library.index()
    seconds = time.perf_counter() - started
    total = report.added + report.changed + report.unchanged
    print(f"index: {report.added + report.changed} of {total} pictures described and embedded in {seconds:.1f} s"
          f" ({(report.added + report.changed) / seconds:.0f} pictures/s)")
    started = time.perf_counter()
    again = library.index()
    print(f"index update with nothing new: {time.perf_counter() - started:.2f} s ({again.unchanged} unchanged)")

    started = time.perf_counter()
    shelf = load_shelf(db, [library.clipart.root])
    print(f"load {len(shelf)} vectors: {(time.perf_counter() - started) * 1000:.0f} ms (once per video)")

    sheet: list[Image.Image] = []
    for path in TEXTS:
        chunks = sentence_chunks(read_document(path, work / "figures").text)
        started = time.perf_counter()
        queries = build_queries(library.embedder, [Wanted(c) for c in chunks])
        embed_ms = (time.perf_counter() - started) * 1000 / len(chunks)
        started = time.perf_counter()
        choose(shelf, queries, THRESHOLD)
        lookup_ms = (time.perf_counter() - started) * 1000 / len(chunks)
        best = scores(shelf, queries).max(axis=0)
        pictures = library.pictures([PictureRequest("", "", 0, 640, 360, text=c) for c in chunks])
        given = sum(p is not None for p in pictures)
        print(f"{path.name}: {given}/{len(chunks)} chunks get a picture ({given / len(chunks):.0%}) at threshold "
              f"{THRESHOLD:.2f}; per chunk {embed_ms:.0f} ms embedding its text and phrases, {lookup_ms:.2f} ms lookup")
        if args.calibrate:
            for threshold in (0.40, 0.45, 0.50, 0.55, 0.60):
                share = sum(m is not None for m in choose(shelf, queries, threshold)) / len(chunks)
                print(f"    threshold {threshold:.2f}: {share:.0%}")
            for chunk, score, match in zip(chunks, best, choose(shelf, queries, -1.0)):
                mark = "+" if score >= THRESHOLD else " "
                print(f"  {mark} {score:.3f}  {match.description[:48]:48}  {chunk[:70]}")
        sheet += [_captioned(p.image, f"{p.similarity:.2f} {p.description[:28]}") for p in pictures if p]
    if args.sheet and sheet:
        columns = 6
        page = Image.new("RGB", (columns * 330, ((len(sheet) + columns - 1) // columns) * 230), (255, 255, 255))
        for i, tile in enumerate(sheet):
            page.paste(tile, ((i % columns) * 330, (i // columns) * 230))
        page.save(args.sheet)
        print(f"contact sheet: {args.sheet}")


def _captioned(image: Image.Image, caption: str) -> Image.Image:
    from PIL import ImageDraw

    tile = Image.new("RGB", (320, 220), (255, 255, 255))
    thumb = image.copy()
    thumb.thumbnail((320, 196))
    tile.paste(thumb, ((320 - thumb.width) // 2, 0))
    ImageDraw.Draw(tile).text((4, 202), caption, fill=(0, 0, 0))
    return tile


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
