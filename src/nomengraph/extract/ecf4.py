"""The e-CF 4.0 data file (``ecf/ecf-4.0.yaml``) from the project's e-CF 4.0 reference tables.

``sources/ecf-4.0-competences.csv`` gives the 41 competences of EN 16234-1:2019 (code, area,
English name, admissible levels, description), ``sources/ecf-4.0-levels.csv`` their level
descriptors and ``sources/ecf-3.0-to-4.0-codes.csv`` the e-CF 3.0 competence each one continues
(``same``, ``renamed``, ``moved (renumbered)``, or ``new in e-CF 4.0``; the 3.0 competences 4.0
dropped have no 4.0 code). The texts are English only: no French e-CF 4.0 is available. The
tables must agree with each other: a level descriptor for a level the competence does not admit,
a competence without its descriptors or a concordance code that is not a 4.0 competence is a
:class:`SourceFormatError` naming the file and line.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .base import ECF_AREAS, ECF_EQF, ExtractResult, SourceFormatError

COMPETENCES = "sources/ecf-4.0-competences.csv"
LEVELS = "sources/ecf-4.0-levels.csv"
CODES = "sources/ecf-3.0-to-4.0-codes.csv"
DATA_FILE = "ecf/ecf-4.0.yaml"

_PREVIOUS = {"same": "same", "renamed": "renamed", "moved (renumbered)": "same"}
"""Concordance relation -> the data file's ``previous.relation`` (a renumbered competence is the
same competence under another code)."""


def _records(text: str, source: str, columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(line, record) of a CSV text with one record a line and at least ``columns``."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise SourceFormatError(source, 1, f"missing column(s) {', '.join(missing)}")
    return [(n, {k: (v or "").strip() for k, v in r.items()}) for n, r in enumerate(reader, 2)]


def extract(text: str, levels: str, codes: str) -> ExtractResult:
    """``text``: ``ecf-4.0-competences.csv``; ``levels`` and ``codes``: the two other tables."""
    result = ExtractResult()
    columns = ("code", "area_code", "area", "name", "levels", "description")
    competences = _records(text, COMPETENCES, columns)
    descriptors: dict[str, list[tuple[int, int, str]]] = {}
    for line, r in _records(levels, LEVELS, ("code", "level", "descriptor")):
        if not r["level"].isdigit():
            raise SourceFormatError(LEVELS, line, f"level {r['level']!r} is not a number")
        descriptors.setdefault(r["code"], []).append((line, int(r["level"]), r["descriptor"]))
    previous: dict[str, tuple[int, str, str]] = {}
    for line, r in _records(codes, CODES, ("ecf3_code", "ecf4_code", "relation")):
        if r["ecf4_code"] and r["ecf3_code"]:
            if r["relation"] not in _PREVIOUS:
                raise SourceFormatError(CODES, line, f"unknown relation {r['relation']!r}")
            previous[r["ecf4_code"]] = (line, r["ecf3_code"], r["relation"])

    known = {r["code"] for _, r in competences}
    for code, (line, _, _) in previous.items():
        if code not in known:
            raise SourceFormatError(CODES, line, f"{code} is not an e-CF 4.0 competence")
    for code, found in descriptors.items():
        if code not in known:
            raise SourceFormatError(LEVELS, found[0][0], f"{code} is not an e-CF 4.0 competence")

    comps = []
    for line, r in competences:
        code, area = r["code"], r["area_code"]
        if area not in ECF_AREAS or not code.startswith(area + "."):
            raise SourceFormatError(COMPETENCES, line, f"{code}: area {area!r} does not fit")
        admitted = [int(x) for x in r["levels"].split()]
        texts = sorted(descriptors.get(code, []), key=lambda d: d[1])
        if [lvl for _, lvl, _ in texts] != admitted:
            raise SourceFormatError(
                LEVELS,
                texts[0][0] if texts else None,
                f"{code}: descriptors for levels {[lvl for _, lvl, _ in texts]}, the competence "
                f"admits {admitted} ({COMPETENCES}:{line})",
            )
        had = previous.get(code)
        comp: dict[str, Any] = {
            "code": code,
            "area": area,
            "name": {"en": r["name"]},
            "description": {"en": r["description"]},
            "levels": admitted,
            "level_descriptors": [{"level": lvl, "text": {"en": t}} for _, lvl, t in texts],
            "previous": (
                {"version": "3.0", "code": had[1], "relation": _PREVIOUS[had[2]]}
                if had
                else {"version": "3.0", "code": None, "relation": "new"}
            ),
            "used_by_cards": False,
            "provenance": {"source": COMPETENCES, "lines": [line, line]},
        }
        if had and had[2] == "moved (renumbered)":
            comp["provenance"]["note"] = f"e-CF 3.0 {had[1]} renumbered ({CODES}:{had[0]})"
        comps.append(comp)

    result.data_files[DATA_FILE] = {
        "framework": "e-CF",
        "version": "4.0",
        "title": {
            "en": "European e-Competence Framework 4.0 (EN 16234-1:2019)",
            "fr": "Référentiel européen des compétences numériques (e-CF) 4.0",
        },
        "areas": [
            {"code": a, "name": {"en": en, "fr": fr}} for a, (en, fr) in sorted(ECF_AREAS.items())
        ],
        "levels": [{"level": n, "eqf": eqf} for n, eqf in sorted(ECF_EQF.items())],
        "competences": comps,
        "provenance": [
            {
                "source": COMPETENCES,
                "note": "codes, areas, English names, descriptions and admissible levels, "
                "transcribed from a public copy of the standard's tables: to be checked against "
                "EN 16234-1:2019",
            },
            {"source": LEVELS, "note": "English level descriptors"},
            {"source": CODES, "note": "the e-CF 3.0 competence each 4.0 competence continues"},
        ],
    }
    return result
