"""Every figure and table of a paper is placed in the video: cited ones at their mention, the rest
at the chunk closest in meaning to their caption, in document order; on the real fixture papers
with the real sentence-embedding model."""

from __future__ import annotations

import numpy as np
import pytest

from vidgen_assets.backends.embeddings import TextEmbedder
from vidgen_assets.language.figure_mentions import CITED, PER_CHUNK, mentioned_figures, place_figures
from vidgen_assets.language.script import write_script
from vidgen_tests.helpers.beats import script_beats
from vidgen_tests.helpers.paths import FIXTURES, PAPER

PAPERS = [PAPER, *sorted((FIXTURES / "papers").glob("*.pdf"))]


@pytest.fixture(scope="module")
def embed():
    return TextEmbedder().embed


@pytest.fixture(scope="module", params=PAPERS, ids=lambda p: p.stem)
def placed(request, read_paper, embed):
    doc = read_paper(request.param)
    chunks = ["Title."] + [text for _, text in script_beats(write_script(doc, target_seconds=240.0))]
    figures = [(f.label, f.caption) for f in doc.figures if f.image_path]
    return chunks, figures, place_figures(chunks, figures, embed)


def test_every_figure_with_an_image_is_placed_and_none_on_the_title_card(placed):
    chunks, figures, placements = placed
    assert figures, "the fixture papers all have figures"
    shown = [label for p in placements.values() for label in p.figures]
    assert set(shown) == {label for label, _ in figures}
    assert 0 not in placements
    assert all(1 <= len(p.figures) <= PER_CHUNK for p in placements.values())


def test_a_cited_figure_is_shown_where_the_narration_cites_it(placed):
    chunks, figures, placements = placed
    labels = [label for label, _ in figures]
    for i, text in enumerate(chunks[1:], 1):
        for label in mentioned_figures(text, labels)[:PER_CHUNK]:
            assert label in placements[i].figures
            assert CITED in placements[i].reason


def test_uncited_figures_keep_document_order(placed):
    chunks, figures, placements = placed
    order = {label: n for n, (label, _) in enumerate(figures)}
    uncited = sorted(
        (
            (i, order[label])
            for i, p in placements.items()
            for label, why in zip(p.figures, p.reason.split("; "))
            if why != CITED
        )
    )
    assert [n for _, n in uncited] == sorted(n for _, n in uncited)


def test_an_uncited_figure_goes_to_the_chunk_that_talks_about_its_subject(embed):
    chunks = [
        "Rock pools at low tide.",
        "Crabs hide under stones when the tide goes out.",
        "The sea anemone stings small shrimps with its tentacles.",
        "Limpets graze algae from the rock and return to one spot.",
    ]
    figures = [("Figure 1", "A shore crab under a stone."), ("Figure 2", "Limpet home scars on the rock.")]
    placements = place_figures(chunks, figures, embed)
    assert placements[1].figures == ("Figure 1",) and placements[3].figures == ("Figure 2",)
    assert "caption closest to the narration" in placements[3].reason


def test_more_figures_than_chunks_take_second_places_then_the_least_relevant_go(embed):
    chunks = ["Title.", "Crabs hide under stones.", "Anemones sting shrimps."]
    figures = [
        (f"Figure {n}", caption)
        for n, caption in enumerate(["A crab.", "A stone.", "An anemone.", "A shrimp.", "The stock market in 1929."], 1)
    ]
    placements = place_figures(chunks, figures, embed)
    shown = [label for p in placements.values() for label in p.figures]
    assert len(shown) == 2 * PER_CHUNK and "Figure 5" not in shown
    assert shown == sorted(shown, key=lambda label: int(label.split()[1]))


@pytest.mark.parametrize(
    "text, labels",
    [
        ("Figures 2 and 3 show the error.", ["Figure 2", "Figure 3"]),
        ("As Fig. 4 shows, and Table 1 lists,", ["Figure 4", "Table 1"]),
        ("Figures 1-3 compare the methods.", ["Figure 1", "Figure 2", "Figure 3"]),
        ("Table 9 is not in the paper.", []),
        # Other journals' floats, as the PDF reader labels them.
        (
            "Scheme 1 gives the synthesis; see Supplementary Figure 2 and Fig. S1.",
            ["Scheme 1", "Figure S2", "Figure S1"],
        ),
        ("Plates 1 and 2 show the site; Chart 1 and Exhibit 1 the prices.", ["Plate 1", "Chart 1", "Exhibit 1"]),
    ],
)
def test_mentions_are_read_with_their_lists_and_ranges(text, labels):
    known = [
        "Figure 1",
        "Figure 2",
        "Figure 3",
        "Figure 4",
        "Table 1",
        "Scheme 1",
        "Figure S1",
        "Figure S2",
        "Plate 1",
        "Chart 1",
        "Exhibit 1",
    ]
    assert mentioned_figures(text, known) == labels


def test_without_embeddings_uncited_figures_spread_over_the_video():
    chunks = ["Title."] + [f"Sentence {n}." for n in range(1, 13)]
    placements = place_figures(chunks, [("Figure 1", "a"), ("Figure 2", "b"), ("Figure 3", "c")], None)
    positions = sorted(placements)
    assert len(positions) == 3 and np.diff(positions).min() >= 3
