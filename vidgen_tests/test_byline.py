"""A paper's authors from its byline when the PDF's metadata names none (the title card shows them)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from vidgen_assets.sources.pdf import _parse_pages
from vidgen_assets.sources.pdf.byline import authors, byline, names_someone
from vidgen_assets.sources.pdf.lines import read_page
from vidgen_assets.sources.pdf.structure import read_structure
from vidgen_tests.helpers.paths import FIXTURES, PAPER


def test_a_paper_without_author_metadata_gets_its_byline(read_paper):
    doc = read_paper(FIXTURES / "papers" / "mapreduce-osdi04.pdf")
    assert doc.metadata["Author"] == "Jeffrey Dean, Sanjay Ghemawat"


@pytest.mark.parametrize("paper", [PAPER, *sorted((FIXTURES / "papers").glob("*.pdf"))], ids=lambda p: p.stem)
def test_the_byline_names_only_people_the_paper_names(paper):
    with pdfplumber.open(paper) as pdf:
        raw, _ = _parse_pages(Path(paper), pdf, len(pdf.pages))
        metadata = {k: str(v) for k, v in (pdf.metadata or {}).items() if isinstance(v, str)}
    pages = [read_page(r) for r in raw]
    read_structure(pages, metadata)
    first_page = " ".join(line.text for line in pages[0].lines)
    names = byline(pages)
    # Every name found is printed on page 1, none is an affiliation or address.
    for name in filter(None, names.split(", ")):
        assert name.split()[-1].lower() in first_page.lower()
        assert not any(word in name.lower() for word in ("university", "inc", "@", "department"))
    # Where the metadata names the authors too, the byline agrees with it.
    if names_someone(metadata.get("Author", "")) and "wheat" not in paper.stem:  # PLOS sets its byline apart
        surnames = {n.split()[-1].lower() for n in metadata["Author"].replace(" and ", ", ").split(", ")}
        assert surnames & {n.split()[-1].lower() for n in names.split(", ") if n}


@pytest.mark.parametrize(
    "field, named",
    [
        ("Jeffrey Dean", True),
        ("", False),
        ("user", False),
        ("Administrator", False),
        ("  ;", False),
    ],
)
def test_placeholder_author_fields_name_nobody(field, named):
    assert names_someone(field) is named


def _pages(paper: Path):
    with pdfplumber.open(paper) as pdf:
        raw, _ = _parse_pages(Path(paper), pdf, 1)
    pages = [read_page(r) for r in raw]
    read_structure(pages, {})
    return pages


@pytest.mark.parametrize("field", ["ibm", "Jeffrey Deen", "Sanjay Ghemawat, Md. Shah Alam"])
def test_an_author_field_the_first_page_does_not_print_gives_way_to_the_byline(field):
    # Writing software puts whoever ran it in the Author field: "ibm" on an NLP paper by two
    # others, a co-author's misspelt name on a chemistry paper by six (both seen on real papers).
    assert authors(field, _pages(FIXTURES / "papers" / "mapreduce-osdi04.pdf")) == "Jeffrey Dean, Sanjay Ghemawat"


@pytest.mark.parametrize("field", ["Jeffrey Dean and Sanjay Ghemawat", "Dean, Jeffrey; Ghemawat, Sanjay"])
def test_an_author_field_the_first_page_prints_is_kept_as_written(field):
    assert authors(field, _pages(FIXTURES / "papers" / "mapreduce-osdi04.pdf")) == field
