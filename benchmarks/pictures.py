"""Cost and reach of the `library` picture backend on the whole bundled collection.

    .venv/bin/python benchmarks/pictures.py                  # index from scratch, then choose
    .venv/bin/python benchmarks/pictures.py --db /tmp/p.duckdb --calibrate --sheet /tmp/sheet.png

Prints: the time to index every bundled picture (openclipart, OpenMoji, Tabler) into a fresh
DuckDB (seconds, pictures per second), the time of an index update that finds nothing new, the
lookup cost per chunk, and for each document of the labelled chunk set (benchmarks/pictures_
chunks.json: real chunks, summaries and image prompts of four documents, as the pipeline made
them) the share of non-figure chunks that get a picture and, of those, how many a person judged
fitting (benchmarks/pictures_labels.tsv). Unlabelled choices are counted apart: label them
(--candidates prints them) before trusting the fit rate.

--candidates prints each chunk's best-scoring pictures, for labelling. --calibrate prints the
choice at other thresholds: how THRESHOLD in illustrations/choice.py was chosen. --export DB...
rebuilds the chunk set from vidgen DuckDB files.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from vidgen_assets.backends.pictures.library import LibraryPictures
from vidgen_assets.illustrations.choice import THRESHOLD, Wanted, build_queries, choose, scores
from vidgen_assets.illustrations.index import load_shelf
from vidgen_assets.storage.duckdb import Database

HERE = Path(__file__).resolve().parent
CHUNKS = HERE / "pictures_chunks.json"
LABELS = HERE / "pictures_labels.tsv"


def export_chunks(databases: list[Path]) -> list[dict]:
    """Every chunk with its summary and image prompt from vidgen DuckDB files."""
    import duckdb

    found = []
    for path in databases:
        with duckdb.connect(str(path), read_only=True) as con:
            found += [
                dict(zip(("doc", "idx", "text", "summary", "prompt", "style", "figure"), row))
                for row in con.execute(
                    """SELECT c.doc_id, c.idx, c.text, s.summary, p.prompt, p.style, p.figure FROM chunks c
                       JOIN summaries s ON s.doc_id = c.doc_id AND s.chunk_idx = c.idx
                       JOIN image_prompts p ON p.doc_id = c.doc_id AND p.chunk_idx = c.idx ORDER BY 1, 2"""
                ).fetchall()
            ]
    return found


def read_labels() -> dict[tuple[str, int, str], bool]:
    """(doc, chunk, picture key) -> whether a person found the picture fitting."""
    if not LABELS.exists():
        return {}
    with LABELS.open(encoding="utf-8") as f:
        return {(r[0], int(r[1]), r[2]): r[3] == "y" for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")}


def key_of(match, library: LibraryPictures) -> str:
    """A picture's name that survives reinstalling: its source and its path inside the collection."""
    for collection in library.bundled:
        if match.path.is_relative_to(collection.root):
            return f"{match.source}:{match.path.relative_to(collection.root)}"
    return f"{match.source}:{match.path}"


def judge(chunks, chosen, labels, library) -> dict[str, dict[str, int]]:
    """Per document: non-figure chunks, pictures given, fitting, misfit, unlabelled."""
    tally: dict[str, dict[str, int]] = {}
    for chunk, match in zip(chunks, chosen):
        if chunk["figure"]:
            continue
        t = tally.setdefault(chunk["doc"], dict.fromkeys(("chunks", "given", "fit", "misfit", "unlabelled"), 0))
        t["chunks"] += 1
        if match is None:
            continue
        t["given"] += 1
        verdict = labels.get((chunk["doc"], chunk["idx"], key_of(match, library)))
        t["unlabelled" if verdict is None else "fit" if verdict else "misfit"] += 1
    return tally


def calibrate(shelf, queries, chunks, labels, library) -> None:
    """The choice at other thresholds: pictures given, fitting, misfit and unlabelled."""
    for threshold in (0.35, 0.40, 0.42, 0.45, 0.48, 0.50, 0.55):
        t = _sum(judge(chunks, choose(shelf, queries, threshold), labels, library))
        print(f"  threshold {threshold:.2f}: {t['given']}/{t['chunks']} given, {t['fit']} fitting, {t['misfit']} misfit, "
              f"{t['unlabelled']} unlabelled")


def print_candidates(shelf, queries, chunks, labels, library, count: int = 3) -> None:
    """Each non-figure chunk's best-scoring pictures, marked y/n/? from the labels, for labelling."""
    table, rows = scores(shelf, queries)
    for column, (chunk, query) in enumerate(zip(chunks, queries)):
        if chunk["figure"] or query is None:
            continue
        print(f"## {chunk['doc']} {chunk['idx']}: {chunk['text'][:150]}")
        for best in np.argsort(-table[:, column])[:count]:
            match, row = shelf.matches[best], rows[best, column]
            key = key_of(match, library)
            verdict = labels.get((chunk["doc"], chunk["idx"], key))
            mark = "?" if verdict is None else "y" if verdict else "n"
            print(f"{chunk['doc']}\t{chunk['idx']}\t{key}\t{mark}\t{table[best, column]:.3f}\t"
                  f"{query.kinds[row]}: {query.texts[row][:40]}\t{match.description[:70]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reuse (or build) the index in this DuckDB file instead of a fresh one")
    parser.add_argument("--calibrate", action="store_true", help="search the query kinds' threshold offsets on the labels")
    parser.add_argument("--candidates", action="store_true", help="print each chunk's best picture per query kind")
    parser.add_argument("--sheet", type=Path, help="write the pictures chosen to this PNG contact sheet")
    parser.add_argument("--doc", action="append", help="only these documents of the chunk set")
    parser.add_argument("--export", type=Path, nargs="+", help="rebuild the chunk set from these vidgen DuckDB files")
    args = parser.parse_args()
    if args.export:
        CHUNKS.write_text(json.dumps(export_chunks(args.export), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {CHUNKS}")
        return
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
          f" ({(report.added + report.changed) / max(seconds, 1e-9):.0f} pictures/s)")
    started = time.perf_counter()
    again = library.index()
    print(f"index update with nothing new: {time.perf_counter() - started:.2f} s ({again.unchanged} unchanged)")
    started = time.perf_counter()
    shelf = load_shelf(db, [c.root for c in library.bundled])
    print(f"load {len(shelf)} vectors: {(time.perf_counter() - started) * 1000:.0f} ms (once per video)")

    chunks = [c for c in json.loads(CHUNKS.read_text(encoding="utf-8")) if not args.doc or c["doc"] in args.doc]
    labels = read_labels()
    started = time.perf_counter()
    queries = build_queries(library.embedder, [Wanted(c["text"], c["summary"], c["prompt"], c["style"]) for c in chunks])
    embed_ms = (time.perf_counter() - started) * 1000 / len(chunks)
    started = time.perf_counter()
    chosen = choose(shelf, queries, THRESHOLD)
    lookup_ms = (time.perf_counter() - started) * 1000 / len(chunks)
    print(f"per chunk: {embed_ms:.0f} ms embedding its queries, {lookup_ms:.2f} ms choosing among {len(shelf)} pictures")
    print(f"threshold {THRESHOLD:.2f}")
    tally = judge(chunks, chosen, labels, library)
    for doc, t in [*tally.items(), ("all", _sum(tally))]:
        print(f"{doc}: {t['given']}/{t['chunks']} non-figure chunks get a picture ({t['given'] / t['chunks']:.0%}); "
              f"fitting {t['fit']}, misfit {t['misfit']}, unlabelled {t['unlabelled']} "
              f"-> {t['fit'] / t['chunks']:.0%} of chunks with a fitting picture")
    if args.candidates:
        print_candidates(shelf, queries, chunks, labels, library)
    if args.calibrate:
        calibrate(shelf, queries, chunks, labels, library)
    if args.sheet:
        tiles = []
        for chunk, match in zip(chunks, chosen):
            image = match and library._draw(match, (640, 360))
            if image is not None:
                tiles.append(_captioned(image, f"{chunk['doc'][:12]} {chunk['idx']} {match.similarity:.2f} {match.description[:26]}"))
        write_sheet(tiles, args.sheet)
        print(f"contact sheet: {args.sheet}")


def _sum(tally: dict[str, dict[str, int]]) -> dict[str, int]:
    keys = ("chunks", "given", "fit", "misfit", "unlabelled")
    return {k: sum(t[k] for t in tally.values()) for k in keys}


def write_sheet(tiles: list[Image.Image], path: Path, columns: int = 6) -> None:
    page = Image.new("RGB", (columns * 330, max(1, (len(tiles) + columns - 1) // columns) * 230), (255, 255, 255))
    for i, tile in enumerate(tiles):
        page.paste(tile, ((i % columns) * 330, (i // columns) * 230))
    page.save(path)


def _captioned(image: Image.Image, caption: str) -> Image.Image:
    tile = Image.new("RGB", (320, 220), (255, 255, 255))
    thumb = image.copy()
    thumb.thumbnail((320, 196))
    tile.paste(thumb, ((320 - thumb.width) // 2, 0))
    ImageDraw.Draw(tile).text((4, 202), caption, fill=(0, 0, 0))
    return tile


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
