"""A document's chunks without synthesizing its speech: for tests and benchmarks of what is
shown per chunk, where the audio's exact timings do not matter."""

from __future__ import annotations

from collections.abc import Sequence

from vidgen_assets.language.script import TITLE_SECTION, ScriptSentence

WORDS_PER_CHUNK = 22  # about the chunker's 8 s beat at 165 words a minute


def script_beats(script: Sequence[ScriptSentence], words: int = WORDS_PER_CHUNK) -> list[tuple[str, str]]:
    """(section, written text) of consecutive script sentences grouped as the chunker groups
    speech: at least `words` words, ending at a sentence end; the title left out."""
    out, section, current = [], "", []
    for sentence in script:
        if sentence.section == TITLE_SECTION:
            continue
        if not current:
            section = sentence.section
        current.append(sentence.shown)
        if sum(len(s.split()) for s in current) >= words:
            out.append((section, " ".join(current)))
            current = []
    if current:
        out.append((section, " ".join(current)))
    return out
