"""Where sentences end, on real papers' text: abbreviations, initials and numbers keep a sentence whole."""

from __future__ import annotations

import pdfplumber
import pytest

from vidgen_assets.language.sentences import ends_sentence, first_sentence, split_sentences
from vidgen_tests.helpers.paths import FIXTURES, PAPER

NETWORKS = FIXTURES / "papers" / "influential-nodes-arxiv.pdf"
DENOISING = FIXTURES / "papers" / "natural-image-denoising.pdf"


def page_sentences(pdf_path, page: int) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return split_sentences(pdf.pages[page].extract_text() or "")


def the_sentence_with(sentences: list[str], fragment: str) -> str:
    (found,) = [s for s in sentences if fragment in s]
    return found


def test_abbreviation_before_a_number_does_not_end_a_sentence():
    sentences = page_sentences(NETWORKS, 5)
    sentence = the_sentence_with(sentences, "law of diminishing returns")
    assert sentence.startswith("For instance, looking from the perspective of social networks")
    assert sentence.endswith("based on the law of diminishing returns [42, Ch. 7].")
    assert sentences[sentences.index(sentence) + 1].startswith("Accordingly, we first find")


def test_figure_reference_ends_a_sentence_only_after_its_number():
    # This paper's text comes out of pdfplumber with words run together ("showninFig. 2").
    sentences = page_sentences(DENOISING, 3)
    figure = the_sentence_with(sentences, "Quantitativeresults")
    assert figure.startswith("QuantitativeresultsfrombothnetworksunderthreedifferentnoiselevelsareshowninFig. 2, along")
    assert sentences[sentences.index(figure) - 1].endswith("Thearchitectureofthesenetworksisshownin Fig. 1.")
    assert the_sentence_with(sentences, "AvisualcomparisonoftheseresultsisshowninFig. 3").endswith("Fig. 3.")


def test_i_e_before_a_capital_does_not_end_a_sentence():
    sentence = the_sentence_with(page_sentences(NETWORKS, 3), "(i.e.")
    assert sentence.endswith("(i.e. CN(1) and CN(2) of seed nodes obtained by a particular measure).")


def test_an_initial_stays_with_the_name():
    sentences = page_sentences(NETWORKS, 2)
    assert the_sentence_with(sentences, "Katz [32]").startswith("L. Katz [32] developed this concept")
    assert "L." not in sentences


def test_et_al_and_e_g_inside_a_sentence_of_the_open_ie_paper():
    with pdfplumber.open(PAPER) as pdf:
        page = pdf.pages[0]
        columns = [
            page.crop((x, 0, x + page.width / 2, page.height)).extract_text(x_tolerance=1) for x in (0, page.width / 2)
        ]
    text = "\n".join(columns)
    sentences = split_sentences(text[text.index("Traditionally") :])
    abstract = sentences[0]
    assert abstract.startswith("Traditionally, Information Extraction (IE) has fo- cused on satisfying precise")
    assert abstract.endswith("(e.g., extract the location and time of seminars from a set of announcements).")
    automation = the_sentence_with(sentences, "[Craven et al., 1999]")
    assert automation.startswith("Automation The first step in automating IE")
    assert automation.endswith("and automatically learned domain-specific extraction patterns.")


def test_sentence_split_respects_abbreviations_initials_and_decimals():
    text = (
        "Fig. 2 shows it, e.g. for Dr. Smith and Michael J. Cafarella et al. in the U.S. today. "
        'The value rose to 3.5 percent! Did it? "Yes." Then it ended'
    )
    assert split_sentences(text) == [
        "Fig. 2 shows it, e.g. for Dr. Smith and Michael J. Cafarella et al. in the U.S. today.",
        "The value rose to 3.5 percent!",
        "Did it?",
        '"Yes."',
        "Then it ended",
    ]


def test_blank_lines_always_end_a_sentence():
    assert split_sentences("A heading without a stop\n\nThe text under it.") == [
        "A heading without a stop",
        "The text under it.",
    ]


def test_no_is_an_abbreviation_only_before_a_number():
    assert split_sentences("See No. 5 below. The answer is no. Then we stop.") == [
        "See No. 5 below.",
        "The answer is no.",
        "Then we stop.",
    ]


@pytest.mark.parametrize(
    ("text", "following", "ends"),
    [
        ("as shown in Fig.", "3, the error falls", False),
        ("Banko et al.", "in 2007", False),
        ("for example e.g.", "TextRunner", False),
        ("the answer is no.", "Then", True),
        ("this country.", None, True),
        ("he said “stop.”", None, True),
        ("Did it work?)", "Yes", True),
        ("rose to 3.5", None, False),
        ("これはペンです。", None, True),
        ("a heading without a stop", "The text", False),
        ("the end.", "and then", False),
    ],
)
def test_ends_sentence_follows_the_same_rule_as_the_splitter(text, following, ends):
    assert ends_sentence(text, following) is ends
    if following is not None:
        assert (len(split_sentences(f"{text} {following}")) == 2) is ends


def test_first_sentence_keeps_a_figure_reference():
    assert (
        first_sentence("As Fig. 2 shows, TextRunner is fast. It is also accurate.")
        == "As Fig. 2 shows, TextRunner is fast."
    )
    assert first_sentence("  no stop at all ") == "no stop at all"
    assert first_sentence("") == ""


def test_a_botanical_authority_before_an_aside_does_not_end_the_sentence():
    # A phytochemistry paper: "Roxb." (Roxburgh) names who described the species.
    text = "Phoenix paludosa Roxb. (Family: Arecaceae) is a thorny palm. The leaves are long. It rose. (See Fig. 2.) It fell."
    assert split_sentences(text) == [
        "Phoenix paludosa Roxb. (Family: Arecaceae) is a thorny palm.",
        "The leaves are long.",
        "It rose.",
        "(See Fig. 2.)",
        "It fell.",
    ]
