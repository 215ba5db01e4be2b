"""Key phrases for the screen, from real chunks, with the real embedding model."""

from __future__ import annotations

from vidgen_assets.backends.embeddings import TextEmbedder
from vidgen_assets.language.key_phrases import MAX_WORDS, candidate_phrases, first_clause, key_phrase

CHUNKS = [
    "Shore crabs hide under stones and seaweed. When a stone is lifted they scuttle sideways and raise their claws.",
    "Sea anemones look like flowers. Their tentacles sting small shrimps and fish that swim too close.",
    "The paper also introduces TextRunner, a fully implemented, highly scalable OIE system where the tuples are "
    "assigned a probability and indexed to support efficient extraction and exploration via user queries.",
    "A short pause is placed between sentences so that the voice has room to breathe.",
]


def test_the_key_phrase_names_the_chunks_subject_in_a_few_words():
    embed = TextEmbedder().embed
    phrases = [key_phrase(c, embed) for c in CHUNKS]
    assert phrases[0].lower() in {"shore crabs", "crabs"}
    assert "anemones" in phrases[1].lower()
    assert "TextRunner" in phrases[2] or "OIE" in phrases[2]
    assert "pause" in phrases[3].lower()
    for chunk, phrase in zip(CHUNKS, phrases):
        assert 1 <= len(phrase.split()) <= MAX_WORDS and phrase in chunk


def test_the_key_phrase_is_never_the_chunks_first_clause():
    chunk = "Starfish cling, and a starfish can open a mussel by pulling its two shells apart."
    assert first_clause(chunk) == "Starfish cling"
    assert "Starfish cling" in candidate_phrases(chunk) or "Starfish" in candidate_phrases(chunk)
    for embed in (TextEmbedder().embed, None):
        assert key_phrase(chunk, embed) != "Starfish cling"
    # A part of the first clause may stand, but never the whole of it.
    assert key_phrase("Tide pools.", None) in {"Tide", "pools"}


def test_candidates_are_noun_phrases_not_clauses_or_stop_words():
    candidates = candidate_phrases(CHUNKS[0])
    assert "Shore crabs" in candidates and "seaweed" in candidates
    assert "Shore crabs hide" not in candidates  # ends in a verb: a clause, not a thing
    assert not any(c.lower() in {"under", "when", "they", "their"} for c in candidates)
    assert key_phrase("the of and to in", None) == ""


def test_without_a_model_the_key_phrase_is_the_richest_run_of_content_words():
    chunk = "Light passes through the lens, and the inverted image forms on the light-sensitive film at the back of the camera body."
    phrase = key_phrase(chunk, None)
    assert 1 <= len(phrase.split()) <= MAX_WORDS and phrase in chunk and phrase != first_clause(chunk)
    assert phrase in {"light-sensitive film", "inverted image forms", "camera body", "inverted image"}


def test_an_isotopes_mass_number_stays_with_its_symbol():
    # A phytochemistry paper's headline read "H NMR spectrum": the superscript 1 of "1H" was lost.
    chunk = (
        "The 1H NMR spectrum of compound 3 readily demonstrated the steroidal nature of these compounds. "
        "The spectral data of compound 3 was superimposable to the 1H NMR spectrum recorded for sitosterol."
    )
    assert key_phrase(chunk, None) == "1H NMR spectrum"
    candidates = candidate_phrases("Leaves were grown in 13C labeled carbon dioxide for 3D imaging.")
    assert "13C" in candidates and "3D imaging" in candidates
    assert "C" not in candidates and "D imaging" not in candidates
