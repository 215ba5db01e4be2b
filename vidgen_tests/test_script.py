"""The narration script: spoken-style cleaning and selection to a length."""

from __future__ import annotations

import re

import pytest

from vidgen_assets.language import script
from vidgen_assets.language.script import (
    TITLE_SECTION,
    ScriptSentence,
    to_spoken,
    write_script,
)
from vidgen_assets.language.sentences import split_sentences
from vidgen_assets.sources.document import Document, Section
from vidgen_assets.sources.markdown import read_markdown
from vidgen_tests.helpers.paths import EXAMPLES, FIXTURES, PAPER

WPM = 165.0


def words(script: list[ScriptSentence]) -> int:
    return sum(len(s.text.split()) for s in script)


@pytest.fixture(scope="module")
def paper(read_paper) -> Document:
    return read_paper(PAPER)  # once per session


@pytest.fixture(scope="module")
def paper_script(paper) -> list[ScriptSentence]:
    return write_script(paper, target_seconds=240.0, words_per_minute=WPM)


# --- the paper's script ---------------------------------------------------------------------


def test_paper_script_lasts_three_to_five_minutes_at_165_wpm(paper_script):
    minutes = words(paper_script) / WPM
    assert 3.0 <= minutes <= 5.0
    assert words(paper_script) <= 1.1 * 240 / 60 * WPM


def test_paper_script_opens_with_the_title(paper_script):
    assert paper_script[0] == ScriptSentence(
        "Open Information Extraction from the Web.", TITLE_SECTION, written="Open Information Extraction from the Web"
    )


def test_each_spoken_sentence_keeps_the_sentence_as_written_for_the_slides(paper_script):
    # Spoken: symbols and abbreviations said; written: as the paper sets it, citations gone.
    pairs = {s.text: s.shown for s in paper_script}
    assert any("e.g.," in written and "for example," in spoken for spoken, written in pairs.items())
    assert any("(OIE)—a novel" in written and "(OIE), a novel" in spoken for spoken, written in pairs.items())
    assert all("[" not in written and "(Banko" not in written for written in pairs.values())
    assert all(s.shown.split()[0].strip(",.") == s.text.split()[0].strip(",.") for s in paper_script[1:])


def test_each_paragraph_is_spoken_once(paper, monkeypatch):
    # _spoken_sentences spoke every paragraph whole and then sentence by sentence, to pair
    # each spoken sentence with its written one: the work twice, the speech once. Now the
    # paragraph is spoken whole only where a bracket spans a sentence end or the spoken
    # sentences run together.
    spoken_chars = []
    real = script.to_spoken
    monkeypatch.setattr(script, "to_spoken", lambda text: spoken_chars.append(len(text)) or real(text))
    write_script(paper, target_seconds=240.0, words_per_minute=WPM)
    paragraphs = sum(len(p) for s in paper.sections for p in s.text.split("\n\n"))
    assert sum(spoken_chars) <= 1.15 * paragraphs


def test_a_paragraph_spoken_sentence_by_sentence_says_what_it_says_spoken_whole(read_paper):
    for path in [PAPER, *sorted((FIXTURES / "papers").glob("*.pdf"))]:
        for section in read_paper(path).sections:
            for paragraph in section.text.split("\n\n"):
                spoken = [text for text, _ in script._spoken_sentences(paragraph)]
                assert spoken == split_sentences(to_spoken(paragraph))


def test_paper_script_has_no_citations_urls_or_et_al(paper_script):
    joined = " ".join(s.text for s in paper_script)
    for debris in ("[", "]", "http", "www.", "et al.", "@", "<", ">", "(cid:"):
        assert debris not in joined


def test_paper_script_sentences_are_whole_and_speakable(paper_script):
    for sentence in paper_script[1:]:
        text = sentence.text
        assert len(text.split()) >= 4
        assert text[0].isupper() or text[0].isdigit() or text[0] in '"“('
        assert re.search(r"[.!?][\"”’)]*$", text)
        letters = sum(ch.isalpha() for ch in text)
        assert letters >= 0.6 * len(text.replace(" ", ""))


def test_paper_script_draws_on_abstract_introduction_results_and_conclusion(paper_script):
    sections = [s.section for s in paper_script]
    assert sections[1] == "Abstract"
    assert "1 Introduction and Motivation" in sections
    assert any(s.startswith(("3", "Estimating")) for s in sections)  # the experiments
    assert "5 Conclusions" in sections
    assert not any(re.search(r"Related Work|Acknowled", s) for s in sections)


def test_paper_script_follows_document_order(paper, paper_script):
    paragraphs = [to_spoken(p) for section in paper.sections for p in section.text.split("\n\n")]

    def place(sentence: str) -> tuple[int, int]:
        index = next(i for i, p in enumerate(paragraphs) if sentence in p)
        return index, paragraphs[index].index(sentence)

    positions = [place(s.text) for s in paper_script[1:]]
    assert positions == sorted(positions)


def test_paper_script_keeps_mentions_of_figures_and_tables(paper_script):
    joined = " ".join(s.text for s in paper_script)
    assert re.search(r"\b(Figure|Table) 1\b", joined)


def test_shorter_target_cuts_the_script_without_going_over(paper):
    script = write_script(paper, target_seconds=60.0, words_per_minute=WPM)
    assert 0.6 * WPM <= words(script) <= 1.1 * WPM
    assert script[0].section == TITLE_SECTION and script[1].section == "Abstract"


# --- documents that fit -----------------------------------------------------------------------


def test_document_shorter_than_the_target_is_spoken_whole_and_in_order():
    doc = Document(
        kind="md",
        title="Tiny Notes",
        sections=(
            Section("", "The first paragraph says one thing. It says a second thing too."),
            Section("Details", "Here are the details of the idea.\n\nAnd a final paragraph closes it."),
        ),
    )
    script = write_script(doc, target_seconds=240.0)
    assert [s.text for s in script] == [
        "Tiny Notes.",
        "The first paragraph says one thing.",
        "It says a second thing too.",
        "Here are the details of the idea.",
        "And a final paragraph closes it.",
    ]
    assert [s.section for s in script] == [TITLE_SECTION, "", "", "Details", "Details"]


def test_markdown_example_is_spoken_whole_at_the_default_length():
    doc = read_markdown(EXAMPLES / "how-vidgen-works.md")
    script = write_script(doc)
    assert script[0].text == "How a Paper Becomes a Narrated Video."
    assert script[1].text.startswith("A research paper is written to be read slowly")
    assert script[-1].text.startswith("Because each stage writes its results to a temporary name")
    assert 3.0 <= words(script) / WPM <= 240 / 60 * 1.1
    assert "for example" in " ".join(s.text for s in script)  # "e.g." spelled out


def test_markdown_example_cut_to_one_minute_keeps_every_section_represented():
    doc = read_markdown(EXAMPLES / "how-vidgen-works.md")
    script = write_script(doc, target_seconds=60.0)
    assert words(script) <= 1.1 * WPM
    assert {s.section for s in script[1:]} == {s.heading for s in doc.sections}


# --- cleaning for speech -------------------------------------------------------------------------


def test_citations_in_brackets_and_parentheses_are_removed():
    assert to_spoken("Parsers help [12, 14] a lot.") == "Parsers help a lot."
    assert to_spoken("It was learned [Smith et al., 2004; Brin, 1998] from data.") == "It was learned from data."
    assert to_spoken("Systems exist (Banko et al., 2007) for this.") == "Systems exist for this."
    assert to_spoken("As shown (see Jones, 2005; Lee and Kim, 2006a), it works.") == "As shown, it works."
    assert to_spoken("Etzioni (2005) built it.") == "Etzioni built it."


def test_parentheses_that_are_not_citations_stay():
    assert (
        to_spoken("It rained (in 2004) and Open IE (OIE) was born.")
        == "It rained (in 2004) and Open IE (OIE) was born."
    )


def test_sentences_that_only_point_to_an_address_are_dropped_whole():
    assert to_spoken("Code is at https://example.org/x.html. Thanks.") == "Thanks."
    assert to_spoken("We share it. Write to {a,b}@cs.example.edu or c.d@example.org now.") == "We share it."
    assert to_spoken("See doi:10.1145/1234.5678 for details. It works.") == "It works."


def test_footnote_markers_are_removed():
    assert to_spoken("This is true.¹ Really† so.") == "This is true. Really so."


def test_abbreviations_are_spelled_out_for_speech():
    assert to_spoken("Use corpora, e.g., news, i.e., text.") == "Use corpora, for example, news, that is, text."
    assert to_spoken("Banko et al. built it, as Fig. 2 shows.") == "Banko and colleagues built it, as Figure 2 shows."
    assert (
        to_spoken("It was built by Banko et al. Then it grew.") == "It was built by Banko and colleagues. Then it grew."
    )


def test_sentences_that_are_mostly_mathematics_are_dropped():
    text = "We define the score. Let x = y + z^2 where x_i = sum_j w_ij. The score is useful."
    assert to_spoken(text) == "We define the score. The score is useful."


def test_whitespace_is_normalized():
    assert to_spoken("  Spaces   and\nnewlines ,  everywhere .  ") == "Spaces and newlines, everywhere."


def test_chemical_and_ionic_notation_is_read_as_the_expression():
    # The biology review's "[Ca2+]i" vanished as if it were a citation.
    assert to_spoken("Increases in [Ca2+]i that are propagated in a wave-like fashion.") == (
        "Increases in intracellular calcium ion that are propagated in a wave-like fashion."
    )
    assert to_spoken("Ca2+ and Na+ enter; H2O and CO2 leave.") == (
        "calcium ion and sodium ion enter; water and carbon dioxide leave."
    )
    assert to_spoken("Crystals of Fe2O3 formed.") == "Crystals of Fe 2 O 3 formed."  # the rule, no table entry
    assert to_spoken("The networks CN1 and CN2 denoise.") == "The networks CN1 and CN2 denoise."  # names, not formulae
    assert to_spoken("The LC-HRMS platform measured IROA peaks.") == "The LC-HRMS platform measured IROA peaks."


def test_a_concentration_in_brackets_is_shown_as_written_not_taken_for_a_citation():
    # The biology review's slides read "Increases ini that are propagated ...": the written
    # sentence lost "[Ca2+]" as if it were a citation like "[12]".
    (pair,) = script._spoken_sentences("Increases in [Ca2+]i that are propagated in a wave-like fashion [12].")
    assert pair == (
        "Increases in intracellular calcium ion that are propagated in a wave-like fashion.",
        "Increases in [Ca2+]i that are propagated in a wave-like fashion.",
    )
    (pair,) = script._spoken_sentences("Glia buffer extracellular [K+], as reported [3, 4; Smith et al., 2001].")
    assert pair[1] == "Glia buffer extracellular [K+], as reported."


def test_isotopes_are_said_as_a_chemist_says_them(read_paper):
    # The wheat paper's internal standard is labelled with 13C; Piper read it "thirteen C".
    script = write_script(read_paper(FIXTURES / "papers" / "wheat-heat-stress-plos.pdf"), target_seconds=100000.0)
    labelled = [s for s in script if re.search(r"\b1[23]C\b", s.shown)]
    assert len(labelled) >= 4
    assert all("carbon 13" in s.text or "carbon 12" in s.text for s in labelled)
    assert not [s.text for s in labelled if re.search(r"\b1[23]C\b", s.text)]
    # A phytochemistry paper's proton spectrum: "proton NMR", as a chemist says it; "1H" that
    # counts protons in NMR data ("1H each") and sizes ("7B", "4K") are not isotopes.
    assert to_spoken("The 1H NMR spectrum of compound 3 readily demonstrated the steroidal nature.") == (
        "The proton NMR spectrum of compound 3 readily demonstrated the steroidal nature."
    )
    assert to_spoken("The 1H and 13C NMR spectra were recorded on a 1H-13C HSQC experiment.") == (
        "The proton and carbon 13 NMR spectra were recorded on a proton-carbon 13 HSQC experiment."
    )
    assert to_spoken("Two broad singlets at 4.67 and 4.55 (1H each) were seen.") == (
        "Two broad singlets at 4.67 and 4.55 (1H each) were seen."
    )
    assert (
        to_spoken("We trained a 7B model on 4K video of 3D scenes.")
        == "We trained a 7B model on 4K video of 3D scenes."
    )


def test_greek_letters_operators_and_units_are_named():
    assert to_spoken("In a controlled environment experiment, heat stress (35:28 ± 0.08°C) was initiated.") == (
        "In a controlled environment experiment, heat stress (35:28 plus or minus 0.08 degrees Celsius) was initiated."
    )
    assert to_spoken("Below a threshold θ the node is chosen.") == "Below a threshold theta the node is chosen."
    assert to_spoken("Errors fell to 10^−3 when k = 30.") == "Errors fell to 10 to the minus 3 when k equals 30."


def test_units_with_exponents_are_said_as_per():
    assert to_spoken("Photosynthesis was 20 μmol m^−2 s^−1 at noon in the field.") == (
        "Photosynthesis was 20 micromoles per square m per s at noon in the field."
    )
