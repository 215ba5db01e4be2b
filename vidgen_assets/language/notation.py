"""How notation is said aloud: chemical formulae and ions, Greek letters, operators, degrees.

Chemistry first, from a small table of the common ions and molecules ("Ca2+" is "calcium ion")
and, for any other formula of element symbols, a rule: its letters and numbers one by one
("Fe2O3" is "Fe 2 O 3"), with its charge ("plus", "minus"). A bracketed ion with a subscript i or o
is a concentration inside or outside the cell ("[Ca2+]i" is "intracellular calcium ion").
"""

from __future__ import annotations

import re

_NAMED = {
    "Ca2+": "calcium ion", "Na+": "sodium ion", "K+": "potassium ion", "Mg2+": "magnesium ion",
    "Cl-": "chloride ion", "H+": "hydrogen ion", "Fe2+": "ferrous ion", "Fe3+": "ferric ion",
    "Zn2+": "zinc ion", "Cu2+": "copper ion", "Mn2+": "manganese ion", "OH-": "hydroxide ion",
    "H2O": "water", "CO2": "carbon dioxide", "O2": "oxygen", "H2O2": "hydrogen peroxide",
    "NaCl": "sodium chloride", "CH4": "methane", "NH3": "ammonia", "N2": "nitrogen", "H2": "hydrogen",
    "NO3-": "nitrate", "SO42-": "sulfate", "PO43-": "phosphate", "HCO3-": "bicarbonate",
}
_ELEMENTS = frozenset(
    "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr "
    "Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pt Au Hg Pb Bi Rn U".split()
)
# Element symbols with counts, then an optional charge: "Ca2+", "H2O", "SO42-".
_FORMULA = re.compile(r"(?<![\w\[])(\[)?((?:[A-Z][a-z]?\d*){1,6})(\d?[+−-](?![\w\d]))?(\])?([io](?!\w))?")
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi",
    "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}
_UNITS = {"l": "litres", "L": "litres", "g": "grams", "m": "metres", "M": "molar", "mol": "moles", "s": "seconds"}
# Units come first, so that "μmol m^−2 s^−1" is not taken for mathematics.
_UNIT_FORMS = [(re.compile(pattern), spoken) for pattern, spoken in [
    (r"(?<![\w^])([a-z]+|L)\^[−-]1\b", r"per \1"),  # "g spike^−1": grams per spike
    (r"(?<![\w^])([a-z]+|L)\^[−-]2\b", r"per square \1"),
    (r"[μµ]([lL]|g|m|M|mol|s)\b", lambda m: "micro" + _UNITS[m.group(1)]),
]]
_SYMBOLS = [(re.compile(pattern), spoken) for pattern, spoken in [
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
    (r"(?<!\S)~\s*(?=\d)", "about "),
    (r"\s+=\s+", " equals "),
    (r"\s+<\s+", " less than "),
    (r"\s+>\s+", " greater than "),
    (r"\s*→\s*", " to "),
    (r"∞", "infinity"),
]]


def say_chemistry(text: str) -> str:
    """Chemical formulae and ions as words, before brackets are taken for citations."""
    return _FORMULA.sub(_formula, text)


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


def _formula(match: re.Match) -> str:
    opening, body, charge, closing, where = match.groups()
    charge = (charge or "").replace("−", "-")
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
    parts = [f"{symbol} {count}".strip() for symbol, count in symbols]
    if charge:
        parts.append(f"{charge[:-1]} plus".strip() if charge.endswith("+") else f"{charge[:-1]} minus".strip())
    return " ".join(parts)
