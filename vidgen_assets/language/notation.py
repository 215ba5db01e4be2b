"""How notation is said aloud: chemical formulae and ions, Greek letters, operators, degrees.

Chemistry first, from a small table of the common ions and molecules ("Ca2+" is "calcium ion")
and, for any other formula of element symbols, a rule: an ion of one element by the element's
name ("Sr2+" is "strontium ion"; a letter-by-letter "S R two" means nothing to a listener), a
lone metal with a count as its ion ("Ca2" is "calcium ion": in prose a metal's superscript is its
charge, whose sign a font without a Unicode map lost), any other lone element with a count by its
name ("Cl2" is "chlorine 2", never "C L 2"), and other formulae
by their letters and numbers one by one ("Fe2O3" is "Fe 2 O 3"), with a charge ("plus", "minus").
A charge that extraction set apart from its element ("Ca 2+") is joined to it first. A bracketed
ion with a subscript i or o is a concentration inside or outside the cell ("[Ca2+]i" is
"intracellular calcium ion").
"""

from __future__ import annotations

import re

_NAMED = {
    "Ca2+": "calcium ion",
    "Na+": "sodium ion",
    "K+": "potassium ion",
    "Mg2+": "magnesium ion",
    "Cl-": "chloride ion",
    "H+": "hydrogen ion",
    "Fe2+": "ferrous ion",
    "Fe3+": "ferric ion",
    "Zn2+": "zinc ion",
    "Cu2+": "copper ion",
    "Mn2+": "manganese ion",
    "OH-": "hydroxide ion",
    "H2O": "water",
    "CO2": "carbon dioxide",
    "O2": "oxygen",
    "H2O2": "hydrogen peroxide",
    "NaCl": "sodium chloride",
    "CH4": "methane",
    "NH3": "ammonia",
    "N2": "nitrogen",
    "H2": "hydrogen",
    "NO3-": "nitrate",
    "SO42-": "sulfate",
    "PO43-": "phosphate",
    "HCO3-": "bicarbonate",
}
_ELEMENT_NAMES = dict(
    pair.split(":")
    for pair in (
        "H:hydrogen He:helium Li:lithium Be:beryllium B:boron C:carbon N:nitrogen O:oxygen F:fluorine "
        "Ne:neon Na:sodium Mg:magnesium Al:aluminium Si:silicon P:phosphorus S:sulfur Cl:chlorine "
        "Ar:argon K:potassium Ca:calcium Sc:scandium Ti:titanium V:vanadium Cr:chromium Mn:manganese "
        "Fe:iron Co:cobalt Ni:nickel Cu:copper Zn:zinc Ga:gallium Ge:germanium As:arsenic Se:selenium "
        "Br:bromine Kr:krypton Rb:rubidium Sr:strontium Y:yttrium Zr:zirconium Nb:niobium "
        "Mo:molybdenum Tc:technetium Ru:ruthenium Rh:rhodium Pd:palladium Ag:silver Cd:cadmium "
        "In:indium Sn:tin Sb:antimony Te:tellurium I:iodine Xe:xenon Cs:caesium Ba:barium "
        "La:lanthanum Ce:cerium Pt:platinum Au:gold Hg:mercury Pb:lead Bi:bismuth Rn:radon U:uranium"
    ).split()
)
_ELEMENTS = frozenset(_ELEMENT_NAMES)
_METALS = frozenset(
    "Li Na K Rb Cs Be Mg Ca Sr Ba Al Ga In Sn Pb Bi Sc Ti V Cr Mn Fe Co Ni Cu Zn Y Zr Nb Mo Tc Ru Rh Pd Ag "
    "Cd Pt Au Hg La Ce U".split()
)
# A metal's charge set apart with its sign lost ("Ca 2 waves"): joined to the symbol. Two-letter
# symbols only, and a charge of 2 or 3: "K 2" or "V 3" are as likely a label and a number.
_SPACED_BARE_CHARGE = re.compile(
    r"(?<![\w\[])(" + "|".join(m for m in _METALS if len(m) == 2) + r") ([23])(?![\w\d.,]\d)(?=\W|$)"
)
# A charge set apart from its element symbol by a space ("Ca 2+", "Na +"): the superscript was
# placed a little off its base. Without a digit, only a plus or minus sign that no operand
# follows ("C + D" is a sum).
_SPACED_CHARGE = re.compile(r"(?<![\w\[])([A-Z][a-z]?) (\d[+−-]|[+−](?!\s*[A-Z\d(]))(?![\w\d])")
# Element symbols with counts, then an optional charge: "Ca2+", "H2O", "SO42-".
_FORMULA = re.compile(r"(?<![\w\[])(\[)?((?:[A-Z][a-z]?\d*){1,6})(\d?[+−–-](?![\w\d]))?(\])?([io](?!\w))?")
# Isotopes a paper names by mass number and symbol ("13C", "15N", "125I"), as NMR nuclei, tracers
# and labels: said the way a chemist says them, "carbon 13". A list, not a rule, because digits
# before a capital are as often a count or a size ("7B" parameters, "4K" video, "3H" in NMR data,
# three protons). Hydrogen's mass numbers are left out for that reason; "1H" before an NMR
# experiment is the proton, and a chemist says "proton NMR".
_ISOTOPES = frozenset(
    "6Li 7Li 10B 11B 11C 12C 13C 14C 14N 15N 16O 17O 18O 18F 19F 22Na 23Na 24Mg 25Mg 27Al 29Si 31P 32P 33P "
    "32S 34S 35S 36Cl 37Cl 39K 40K 40Ar 42Ca 44Ca 45Ca 51Cr 55Fe 57Fe 59Fe 57Co 60Co 65Zn 67Ga 68Ga 77Se "
    "86Rb 87Rb 87Sr 89Sr 90Sr 99Tc 111In 113Cd 119Sn 123I 125I 127I 129I 131I 129Xe 133Cs 137Cs 195Pt "
    "199Hg 201Tl 206Pb 207Pb 208Pb 210Pb 226Ra 222Rn 232Th 234U 235U 238U".split()
)
_ISOTOPE = re.compile(r"(?<![\w.,^])(\d{1,3})([A-Z][a-z]?)(?![a-z\d])")
# "1H NMR", "1H and 13C NMR", "1H-13C HSQC": the proton, named by the experiment after it.
_PROTON = re.compile(
    r"(?<![\w.,^])1H(?=(?:\s*(?:[-–/,]|and)\s*(?:\d{1,3}[A-Z][a-z]?|1H))*[\s-]*"
    r"(?:NMR|COSY|HSQC|HMBC|HMQC|NOESY|ROESY|TOCSY)\b)"
)
_GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
    "ϵ": "epsilon",
    "ϑ": "theta",
    "ϕ": "phi",
    "ϖ": "pi",
    "ϱ": "rho",
    "ς": "sigma",
    "Γ": "Gamma",
    "Δ": "Delta",
    "Θ": "Theta",
    "Λ": "Lambda",
    "Σ": "Sigma",
    "Φ": "Phi",
    "Ψ": "Psi",
    "Ω": "Omega",
}
_UNITS = {"l": "litres", "L": "litres", "g": "grams", "m": "metres", "M": "molar", "mol": "moles", "s": "seconds"}
# Units come first, so that "μmol m^−2 s^−1" is not taken for mathematics.
_UNIT_FORMS = [
    (re.compile(pattern), spoken)
    for pattern, spoken in [
        (r"(?<![\w^])([a-z]+|L)\^[−-]1\b", r"per \1"),  # "g spike^−1": grams per spike
        (r"(?<![\w^])([a-z]+|L)\^[−-]2\b", r"per square \1"),
        (r"[μµ]([lL]|g|m|M|mol|s)\b", lambda m: "micro" + _UNITS[m.group(1)]),
    ]
]
_SYMBOLS = [
    (re.compile(pattern), spoken)
    for pattern, spoken in [
        (r"\s*±\s*", " plus or minus "),
        (r"(?<![\d.])1\s*(?:°|˚)\s*C\b", "1 degree Celsius"),
        (r"\s*(?:°|˚|C\u030a)\s*C\b|(?<=\d)\s*C\u030a", " degrees Celsius"),
        (r"\s*(?:°|˚)\s*F\b", " degrees Fahrenheit"),
        (r"(?<=\d)\s*[°˚]", " degrees"),
        (r"(?<=[A-Za-z])\^2\b", " squared"),
        (r"(?<=\d)\^[−-](\d+)", r" to the minus \1"),
        (r"(?<=\d)\^(\d+)", r" to the power \1"),
        (r"(?<![\w)])[−](?=\d)", "minus "),
        (r"(?<=\d)\s*[×x]\s*(?=\d)", " times "),
        (r"\s*≈\s*", " approximately "),
        (r"(?<!\S)[~∼]\s*(?=\d)", "about "),
        (r"\s+=\s+|(?<=\w)=(?=[\w−-])", " equals "),  # "n = 5", "n=5"
        (r"\s*≠\s*", " is not equal to "),
        (r"\s+<\s+", " less than "),
        (r"\s+>\s+", " greater than "),
        (r"\s*→\s*", " to "),
        (r"∞", "infinity"),
    ]
]


def say_chemistry(text: str) -> str:
    """Chemical formulae, ions and isotopes as words, before brackets are taken for citations."""
    text = say_isotopes(text)
    text = _SPACED_CHARGE.sub(_joined_charge, text)
    text = _SPACED_BARE_CHARGE.sub(r"\1\2", text)
    return _FORMULA.sub(_formula, text)


def say_isotopes(text: str) -> str:
    """Isotopes by element and mass number ("13C" is "carbon 13"), "1H" before an NMR
    experiment as "proton" ("1H NMR" is "proton NMR")."""
    text = _PROTON.sub("proton", text)

    def isotope(match: re.Match) -> str:
        if match.group(0) not in _ISOTOPES:
            return match.group(0)
        return f"{_ELEMENT_NAMES[match.group(2)]} {match.group(1)}"

    return _ISOTOPE.sub(isotope, text)


def say_units(text: str) -> str:
    """Micro-units and reciprocal units as words: "20 μmol m^−2 s^−1" is "20 micromoles per
    square m per s"."""
    for pattern, spoken in _UNIT_FORMS:
        text = pattern.sub(spoken, text)
    return text


def say_symbols(sentence: str) -> str:
    """Greek letters by name and common operators, degrees and exponents as words."""
    for pattern, spoken in _SYMBOLS:
        sentence = pattern.sub(spoken, sentence)
    # A letter with a subscript ("σe", "v1") is said as two words: "sigma e".
    named = re.sub(f"[{''.join(_GREEK)}]", lambda m: f" {_GREEK[m.group()]} ", sentence)
    return re.sub(r" +", " ", re.sub(r"\s+(?=[,.;:!?)])|(?<=\()\s+", "", named)).strip()


def _joined_charge(match: re.Match) -> str:
    symbol, charge = match.groups()
    # A lone capital is an element only with a counted charge, or as K+ and H+ ("A +" is not).
    if symbol in _ELEMENTS and (charge[0].isdigit() or len(symbol) == 2 or symbol in ("K", "H")):
        return symbol + charge
    return match.group(0)


def _formula(match: re.Match) -> str:
    opening, body, charge, closing, where = match.groups()
    charge = (charge or "").replace("−", "-").replace("–", "-")  # some fonts set minus as an en dash
    symbols = re.findall(r"([A-Z][a-z]?)(\d*)", body)
    # Papers name things like formulae ("CN1", "S1", "CN2" are networks and sets): without a
    # table entry, a formula needs a charge, a two-letter element or two counted elements,
    # and never writes a count of 1.
    counted = [count for _, count in symbols if count]
    is_formula = body + charge in _NAMED or (
        all(symbol in _ELEMENTS for symbol, _ in symbols)
        and "1" not in counted
        and bool(charge or any(len(symbol) == 2 for symbol, _ in symbols) or len(counted) >= 2)
        and bool(charge or counted)
    )
    if not is_formula or bool(opening) != bool(closing):
        return match.group(0)
    spoken = _NAMED.get(body + charge) or _spell(symbols, charge)
    if opening:  # a concentration: [Ca2+]i inside the cell, [Ca2+]o outside
        return {"i": "intracellular ", "o": "extracellular "}.get(where or "", "") + spoken
    return spoken + (where or "")


def _spell(symbols: list[tuple[str, str]], charge: str) -> str:
    if len(symbols) == 1:  # one element: its name ("strontium ion", "calcium ion", "chlorine 2")
        symbol, count = symbols[0]
        if charge or (symbol in _METALS and count in ("2", "3")):
            return f"{_ELEMENT_NAMES[symbol]} ion"
        return f"{_ELEMENT_NAMES[symbol]} {count}".strip()
    parts = [f"{symbol} {count}".strip() for symbol, count in symbols]
    if charge:
        parts.append(f"{charge[:-1]} plus".strip() if charge.endswith("+") else f"{charge[:-1]} minus".strip())
    return " ".join(parts)
