"""A chunk's slide text: the section it belongs to, a headline, up to three short points and,
when the chunk states a result, its number shown large.

The default is extractive: every word on the slide is a word of the chunk's own sentences (as
the source writes them), cut and reordered but never replaced, so nothing on screen is
invented. A language model may write the headline and points instead (`write_slide`); its text
is shown only when `ungrounded_reason` finds nothing wrong with it, else the extractive text is
used and the reason kept.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from vidgen_assets.backends.llm import ModelOutputError, TextModel
from vidgen_assets.language import key_phrases
from vidgen_assets.language.grounding import content_words, degenerate_reason, numbers_in
from vidgen_assets.language.key_phrases import Embed
from vidgen_assets.language.sentences import split_sentences
from vidgen_assets.sources.pdf.repair import WORD_LIST

MAX_POINTS = 3
POINT_WORDS = 18  # a point a viewer reads in the few seconds a chunk is on screen
HEADLINE_WORDS = 7
EXTRACTIVE = "extractive"


@dataclass(frozen=True)
class Slide:
    section: str = ""
    headline: str = ""
    points: tuple[str, ...] = ()
    number: str = ""  # "40%", "2.8 billion"
    number_label: str = ""  # "fewer crabs", "tokens"
    source: str = EXTRACTIVE  # who wrote headline and points
    problem: str | None = None  # why a model's text was refused
    reply: str | None = None  # the refused text

    @property
    def text(self) -> str:
        """Everything the slide says, one item a line (the frames table's `text`)."""
        number = " ".join(p for p in (self.number, self.number_label) if p)
        return "\n".join(p for p in (self.section, self.headline, *self.points, number) if p)


# --- sections ---------------------------------------------------------------------------------

_NUMBERING = re.compile(r"^\s*(?:(?:\d+|[IVXLC]+|[A-Z])(?:\.\d+)*\.?|§)\s+(?=\S)")


def section_label(heading: str) -> str:
    """A heading as a slide's section label: "3.2 Experimental Results" -> "Experimental
    Results", "II. RELATED WORK" -> "Related Work", "Title" and "" -> ""."""
    text = _NUMBERING.sub("", " ".join(heading.split())).strip(" .:")
    if not text or text == "Title":
        return ""
    if text.isupper() and len(text) > 4:
        text = " ".join(w if len(w) <= 3 and w not in _SMALL_UPPER else w.capitalize() for w in text.split())
        text = " ".join(w.lower() if i and w.lower() in _LOWER_IN_TITLES else w for i, w in enumerate(text.split()))
    return text if len(text.split()) <= 8 else " ".join(text.split()[:8])


_SMALL_UPPER = frozenset("AND THE FOR OF IN ON TO A AN".split())
_LOWER_IN_TITLES = frozenset("and the for of in on to a an with from by".split())


# --- points -----------------------------------------------------------------------------------

# Talk about the document itself, which a slide does not need: "In this paper, we ..." ->
# "We ...", "This review summarizes ..." -> what it summarizes, "The paper also introduces X"
# -> "X" (but "The study area covers ..." is about a study area: only adverbs may come between).
_DOC = r"(?:paper|article|work|study|review|report|chapter|section|thesis|manuscript|survey|passage|text|essay|note|letter)"
_META_PREFIX = re.compile(
    rf"^(?:in|within|throughout)\s+(?:this|the\s+present|our|the\s+current)\s+{_DOC}\s*,?\s*", re.I
)
_META_SUBJECT = re.compile(
    rf"^(?:this|the\s+present|our|the\s+current|the)\s+{_DOC}\s+(?:also\s+|further\s+|here\s+|briefly\s+|then\s+)?"
    r"(?:\w+(?:s|ed))\s+(?:that\s+|how\s+|on\s+)?",
    re.I,
)
_WE_REPORT = re.compile(
    r"^(?:here,?\s+)?we\s+(?:show|find|found|demonstrate|observe|observed|report|argue|conclude|note|confirm|"
    r"establish|reveal|suggest|hypothesize|believe|think)\s+that\s+",
    re.I,
)
# Openers that link to the previous sentence; on a slide they point at nothing.
_CONNECTIVE = re.compile(
    r"^(?:however|moreover|furthermore|in addition|additionally|also|thus|therefore|hence|consequently|"
    r"as a result|in particular|in contrast|by contrast|on the other hand|for example|for instance|"
    r"indeed|finally|first|second|third|firstly|secondly|lastly|here|overall|in summary|in short|"
    r"in conclusion|to summarize|importantly|notably|specifically|similarly|likewise|instead|still|"
    r"nevertheless|nonetheless|accordingly|then|now|so|and|but|yet|taken together|together|that said|"
    r"to this end|in practice|in other words|in turn|as such|of course|in fact|at the same time|to sum up|"
    r"to conclude|all in all|in brief)\s*,\s*",
    re.I,
)
# The same talk inside a sentence: "Our method, described in this paper, ..." -> "Our method ...",
# "To sum up, in this paper, we ..." -> "We ...".
_IN_THIS_DOC = rf"(?:(?:described|presented|proposed|reported)\s+)?(?:in|within)\s+(?:this|the\s+present)\s+{_DOC}\b"
_META_INSIDE = [
    (re.compile(rf"\s*,\s*{_IN_THIS_DOC}\s*,\s*", re.I), " "),
    (re.compile(rf"(?:\s*,)?\s*{_IN_THIS_DOC}(?=\s*[.;]|\s*$|\s+we\b)", re.I), ""),
]
_PAREN = re.compile(r"\s*\(([^()]*)\)")
_TALKS_ABOUT_DOC = re.compile(
    rf"^(?:in\s+|within\s+)?(?:this|the\s+present|our|the\s+current|the)\s+{_DOC}\b|^(?:the\s+)?authors?\b", re.I
)


def talks_about_the_document(text: str) -> bool:
    """True when `text` opens with talk about the paper itself ("This paper ...", "The passage ...")."""
    return bool(_TALKS_ABOUT_DOC.match(text.strip(" \"'“‘")))


def compress(sentence: str, max_words: int = POINT_WORDS) -> str:
    """A sentence as a slide point: no talk about the paper, no connective opener, no
    parenthesis without a number in it, and at most `max_words` words, cut at clause
    boundaries so that the clauses holding numbers survive. Only the source's words."""
    text = " ".join(sentence.split())
    text = _PAREN.sub(lambda m: m.group(0) if re.search(r"\d", m.group(1)) else "", text)
    for _ in range(3):  # "However, in this paper, we show that ..." peels in turns
        before = text
        text = _CONNECTIVE.sub("", text)
        text = _META_PREFIX.sub("", text)
        text = _META_SUBJECT.sub("", text)
        text = _WE_REPORT.sub("", text)
        if text == before:
            break
    for pattern, replacement in _META_INSIDE:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split()).strip(" ,;:")
    if len(text.split()) > max_words:
        text = _keep_clauses(_WE_REPORT.sub("", _without_lead_in(text)).strip(), max_words)
    text = _STRAY_NUMBER.sub("", _without_open_aside(text)).rstrip(" ,;:")
    if text.endswith("."):
        text = text[:-1]  # slide points are not sentences
    return text[:1].upper() + text[1:]


# A compound's or a line's number that the reader set before the sentence ("2 The 1H NMR
# spectrum of compound 1 showed ..."): a sentence does not open with a bare number and "The".
_STRAY_NUMBER = re.compile(r"^\d{1,2}\s+(?=(?:The|A|An|In|We|This|These|Our|It|Its)\b)")


def _without_open_aside(text: str) -> str:
    """The text up to a parenthesis that a cut left open ("recorded at (400 MHz"), when enough is left."""
    depth, opened = 0, None
    for i, char in enumerate(text):
        if char == "(":
            depth, opened = depth + 1, opened if depth else i
        elif char == ")" and depth:
            depth -= 1
    if depth and opened is not None and len(text[:opened].split()) >= 3:
        return text[:opened].rstrip()
    return text


_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=(?:which|while|whereas|because|although|but|so that|where)\b)")


# A clause that leads into the main one ("Using a test set of 100 images, we find ..."): on a
# slide short of room, the main clause says more.
_LEAD_IN = re.compile(
    r"^(?:although|though|while|whereas|because|since|if|when|whenever|after|before|once|unless|until|as|"
    r"given|to|by|for|in|on|at|with|without|from|despite|unlike|like|compared|[a-z]+ing)\b[^,;:]*,\s+",
    re.I,
)


def _without_lead_in(text: str) -> str:
    rest = _LEAD_IN.sub("", text, count=1)
    if rest == text or len(rest.split()) < 5:
        return text
    return rest[:1].upper() + rest[1:]


def _keep_clauses(text: str, max_words: int) -> str:
    """The opening clauses that fit in `max_words`; a later clause with a number is kept in
    place of the ones before it if it fits. A single clause longer than that is cut at a word
    that opens a phrase, trailing stop words dropped."""
    clauses: list[str] = []
    for piece in (c for c in _CLAUSE_BREAK.split(text) if c.strip()):
        if clauses and clauses[-1].count("(") > clauses[-1].count(")"):  # no break inside an aside
            clauses[-1] += " " + piece
        else:
            clauses.append(piece)
    kept: list[str] = []
    for clause in clauses:
        if len(" ".join([*kept, clause]).split()) > max_words:
            break
        kept.append(clause)
    if len(" ".join(kept).split()) < 6:  # nothing, or only an opener such as "That said,"
        if re.search(r"\d", clauses[0]):  # the opening clause has a number of its own: cut it
            return _cut_words(clauses[0], max_words)  # compress drops an aside the cut left open
        numbered = next((c for c in clauses if re.search(r"\d", c) and len(c.split()) <= max_words), None)
        return numbered or _cut_words(text, max_words)
    dropped = clauses[len(kept) :]
    numbered = next((c for c in dropped if re.search(r"\d", c)), None)
    if numbered and not any(re.search(r"\d", c) for c in kept):
        while kept and len(" ".join([*kept, numbered]).split()) > max_words:
            kept.pop()
        kept.append(numbered if kept or len(numbered.split()) <= max_words else _cut_words(numbered, max_words))
    return " ".join(kept)


def _cut_words(text: str, max_words: int) -> str:
    """The first `max_words` words at most, cut before the last phrase that would be broken
    (before "by presenting a mean field ...", not after "a mean")."""
    words = text.split()
    if len(words) <= max_words:
        return text
    cut = next((i for i in range(max_words, 5, -1) if words[i].lower().strip(",;:") in _CUT_BEFORE), max_words)
    words = words[:cut]
    while len(words) > 3 and words[-1].lower().strip(",;:") in key_phrases.STOP_WORDS:
        words.pop()
    return " ".join(words)


_CUT_BEFORE = frozenset(
    "which that and or but while where whereas because by with without such via using in for from "
    "except than including".split()
)


def extract_points(text: str, max_points: int = MAX_POINTS) -> tuple[str, ...]:
    """Up to `max_points` compressed sentences of `text`, in order, none repeating another."""
    points: list[str] = []
    for sentence in split_sentences(" ".join(text.split())):
        point = compress(sentence)
        if len(point.split()) < 3 or any(_same(point, p) for p in points):
            continue
        points.append(point)
        if len(points) == max_points:
            break
    return tuple(points)


def _same(a: str, b: str) -> bool:
    wa, wb = content_words(a), content_words(b)
    return bool(wa) and (wa <= wb or wb <= wa)


# --- headline ---------------------------------------------------------------------------------


def extract_headline(text: str, embed: Embed | None = None, avoid: Sequence[str] = ()) -> str:
    """The chunk's most central noun phrase (key_phrases), capitalized: what the slide is about.
    Phrases that only repeat an `avoid` text (the section label) are passed over."""
    avoided = [content_words(a) for a in avoid if a]
    for phrase in key_phrases.ranked_phrases(text, embed, HEADLINE_WORDS):
        words = content_words(phrase)
        if words and not any(words <= a for a in avoided):
            return phrase[:1].upper() + phrase[1:]
    return ""


# --- numbers ----------------------------------------------------------------------------------

_SCALE = r"(?:thousand|million|billion|trillion)"
_UNIT = (
    r"(?:%|percent|per\s?cent|-?fold|x\b|×|times\b|ms\b|µs\b|ns\b|s\b|sec\b|seconds\b|minutes\b|min\b|hours\b|"
    r"h\b|days\b|weeks\b|months\b|years\b|[kMGT]B\b|[kMGT]Hz\b|Hz\b|[kmµn]?m\b|km\b|[mµk]?g\b|kg\b|°C|K\b|"
    r"[mµn]M\b|mL\b|ml\b|L\b|W\b|kW\b|V\b|dB\b|points?\b|pp\b|Å|°)"
)
_RESULT_NUMBER = re.compile(
    rf"(?<![\w.,])(?P<value>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<tail>\s?{_UNIT}|\s{_SCALE}\b)?"
)
_NOT_A_RESULT_BEFORE = re.compile(
    r"(?:Figure|Fig\.|Table|Section|Sec\.|Eq\.|Equation|Chapter|Appendix|Algorithm|Step|Phase|version|v|Theorem|"
    r"Lemma|Definition|Example|line|page|pp\.|p\.|No\.|ref\.|et al\.?,?)\s*$",
    re.I,
)
_COMPARATIVES = frozenset(
    "fewer more less higher lower faster slower larger smaller better worse greater increase decrease "
    "reduction improvement gain drop rise fall speedup".split()
)


def extract_number(text: str) -> tuple[str, str]:
    """(number, label) of the first result the text states, or ("", ""): a figure with a unit,
    a percentage, a scale word or a decimal point, or a count of at least 10 things ("1,800
    machines"); years, ordinals and references to figures, sections or equations are not
    results. The label is the few words after it ("fewer crabs"), else the noun phrase before."""
    for match in _RESULT_NUMBER.finditer(text):
        value, tail = match.group("value"), (match.group("tail") or "").strip()
        before = text[: match.start()]
        after = text[match.end() :]
        if (
            _NOT_A_RESULT_BEFORE.search(before)
            or re.search(r"(?:[A-Za-z]-?|[±~]\s?)$", before)
            or re.match(r"\s?[×x]?\s?\d|\.\d", after)
            or (not tail and re.match(r"[A-Za-z]", after))
        ):
            continue  # "Figure 3", "GPT-4", "x2", "± 0.08", "512 × 512", "36e38", "EC 3.4.15.1"
        label = _label_after(after)
        plain = value.replace(",", "")
        if not tail and "." not in value:
            if len(plain) == 4 and 1800 <= int(plain) <= 2100:
                continue  # a year
            if int(plain) < 10 or not any(w.lower().endswith("s") for w in label.split()):
                continue  # a bare small number, or no counted things after it
        if not label:
            label = _label_before(before)
        if not label and not tail:
            continue  # a bare "11.21" says nothing on its own
        return match.group(0).strip(), label
    return "", ""


def _label_after(after: str) -> str:
    words = []
    for raw in after.split()[:6]:
        word = raw.strip(".,;:()\"'")
        lower = word.lower()
        if not word or not re.match(r"^[A-Za-z][\w-]*$", word) or (words and _verb(lower)):
            break  # "64 known metabolites accumulated ...": the verb starts what is said of them
        if lower in key_phrases.STOP_WORDS and lower not in _COMPARATIVES and not (not words and lower == "of"):
            if words and words[-1].lower() == "of":
                continue  # "40% of the crabs": the article goes, the noun stays
            break
        words.append(word)
        if raw[-1:] in ".,;:)" or len(words) == 3:
            break
    while words and words[-1].lower() in {"of"} | key_phrases.STOP_WORDS.difference(_COMPARATIVES):
        words.pop()
    return " ".join(words)


def _verb(word: str) -> bool:
    return word in key_phrases.VERB_FORMS or (len(word) > 4 and word.endswith("ed") and not word.endswith("eed"))


def _label_before(before: str) -> str:
    tail = re.split(r"[,;:()]", before)[-1].split()
    words = [w.strip(".,;:\"'") for w in tail[-4:]]
    words = words[max((i + 1 for i, w in enumerate(words) if not w.isalpha()), default=0) :]
    while words and (
        words[-1].lower() in key_phrases.STOP_WORDS or not words[-1].isalpha() or _verb(words[-1].lower())
    ):
        words.pop()
    while words and words[0].lower() in key_phrases.STOP_WORDS:
        words.pop(0)
    return " ".join(words[-3:])


# --- the slide --------------------------------------------------------------------------------


def extract_slide(text: str, section: str = "", embed: Embed | None = None) -> Slide:
    """The extractive slide of a chunk whose sentences, as the source writes them, are `text`."""
    label = section_label(section)
    number, number_label = extract_number(text)
    return Slide(label, extract_headline(text, embed, avoid=[label]), extract_points(text), number, number_label)


# --- checking a model's text ------------------------------------------------------------------

_NAMED = re.compile(r"\b(?:[A-Z][A-Za-z]*[A-Z0-9][\w-]*|[A-Za-z]+\d[\w-]*|\w+-\w+)\b")


@functools.cache
def common_words() -> frozenset[str]:
    """Words the system word list writes in lower case: a capitalized word that is not one of
    them ("Hadoop", "Ca") is a name. Empty if the list is not installed."""
    try:
        lines = WORD_LIST.read_text(encoding="utf-8", errors="ignore").split()
    except OSError:
        return frozenset()
    return frozenset(w for w in lines if w.islower())


def ungrounded_reason(text: str, chunk: str) -> str | None:
    """Why `text` (a headline or point a model wrote for `chunk`) may not be shown, or None.

    Refused: talk about the paper or passage; a number the chunk does not state; a named term
    (a capitalized word inside the text, an acronym, a word with a digit or a hyphen) that the
    chunk does not contain; fewer than half its content words (and fewer than two) from the
    chunk, the mark of saying something the chunk does not; and what `degenerate_reason` finds.
    """
    text = " ".join(text.split())
    if talks_about_the_document(text):
        return "talks about the paper"
    invented = numbers_in(text) - numbers_in(chunk)
    if invented:
        return f"states a number the chunk does not ({', '.join(sorted(invented))})"
    lower_chunk = chunk.lower()
    words = text.split()
    for i, word in enumerate(words):
        token = word.strip(".,;:!?\"'()[]")
        capitalized = token[:1].isupper() and (
            (i > 0 and not words[i - 1].endswith((".", ":"))) or token.lower() not in common_words()
        )
        if (capitalized or _NAMED.fullmatch(token or " ")) and token.lower() not in lower_chunk:
            return f"names {token!r}, which the chunk does not"
    problem = degenerate_reason(text, source=chunk, min_words=2)
    if problem:
        return problem
    shared = content_words(text) & content_words(chunk)
    if len(shared) < min(2, len(content_words(text))):
        return "says little the chunk says"
    return None


_SLIDE_SYSTEM = (
    "You write the text of one presentation slide for a passage of a document. Give a headline "
    "of at most 7 words and up to three short points of at most 14 words each. Use only facts, "
    "numbers and names stated in the passage. Do not mention the paper, the passage or the authors."
)
_SLIDE_USER = "Document: {title}\nPassage: {chunk}"
SLIDE_SCHEMA = {
    "type": "object",
    "properties": {
        "headline": {"type": "string", "minLength": 3, "maxLength": 70},
        "points": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_POINTS,
            "items": {"type": "string", "minLength": 3, "maxLength": 110},
        },
    },
    "required": ["headline", "points"],
}


def write_slide(model: TextModel, text: str, section: str, title: str, embed: Embed | None = None) -> Slide:
    """The slide with a model's headline and points when they pass `ungrounded_reason` against
    the chunk; otherwise the extractive slide, marked with the model's name, the reason and
    the refused text. Section and number are always extractive."""
    slide = extract_slide(text, section, embed)
    name = getattr(model, "name", "model")
    try:
        answer = model.generate_json(
            _SLIDE_SYSTEM, _SLIDE_USER.format(title=title, chunk=text), SLIDE_SCHEMA, max_tokens=160
        )
    except ModelOutputError as error:
        return replace(slide, source=EXTRACTIVE, problem=f"{name}: {error}")
    headline = " ".join(str(answer["headline"]).split()).rstrip(".")
    points = tuple(" ".join(str(p).split()).rstrip(".") for p in answer["points"] if str(p).strip())[:MAX_POINTS]
    reply = "\n".join([headline, *points])
    for item in (headline, *points):
        problem = ungrounded_reason(item, f"{title}. {text}" if item is headline else text)
        if problem:
            return replace(slide, problem=f"{name}: {problem}: {item!r}", reply=reply)
    return replace(slide, headline=headline, points=points, source=name)


def picture_subject(text: str, embed: Embed | None = None, headline: str = "", phrases: int = 2) -> str:
    """What a picture for the chunk should show, in the chunk's own words: its slide's
    `headline` and its most central noun phrases that do not repeat each other
    ("Intercellular calcium waves, astrocytes")."""
    chosen: list[str] = [headline] if headline else []
    for phrase in key_phrases.ranked_phrases(text, embed, HEADLINE_WORDS):
        words = content_words(phrase)
        if words and not any(words <= content_words(c) or content_words(c) <= words for c in chosen):
            chosen.append(phrase)
        if len(chosen) == phrases:
            break
    return ", ".join(chosen)
