"""Glyphs a PDF does not map to Unicode: ligatures and symbol-font characters recovered from the
fonts' glyph names, or learned from the dictionary; superscripts joined to their base."""

from __future__ import annotations

import re

import pdfplumber
import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from pdfminer.fontmetrics import FONT_METRICS

from vidgen_assets.language.script import to_spoken, write_script
from vidgen_assets.sources.pdf import read_pdf
from vidgen_assets.sources.pdf.lines import page_objects, read_page
from vidgen_assets.sources.pdf.repair import LIGATURES, dictionary_words, mend_unmapped_ligatures
from vidgen_tests.helpers.paths import FIXTURES, MAX_PAGES

MAPREDUCE = FIXTURES / "papers" / "mapreduce-osdi04.pdf"
WHEAT = FIXTURES / "papers" / "wheat-heat-stress-plos.pdf"


def missing_ligature_words(text: str) -> set[str]:
    """Words that are not in the dictionary but become a dictionary word with a ligature put
    back somewhere inside them ("signicant" -> "significant")."""
    dictionary = dictionary_words()
    broken = set()
    for word in set(re.findall(r"[A-Za-z]{2,}", text)):
        lower = word.lower()
        if lower in dictionary:
            continue
        if any(lower[:i] + ligature + lower[i:] in dictionary for i in range(len(lower) + 1) for ligature in LIGATURES):
            broken.add(word)
    return broken


@pytest.fixture(scope="module")
def mapreduce(read_paper):
    return read_paper(MAPREDUCE)  # once per session


def raw_pages(path, recover_glyphs: bool) -> list[dict]:
    with pdfplumber.open(path) as pdf:
        return [page_objects(page, recover_glyphs) for page in pdf.pages]


# --- ligatures ------------------------------------------------------------------------------


def test_mapreduce_title_reads_simplified(mapreduce):
    assert mapreduce.title == "MapReduce: Simplified Data Processing on Large Clusters"


def test_no_word_of_the_mapreduce_narration_misses_a_ligature(mapreduce):
    script = write_script(mapreduce, target_seconds=600.0, words_per_minute=165.0)
    narration = " ".join(sentence.text for sentence in script)
    assert len(narration.split()) > 500
    assert re.search(r"\b(first|file|files|final|significant)\b", narration)
    assert missing_ligature_words(narration) == set()


def test_no_word_of_the_whole_mapreduce_text_misses_a_ligature(mapreduce):
    text = " ".join(section.text for section in mapreduce.sections)
    assert missing_ligature_words(text) == set()


def test_ligatures_learned_from_the_dictionary_match_the_fonts_glyph_names():
    """Without the glyph names, the unmapped codes are learned from the words they complete;
    what is learned is what the fonts' own names say, character for character."""
    named = raw_pages(MAPREDUCE, recover_glyphs=True)
    unnamed = raw_pages(MAPREDUCE, recover_glyphs=False)
    before = sum(1 for raw in unnamed for c in raw["chars"] if c["text"].startswith("(cid:"))
    learned = mend_unmapped_ligatures(unnamed)
    assert {ligature for ligature in learned.values()} == {"fi", "fl"}
    compared = 0
    for raw_named, raw_learned in zip(named, unnamed):
        by_place = {(c["x0"], c["top"]): c["text"] for c in raw_named["chars"]}
        for c in raw_learned["chars"]:
            if c["text"] in LIGATURES:
                assert by_place[(c["x0"], c["top"])].translate(str.maketrans({"ﬁ": "fi", "ﬂ": "fl"})) == c["text"]
                compared += 1
    assert compared > 0.7 * before  # most unmapped glyphs of the paper were ligatures


def test_an_unmapped_symbol_glyph_is_not_taken_for_a_ligature():
    # The PLOS paper's asterisks (a re-encoded Computer Modern symbol font) sit beside digits and
    # brackets, never inside words: without their names, nothing may be learned for them.
    unnamed = raw_pages(WHEAT, recover_glyphs=False)
    assert any(c["text"].startswith("(cid:") for raw in unnamed for c in raw["chars"])
    assert mend_unmapped_ligatures(unnamed) == {}


def test_re_encoded_computer_modern_symbols_are_read_by_their_layout():
    lines = [line.text for raw in raw_pages(WHEAT, recover_glyphs=True) for line in read_page(raw).lines]
    assert any("P ≤ 0.05" in text for text in lines)
    assert any(re.search(r"\d∗∗", text) for text in lines)  # significance stars after an F ratio


# --- a symbol font without ToUnicode (Elsevier's Mathematical Pi names its glyphs H11001...) ---


def _cff_font(encoding: dict[int, str]) -> bytes:
    """A CFF font program whose own encoding puts the named glyphs at the given codes."""
    names = [".notdef", *sorted(set(encoding.values()))]
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({})
    strings = {}
    for name in names:
        pen = T2CharStringPen(500, None)
        if name != ".notdef":
            pen.moveTo((50, 0)), pen.lineTo((450, 0)), pen.lineTo((450, 400)), pen.closePath()
        strings[name] = pen.getCharString()
    builder.setupCFF("MathematicalPi-One", {"FullName": "MathematicalPi-One"}, strings, {})
    table = [".notdef"] * 256
    for code, name in encoding.items():
        table[code] = name
    builder.font["CFF "].cff.topDictIndex[0].Encoding = table
    return builder.font.getTableData("CFF ")


def _helvetica_width(text: str, size: float) -> float:
    return sum(FONT_METRICS["Helvetica"][1][ch] for ch in text) * size / 1000


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file of the given objects (1-based numbers in order); object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


@pytest.fixture(scope="module")
def symbol_font_pdf(tmp_path_factory):
    """A page in Helvetica whose plus, minus and equals signs come from an embedded symbol font
    without a ToUnicode map: one use relies on the font program's own encoding, the other on
    the page's /Differences, and the plus sits at code 33 where StandardEncoding has "!"."""
    return _symbol_font_pdf(tmp_path_factory.mktemp("symbols") / "symbols.pdf", _cff_font({1: "H11005", 33: "H11001"}))


def _symbol_font_pdf(path, program: bytes):
    content = b"\n".join(
        [
            # A superscript raised by a text rise (Ts), 1.3 pt after its base.
            b"BT /F1 11 Tf 72 700 Td [(Waves of intracellular Ca) -120] TJ",
            b"/F1 7 Tf 4 Ts (2) Tj /F2 7 Tf <21> Tj 0 Ts",
            b"/F1 11 Tf ( rose in every cell we imaged, with n ) Tj /F2 11 Tf <01> Tj /F1 11 Tf ( 5 mice.) Tj ET",
            b"BT /F1 11 Tf 72 680 Td (Then the Cl) Tj /F1 7 Tf 4 Ts /F3 7 Tf <07> Tj 0 Ts",
            b"/F1 11 Tf ( current reversed in all of the recorded cells.) Tj ET",
            # A superscript placed by its own text position, as typesetters do, 1.3 pt after its base
            # (less than a word space).
            b"BT /F1 11 Tf 72 660 Td (and Mg) Tj ET",
            b"BT /F1 7 Tf %.2f 664 Td (2) Tj /F2 7 Tf <21> Tj ET" % (mg := 72 + _helvetica_width("and Mg", 11) + 1.3),
            b"BT /F1 11 Tf %.2f 660 Td ( blocked the channel in every one of the cells.) Tj ET"
            % (mg + _helvetica_width("2", 7) + 0.584 * 7),
        ]
    )
    widths = b"/FirstChar 1 /LastChar 33 /Widths [%s]" % b" ".join([b"584"] * 33)
    descriptor = (
        b"<< /Type /FontDescriptor /FontName /ABCDEF+MathematicalPi-One /Flags 4 "
        b"/FontBBox [0 0 500 400] /ItalicAngle 0 /Ascent 400 /Descent 0 /CapHeight 400 "
        b"/StemV 80 /FontFile3 7 0 R >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R /F3 9 0 R >> >> >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+MathematicalPi-One %s /FontDescriptor 8 0 R >>" % widths,
        _stream(program, b"/Subtype /Type1C"),
        descriptor,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+MathematicalPi-One %s /FontDescriptor 8 0 R "
        b"/Encoding << /Type /Encoding /Differences [7 /H11002] >> >>" % widths,
    ]
    path.write_bytes(_pdf(objects))
    return path


def test_symbol_font_glyphs_are_read_by_their_names(symbol_font_pdf):
    without = [line.text for line in read_page(raw_pages(symbol_font_pdf, recover_glyphs=False)[0]).lines]
    assert without[0] == "Waves of intracellular Ca2! rose in every cell we imaged, with n 5 mice."  # as before
    lines = [line.text for line in read_page(raw_pages(symbol_font_pdf, recover_glyphs=True)[0]).lines]
    assert lines == [
        "Waves of intracellular Ca2+ rose in every cell we imaged, with n = 5 mice.",
        "Then the Cl− current reversed in all of the recorded cells.",
        "and Mg2+ blocked the channel in every one of the cells.",
    ]


def test_a_damaged_font_program_leaves_the_page_as_pdfminer_reads_it(tmp_path):
    path = _symbol_font_pdf(tmp_path / "damaged.pdf", b"\x01\x00\x04\x02 not a CFF program")
    pdf = read_pdf(path, tmp_path / "figures", MAX_PAGES)
    text = " ".join(section.text for section in pdf.sections)
    assert "Waves of intracellular Ca2! rose in every cell we imaged, with n 5 mice." in text
    assert "Cl−" in text  # the /Differences name still says what that glyph is
    assert "warnings" not in pdf.metadata


def test_symbol_font_glyphs_are_spoken(symbol_font_pdf):
    text = " ".join(line.text for line in read_page(raw_pages(symbol_font_pdf, recover_glyphs=True)[0]).lines)
    assert to_spoken(text) == (
        "Waves of intracellular calcium ion rose in every cell we imaged, with n equals 5 mice. "
        "Then the chloride ion current reversed in all of the recorded cells. "
        "and magnesium ion blocked the channel in every one of the cells."
    )


# --- speech -----------------------------------------------------------------------------------


def test_an_ion_is_spoken_by_its_element_name_never_letter_by_letter():
    assert to_spoken("Ca2+ waves spread.") == "calcium ion waves spread."
    assert to_spoken("Ca 2+ waves spread and Na + enters.") == "calcium ion waves spread and sodium ion enters."
    assert to_spoken("Sr2+ replaced it.") == "strontium ion replaced it."  # no table entry: the rule
    assert to_spoken("Cl− flows out of the cell.") == "chloride ion flows out of the cell."
    # A metal's charge whose sign no glyph map recovered: still the ion, never "C A 2".
    assert to_spoken("A Ca2 wave was seen.") == "A calcium ion wave was seen."
    assert (
        to_spoken("Intracellular Ca 2 waves and Mg 2 block.")
        == "Intracellular calcium ion waves and magnesium ion block."
    )
    assert to_spoken("Cl2 gas and Ca 25 samples.") == "chlorine 2 gas and Ca 25 samples."  # not a metal; not a charge
    assert to_spoken("Mixed C + D well.") == "Mixed C D well."  # a sum, not carbon
    # A French clinical text (pdfplumber's issue-71 sample) sets the minus as an en dash.
    assert to_spoken("Plasma HCO3– fell.") == "Plasma bicarbonate fell."
    assert to_spoken("Figures S3–S5 show it.") == "Figures S3–S5 show it."


def test_an_equals_sign_is_spoken():
    assert to_spoken("We used n = 5 mice per group.") == "We used n equals 5 mice per group."
    assert to_spoken("We used n=5 mice per group.") == "We used n equals 5 mice per group."
    assert to_spoken("Waves reached ∼40 cells.") == "Waves reached about 40 cells."


def test_greek_variant_letters_recovered_from_tex_fonts_are_named():
    # TeX's "epsilon1" glyph is ϵ; its variants are spoken like the plain letters.
    assert to_spoken("The rate ϵ was small and the weight ϕ was large in every trial.") == (
        "The rate epsilon was small and the weight phi was large in every trial."
    )
