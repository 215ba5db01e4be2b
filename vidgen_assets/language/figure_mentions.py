"""Which of the paper's figures a stretch of narration talks about."""

from __future__ import annotations

import re
from typing import Iterable

_MENTION = re.compile(r"\b(Figure|Fig\.?|Table)\s+(\d+)", re.IGNORECASE)


def mentioned_figure(text: str, labels: Iterable[str]) -> str | None:
    """The first label ("Figure 2", "Table 1") among `labels` that `text` mentions, if any."""
    known = {label.lower(): label for label in labels}
    for kind, number in _MENTION.findall(text):
        kind = "table" if kind.lower() == "table" else "figure"
        label = known.get(f"{kind} {number}")
        if label:
            return label
    return None
