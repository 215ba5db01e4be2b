"""The words to be spoken: a narration script drawn from a Document and cleaned for speech.

A paper is not read aloud whole. The script opens with the title, then draws on the abstract,
the introduction, the results and the conclusion in document order, taking the first sentences
of paragraphs first, until it fills the target length. Everything a listener cannot use is
removed: citations, URLs, footnote markers, mathematics and table debris.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from vidgen_assets.language.notation import say_chemistry, say_symbols, say_units
from vidgen_assets.language.sentences import ends_sentence, split_sentences
from vidgen_assets.sources.document import Document

TITLE_SECTION = "Title"


@dataclass(frozen=True)
class ScriptSentence:
    text: str
    section: str  # heading of the section it came from; TITLE_SECTION for the opening title
    # The sentence as the source writes it (citations and footnote marks removed, symbols and
    # numbers kept): what a slide may show. "" when it is the same as `text`.
    written: str = ""

    @property
    def shown(self) -> str:
        return self.written or self.text


# --- cleaning for speech ---------------------------------------------------------------------

_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)\S*?(?=[.,;:!?)\]]*(?:\s|$))", re.I)
_DOI = re.compile(r"\b(?:doi:|arXiv:)\s*\S+?(?=[.,;:)\]]*(?:\s|$))", re.I)
_EMAIL = re.compile(r"(?:\{[^{}]*\}|[\w.+-]+)@[\w-]+(?:\.[\w-]+)+")
# A concentration written as an ion in brackets ("[Ca2+]i", "[K+]") is not a citation: a slide
# shows it as written (speech names it before citations go, see to_spoken).
_ION = r"(?:[A-Z][a-z]?\d*){1,4}\d?[+−–-]"
_BRACKETS = re.compile(rf"\s*\[(?!{_ION}\])[^\[\]]*\]")
_STRAY_BRACKET = re.compile(rf"\[(?!{_ION}\])|(?<![+−–-])\]")
_PARENTHESES = re.compile(r"\s*\(([^()]*)\)")
_YEAR = r"(?:19|20)\d{2}[a-z]?"
_CITATION_PART = re.compile(
    rf"^(?:(?:see|e\.g\.,?|cf\.|also|and)\s+)*[A-Z][^\d()]{{0,80}}?,?\s*{_YEAR}(?:\s*,\s*{_YEAR})*"
    rf"(?:,\s*(?:p|pp)\.\s*\d+(?:[-–]\d+)?)?$"
)
_YEARS_ONLY = re.compile(rf"^{_YEAR}(?:\s*[,;]\s*{_YEAR})*$")
_FOOTNOTE_MARKS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u209f†‡]|(?<=[\w.,;:])\*+")
_LONE_OPERATORS = re.compile(r"(?<!\S)[+×÷=<>≠±∗*/|^~·∘]+(?!\S)")
_EMPTY_GROUPS = re.compile(r"\(\s*[^\w()]*\s*\)")
_SPOKEN_FORMS = [
    (re.compile(r"\be\.\s?g\.(?=\s*,)"), "for example"),
    (re.compile(r"\be\.\s?g\.\s*"), "for example "),
    (re.compile(r"\bi\.\s?e\.(?=\s*,)"), "that is"),
    (re.compile(r"\bi\.\s?e\.\s*"), "that is "),
    (re.compile(r"\bet\s+al\.(?=\s+[A-Z]|\s*$)"), "and colleagues."),
    (re.compile(r"\bet\s+al\b\.?"), "and colleagues"),
    (re.compile(r"\betc\.(?=\s+[A-Z]|\s*$)"), "and so on."),
    (re.compile(r"\betc\b\.?"), "and so on"),
    (re.compile(r"\bFigs\.\s*"), "Figures "),
    (re.compile(r"\bFig\.\s*"), "Figure "),
    (re.compile(r"\bTab\.\s*(?=\d)"), "Table "),
    (re.compile(r"\bEqs?\.\s*"), "Equation "),
    (re.compile(r"\bSecs?\.\s*"), "Section "),
    (re.compile(r"§\s*"), "Section "),
    (re.compile(r"\bvs\.?(?=\s)"), "versus"),
    (re.compile(r"\bcf\.\s*"), "compare "),
    (re.compile(r"\bapprox\.\s*"), "approximately "),
    (re.compile(r"\bresp\.\s*"), "respectively "),
    (re.compile(r"\bw\.r\.t\.\s*"), "with respect to "),
    (re.compile(r"\s*≥\s*"), " at least "),
    (re.compile(r"\s*≤\s*"), " at most "),
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"\s*—\s*|\s+[-–]\s+"), ", "),
]
_MATH_SYMBOLS = set("=+<>≤≥∑∏∫√∂∈∉⊂⊆∀∃→←↔×÷±∞^_{}\\|∗·∘≠≈∝αβγδεθλμπσφω")


def to_spoken(text: str) -> str:
    """Text as a narrator would say it: citations, URLs, e-mail addresses, footnote markers
    and mathematical sentences removed, common abbreviations spelled out, chemical formulae,
    Greek letters and common operators named (language/notation.py), spaces normalized."""
    text = unicodedata.normalize("NFC", text)
    # A sentence that points somewhere ("Code is at <url>.") says nothing once the address is
    # gone, and a viewer cannot click it: it goes whole rather than leaving "Code is at."
    text = " ".join(s for s in split_sentences(text) if not _points_somewhere(s))
    text = say_units(say_chemistry(text))  # before "[Ca2+]i" could be taken for a citation
    text = _strip_citations(text)
    text = _FOOTNOTE_MARKS.sub("", text)
    for pattern, spoken in _SPOKEN_FORMS:
        text = pattern.sub(spoken, text)
    text = _tidy(text)
    # Symbols are named only in sentences that are not mathematics, which are left out whole.
    spoken = [say_symbols(s) for s in split_sentences(text) if not _is_mathematical(s)]
    return " ".join(_tidy(_EMPTY_GROUPS.sub("", _LONE_OPERATORS.sub("", s))) for s in spoken)


def _spoken_sentences(paragraph: str) -> list[tuple[str, str]]:
    """(spoken, written) for each sentence of a paragraph, each written sentence paired with
    what it is spoken as. Speaking the sentences one by one is the paragraph's speech unless a
    bracket spans a sentence end (a citation or formula a split would cut) or the spoken
    sentences run together where the written ones did not ("expectation E [v h]." spoken "E."
    then reads as an initial): only then is the paragraph spoken whole, which wins where the
    two differ, each spoken sentence then standing for itself."""
    written = split_sentences(paragraph)
    pairs = [(part, _written(sentence)) for sentence in written for part in split_sentences(to_spoken(sentence))]
    parts = [part for part, _ in pairs]
    if not all(_brackets_closed(sentence) for sentence in written) or split_sentences(" ".join(parts)) != parts:
        spoken = split_sentences(to_spoken(paragraph))
        if parts != spoken:
            return [(part, part) for part in spoken]
    return [(part, text or part) for part, text in pairs]


def _brackets_closed(sentence: str) -> bool:
    return sentence.count("(") == sentence.count(")") and sentence.count("[") == sentence.count("]")


def _written(text: str) -> str:
    """The text as a slide shows it: citations, footnote marks and links out, the rest as written."""
    text = unicodedata.normalize("NFC", text)
    if _points_somewhere(text):
        return ""
    return _tidy(_EMPTY_GROUPS.sub("", _FOOTNOTE_MARKS.sub("", _strip_citations(text))))


def _points_somewhere(sentence: str) -> bool:
    return any(p.search(sentence) for p in (_URL, _DOI, _EMAIL))


def _strip_citations(text: str) -> str:
    previous = None
    while previous != text:  # nested brackets unwind from the inside
        previous = text
        text = _BRACKETS.sub("", text)
    text = _STRAY_BRACKET.sub("", text)

    def citation(match: re.Match) -> str:
        content = match.group(1).strip()
        parts = [part.strip() for part in content.split(";") if part.strip()]
        if _YEARS_ONLY.match(content) or (parts and all(_CITATION_PART.match(part) for part in parts)):
            return ""
        return match.group(0)

    return _PARENTHESES.sub(citation, text)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
    text = re.sub(r"([(])\s+", r"\1", text)
    text = re.sub(r",\s*([,.;:!?])", r"\1", text)
    text = re.sub(r"([;:])\s*\.", ".", text)
    text = re.sub(r"\.{2}(?!\.)", ".", text)
    return text.strip(" ,;")


def _is_mathematical(sentence: str) -> bool:
    tokens = sentence.split()
    if not tokens:
        return True
    symbols = sum(ch in _MATH_SYMBOLS for ch in sentence)
    variables = len(re.findall(r"(?<![\w.’'-])[b-zB-HJ-Z](?![\w’'-])", sentence))
    words = sum(1 for t in tokens if re.fullmatch(r"[(\"“‘'\[]*[A-Za-z][A-Za-z’'-]*[)\"”’'\],.;:!?]*", t))
    return "$" in sentence or symbols >= 3 or variables >= 3 or words < 0.6 * len(tokens)


# --- selection -------------------------------------------------------------------------------

_EXCLUDED = re.compile(
    r"acknowle|thanks|reference|bibliograph|appendix|related work|supplementa|funding|author contributions", re.I
)
_CATEGORIES = [  # checked in order: "Discussion and Conclusions" is a conclusion
    ("conclusion", re.compile(r"conclu|future work|final remarks|outlook|closing", re.I)),
    ("abstract", re.compile(r"\babstract\b|\bsummary\b", re.I)),
    ("introduction", re.compile(r"introduc|motivation|overview", re.I)),
    ("results", re.compile(r"result|experiment|evaluat|analys|discussion|finding|benchmark", re.I)),
]
_WEIGHTS = {"abstract": 0.3, "introduction": 0.25, "results": 0.3, "conclusion": 0.15}
_ANNOUNCES = re.compile(r"\b(?:as follows|the following)[.:]?$", re.I)
_MENTION = re.compile(r"\b(?:Figure|Table)\s+\d+")


@dataclass
class _Candidate:
    order: int  # position in the document
    rank: tuple  # lower is chosen first within its section
    text: str
    section: str
    words: int
    written: str = ""


def write_script(doc: Document, target_seconds: float = 240.0, words_per_minute: float = 165.0) -> list[ScriptSentence]:
    """The narration for `doc`, about `target_seconds` long at `words_per_minute`.

    Opens with the title. When the whole document fits (within 10%), all of it is spoken in
    order; otherwise the abstract, introduction, results and conclusion share the time, each
    contributing its paragraphs' first sentences first. Never more than the target when cut.
    """
    budget = target_seconds * words_per_minute / 60.0
    script: list[ScriptSentence] = []
    title = to_spoken(doc.title).strip()
    if title:
        title = title if ends_sentence(title) else title + "."
        script.append(ScriptSentence(text=title, section=TITLE_SECTION, written=_written(doc.title)))
        budget -= len(title.split())

    groups = _candidates(doc)
    everything = [c for group, candidates in groups if group != "excluded" for c in candidates]
    if sum(c.words for c in everything) <= budget * 1.1:
        chosen = everything
    else:
        chosen = _select(groups, budget)
    chosen.sort(key=lambda c: c.order)
    script.extend(ScriptSentence(text=c.text, section=c.section, written=c.written) for c in chosen)
    return script


def speakable_sentence_count(doc: Document) -> int:
    """How many sentences of `doc` the narration could speak besides its title: none means a
    video of the title alone (a file of code, links or numbers)."""
    return sum(len(candidates) for group, candidates in _candidates(doc) if group != "excluded")


def _candidates(doc: Document) -> list[tuple[str, list[_Candidate]]]:
    """Speakable sentences grouped by section, each group labelled with its category."""
    groups: list[tuple[str, list[_Candidate]]] = []
    parent = None  # category of the enclosing top-level section (papers number their sections)
    order = 0
    for section in doc.sections:
        heading = section.heading.strip()
        category = _category(heading, doc.kind, bool(groups))
        number = re.match(r"^(\d+)(\.\d+)*\.?\s", heading)
        if doc.kind == "pdf" and heading:
            if number and number.group(2) is None:
                parent = category
            elif category is None and parent is not None:
                category = parent
        candidates = []
        for p, paragraph in enumerate(section.text.split("\n\n")):
            for k, (sentence, written) in enumerate(_spoken_sentences(paragraph)):
                if not _speakable(sentence):
                    continue
                mentions = 0 if _MENTION.search(sentence) else 1
                candidates.append(
                    _Candidate(
                        order,
                        (mentions, k, p),
                        sentence,
                        heading,
                        len(sentence.split()),
                        written if written != sentence else "",
                    )
                )
                order += 1
        groups.append((category or "other", candidates))
    return groups


def _category(heading: str, kind: str, after_first: bool) -> str | None:
    if _EXCLUDED.search(heading):
        return "excluded"
    if not heading:
        # Text before the first heading: a paper's unlabelled abstract, an article's lead.
        return None if after_first else "abstract"
    for name, pattern in _CATEGORIES:
        if pattern.search(heading):
            return name
    return None


def _speakable(sentence: str) -> bool:
    words = sentence.split()
    if not 4 <= len(words) <= 80:
        return False
    if any(mark in sentence for mark in ("[", "]", "http", "www.", "@", "<", ">", "....", "……")):
        return False  # leftovers of citations, links, markup or a table of contents
    opening = sentence.lstrip("\"“‘'(")
    if not opening or not (opening[0].isupper() or opening[0].isdigit()):
        return False  # a fragment left by extraction
    if not ends_sentence(sentence):
        return False
    if _ANNOUNCES.search(sentence):
        return False  # "organized as follows." promises a list the script may not include
    return not _is_mathematical(sentence)


def _select(groups: list[tuple[str, list[_Candidate]]], budget: float) -> list[_Candidate]:
    """Share the budget between the chosen sections, then fill what rounding left over."""
    chosen: list[_Candidate] = []
    taken_orders: set[int] = set()
    used = 0.0
    preferred = [(g, c) for g, c in groups if g in _WEIGHTS and c]
    others = [(g, c) for g, c in groups if g == "other" and c]
    if not any(g != "abstract" for g, _ in preferred):
        # Nothing but a lead (an article, not a paper): every section gets an equal share.
        preferred, others = [("other", c) for g, c in groups if g != "excluded" and c], []
    for tier in (preferred, others):
        if not tier or used >= budget:
            continue
        # A category's weight is shared by its sections: five result sections do not outvote
        # the abstract.
        sections_in = {group: sum(1 for g, _ in tier if g == group) for group, _ in tier}
        weights = [_WEIGHTS.get(group, 1.0) / sections_in[group] for group, _ in tier]
        needs = [sum(c.words for c in candidates) for _, candidates in tier]
        shares = _share(needs, weights, budget - used)
        for (_, candidates), share in zip(tier, shares):
            taken = 0
            for candidate in sorted(candidates, key=lambda c: c.rank):
                if taken + candidate.words > share:
                    break  # later, shorter sentences only if the total has room (below)
                chosen.append(candidate)
                taken_orders.add(candidate.order)
                taken += candidate.words
            used += taken
        # Whatever whole sentences did not fit a share may still fit the total.
        rest = sorted(
            (c for _, cs in tier for c in cs if c.order not in taken_orders), key=lambda c: (c.rank[1:], c.order)
        )
        for candidate in rest:
            if used + candidate.words <= budget:
                chosen.append(candidate)
                taken_orders.add(candidate.order)
                used += candidate.words
    return chosen


def _share(needs: list[int], weights: list[float], budget: float) -> list[float]:
    """Water-filling: split `budget` by weight; what a section does not need goes to the rest."""
    shares = [0.0] * len(needs)
    active = {i for i, need in enumerate(needs) if need > 0}
    remaining = budget
    while active and remaining > 0:
        total = sum(weights[i] for i in active)
        offer = {i: remaining * weights[i] / total for i in active}
        satisfied = {i for i in active if needs[i] - shares[i] <= offer[i]}
        if not satisfied:
            for i in active:
                shares[i] += offer[i]
            break
        for i in satisfied:
            remaining -= needs[i] - shares[i]
            shares[i] = float(needs[i])
        active -= satisfied
    return shares
