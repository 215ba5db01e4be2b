"""How well each paper is read aloud: whole words, nothing from the margins, figures shown.

    .venv/bin/python benchmarks/reading.py [FOLDER_OR_PDF ...] [--show] [--all]

Runs over every PDF under ../shared/fixtures/ and any folder or file given. For each paper it
reads the PDF (timed: source_documents' budget is 5 s for a 20-page paper on 2 cores), writes
the narration script and prints:

- whole: the share of narration words that are in the word list (Debian's wamerican and
  wamerican-huge in /usr/share/dict) or stand alone at least twice in the paper's text;
- outside: narration sentences carrying a fragment from outside the body. The fragments are
  found here independently of the reader, from pdfplumber's characters: rotated text in the
  side margins (stamps), text in the top and bottom 7% of a page (running heads, page numbers, footers),
  affiliation lines of page 1, sentences of licences, copyrights and publication dates, and
  entries of a table of contents (a page number, then a section number);
- cited: figures and tables the narration mentions, and how many of them have an image;
- s/20p, cpu/20p: the reading time scaled to 20 pages: wall clock, and CPU seconds of this
  process and its page-parsing workers (which other work on a busy machine does not inflate;
  on two idle cores the wall time is about half of it when pages are parsed in parallel).

--show prints the suspect words and sentences; --all measures every sentence the script could
say (a target length nothing fills) instead of the default 240 s narration.
"""

from __future__ import annotations

import re
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pdfplumber

from vidgen_assets.language.script import write_script
from vidgen_assets.sources.pdf import read_pdf

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures"
WORD_LISTS = (Path("/usr/share/dict/words"), Path("/usr/share/dict/american-english-huge"))
BAND = 0.07  # share of the page height at top and bottom where running heads and feet sit
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
_AFFILIATION = re.compile(
    r"\b(Universit\w*|Department|Dept\.|Institute|College|Faculty|Laborator\w+|Academy|School of)\b"
)
_FURNITURE = re.compile(
    r"copyright|©|creative commons|open access article|distributed under the terms|licen[cs]e[ds]? under|"
    r"\b(received|accepted|published|editor):|competing interests|data availability|arxiv:\s*\d|"
    r"\bdoi:|e-?mail|@|corresponding author|"
    r"[a-z] \d{1,3} \d+(\.\d+)+\.?(\s|$)",  # a contents entry: "its improvements 4 3.1."
    re.I,
)


def word_list() -> frozenset[str]:
    present = [path for path in WORD_LISTS if path.exists()]
    if not present:
        sys.exit(f"{WORD_LISTS[0]} is missing: apt-get install wamerican (and wamerican-huge)")
    return frozenset(
        w.strip().lower() for path in present for w in path.read_text(encoding="utf-8", errors="ignore").split()
    )


def _ngrams(text: str, n: int = 3) -> set[tuple[str, ...]]:
    tokens = [t.lower() for t in re.findall(r"[A-Za-z0-9]+", text)]
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def outside_fragments(path: Path) -> set[tuple[str, ...]]:
    """Three-word windows of text outside the body, minus any the body also writes."""
    outside: set[tuple[str, ...]] = set()
    inside: set[tuple[str, ...]] = set()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            rows: dict[tuple[bool, int], list[dict]] = {}
            for c in page.chars:
                upright = c.get("upright", True)
                key = (upright, round(c["top"] / 3) if upright else round(c["x0"] / 3))
                rows.setdefault(key, []).append(c)
            for (upright, _), chars in rows.items():
                chars.sort(key=lambda c: (c["x0"], c["top"]) if upright else (-c["top"], c["x0"]))
                text = "".join(c["text"] for c in chars)
                # Words are told apart by gaps; here rough spacing is enough for windows.
                spaced = ""
                for prev, c in zip([None, *chars], chars):
                    if prev is not None and upright and c["x0"] - prev["x1"] > 0.15 * c["size"]:
                        spaced += " "
                    spaced += c["text"]
                top = min(c["top"] for c in chars)
                bottom = max(c["bottom"] for c in chars)
                band = bottom < BAND * page.height or top > (1 - BAND) * page.height
                # Rotated text in the side margin is a stamp; inside the page, an axis label.
                left, right = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
                stamp = not upright and (left < 0.1 * page.width or right > 0.9 * page.width)
                affiliation = page.page_number == 1 and bool(_AFFILIATION.search(spaced))
                (outside if (stamp or band or affiliation) else inside).update(_ngrams(spaced or text))
    return outside - inside


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (pages parsed in worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(path: Path, words: frozenset[str], show: bool, everything: bool) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        start, cpu = time.perf_counter(), _cpu_seconds()
        doc = read_pdf(path, Path(scratch) / "figures", max_pages=200)
        seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        script = write_script(doc, target_seconds=1e6 if everything else 240.0)
    paper_tokens = Counter(t.lower() for t in _TOKEN.findall(doc.text))
    fragments = outside_fragments(path)
    spoken = [s.text for s in script[1:]]  # the title is read from the title, not the body

    def whole(token: str) -> bool:
        lowered = token.lower().strip("'’-")
        forms = {lowered, re.sub(r"['’]s$", "", lowered), re.sub(r"(es|s|ed|ing|ly)$", "", lowered)}
        parts = [p for p in re.split(r"-", lowered) if p]
        return (
            bool(forms & words)
            or paper_tokens[lowered] >= 2
            or (len(parts) > 1 and all(p in words or paper_tokens[p] >= 2 for p in parts))
        )

    total = bad = 0
    suspects: list[str] = []
    outside = 0
    for sentence in spoken:
        tokens = _TOKEN.findall(sentence)
        broken = [t for t in tokens if not whole(t)]
        total += len(tokens)
        bad += len(broken)
        carried = _FURNITURE.search(sentence) or (_ngrams(sentence) & fragments)
        outside += bool(carried)
        if show and (broken or carried):
            suspects.append(f"  {'OUT ' if carried else ''}{'BROKEN ' + str(broken) if broken else ''}\n    {sentence}")
    cited = sorted(
        {
            f"{'Table' if k.lower() == 'table' else 'Figure'} {n}"
            for s in spoken
            for k, n in re.findall(r"\b(Figure|Table)s?\s+(\d+)", s)
        }
    )
    shown = {f.label for f in doc.figures if f.image_path is not None}
    if show:
        print(f"--- {path.name}: {len(spoken)} sentences")
        print("\n".join(suspects))
        missing = [label for label in cited if label not in shown]
        if missing:
            print(f"  cited without image: {missing}")
        warnings = doc.metadata.get("warnings")
        if warnings:
            print(f"  warnings: {warnings}")
    return {
        "paper": path.name,
        "pages": doc.page_count,
        "whole": 100.0 * (total - bad) / max(total, 1),
        "words": total,
        "outside": outside,
        "sentences": len(spoken),
        "cited": len(cited),
        "with_image": sum(label in shown for label in cited),
        "seconds": seconds,
        "cpu": cpu,
    }


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show, everything = "--show" in sys.argv, "--all" in sys.argv
    papers = sorted(FIXTURES.rglob("*.pdf"))
    for arg in args:
        target = Path(arg)
        papers += sorted(target.rglob("*.pdf")) if target.is_dir() else [target]
    words = word_list()
    rows = [measure(path, words, show, everything) for path in papers]
    print(
        f"{'paper':42} {'pages':>5} {'whole%':>7} {'words':>6} {'outside':>8} {'cited':>6} {'image':>6} {'read s':>7} {'s/20p':>6} {'cpu/20p':>7}"
    )
    for r in rows:
        print(
            f"{r['paper'][:42]:42} {r['pages']:5d} {r['whole']:7.2f} {r['words']:6d} "
            f"{r['outside']:4d}/{r['sentences']:<3d} {r['cited']:6d} {r['with_image']:6d} "
            f"{r['seconds']:7.2f} {20 * r['seconds'] / r['pages']:6.2f} {20 * r['cpu'] / r['pages']:7.2f}"
        )


if __name__ == "__main__":
    main()
