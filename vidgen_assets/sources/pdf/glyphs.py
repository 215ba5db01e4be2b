"""Characters a PDF draws without saying what they are, recovered from its fonts' glyph names.

pdfminer reads a simple font's codes through its /Encoding (StandardEncoding when there is none)
and its ToUnicode map; a code neither covers comes out as "(cid:NN)" and is dropped. Often the
file still says what the glyph is, by name:

- an embedded font program without an /Encoding in the PDF keeps its own encoding, code to glyph
  name (LaTeX's Times via dvips puts "fi" at code 2 and "fl" at 3, in a CFF program);
- an /Encoding /Differences array, or a Type 1 program's encoding, may name glyphs that are not
  in the Adobe Glyph List: Monotype's Mathematical Pi fonts (common in Elsevier and Cell papers)
  call their plus sign "H11001" and their equals sign "H11005"; Computer Modern's symbol font,
  re-encoded, calls its glyphs "C3" and "C20" after their place in TeX's layout.

recover_page_glyphs() teaches pdfminer's font objects (cached per document) those names before a
page's characters are read, so the characters come out right everywhere downstream. A ToUnicode
entry always wins, and a name nobody knows stays unknown: nothing is guessed here.
"""

from __future__ import annotations

import io
import re

from pdfminer.encodingdb import name2unicode
from pdfminer.pdffont import PDFSimpleFont
from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import PSLiteral, literal_name

# Monotype/Linotype Mathematical Pi glyph names (the same in every PDF that embeds the fonts, even
# when the codes differ). Only names that independent public decoders (pdf2svg's AMIFontManager,
# svg2xml's ValueNormaliser, and three Python PDF readers that identified them from rendered
# glyphs) agree on; names they disagree on are left out.
_MATH_PI = {
    "H11001": "+",
    "H11002": "−",
    "H11003": "×",
    "H11005": "=",
    "H11006": "±",
    "H11009": "∞",
    "H11011": "∼",
    "H11015": "≈",
    "H11021": "<",
    "H11022": ">",
    "H11032": "′",
    "H11034": "°",
    "H11349": "≤",
    "H11350": "≥",
    "H11554": "·",
    "H11569": "*",
    "HS11005": "≠",
    "H20849": "(",
    "H20850": ")",
    "H20853": "{",
    "H20854": "}",
    "H9004": "Δ",
    "H9021": "Φ",
    "H9024": "Ω",
    # Lower-case Greek runs in alphabetical order from H9251 (α); each is confirmed by at least
    # two of the sources above.
    "H9251": "α",
    "H9252": "β",
    "H9253": "γ",
    "H9254": "δ",
    "H9255": "ε",
    "H9256": "ζ",
    "H9257": "η",
    "H9258": "θ",
    "H9259": "ι",
    "H9260": "κ",
    "H9261": "λ",
    "H9262": "μ",
    "H9263": "ν",
    "H9266": "π",
    "H9267": "ρ",
    "H9268": "σ",
    "H9270": "τ",
    "H9271": "υ",
    "H9272": "φ",
    "H9273": "χ",
    "H9274": "ψ",
    "H9275": "ω",
    "H9278": "φ",
    "H9280": "ε",
}
_MATH_PI_NAME = re.compile(r"HS?\d{4,5}")
# TeX math fonts' glyph names that the Adobe Glyph List lacks (from TeX's texglyphlist.txt, as
# lcdf-typetools and dvipdfmx ship it): Greek variants, relations and the text/display sizes.
_TEX_NAMES = {
    "epsilon1": "ϵ",
    "rho1": "ϱ",
    "pi1": "ϖ",
    "prime": "′",
    "lessmuch": "≪",
    "greatermuch": "≫",
    "follows": "≻",
    "precedesequal": "≼",
    "followsequal": "≽",
    "similarequal": "≃",
    "owner": "∋",
    "triangle": "△",
    "triangleinv": "▽",
    "star": "⋆",
    "emptyset": "∅",
    "latticetop": "⊤",
    "turnstileleft": "⊢",
    "turnstileright": "⊣",
    "unionsq": "⊔",
    "intersectionsq": "⊓",
    "subsetsqequal": "⊑",
    "supersetsqequal": "⊒",
    "bardbl": "∥",
    "lscript": "ℓ",
    "diamondmath": "⋄",
    "equivasymptotic": "≍",
    "asteriskcentered": "∗",
    "summationtext": "∑",
    "summationdisplay": "∑",
    "integraltext": "∫",
    "integraldisplay": "∫",
    "producttext": "∏",
    "productdisplay": "∏",
}
# Computer Modern's math symbol font (cmsy, TeX's OMS encoding), codes 0 to 53: what a glyph
# named "C<code>" is in a font that says it is that font.
_CMSY_LAYOUT = "−·×∗÷⋄±∓⊕⊖⊗⊘⊙◯∘•≍≡⊆⊇≤≥⪯⪰∼≈⊂⊃≪≫≺≻←→↑↓↔↗↘≃⇐⇒⇑⇓⇔↖↙∝′∞∈∋△▽"
_CMSY_FONT = re.compile(r"CMSY|CM_?Maths?_?Symbols", re.I)
_CODE_NAME = re.compile(r"C(\d{1,3})")
_TYPE1_ENCODING_ENTRY = re.compile(rb"dup\s+(\d{1,3})\s*/([^\s/\[\]{}()<>]+)\s+put")


def glyph_text(name: str, font_name: str = "") -> str | None:
    """What a glyph name stands for, or None when the name says nothing known."""
    if name in _MATH_PI or name in _TEX_NAMES:
        return _MATH_PI.get(name) or _TEX_NAMES[name]
    code = _CODE_NAME.fullmatch(name)
    if code and _CMSY_FONT.search(font_name):
        index = int(code.group(1))
        return _CMSY_LAYOUT[index] if index < len(_CMSY_LAYOUT) else None
    try:
        text = name2unicode(name)  # the Adobe Glyph List, uniXXXX, and "f_i"-style ligatures
    except (KeyError, ValueError):
        return None
    return text if text and text.isprintable() else None


def font_glyph_names(spec: dict) -> dict[int, str]:
    """Code -> glyph name for a simple font: its embedded program's own encoding, overridden by
    the /Differences of its /Encoding (as the PDF specification orders them)."""
    names: dict[int, str] = {}
    encoding = resolve1(spec.get("Encoding"))
    if not (isinstance(encoding, dict) and "BaseEncoding" in encoding) and not isinstance(encoding, PSLiteral):
        names.update(_program_encoding(resolve1(spec.get("FontDescriptor"))))
    if isinstance(encoding, dict):
        code = 0
        for item in resolve1(encoding.get("Differences")) or []:
            item = resolve1(item)
            if isinstance(item, int):
                code = item
            elif isinstance(item, PSLiteral):
                names[code] = item.name if isinstance(item.name, str) else item.name.decode("latin-1")
                code += 1
    return names


def _program_encoding(descriptor) -> dict[int, str]:
    """The built-in encoding of an embedded Type 1 ("dup 2 /fi put") or CFF font program."""
    if not isinstance(descriptor, dict):
        return {}
    try:
        program = resolve1(descriptor.get("FontFile"))
        if isinstance(program, PDFStream):
            clear = program.get_data()[: int(resolve1(program.get("Length1")) or 0) or None]
            return {int(code): name.decode("latin-1") for code, name in _TYPE1_ENCODING_ENTRY.findall(clear)}
        program = resolve1(descriptor.get("FontFile3"))
        if isinstance(program, PDFStream) and literal_name(resolve1(program.get("Subtype"))) == "Type1C":
            return _cff_encoding(program.get_data())
    except Exception:  # a damaged font program: its glyphs stay as pdfminer read them
        return {}
    return {}


def _cff_encoding(data: bytes) -> dict[int, str]:
    from fontTools.cffLib import CFFFontSet  # only PDFs with CFF fonts and unmapped codes need it

    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(data), None)
    encoding = fonts[fonts.fontNames[0]].Encoding
    if isinstance(encoding, str):  # "StandardEncoding" or "ExpertEncoding": nothing to add
        return {}
    return {code: name for code, name in enumerate(encoding) if name and name != ".notdef"}


def recover_page_glyphs(page) -> int:
    """Before a pdfplumber page's characters are read, give its fonts' unmapped codes the
    characters their glyph names say (see the module docstring). Fonts are pdfminer's cached
    objects, so each is mended once per document. Returns how many codes were mended."""
    manager = page.pdf.rsrcmgr
    mended = 0
    try:
        fonts = list(_page_fonts(page.page_obj.resources))
    except Exception:  # damaged resources: the page is read as pdfminer alone reads it
        return 0
    for objid, spec in fonts:
        try:
            font = manager.get_font(objid, spec)
        except Exception:  # a font pdfminer cannot build is its interpreter's business, not ours
            continue
        if not isinstance(font, PDFSimpleFont) or getattr(font, "_vidgen_glyphs", False):
            continue
        font._vidgen_glyphs = True
        mended += _mend_font(font, spec)
    return mended


def font_descents(page) -> dict[str, float]:
    """Font name -> descent (per unit of size) of the horizontal fonts a page draws with; a name
    shared by two fonts with different descents, or by a vertical font, is left out. pdfminer places a glyph's box from
    its font's descent and the text rise (Ts), which its matrix leaves out: with the descent, the
    rise can be read back from the box (lines.page_objects)."""
    descents: dict[str, float | None] = {}
    try:
        fonts = list(_page_fonts(page.page_obj.resources))
    except Exception:
        return {}
    for objid, spec in fonts:
        try:
            font = page.pdf.rsrcmgr.get_font(objid, spec)
            name = font.fontname or ""
            descent = None if font.is_vertical() else float(font.get_descent())
        except Exception:
            continue
        descents[name] = descent if descents.get(name, descent) == descent else None
    return {name: descent for name, descent in descents.items() if descent is not None}


def _mend_font(font: PDFSimpleFont, spec: dict) -> int:
    if not any(key in spec for key in ("Encoding", "FontDescriptor")):
        return 0
    try:
        names = font_glyph_names(spec)
    except Exception:  # an unreadable encoding leaves the font as pdfminer read it
        return 0
    mapped = font.unicode_map.cid2unichr if font.unicode_map is not None else {}
    table = dict(font.cid2unicode)  # pdfminer may share one dict between fonts: never edit it
    changed = 0
    for code, name in names.items():
        if code in mapped:
            continue  # the publisher's ToUnicode entry wins
        text = glyph_text(name, font.fontname or "")
        if text is not None and table.get(code) != text:
            # Missing, or pdfminer kept its base encoding's character for a glyph the file
            # names otherwise (a Mathematical Pi "+" at the code of "!").
            table[code] = text
            changed += 1
        elif text is None and _MATH_PI_NAME.fullmatch(name) and code in table:
            del table[code]  # an unknown Mathematical Pi glyph is not the base encoding's letter
            changed += 1
    if changed:
        font.cid2unicode = table
    return changed


def _page_fonts(resources, depth: int = 0):
    """(object id, font dictionary) of every font a page draws with, in forms too."""
    resources = resolve1(resources)
    if not isinstance(resources, dict) or depth > 4:
        return
    for ref in (resolve1(resources.get("Font")) or {}).values():
        spec = resolve1(ref)
        if isinstance(ref, PDFObjRef) and isinstance(spec, dict):
            yield ref.objid, spec
    for ref in (resolve1(resources.get("XObject")) or {}).values():
        xobject = resolve1(ref)
        if isinstance(xobject, PDFStream) and literal_name(resolve1(xobject.get("Subtype"))) == "Form":
            yield from _page_fonts(xobject.get("Resources"), depth + 1)
