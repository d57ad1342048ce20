"""Annex 1 of the CIGREF 2010 nomenclature: the job x e-CF competence matrix (l.3129-3178).

Empty cells were dropped unevenly when the table was flattened, so a value cannot be read by its
column. The row keeps the non-empty values left to right; a code -> level mapping is given only
when the number of values equals the number of competences on the job's card (then, read in e-CF
code order, they pair one to one); otherwise ``aligned: false`` and no mapping.
"""

from __future__ import annotations

import re
from typing import Any

from .base import SourceFormatError

ROW = re.compile(r"^(\d\.\d{1,2})\t([^\t]+)\t(.*)$")
VALUE = re.compile(r"^[1-5](?:[-/][1-5])?$")


def code_key(code: str) -> tuple[str, int]:
    """Sort key of a normalised e-CF code ('D.10' after 'D.9')."""
    return code[0], int(code[2:])


def parse_matrix(
    lines: list[str], start: int, end: int, cards: list[dict[str, Any]], source: str
) -> tuple[dict[str, Any], list[str]]:
    """Parse lines[start:end] (0-based) into the ``matrix/cigref-2010-annex1.yaml`` data."""
    warnings: list[str] = []
    header_line = next(
        (i for i in range(start, end) if lines[i].startswith("Compétences e-CF")), None
    )
    if header_line is None:
        raise SourceFormatError(source, start + 1, "annex 1: no 'Compétences e-CF' header row")
    codes = [c.strip() for c in lines[header_line].split("\t")[2:] if c.strip()]
    norm = [f"{c[0]}.{int(c[1:])}" for c in codes if re.fullmatch(r"[A-E]\d{1,2}", c)]
    if len(norm) != 36:
        raise SourceFormatError(source, header_line + 1, f"annex 1 header: {len(norm)} codes")
    by_number = {c["number"]: c for c in cards}
    rows = []
    for i in range(start, end):
        m = ROW.match(lines[i])
        if not m:
            continue
        number, title, rest = m.group(1), m.group(2).strip(), m.group(3)
        values = [v.strip() for v in rest.split("\t") if v.strip()]
        bad = [v for v in values if not VALUE.match(v)]
        if bad:
            raise SourceFormatError(source, i + 1, f"annex 1 row {number}: bad values {bad}")
        row: dict[str, Any] = {"number": number, "title": title, "values": values}
        card = by_number.get(number)
        if card is None:
            raise SourceFormatError(source, i + 1, f"annex 1 row {number}: no such job card")
        ordered = sorted((c["code"] for c in card["competences"]), key=code_key)
        if len(ordered) == len(values):
            row["aligned"] = True
            row["levels"] = dict(zip(ordered, values, strict=True))
        else:
            row["aligned"] = False
            warnings.append(
                f"{source}:{i + 1}: annex 1 row {number} has {len(values)} level values but card "
                f"{number} lists {len(ordered)} competences; values not paired with codes"
            )
        row["lines"] = [i + 1, i + 1]
        rows.append(row)
    if len(rows) != len(cards):
        raise SourceFormatError(
            source, start + 1, f"annex 1 has {len(rows)} job rows for {len(cards)} cards"
        )
    data = {
        "edition": "cigref-2010",
        "title": "Annexe 1 : récapitulatif du croisement métiers/compétences",
        "framework": {"name": "e-CF", "version": "2.0"},
        "codes": norm,
        "rows": rows,
        "provenance": {"source": source, "lines": [start + 1, end]},
    }
    return data, warnings
