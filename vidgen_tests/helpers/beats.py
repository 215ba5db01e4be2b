"""A document's chunks without synthesizing its speech: for tests and benchmarks of what is
shown per chunk, where the audio's exact timings do not matter."""

from __future__ import annotations

from collections.abc import Sequence

from vidgen_assets.language.script import TITLE_SECTION, ScriptSentence
from vidgen_assets.timeline import group_sentences


def script_beats(script: Sequence[ScriptSentence], max_seconds: float = 8.0) -> list[tuple[str, str]]:
    """(section, written text) of the script's chunks, grouped by the pipeline's own chunker
    (timeline.group_sentences) as it groups the spoken sentences; the title left out."""
    out = []
    for group in group_sentences([s.text for s in script], max_seconds):
        sentences = [script[i] for i in group if script[i].section != TITLE_SECTION]
        if sentences:
            out.append((sentences[0].section, " ".join(s.shown for s in sentences)))
    return out
