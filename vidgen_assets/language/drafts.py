"""Storyboard text for each chunk: its single concept (summary), a document-wide visual style,
and one image prompt per chunk, written by a TextModel.

Small embedded models sometimes answer with nothing, a loop, the instructions read back, or
facts that are not in the chunk. Every answer is checked; a bad one is replaced by a
deterministic text derived from the chunk and marked `fallback=True` with the reason, so the
pipeline can count and show it. This is output validation, not a backend fallback: a backend
that cannot run still raises BackendUnavailable.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from vidgen_assets.backends.llm import ModelOutputError, TextModel
from vidgen_assets.language import key_phrases
from vidgen_assets.language.key_phrases import Embed
from vidgen_assets.language.sentences import ends_sentence, first_sentence

SUMMARY_MAX_WORDS = 15

_SUMMARY_SYSTEM = (
    "You state the main idea of a passage from a research paper in one short sentence "
    f"of at most {SUMMARY_MAX_WORDS} words. Use only facts stated in the passage."
)
_SUMMARY_USER = "Paper: {title}\nPassage: {chunk}\nMain idea in one sentence:"
# Replies often open with "The passage highlights ..."; what follows is the concept itself.
_META_OPENER = re.compile(
    r"^(the|this) (passage|text|section|paragraph|excerpt)('s main idea)? "
    r"(highlights|describes|discusses|explains|presents|shows|emphasizes|focuses on|is about|"
    r"suggests|states|argues|introduces|is)( that)?\s+",
    re.IGNORECASE,
)

_PROMPT_SYSTEM = (
    "You design one picture that illustrates an idea from a research paper: "
    "the main thing shown (a few words), where it is, and how it is framed."
)
_PROMPT_USER = "Idea: {summary}"
# Setting and composition are chosen from fixed phrases (JSON-schema enums): a 135M model
# cannot invent them reliably, and a shared vocabulary keeps the frames of one film alike.
# Short enum keys keep the constrained answer to a few tokens; the phrases go into the prompt.
SETTINGS = {
    "laboratory": "in a research laboratory",
    "library": "in a vast digital library",
    "network": "among glowing network nodes",
    "datacenter": "in a data center",
    "city": "above a city at night",
    "landscape": "in an open landscape",
    "classroom": "in a classroom",
    "desk": "on a workshop desk",
    "abstract": "in an abstract space",
}
COMPOSITIONS = {
    "wide": "wide shot",
    "closeup": "close-up",
    "overhead": "overhead view",
    "comparison": "side-by-side comparison",
    "centered": "centered composition",
    "flow": "left-to-right flow",
}
_SUBJECT_MAX_CHARS = 48
IMAGE_PROMPT_SCHEMA = {
    "type": "object",
    "properties": {
        # maxLength bounds the grammar-constrained answer so it always closes within max_tokens.
        "subject": {"type": "string", "minLength": 3, "maxLength": _SUBJECT_MAX_CHARS},
        "setting": {"type": "string", "enum": list(SETTINGS)},
        "composition": {"type": "string", "enum": list(COMPOSITIONS)},
    },
    "required": ["subject", "setting", "composition"],
}

# One style per film, chosen from fixed, known-good phrases so every frame shares it.
STYLE_MEDIUMS = (
    "clean flat vector illustration",
    "soft isometric 3D render",
    "minimalist line-art diagram",
    "muted watercolor illustration",
)
STYLE_PALETTES = (
    "deep blue and amber palette",
    "teal and coral palette",
    "charcoal and mint palette",
    "indigo and warm sand palette",
)
_STYLE_TAIL = "consistent soft lighting, no text"

# Phrases that betray an answer about the task rather than about the paper.
_INSTRUCTION_MARKERS = (
    "main idea", "one sentence", "short sentence", "at most", "summarize", "summary",
    "the passage", "this passage", "revised version", "json",
)
_STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from into over under as is are was were be
    been being it its this that these those their there they them we our us you your he she his her
    i me my not no nor so than then too very can could will would shall should may might must do does
    did done has have had having which who whom whose what when where why how all any both each few
    more most other some such only own same also just about above after again against before below
    between during through until up down out off further once here while because new one two""".split()
)
# Words that open a clause or phrase: a good place to cut a sentence short.
_CLAUSE_STARTERS = frozenset("which that and or but while where whereas because by with without such via using in for from over".split())


@dataclass(frozen=True)
class Draft:
    """A model's answer after checking: the text to use, and whether it was replaced (and why)."""

    text: str
    fallback: bool = False
    problem: str | None = None
    reply: str | None = None  # what the model said, kept for inspection when it was replaced


def content_words(text: str) -> set[str]:
    """Lower-cased words that carry meaning (no stopwords, none under 3 letters), crudely stemmed."""
    words = re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", text.lower())
    return {_stem(w) for w in words if w not in _STOPWORDS and len(w) > 2}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _plain(text: str) -> list[str]:
    return [w for w in (re.sub(r"\W+", "", w.lower()) for w in text.split()) if w]


def degenerate_reason(
    text: str, source: str | None = None, instructions: str = "", title: str = "", min_words: int = 3
) -> str | None:
    """Why `text` is unusable model output, or None if it is fine.

    Unusable: empty or too short, repeating itself, reading back the `instructions` or only the
    `title` it was given, or (when the `source` it should be drawn from is given) having under
    half of its content words in the source, the mark of invented facts.
    """
    words = _plain(text)
    if len(words) < min_words:
        return "empty" if not words else "too short"
    if any(words[i] == words[i + 1] == words[i + 2] for i in range(len(words) - 2)):
        return "repeats itself"
    trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    if len(trigrams) != len(set(trigrams)) or (len(words) >= 8 and len(set(words)) < 0.5 * len(words)):
        return "repeats itself"
    flat, source_flat = " ".join(words), " ".join(_plain(source or ""))
    instructions_flat = " ".join(_plain(instructions))
    if any(marker in flat and marker not in source_flat for marker in _INSTRUCTION_MARKERS):
        return "reads back the instructions"
    if instructions_flat and (flat in instructions_flat or _shares_ngram(words, _plain(instructions), 4)):
        return "reads back the instructions"
    mine = content_words(text)
    if title and mine and mine <= content_words(title):
        return "repeats the title"
    if source is not None:
        if not mine:
            return "no content words"
        grounded = content_words(source)
        if sum(1 for w in mine if w in grounded) < 0.5 * len(mine):
            return "not grounded in the chunk"
        # A small model readily turns "33%" into "3.3%": a figure the source lacks is invented.
        invented = numbers_in(text) - numbers_in(source)
        if invented:
            return f"states a number the chunk does not ({', '.join(sorted(invented))})"
    return None


def numbers_in(text: str) -> set[str]:
    """The numbers in `text`, normalized ("9,000,000" -> "9000000", "3.0" -> "3")."""
    found = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", "")
        found.add(value.rstrip("0").rstrip(".") if "." in value else value)
    return found


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _shares_ngram(a: list[str], b: list[str], n: int) -> bool:
    grams = {tuple(b[i : i + n]) for i in range(len(b) - n + 1)}
    return any(tuple(a[i : i + n]) in grams for i in range(len(a) - n + 1))


def shorten(sentence: str, max_words: int = SUMMARY_MAX_WORDS) -> str:
    """`sentence` cut to at most `max_words`, at the last clause boundary that keeps at least 6 words."""
    words = sentence.split()
    if len(words) > max_words:
        cut = max_words
        for end in range(max_words, 5, -1):
            ends_clause = words[end - 1][-1] in ",;:"
            if ends_clause or words[end].lower() in _CLAUSE_STARTERS:
                cut = end
                break
        words = words[:cut]
        while len(words) > 1 and words[-1].lower().strip(",;:") in _STOPWORDS:
            words.pop()
    text = " ".join(words).rstrip(",;: ")
    return text if not text or ends_sentence(text) else text + "."


def first_clause(text: str, max_words: int = SUMMARY_MAX_WORDS) -> str:
    """The chunk's first sentence, shortened to `max_words`: what the viewer hears first."""
    return shorten(first_sentence(text), max_words)


def fallback_summary(chunk_text: str, embed: Embed | None = None) -> str:
    """The stand-in for an unusable summary: the chunk's key phrase (at most 8 words, its most
    central noun phrase with `embed`), never its first clause, which the narration is saying
    and the subtitles are showing at that moment. "" when the chunk has no content words."""
    heard = {_flat(first_clause(chunk_text)), _flat(key_phrases.first_clause(chunk_text))}
    return next((p for p in key_phrases.ranked_phrases(chunk_text, embed) if _flat(p) not in heard), "")


def _flat(text: str) -> str:
    return " ".join(_plain(text))


def repeats_narration(summary: str, chunk_text: str, min_words: int = 6) -> bool:
    """True when the summary is a run of at least `min_words` words copied from the chunk: on
    screen it would only repeat what is being said and shown in the subtitles."""
    words = _plain(summary)
    return len(words) >= min_words and f" {' '.join(words)} " in f" {_flat(chunk_text)} "


def _tidy_sentence(text: str) -> str:
    """First sentence of a reply, without labels, quotes or a "the passage says" opener."""
    text = " ".join(text.split())
    text = re.sub(r"^(main idea|summary|answer|paper|passage)\s*:\s*", "", text, flags=re.IGNORECASE).strip("\"'` ")
    text = first_sentence(text)
    text = _META_OPENER.sub("", text)
    return text[:1].upper() + text[1:]


def draft_summary(model: TextModel, chunk_text: str, title: str, embed: Embed | None = None) -> Draft:
    """The single concept of the chunk in one short sentence, checked (see `degenerate_reason`);
    an unusable one is replaced by the chunk's key phrase (`fallback_summary`, ranked with `embed`)."""
    chunk_text = " ".join(chunk_text.split())
    reply = model.generate_field(
        _SUMMARY_SYSTEM, _SUMMARY_USER.format(title=title, chunk=chunk_text), max_tokens=40, stop=("\n",)
    )
    summary = shorten(_tidy_sentence(reply))
    problem = degenerate_reason(summary, source=f"{title} {chunk_text}", instructions=_SUMMARY_SYSTEM, title=title)
    if problem is None and repeats_narration(summary, chunk_text):
        problem = "repeats the narration word for word"
    if problem is not None:
        return Draft(fallback_summary(chunk_text, embed), fallback=True, problem=problem, reply=reply)
    return Draft(summary, reply=reply)


def visual_style(title: str) -> str:
    """One style phrase for every image prompt of a document, so its frames look like one film.

    Deterministic from the title: a hash of it picks the medium and palette from fixed lists.
    Asked to choose from the same lists (JSON-schema enums), SmolLM2 picked the first medium
    and first palette for six unrelated titles, so a model's pick adds a call and no information.
    """
    digest = hashlib.sha256(" ".join(title.lower().split()).encode("utf-8")).digest()
    medium = STYLE_MEDIUMS[digest[0] % len(STYLE_MEDIUMS)]
    palette = STYLE_PALETTES[digest[1] % len(STYLE_PALETTES)]
    return f"{medium}, {palette}, {_STYLE_TAIL}"


def _tidy_subject(subject: str) -> str:
    words = " ".join(subject.split()).strip(" .,;:-").split()
    if len(subject) >= _SUBJECT_MAX_CHARS and len(words) > 1:
        words.pop()  # cut by maxLength: the last word is probably partial
    while len(words) > 1 and words[-1].lower().strip(",;:") in _STOPWORDS:
        words.pop()
    return " ".join(words).strip(" .,;:-")


def draft_image_prompt(model: TextModel, summary: str, style: str) -> Draft:
    """One image prompt for a chunk: subject, setting and composition (JSON schema) plus the style."""
    problem, fields = None, None
    try:
        fields = model.generate_json(_PROMPT_SYSTEM, _PROMPT_USER.format(summary=summary), IMAGE_PROMPT_SCHEMA, max_tokens=56)
        subject = _tidy_subject(fields["subject"])
        problem = degenerate_reason(subject, instructions=_PROMPT_SYSTEM, min_words=1)
        if problem is not None:
            problem = f"subject {problem}"
    except ModelOutputError as error:
        problem = str(error)
    if problem is not None:
        text = f"an illustration of {summary.rstrip('.')} {SETTINGS['abstract']}, {COMPOSITIONS['centered']}, {style}"
        return Draft(text, fallback=True, problem=problem, reply=None if fields is None else str(fields))
    return Draft(f"{subject} {SETTINGS[fields['setting']]}, {COMPOSITIONS[fields['composition']]}, {style}")


def prompt_subject(prompt: str, style: str) -> str:
    """The thing an image prompt shows, without the setting, framing and style that
    `draft_image_prompt` adds: what a picture library matches and a generator is asked for."""
    text = prompt.strip()
    if style and text.endswith(f", {style}"):
        text = text[: -len(style) - 2]
    for phrase in COMPOSITIONS.values():
        if text.endswith(f", {phrase}"):
            text = text[: -len(phrase) - 2]
            break
    for phrase in SETTINGS.values():
        if text.endswith(f" {phrase}"):
            text = text[: -len(phrase) - 1]
            break
    return text.removeprefix("an illustration of ").strip() or prompt.strip()
