"""Reading real papers as a person would (vidgen_assets/sources/pdf/): whole words, super- and
subscripts kept, nothing from the margins, every cited figure shown. The three papers in
../shared/fixtures/papers/ each break a different habit of PDF text extraction."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pdfplumber
import pytest
from PIL import ImageStat

from vidgen_assets.language.script import write_script
from vidgen_assets.sources.pdf import read_pdf
from vidgen_assets.sources.pdf.figures import render_crop
from vidgen_assets.sources.pdf.lines import page_objects, read_page
from vidgen_assets.sources.pdf.structure import read_structure
from vidgen_tests.helpers.paths import FIXTURES, MAX_PAGES, PAPER
from vidgen_tests.helpers.pdfs import make_pdf

PAPERS = FIXTURES / "papers"
# Debian's wamerican and wamerican-huge, installed by `make install`
WORD_LISTS = (Path("/usr/share/dict/words"), Path("/usr/share/dict/american-english-huge"))


# The papers are read once per session (conftest.read_paper): other modules read them too.
@pytest.fixture(scope="module")
def denoising(read_paper):
    return read_paper(PAPERS / "natural-image-denoising.pdf")


@pytest.fixture(scope="module")
def arxiv(read_paper):
    return read_paper(PAPERS / "influential-nodes-arxiv.pdf")


@pytest.fixture(scope="module")
def plos(read_paper):
    return read_paper(PAPERS / "wheat-heat-stress-plos.pdf")


def narration(doc) -> str:
    """Everything the script could say (a target length nothing fills)."""
    return " ".join(s.text for s in write_script(doc, target_seconds=1e6))


def test_tightly_kerned_words_come_apart(denoising):
    # pdfplumber's own text reads "unsu-pervisedlearningprocedurethatsynthesizes" here.
    assert "an unsupervised learning procedure that synthesizes training samples" in denoising.text
    assert not re.search(r"[a-z]{25,}", denoising.text)


def test_narration_words_are_whole_words(denoising, arxiv, plos):
    missing = [path for path in WORD_LISTS if not path.exists()]
    assert not missing, f"{missing} missing: apt-get install wamerican wamerican-huge (see the Makefile)"
    words = {
        w.strip().lower() for path in WORD_LISTS for w in path.read_text(encoding="utf-8", errors="ignore").split()
    }
    for doc in (denoising, arxiv, plos):
        paper = re.findall(r"[a-z]+", doc.text.lower())
        counts = {w: paper.count(w) for w in set(paper)}
        spoken = re.findall(r"[A-Za-z]+", " ".join(s.text for s in write_script(doc)))
        # A word is whole if the word list knows it or the paper writes it more than once.
        whole = [w for w in spoken if w.lower() in words or counts.get(w.lower(), 0) >= 2]
        assert len(whole) >= 0.99 * len(spoken), (doc.title, sorted(set(spoken) - set(whole)))


def test_super_and_subscripts_are_kept_and_marks_are_dropped(arxiv, plos, denoising):
    # Superscripts: CN^(1), CN^(2) were read as "(CN) and ... (CN)".
    assert "many common neighbors (CN(1)) and common neighbors of neighbors (CN(2))" in arxiv.text
    # Subscripts: F_v/F_m (PLOS) and log_10, sigma_e (the denoising paper).
    assert "Fv/Fm" in plos.text
    # A signed superscript is an exponent, a number before an element an isotope: not marks.
    assert "Grain yield per spike (g spike^-1)" in plos.text
    assert "from the 13C-media" in plos.text
    assert "20 log10(255/σe)" in denoising.text
    # Affiliation and footnote marks are not text: "Kayla Thomason1☯" is an author's name.
    assert "Thomason1" not in plos.text and "☯" not in plos.text
    assert not re.search(r"SHOKROLLAHI\d|∗", arxiv.text)


def test_degrees_and_plus_minus_are_spoken(plos):
    assert "heat stress (35:28 ± 0.08°C)" in plos.text
    assert "heat stress (35:28 plus or minus 0.08 degrees Celsius) was initiated" in narration(plos)


def test_arxiv_stamp_running_heads_and_contents_are_not_read(arxiv):
    text = arxiv.text
    assert "viXra" not in text and "1504.06236" not in text  # the rotated stamp
    assert "SHEIKHAHMADI" not in text and "IMPROVING DETECTION OF INFLUENTIAL" not in text  # running heads
    assert "and its improvements 4" not in text  # the table of contents
    headings = [s.heading for s in arxiv.sections]
    assert headings[:3] == ["Abstract", "1. Introduction", "2. Structural measures"]  # small capitals
    assert not any(re.match(r"\d+:", h) for h in headings)  # pseudo-code lines are not headings
    algorithm = {f.label: f for f in arxiv.figures}["Algorithm 1"]
    assert algorithm.caption.startswith("Computing the rate of CN(1,2) of k seeds")
    assert "total ← 0" not in text  # the box is a float, not body text


def test_side_column_and_licence_are_not_read(plos):
    text = plos.text
    for outside in (
        "Copyright",
        "Creative Commons",
        "Editor:",
        "Received:",
        "CHINA",
        "PLOS ONE |",
        "Competing interests",
    ):
        assert outside not in text
    # The abstract runs on where the side column used to cut into it.
    assert "accumulated 1.5 fold of higher or lower due to high temperature stress." in text


def test_every_figure_the_narration_cites_has_an_image(read_paper):
    for path in (PAPER, *sorted(PAPERS.glob("*.pdf"))):
        doc = read_paper(path)
        shown = {f.label for f in doc.figures if f.image_path is not None and f.image_path.exists()}
        cited = {
            f"{'Table' if kind == 'Table' else 'Figure'} {number}"
            for kind, number in re.findall(r"\b(Figure|Table)s?\s+(\d+)", narration(doc))
        }
        assert cited and cited <= shown, (path.name, cited - shown)


def test_a_figure_with_no_drawing_found_is_cropped_from_its_page_region():
    with pdfplumber.open(PAPER) as pdf:
        pages = [read_page(page_objects(page)) for page in pdf.pages]
        pages[4].graphics = []  # as if its picture could not be listed
        _, _, captions = read_structure(pages, {})
        figure = {c.label: c for c in captions}["Figure 1"]
        assert figure.from_region and figure.crop is not None
        x0, top, x1, bottom = figure.crop
        assert bottom <= figure.top and bottom - top > 100
        image = render_crop(pdf.pages[4], figure.crop)
    gray = image.convert("L")
    assert gray.getextrema()[0] < 80 and ImageStat.Stat(gray).stddev[0] > 15  # the drawing, not blank


def test_an_unreadable_page_is_skipped_with_a_warning(tmp_path):
    path = tmp_path / "damaged.pdf"
    first = b"BT /F1 12 Tf 72 700 Td (Reading goes on: this first page reads well, the next does not.) Tj ET"
    path.write_bytes(make_pdf([(b"/Filter /FlateDecode", zlib.compress(first)), (b"/Filter /NoSuchDecode", b"abc")]))
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    assert "this first page reads well" in doc.text
    assert len(doc.metadata["warnings"]) == 1
    assert doc.metadata["warnings"][0].startswith("page 2 skipped: unreadable")
    # The source_documents asset shows the warning in its metadata, and the run succeeds.
    from dagster import DagsterInstance, materialize

    from vidgen_assets.assets.documents import source_documents
    from vidgen_assets.partitions import documents
    from vidgen_assets.resources import SettingsResource, StorageResource
    from vidgen_assets.storage.catalog import register

    storage = StorageResource(data_dir=str(tmp_path / "data"))
    doc_id = register(storage.database(), path)
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(documents.name, [doc_id])
    result = materialize(
        [source_documents],
        partition_key=doc_id,
        instance=instance,
        resources={"storage": storage, "settings": SettingsResource()},
    )
    shown = result.asset_materializations_for_node("source_documents")[0].metadata["warnings"].value
    assert "page 2 skipped: unreadable" in shown


def test_line_numbers_of_a_review_copy_are_not_read(tmp_path):
    sentences = [
        f"Sentence {word} of the submitted draft runs across the page as usual."
        for word in "one two three four five six seven eight nine ten eleven twelve".split()
    ]
    stream = b"".join(
        b"BT /F1 10 Tf 40 %d Td (%d) Tj ET BT /F1 10 Tf 90 %d Td (%s) Tj ET\n"
        % (700 - 14 * i, 101 + i, 700 - 14 * i, sentence.encode())
        for i, sentence in enumerate(sentences)
    )
    path = tmp_path / "review.pdf"
    path.write_bytes(make_pdf([(b"", stream)]))
    doc = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    assert " ".join(sentences) in " ".join(doc.text.split())
    assert not re.search(r"\b1[01]\d\b", doc.text)
