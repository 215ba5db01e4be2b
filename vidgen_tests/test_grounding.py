"""Checks of text a model wrote against its source, and the image prompts' style and subject."""

from __future__ import annotations

import pytest

from vidgen_assets.language.grounding import degenerate_reason
from vidgen_assets.language.prompts import image_prompt, prompt_subject, visual_style

TITLE = "Open Information Extraction from the Web"
CHUNK = (
    "This paper introduces Open Information Extraction (OIE), a new extraction paradigm where the "
    "system makes a single data-driven pass over its corpus and extracts a large set of relational "
    "tuples without requiring any human input."
)
INSTRUCTIONS = "You state the main idea of a passage from a research paper in one short sentence of at most 15 words."

# Real answers the embedded models gave for chunks of the fixture paper while prompts were tuned.
DEGENERATE = {
    "": "empty",
    "TEXTRUNNER": "too short",
    "the the the system": "repeats itself",
    "TEXTRUNNER TEXTRUNNER TEXTRUNNER extracts tuples": "repeats itself",
    # Gemma 3 270M (a base model) reading the instructions back:
    INSTRUCTIONS: "reads back the instructions",
    # SmolLM2 answering about the task instead of the paper:
    "Here's a revised version of the text with some suggested edits:": "reads back the instructions",
    # SmolLM2 reading back the title line of its prompt:
    "Open Information Extraction from the Web.": "repeats the title",
    # Fluent but invented: none of this is in the chunk.
    "The model is a probabilistic model that predicts the probability of an event based on the information contained in the text.": "not grounded in the chunk",
}


@pytest.mark.parametrize("reply, reason", DEGENERATE.items())
def test_degenerate_answers_are_recognised(reply, reason):
    assert degenerate_reason(reply, source=f"{TITLE} {CHUNK}", instructions=INSTRUCTIONS, title=TITLE) == reason


def test_a_faithful_answer_is_accepted():
    assert degenerate_reason("OIE extracts relational tuples in a single pass over its corpus.", source=CHUNK) is None


def test_an_answer_that_changes_a_number_is_refused():
    # A real SmolLM2 answer: the chunk says 33%, the answer said 3.3%.
    chunk = "TextRunner achieves an error reduction of 33% on a comparable set of extractions."
    assert degenerate_reason(
        "TextRunner achieves an error reduction of 3.3% on a comparable set of extractions.", source=chunk
    ).startswith("states a number")
    assert degenerate_reason("TextRunner cuts errors by 33% on comparable extractions.", source=chunk) is None
    assert (
        degenerate_reason("The corpus has 9,000,000 pages in all.", source="a 9000000 page corpus with pages in all")
        is None
    )


def test_visual_style_is_one_phrase_per_document():
    style = visual_style(TITLE)
    assert style == visual_style(f"  {TITLE.upper()} ")
    assert "no text" in style
    assert len({visual_style(f"Paper number {i}") for i in range(20)}) > 1


def test_an_image_prompts_subject_is_the_prompt_without_its_style():
    style = visual_style(TITLE)
    assert prompt_subject(image_prompt("Shore crabs, seaweed", style), style) == "Shore crabs, seaweed"
    assert prompt_subject("a lighthouse at dusk", style) == "a lighthouse at dusk"
