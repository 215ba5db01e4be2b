"""Is a model worth asking for the slides' text? Its acceptance rate and cost against extraction.

    .venv/bin/python benchmarks/slide_text.py                 # the fixture papers, both embedded models
    .venv/bin/python benchmarks/slide_text.py --chunks 8 --models smollm2

For each fixture paper, its narration's chunks (script sentences grouped as the chunker does)
get a slide twice: extracted (language/slides.extract_slide) and written by each embedded model
(write_slide, which shows a model's text only when it passes the grounding check). Prints per
paper and model how many slides the check accepted, why the others were refused, and the
seconds per slide of each way, with the ratio model / extractive measured in the same run.
This is how the `llm.slides` default (`auto`: extractive with the embedded model) was chosen.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vidgen_assets.backends.embeddings import TextEmbedder  # noqa: E402
from vidgen_assets.backends.llm import EmbeddedModel  # noqa: E402
from vidgen_assets.language.script import write_script  # noqa: E402
from vidgen_assets.language.slides import extract_slide, write_slide  # noqa: E402
from vidgen_assets.sources.read import read_document  # noqa: E402
from vidgen_tests.helpers.beats import script_beats  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"
PAPERS = [FIXTURES / "open-information-extraction.pdf", *sorted((FIXTURES / "papers").glob("*.pdf"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=12, help="chunks per paper (from the start of the narration)")
    parser.add_argument("--models", default="smollm2,gemma3-270m", help="embedded models, comma-separated")
    args = parser.parse_args()
    embed = TextEmbedder().embed
    cache = Path(tempfile.mkdtemp())
    models = {name: EmbeddedModel(name, cache_dir=cache) for name in args.models.split(",")}
    totals = collections.defaultdict(lambda: [0, 0, 0.0])  # way -> accepted, slides, seconds
    for paper in PAPERS:
        doc = read_document(paper, Path(tempfile.mkdtemp()), 60)
        beats = script_beats(write_script(doc, target_seconds=240.0))[: args.chunks]
        start = time.perf_counter()
        for section, text in beats:
            extract_slide(text, section, embed)
        extract_s = time.perf_counter() - start
        totals["extractive"][0] += len(beats)
        totals["extractive"][1] += len(beats)
        totals["extractive"][2] += extract_s
        for name, model in models.items():
            reasons = collections.Counter()
            start = time.perf_counter()
            for section, text in beats:
                slide = write_slide(model, text, section, doc.title, embed)
                if slide.problem:
                    reasons[_reason(slide.problem)] += 1
            seconds = time.perf_counter() - start
            accepted = len(beats) - sum(reasons.values())
            totals[name][0] += accepted
            totals[name][1] += len(beats)
            totals[name][2] += seconds
            print(
                f"{paper.stem:32s} {name:12s} accepted {accepted:2d}/{len(beats)}  "
                f"{seconds / len(beats):5.2f} s/slide ({seconds / max(extract_s, 1e-9):6.0f}x extractive)  "
                f"refused: {dict(reasons.most_common())}"
            )
    print()
    base = totals["extractive"][2] / totals["extractive"][1]
    for way, (accepted, slides, seconds) in totals.items():
        print(
            f"{way:12s} accepted {accepted}/{slides} ({accepted / slides:.0%})  {seconds / slides:.3f} s/slide  "
            f"{seconds / slides / base:.0f}x extractive"
        )


def _reason(problem: str) -> str:
    """The kind of refusal, without the text it quotes: "names 'X'" -> "names a term"."""
    reason = problem.split(": ", 1)[-1]
    reason = re.sub(r"names '.*?', which.*", "names a term the chunk lacks", reason)
    reason = re.sub(r"\(.*?\)", "", reason)
    return reason.split(": '")[0].strip()


if __name__ == "__main__":
    main()
