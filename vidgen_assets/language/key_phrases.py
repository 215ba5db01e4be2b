"""A chunk's key phrase: a few words for the screen that complement, not repeat, the narration.

Candidates are the runs of content words between stop words and punctuation, and the shorter
word sequences inside them (KeyBERT's recipe). With an embedding function the key phrase is the
candidate closest in meaning to the whole chunk, its most central phrase; without one it is the
candidate whose words recur most (RAKE's degree score). The chunk's first clause is never the
answer: the viewer is hearing it at that moment.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

Embed = Callable[[Sequence[str]], np.ndarray]  # texts -> unit row vectors

MAX_WORDS = 8
_CANDIDATE_WORDS = 4  # sub-sequences longer than this are rarely a single noun phrase

STOP_WORDS = frozenset(
    """a about above after again against all almost also although always am among an and another any are
    around as at be because been before being below between both but by can cannot could did do does
    doing done down during each either else even ever every few for from further had has have having he
    her here hers herself him himself his how however i if in into is it its itself just least less
    let like made make makes many may me might more most much must my myself near neither never next no
    nor not now of off often on once one only onto or other others our ours ourselves out over own per
    perhaps quite rather really same see seen shall she should since so some such than that the their
    theirs them themselves then there therefore these they this those though through thus to too toward
    towards under until up upon us use used uses using very via was way we well were what whatever when
    where whether which while who whom whose why will with within without would yet you your yours
    yourself yourselves e g i.e eg ie etc first second third new given get gets got put puts show shows
    shown take takes taken across along alongside away back behind beneath beside besides beyond
    inside outside throughout together already instead still entirely apart two three four five six
    seven eight nine ten""".split()
)
# Verbs that often follow a subject: a candidate ending in one is a clause, not a noun phrase
# ("crabs hide", "tide goes"). Their inflected forms are derived below.
_VERBS = """accept achieve add allow appear apply argue ask attempt base become begin believe belong
    bring build call carry cause change choose cling come compare consider contain continue cover
    create cut decide depend describe design develop die draw drive eat enable end ensure enter expect
    explain extract face fall feel fill find fit focus follow form give go graze grow happen hear help
    hide hold improve include increase indicate introduce involve keep know lead learn leave lie live
    look lose love meet mention move need offer open pass pay perform place play point present produce
    propose provide pull raise reach read receive reduce refer relate remain remove report represent
    require rest result return run say scuttle seem sell send serve set sit speak spend stand start
    stay stop suggest support swim talk tell tend think try turn understand wait walk want watch wear
    win wish work write""".split()
VERB_FORMS = frozenset(
    form
    for v in _VERBS
    for form in (
        v,
        v + "s",
        v + "es",
        v + "ed",
        v + "d",
        v + "ing",
        v[:-1] + "ing",
        v[:-1] + "ies",
        v + v[-1] + "ed",
        v + v[-1] + "ing",
    )
) | {
    "goes",
    "went",
    "gone",
    "held",
    "grew",
    "grown",
    "hid",
    "hidden",
    "found",
    "took",
    "made",
    "said",
    "told",
    "thought",
    "ran",
    "ate",
    "fell",
    "felt",
    "kept",
    "knew",
    "known",
    "led",
    "left",
    "lay",
    "lost",
    "met",
    "paid",
    "read",
    "sat",
    "sold",
    "sent",
    "spoke",
    "spoken",
    "stood",
    "swam",
    "won",
    "wrote",
    "written",
    "drew",
    "drawn",
    "drove",
    "came",
    "became",
    "began",
    "begun",
    "brought",
    "built",
    "chose",
    "chosen",
    "cut",
    "gave",
    "given",
    "rose",
    "taught",
    "understood",
    "wore",
    "worn",
}
# A word may open with digits set against a capital: an isotope's mass number ("1H NMR", "13C")
# or a count ("3D", "7B") is part of the word, not a number the phrase may drop.
_WORD = re.compile(r"(?<![\w.,])\d{1,3}(?=[A-Z])[A-Za-z0-9'\-]+|[A-Za-z][A-Za-z0-9'\-]*")
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”‘’—–]|\s-\s")


def key_phrase(text: str, embed: Embed | None = None, max_words: int = MAX_WORDS) -> str:
    """The chunk's key phrase (at most `max_words` words), or "" when it has no content words."""
    ranked = ranked_phrases(text, embed, max_words)
    return ranked[0] if ranked else ""


def ranked_phrases(text: str, embed: Embed | None = None, max_words: int = MAX_WORDS) -> list[str]:
    """The chunk's candidate phrases, most central first (its first clause left out)."""
    clause = _norm(first_clause(text))
    candidates = [c for c in candidate_phrases(text, max_words) if _norm(c) != clause]
    if not candidates:
        return []
    if embed is None:
        scores = _degree_scores(candidates)
        return sorted(candidates, key=lambda c: -scores[c])
    vectors = embed([text, *candidates])
    centrality = vectors[1:] @ vectors[0]
    # Near-ties between a phrase and its own head word go to the longer phrase: it says more.
    order = sorted(range(len(candidates)), key=lambda i: (-round(float(centrality[i]), 2), -len(candidates[i].split())))
    return [candidates[i] for i in order]


def candidate_phrases(text: str, max_words: int = MAX_WORDS) -> list[str]:
    """Runs of content words (no stop words, no punctuation inside) and their sub-sequences."""
    found: dict[str, None] = {}
    for piece in _BREAK.split(text):
        run: list[str] = []
        for word in [*_WORD.findall(piece), ""]:
            if word and word.lower() not in STOP_WORDS and not word.isdigit():
                run.append(word)
                continue
            for size in range(1, min(len(run), _CANDIDATE_WORDS, max_words) + 1):
                for start in range(len(run) - size + 1):
                    words = run[start : start + size]
                    phrase = " ".join(words)
                    if len(phrase) > 2 and _could_be_noun_phrase(words):
                        found.setdefault(phrase, None)
            run = []
    return list(found)


def _could_be_noun_phrase(words: list[str]) -> bool:
    last, first = words[-1].lower(), words[0].lower()
    participle = len(last) > 4 and last.endswith("ed") and not last.endswith(("eed", "dred"))  # not "seaweed"
    return last not in VERB_FORMS and not participle and not last.endswith("ly") and not first.endswith("ly")


def first_clause(text: str) -> str:
    """The words up to the first comma, colon, semicolon or sentence end."""
    return re.split(r"[,;:.!?]", text.strip(), maxsplit=1)[0]


def _degree_scores(candidates: list[str]) -> dict[str, float]:
    frequency = Counter(w.lower() for c in candidates for w in c.split())
    degree = Counter()
    for c in candidates:
        for w in c.split():
            degree[w.lower()] += len(c.split())
    return {c: sum(degree[w.lower()] / frequency[w.lower()] for w in c.split()) for c in candidates}


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))
