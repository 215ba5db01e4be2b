"""Slide text: extracted from the chunk's own words on the real fixture papers (nothing invented,
no talk about "the paper"), numbers shown large, and a model's text checked before it is shown,
with Ollama's HTTP API spoken on 127.0.0.1."""

from __future__ import annotations

import json
import re

import pytest

from vidgen_assets.backends.llm import OllamaModel
from vidgen_assets.language.script import TITLE_SECTION, write_script
from vidgen_assets.language.slides import (
    EXTRACTIVE,
    compress,
    extract_number,
    extract_slide,
    section_label,
    talks_about_the_document,
    ungrounded_reason,
    write_slide,
)
from vidgen_tests.helpers.beats import script_beats
from vidgen_tests.helpers.ollama import FakeOllama
from vidgen_tests.helpers.paths import FIXTURES, PAPER

PAPERS = [PAPER, *sorted((FIXTURES / "papers").glob("*.pdf"))]


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+|[0-9]+", text.lower()))


@pytest.fixture(scope="module", params=PAPERS, ids=lambda p: p.stem)
def paper_slides(request, read_paper):
    doc = read_paper(request.param)
    chunks = script_beats(write_script(doc, target_seconds=240.0))
    return doc, chunks, [extract_slide(text, section) for section, text in chunks]


def test_every_word_on_an_extractive_slide_is_a_word_of_the_source(paper_slides):
    doc, _, slides = paper_slides
    source = words_of(f"{doc.title}\n{doc.text}\n" + " ".join(s.heading for s in doc.sections))
    shown = set().union(*(words_of(s.text) for s in slides))
    assert shown, "no slide says anything"
    assert shown - source == set()


def test_no_extractive_slide_talks_about_the_paper(paper_slides):
    _, _, slides = paper_slides
    items = [item for s in slides for item in (s.headline, *s.points)]
    assert [i for i in items if talks_about_the_document(i) or re.match(r"(?i)(in )?this (paper|work)\b", i)] == []


def test_slides_have_a_headline_at_most_three_short_points_and_a_section(paper_slides):
    _, chunks, slides = paper_slides
    assert all(s.headline and 1 <= len(s.headline.split()) <= 7 for s in slides)
    assert all(1 <= len(s.points) <= 3 and all(len(p.split()) <= 18 for p in s.points) for s in slides)
    # Papers have headings: most slides name the section they belong to.
    assert sum(bool(s.section) for s in slides) >= 0.5 * len(slides)
    assert all(not re.match(r"^\d", s.section) for s in slides)


def test_a_point_keeps_the_numbers_of_its_sentence_when_it_fits(paper_slides):
    _, chunks, slides = paper_slides
    for (_, text), slide in zip(chunks, slides):
        for point in slide.points:
            for number in re.findall(r"\d+(?:\.\d+)?%", point):
                assert number in text


# --- pieces, on sentences from papers ---------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "In this paper, we show that Ca2+ waves propagate between astrocytes.",
            "Ca2+ waves propagate between astrocytes",
        ),
        ("This review summarizes how glial cells signal to neurons.", "Glial cells signal to neurons"),
        ("However, the mapper (see below) emits 40% fewer pairs.", "The mapper emits 40% fewer pairs"),
        (
            "We found that limpets seal themselves to the rock at low tide.",
            "Limpets seal themselves to the rock at low tide",
        ),
        ("The study area covers 40 pools on the shore.", "The study area covers 40 pools on the shore"),
        (
            "The paper also introduces TextRunner, a fully implemented OIE system.",
            "TextRunner, a fully implemented OIE system",
        ),
        # From a phytochemistry paper: a compound's number read into the sentence, and a cut that
        # left a parenthesis open.
        (
            "2 The 1H NMR spectrum of compound 1 showed a double doublet.",
            "The 1H NMR spectrum of compound 1 showed a double doublet",
        ),
        (
            "3 The 1H NMR spectrum (400 MHz, CDCl3) of compound 2 was recorded on a Bruker AMX-400 instrument at the university",
            "The 1H NMR spectrum (400 MHz, CDCl3) of compound 2 was recorded on a Bruker AMX-400 instrument",
        ),
        (
            "The 1H NMR spectrum (400 MHz, CDCl3) of compound 1 showed a double doublet (J = 11.5, 4.5 Hz) at δ 3.18, "
            "typical for H-3 of a lupane triterpene",
            "The 1H NMR spectrum (400 MHz, CDCl3) of compound 1 showed a double doublet",
        ),
        ("In 2 groups of 12 mice the dose was halved.", "In 2 groups of 12 mice the dose was halved"),
        # From an NLP workshop paper's conclusion, and talk about the paper inside a sentence.
        (
            "To sum up, in this paper, we described our participation of AVE 2008.",
            "We described our participation of AVE 2008",
        ),
        (
            "Our method, described in this paper, outperforms the baseline by 4%.",
            "Our method outperforms the baseline by 4%",
        ),
        ("The work in this study area was hard.", "The work in this study area was hard"),
    ],
)
def test_compress_drops_talk_about_the_paper_connectives_and_plain_asides(sentence, expected):
    assert compress(sentence) == expected


def test_compress_keeps_the_clause_with_the_number_when_the_sentence_is_too_long():
    sentence = (
        "Because the master pings every worker periodically and re-executes the tasks of failed "
        "machines on other workers, the job finished in 891 seconds, while the input was one terabyte"
    )
    point = compress(sentence)
    assert len(point.split()) <= 18
    assert "891" in point


@pytest.mark.parametrize(
    "text, number, label",
    [
        ("Crabs were 40% fewer where limpets grazed.", "40%", "fewer"),
        ("The corpus holds 2.8 billion tokens of web text.", "2.8 billion", "tokens"),
        ("The sort took 891 seconds on 1800 machines.", "891 seconds", "sort"),
        ("We surveyed 40 rock pools along the shore.", "40", "rock pools"),
        ("Precision rose from 0.72 to 0.88 with the new model.", "0.72", "Precision"),
    ],
)
def test_a_stated_result_gives_the_number_and_what_it_counts(text, number, label):
    assert extract_number(text) == (number, label)


@pytest.mark.parametrize(
    "text",
    [
        "Figure 3 shows the architecture of the system.",
        "In 2004 the system ran at Google.",
        "The two phases share one master.",
        "GPT-4 answers questions.",
    ],
)
def test_references_years_and_small_counts_are_not_results(text):
    assert extract_number(text) == ("", "")


@pytest.mark.parametrize(
    "heading, label",
    [
        ("3.2 Experimental Results", "Experimental Results"),
        ("II. RELATED WORK", "Related Work"),
        ("Abstract", "Abstract"),
        (TITLE_SECTION, ""),
        ("", ""),
    ],
)
def test_section_labels_lose_their_numbering(heading, label):
    assert section_label(heading) == label


CHUNK = (
    "MapReduce runs on a large cluster of commodity machines. A typical computation processes "
    "many terabytes of data on 1800 machines, and the sort finished in 891 seconds."
)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("This paper presents MapReduce", "talks about the paper"),
        ("The sort finished in 819 seconds", "states a number the chunk does not (819)"),
        ("Hadoop sorts terabytes on commodity machines", "names 'Hadoop', which the chunk does not"),
        ("Neural networks learn representations", "not grounded in the chunk"),
    ],
)
def test_model_text_is_refused_when_it_invents_or_talks_about_the_paper(text, reason):
    assert ungrounded_reason(text, CHUNK) == reason


def test_model_text_that_says_what_the_chunk_says_is_accepted():
    assert ungrounded_reason("Sort of 1800 machines finished in 891 seconds", CHUNK) is None


# --- a model writing slides, over Ollama's HTTP API ---------------------------------------------


def answering(headline: str, points: list[str]):
    return lambda body: json.dumps({"headline": headline, "points": points})


@pytest.fixture
def ollama():
    server = FakeOllama({"llama3.2"}, answering("", []))
    yield server
    server.close()


def test_an_ollama_slide_that_says_what_the_chunk_says_is_shown(ollama):
    ollama.reply = answering(
        "MapReduce on commodity clusters", ["Terabytes of data on 1800 machines", "The sort finished in 891 seconds"]
    )
    slide = write_slide(OllamaModel(host=ollama.url, model="llama3.2"), CHUNK, "4 Performance", "MapReduce")
    assert slide.source == "ollama:llama3.2"
    assert slide.problem is None
    assert slide.headline == "MapReduce on commodity clusters"
    assert slide.points == ("Terabytes of data on 1800 machines", "The sort finished in 891 seconds")
    assert slide.section == "Performance"
    _, request = ollama.requests[-1]
    assert CHUNK in request["messages"][1]["content"]
    assert request["format"]["required"] == ["headline", "points"]


@pytest.mark.parametrize(
    "headline, points, problem",
    [
        ("MapReduce sorts fast", ["The sort finished in 620 seconds"], "states a number the chunk does not (620)"),
        ("This paper presents MapReduce", ["Terabytes of data on 1800 machines"], "talks about the paper"),
    ],
)
def test_an_ollama_slide_with_an_invented_number_or_paper_talk_is_refused_for_the_extractive_one(
    ollama, headline, points, problem
):
    ollama.reply = answering(headline, points)
    slide = write_slide(OllamaModel(host=ollama.url, model="llama3.2"), CHUNK, "4 Performance", "MapReduce")
    extractive = extract_slide(CHUNK, "4 Performance")
    assert (slide.headline, slide.points, slide.source) == (extractive.headline, extractive.points, EXTRACTIVE)
    assert problem in slide.problem and slide.problem.startswith("ollama:llama3.2")
    assert headline in slide.reply


# --- through the summaries and frames assets -----------------------------------------------------

DOC = "mapreduce-note"
NOTE = [
    ("4 Performance", "MapReduce runs on a large cluster of commodity machines."),
    ("4 Performance", "A typical computation processes many terabytes of data on 1800 machines."),
    ("4 Performance", "The sort finished in 891 seconds."),
]


def storyboard_rows(root):
    from vidgen_assets.storage.duckdb import Database
    from vidgen_assets.storage.tables import ChunkRow, ScriptRow, SourceDocumentRow

    root.mkdir(parents=True, exist_ok=True)
    db = Database(root / "vidgen.duckdb")
    text = " ".join(t for _, t in NOTE)
    db.replace(
        DOC,
        {
            SourceDocumentRow: [
                SourceDocumentRow(
                    str(root / "note.md"), "md", "ab" * 32, 300, "MapReduce", None, text, json.dumps([]), json.dumps({})
                )
            ],
            ScriptRow: [ScriptRow(i, t, section) for i, (section, t) in enumerate(NOTE)],
            ChunkRow: [ChunkRow(i, 4.0 * i, 4.0 * i + 4, t, i, i) for i, (_, t) in enumerate(NOTE)],
        },
    )
    return db


def materialize_storyboard(root, **overrides):
    from dagster import DagsterInstance, materialize

    from vidgen_assets.assets.frames import frames
    from vidgen_assets.assets.storyboard import image_prompts, summaries
    from vidgen_assets.partitions import documents
    from vidgen_assets.resources import build_resources

    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(documents.name, [DOC])
    resources = build_resources({"data-dir": str(root), "pictures": "none", **overrides}, environ={})
    result = materialize([summaries, image_prompts, frames], partition_key=DOC, instance=instance, resources=resources)
    assert result.success


def test_each_frame_records_whether_a_model_wrote_its_text_and_why_it_was_refused(tmp_path, ollama):
    from vidgen_assets.storage.tables import FrameRow, SummaryRow

    def reply(body):
        chunk = body["messages"][1]["content"]
        if "891" in chunk:  # an invented figure for the result
            return json.dumps({"headline": "The sort", "points": ["The sort finished in 91 seconds"]})
        if "1800" in chunk:
            return json.dumps({"headline": "Terabytes on 1800 machines", "points": ["Many terabytes of data"]})
        return json.dumps({"headline": "This paper presents MapReduce", "points": ["Commodity machines"]})

    ollama.reply = reply
    db = storyboard_rows(tmp_path / "data")
    materialize_storyboard(tmp_path / "data", llm="ollama", **{"llm-host": ollama.url, "llm-model": "llama3.2"})
    slides = db.read(SummaryRow, DOC)
    assert [s.backend for s in slides] == ["extractive", "ollama:llama3.2", "extractive"]
    assert "talks about the paper" in slides[0].problem and "(91)" in slides[2].problem
    assert slides[1].summary == "Terabytes on 1800 machines" and slides[1].problem is None
    assert all(s.section == "Performance" for s in slides)
    frames = db.read(FrameRow, DOC)
    assert [(f.text_source, bool(f.text_problem)) for f in frames[1:]] == [
        ("ollama:llama3.2", False),
        ("extractive", True),
    ]
    assert "in 91 seconds" not in frames[2].text and "in 891 seconds" in frames[2].text


def test_the_embedded_default_writes_slides_without_calling_a_model(tmp_path):
    from vidgen_assets.storage.tables import SummaryRow

    db = storyboard_rows(tmp_path / "data")
    materialize_storyboard(tmp_path / "data", **{"llm-model": "no-such-model"})  # would fail if loaded
    slides = db.read(SummaryRow, DOC)
    assert {s.backend for s in slides} == {"extractive"} and not any(s.problem for s in slides)
    assert json.loads(slides[2].points) == ["The sort finished in 891 seconds"]
    assert (slides[2].number, slides[2].number_label) == ("891 seconds", "sort")
