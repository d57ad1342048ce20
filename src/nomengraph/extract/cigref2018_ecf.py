"""The e-CF 3.0 data file (``ecf/ecf-3.0.yaml``) built from the 2018 cards and the reference list.

Names in English and admissible levels come from ``sources/ecf-3.0-reference.csv`` (the
project's reference copy of the 40 competences of e-CF 3.0), the English level descriptors from
``sources/ecf-3.0-levels.csv``. The French names, generic descriptions and level descriptors are
read from the 2018 cards, as printed on the first card that uses them; every other card must
print the same text (conflicts are warned about). A level descriptor keeps both texts, each with
its own provenance (``provenance.fr``: the card; ``provenance.en``: the table's line).

The two tables must agree: a malformed row of the levels table (a level that is not a number from
1 to 5, a code that is not an e-CF 3.0 competence, a level given twice) is a
:class:`SourceFormatError` naming the file and line; a descriptor for a level its competence does
not admit, or an admissible level without one, is a warning, and the descriptor is kept as given.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .base import ECF_AREAS, ECF_EQF, SourceFormatError
from .cigref2018_text import SOURCE

REFERENCE = "sources/ecf-3.0-reference.csv"
LEVELS = "sources/ecf-3.0-levels.csv"

AREAS = ECF_AREAS
EQF = ECF_EQF

# e-CF 2.0 competence names as printed in the 2010 nomenclature, annex 2 (the 2.0 framework).
ECF_20 = {
    "A1": "IS and Business Strategy Alignment",
    "A2": "Service Level Management",
    "A3": "Business Plan Development",
    "A4": "Product or Project Planning",
    "A5": "Architecture Design",
    "A6": "Application Design",
    "A7": "Technology Watching",
    "A8": "Sustainable Development",
    "B1": "Design and Development",
    "B2": "Systems Integration",
    "B3": "Testing",
    "B4": "Solution Deployment",
    "B5": "Documentation Production",
    "C1": "User Support",
    "C2": "Change Support",
    "C3": "Service Delivery",
    "C4": "Problem Management",
    "D1": "Information Security Strategy Development",
    "D2": "ICT Quality Strategy Development",
    "D3": "Education and Training Provision",
    "D4": "Purchasing",
    "D5": "Sales Proposal Development",
    "D6": "Channel Management",
    "D7": "Sales Management",
    "D8": "Contract Management",
    "D9": "Personnel Development",
    "D10": "Information and Knowledge Management",
    "E1": "Forecast Development",
    "E2": "Project and Portfolio Management",
    "E3": "Risk Management",
    "E4": "Relationship Management",
    "E5": "Process Improvement",
    "E6": "ICT Quality Management",
    "E7": "Business Change Management",
    "E8": "Information Security Management",
    "E9": "IT Governance",
}


def read_reference(text: str) -> list[dict[str, Any]]:
    """Rows of the reference CSV: code, area, English name, admissible levels, CSV line."""
    rows = []
    reader = csv.DictReader(io.StringIO(text))
    for i, row in enumerate(reader, start=2):
        rows.append(
            {
                "code": row["code"].strip(),
                "area": row["area_code"].strip(),
                "name_en": row["name_en"].strip(),
                "levels": [int(x) for x in row["levels"].split()],
                "line": i,
            }
        )
    return rows


def read_levels(
    text: str, rows: list[dict[str, Any]]
) -> tuple[dict[str, dict[int, tuple[int, str]]], list[str]]:
    """The English level descriptors of ``sources/ecf-3.0-levels.csv``: ``{code: {level: (line,
    text)}}``, and warnings where they and the admissible levels of ``rows`` (the reference list)
    disagree. Raises :class:`SourceFormatError` for a malformed row."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    missing = [c for c in ("code", "level", "descriptor") if c not in (reader.fieldnames or [])]
    if missing:
        raise SourceFormatError(LEVELS, 1, f"missing column(s) {', '.join(missing)}")
    admitted = {r["code"]: r for r in rows}
    found: dict[str, dict[int, tuple[int, str]]] = {}
    warnings: list[str] = []
    for line, raw in enumerate(reader, start=2):
        code, level = (raw["code"] or "").strip(), (raw["level"] or "").strip()
        descriptor = (raw["descriptor"] or "").strip()
        if code not in admitted:
            raise SourceFormatError(LEVELS, line, f"{code!r} is not an e-CF 3.0 competence")
        if level not in {"1", "2", "3", "4", "5"}:
            raise SourceFormatError(LEVELS, line, f"{code}: level {level!r} is not a number 1-5")
        if not descriptor:
            raise SourceFormatError(LEVELS, line, f"{code} level {level}: the descriptor is empty")
        n = int(level)
        if n in found.get(code, {}):
            first = found[code][n][0]
            raise SourceFormatError(LEVELS, line, f"{code} level {n} given twice (line {first})")
        found.setdefault(code, {})[n] = (line, descriptor)
        ref = admitted[code]
        if n not in ref["levels"]:
            warnings.append(
                f"{LEVELS}:{line}: {code} has a descriptor for level {n}, which e-CF 3.0 does not "
                f"define for {code} (levels {ref['levels']}, {REFERENCE}:{ref['line']})"
            )
    for ref in rows:
        lacking = [n for n in ref["levels"] if n not in found.get(ref["code"], {})]
        if lacking:
            warnings.append(
                f"{REFERENCE}:{ref['line']}: {ref['code']} admits levels {ref['levels']}; "
                f"{LEVELS} has no descriptor for level(s) {lacking}"
            )
    return found, warnings


def _level_descriptors(
    printed: dict[int, tuple[str, dict[str, Any]]],
    english: dict[int, tuple[int, str]],
) -> list[dict[str, Any]]:
    """The descriptors of one competence, by level: the French text as printed on the first card
    that prints it and the English one of the levels table, each with where it comes from."""
    out = []
    for level in sorted(set(printed) | set(english)):
        text: dict[str, str] = {}
        provenance: dict[str, dict[str, Any]] = {}
        if level in english:
            line, en = english[level]
            text["en"] = en
            provenance["en"] = {"source": LEVELS, "lines": [line, line]}
        if level in printed:
            fr, info = printed[level]
            text["fr"] = fr
            provenance["fr"] = {
                "source": SOURCE,
                "lines": list(info["lines"]),
                "note": f"as printed on card {info['card']} (first use)",
            }
        out.append({"level": level, "text": text, "provenance": provenance})
    return out


def _previous(code: str, name_en: str) -> dict[str, Any]:
    old = code.replace(".", "")
    if old not in ECF_20:
        return {"version": "2.0", "code": None, "relation": "new"}
    same = ECF_20[old].casefold() == name_en.casefold()
    return {
        "version": "2.0",
        "code": f"{old[0]}.{old[1:]}",
        "relation": "same" if same else "renamed",
    }


def build_ecf(
    infos: list[dict[str, Any]], reference: str, levels: str
) -> tuple[dict[str, Any], list[str]]:
    """The e-CF 3.0 data file and the warnings (unknown codes, inadmissible levels, conflicts).
    ``reference`` and ``levels``: the texts of the reference list and of the levels table."""
    warnings: list[str] = []
    rows = read_reference(reference)
    english, level_warnings = read_levels(levels, rows)
    warnings.extend(level_warnings)
    known = {r["code"]: r for r in rows}
    first: dict[str, dict[str, Any]] = {}
    descriptors: dict[tuple[str, int], tuple[str | None, dict[str, Any]]] = {}
    for info in infos:
        code, level, line = info["code"], info["level"], info["lines"][0]
        if code not in known:
            warnings.append(f"{SOURCE}:{line}: card {info['card']}: {code} is not an e-CF 3.0 code")
            continue
        if level not in known[code]["levels"]:
            warnings.append(
                f"{SOURCE}:{line}: card {info['card']}: {code} at level {level}, which e-CF 3.0 "
                f"does not define for {code} (levels {known[code]['levels']})"
            )
        if code not in first:
            first[code] = info
        else:
            ref = first[code]
            if info["name"] != ref["name"]:
                warnings.append(
                    f"{SOURCE}:{line}: card {info['card']}: {code} is named {info['name']!r}, "
                    f"{ref['name']!r} on card {ref['card']} (l.{ref['lines'][0]})"
                )
            if info["description"] != ref["description"]:
                warnings.append(
                    f"{SOURCE}:{line}: card {info['card']}: the description of {code} differs "
                    f"from card {ref['card']} (l.{ref['lines'][0]})"
                )
        key = (code, level)
        if key not in descriptors:
            descriptors[key] = (info["descriptor"], info)
        elif descriptors[key][0] != info["descriptor"]:
            ref = descriptors[key][1]
            text, other = info["descriptor"] or "", descriptors[key][0] or ""
            if info["last_of_truncated"] and other.startswith(text):
                how = "is cut short by the end of the text"
            else:
                how = "differs"
            warnings.append(
                f"{SOURCE}:{line}: card {info['card']}: the level-{level} descriptor of {code} "
                f"{how} (card {ref['card']}, l.{ref['lines'][0]})"
            )

    competences = []
    for row in rows:
        code = row["code"]
        comp: dict[str, Any] = {"code": code, "area": row["area"]}
        info = first.get(code)
        name = {"en": row["name_en"]}
        if info:
            name["fr"] = info["name"]
        comp["name"] = name
        if info and info["description"]:
            comp["description"] = {"fr": info["description"]}
        comp["levels"] = row["levels"]
        printed = {lvl: d for (c, lvl), d in descriptors.items() if c == code and d[0]}
        found = _level_descriptors(printed, english.get(code, {}))
        if found:
            comp["level_descriptors"] = found
        comp["previous"] = _previous(code, row["name_en"])
        comp["used_by_cards"] = info is not None
        if info:
            comp["provenance"] = {
                "source": SOURCE,
                "lines": info["lines"],
                "note": f"French text as printed on card {info['card']} (first use); English "
                f"name and admissible levels from {REFERENCE} (line {row['line']})",
            }
        else:
            comp["provenance"] = {
                "source": REFERENCE,
                "lines": [row["line"], row["line"]],
                "note": "not used by any 2018 card: no French text in the nomenclature",
            }
        competences.append(comp)

    data = {
        "framework": "e-CF",
        "version": "3.0",
        "title": {
            "en": "European e-Competence Framework 3.0",
            "fr": "Référentiel européen des compétences numériques (e-CF) 3.0",
        },
        "areas": [{"code": code, "name": {"en": en, "fr": fr}} for code, (en, fr) in AREAS.items()],
        "levels": [{"level": lvl, "eqf": eqf} for lvl, eqf in EQF.items()],
        "competences": competences,
        "provenance": [
            {"source": REFERENCE, "note": "codes, areas, English names, admissible levels"},
            {"source": LEVELS, "note": "English level descriptors"},
            {
                "source": SOURCE,
                "note": "French names, descriptions and level descriptors as printed on the "
                "2018 cards; French area names as the vertical area labels read",
            },
        ],
    }
    return data, warnings
