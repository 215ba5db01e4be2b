"""Where a page's text columns are, from pdfplumber characters gathered into row segments:
the gutter between two columns, a narrow side column that is not body text, and the line
numbers of a review copy."""

from __future__ import annotations

import re

_LINE_NUMBER = re.compile(r"\d{1,4}")


def without_line_numbers(segments: list[tuple[int, list[dict]]]) -> list[tuple[int, list[dict]]]:
    """Without the numbers a review copy prints beside every line: bare numbers standing left
    or right of all the text, many to a page."""

    def text(seg: list[dict]) -> str:
        return "".join(c["text"] for c in seg)

    numbers = [i for i, (_, seg) in enumerate(segments) if _LINE_NUMBER.fullmatch(text(seg))]
    prose = [seg for _, seg in segments if len(seg) >= 10]
    if len(numbers) < 8 or not prose:
        return segments
    left = min(seg[0]["x0"] for seg in prose)
    right = max(c["x1"] for seg in prose for c in seg)
    outside = {
        i for i in numbers if max(c["x1"] for c in segments[i][1]) < left - 3 or segments[i][1][0]["x0"] > right + 3
    }
    if len(outside) < 8:
        return segments
    return [segment for i, segment in enumerate(segments) if i not in outside]


def sidebar_and_gutter(segments: list[list[dict]], width: float) -> tuple[tuple[float, float] | None, float]:
    """A side column (PLOS's citation and licence column) much narrower than the text beside
    it, if any; and the x of the gutter between two text columns (the page middle if none).

    Found from how many rows cover each point across the page: a gutter is a run of points
    almost no row crosses, inside the text's extent.
    """
    spans = [(seg[0]["x0"], max(c["x1"] for c in seg), len(seg)) for seg in segments if len(seg) >= 3]
    mid = width / 2
    if len(spans) < 10:
        return None, mid
    cover = [0] * (int(width) + 2)
    for x0, x1, _ in spans:
        cover[max(0, int(x0))] += 1
        cover[min(len(cover) - 1, int(x1) + 1)] -= 1
    for x in range(1, len(cover)):
        cover[x] += cover[x - 1]
    lefts, rights = sorted(span[0] for span in spans), sorted(span[1] for span in spans)
    lo, hi = int(lefts[len(lefts) // 20]), int(rights[-1 - len(rights) // 20])
    if hi - lo < 100:
        return None, mid
    inside = sorted(cover[lo:hi])
    empty = 0.1 * inside[int(0.8 * len(inside))]
    runs: list[tuple[int, int]] = []
    x = lo + 10
    while x < hi - 10:
        if cover[x] <= empty:
            start = x
            while x < hi - 10 and cover[x] <= empty:
                x += 1
            if x - start >= 5:
                runs.append((start, x))
        x += 1
    if not runs:
        return None, mid
    sidebar = None
    first, last = runs[0], runs[-1]

    def text_within(x0: float, x1: float) -> bool:
        """Rows of text of its own, not a few notes at the edge ("⊲ seed set" beside pseudo-code)."""
        rows = [n for a, b, n in spans if a >= x0 - 2 and b <= x1 + 2]
        return len(rows) >= 4 and sum(rows) >= 20 * len(rows)

    # The side column reaches to the far edge of the gutter: its rows end anywhere inside it.
    if (
        40 < first[0] - lo < 0.45 * (hi - first[1])
        and text_within(lo, first[1] - 3)
        and not _rows_run_on(segments, lo - 2, first[1] - 3)
    ):
        sidebar = (float(lo) - 2, float(first[1]) - 3)
        runs = runs[1:]
    elif (
        40 < hi - last[1] < 0.45 * (last[0] - lo)
        and text_within(last[0] + 3, hi)
        and not _rows_run_on(segments, last[0] + 3, hi + 2)
    ):
        sidebar = (float(last[0]) + 3, float(hi) + 2)
        runs = runs[:-1]
    if runs:
        centre = min(runs, key=lambda run: abs((run[0] + run[1]) / 2 - mid))
        if abs((centre[0] + centre[1]) / 2 - mid) < 0.15 * width:
            mid = (centre[0] + centre[1]) / 2
    return sidebar, mid


def _rows_run_on(segments: list[list[dict]], x0: float, x1: float) -> bool:
    """Whether the rows between x0 and x1 go on across the gap, as a table's first column does
    (each row label level with its row's cells); a side column of notes or a licence keeps its
    own line spacing, level with the body beside it only by chance."""
    inside = [seg for seg in segments if seg[0]["x0"] >= x0 - 2 and max(c["x1"] for c in seg) <= x1 + 2]
    others = [
        min(c["top"] for c in seg) for seg in segments if seg[0]["x0"] > x1 + 2 or max(c["x1"] for c in seg) < x0 - 2
    ]
    level = sum(any(abs(min(c["top"] for c in seg) - top) < 1.5 for top in others) for seg in inside)
    return len(inside) >= 4 and level >= 0.8 * len(inside)
