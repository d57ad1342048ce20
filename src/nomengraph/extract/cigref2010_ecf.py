"""Annex 2 of the CIGREF 2010 nomenclature: the e-CF 2.0 framework as printed (l.3180-end).

Each competence block is a flattened table: ``Dimension 1`` (area), ``Dimension 2`` (code, name,
description on the same or the next line), ``Dimension 3`` (a ``Level 1 … Level 5`` header and a
row of level descriptors or "not applicable"), ``Dimension 4`` (knowledge K1… and skills S1…,
each list run together in one cell). Layout quirks (extra empty cells, a text pushed into a 7th
cell, descriptors inside the header cells, the descriptor row labelled "Dimension 4") are parsed
here; genuine printing faults are reported and left to the corrections file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .base import ECF_AREAS, ECF_EQF, SourceFormatError
from .cigref2010_text import clean, overlap

AREAS = ECF_AREAS
EQF = ECF_EQF

CODE_RE = re.compile(r"^([A-E])\.?\s?(\d{1,2})\b\.?")
NOT_APPLICABLE = "not applicable"


@dataclass
class EcfCompetence:
    """One e-CF competence block of annex 2, as printed."""

    code: str  # normalised, e.g. "A.1"
    area: str
    name: str
    description: str | None
    description_line: int | None
    levels: dict[int, str] = field(default_factory=dict)  # level -> descriptor text
    not_applicable: list[int] = field(default_factory=list)
    knowledge: list[tuple[str, str]] = field(default_factory=list)  # (id, text)
    skills: list[tuple[str, str]] = field(default_factory=list)
    lines: tuple[int, int] = (0, 0)
    level_row: int | None = None
    faults: list[str] = field(default_factory=list)

    def match_level(self, text: str, threshold: float = 0.6) -> tuple[int | None, float]:
        """The printed level whose descriptor best matches ``text`` (None if none is close)."""
        best, score = None, 0.0
        for level, ref in self.levels.items():
            s = overlap(text, ref)
            if s > score:
                best, score = level, s
        return (best, score) if score >= threshold else (None, score)

    def description_score(self, text: str) -> float:
        """How well ``text`` matches the printed description (0 if the annex prints none)."""
        return overlap(text, self.description) if self.description else 0.0


def normalise_code(letter: str, number: str) -> str:
    """'A', '3' -> 'A.3'."""
    return f"{letter}.{int(number)}"


def _split_items(text: str, prefix: str) -> list[tuple[str, str]]:
    """Split a run-together 'K1 xxx K2 yyy …' cell into its items, in numbering order."""
    text = clean(re.sub(r"^\s*(?:knowledge|skills)\b", "", clean(text), flags=re.IGNORECASE))
    marks = [
        (m.start(), int(m.group(1))) for m in re.finditer(rf"(?<!\w){prefix}(\d{{1,2}})\s", text)
    ]
    kept: list[tuple[int, int]] = []
    for pos, num in marks:
        last = kept[-1][1] if kept else 0
        if last < num <= last + 2:  # tolerate one missing number (E2 has no S5)
            kept.append((pos, num))
    out = []
    for i, (pos, num) in enumerate(kept):
        end = kept[i + 1][0] if i + 1 < len(kept) else len(text)
        body = text[pos:end].strip()
        out.append((num, clean(body[len(prefix) + len(str(num)) :])))
    return [(f"{prefix}{num}", body) for num, body in out]


def parse_annex2(
    lines: list[str], start: int, source: str
) -> tuple[list[EcfCompetence], list[str]]:
    """Parse the e-CF blocks from ``start`` (0-based index of the annex heading) to the end."""
    warnings: list[str] = []
    blocks: list[tuple[int, int]] = []
    starts = [i for i in range(start, len(lines)) if lines[i].startswith("Dimension 1\t")]
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        while end > i and not lines[end - 1].strip():
            end -= 1
        blocks.append((i, end))
    comps: list[EcfCompetence] = []
    for i, end in blocks:
        comps.append(_parse_block(lines, i, end, source, warnings))
    if len(comps) != 36:
        raise SourceFormatError(
            source, start + 1, f"annex 2 should hold 36 e-CF competence blocks, found {len(comps)}"
        )
    return comps, warnings


def _cells(line: str) -> list[str]:
    return line.split("\t")


def _parse_block(
    lines: list[str], i: int, end: int, source: str, warnings: list[str]
) -> EcfCompetence:
    area_cell = clean(_cells(lines[i])[1]) if len(_cells(lines[i])) > 1 else ""
    row2 = i + 1
    if not lines[row2].startswith("Dimension 2\t"):
        raise SourceFormatError(source, row2 + 1, "e-CF block without a 'Dimension 2' row")
    cell = _cells(lines[row2])[1]
    m = CODE_RE.match(clean(cell))
    if not m:
        raise SourceFormatError(source, row2 + 1, f"no e-CF code in {clean(cell)[:40]!r}")
    code = normalise_code(m.group(1), m.group(2))
    if not area_cell.startswith(m.group(1) + "."):
        warnings.append(f"{source}:{i + 1}: area label {area_cell!r} does not match code {code}")
    name_part, _, desc_part = cell.partition("<p>")
    name = clean(CODE_RE.sub("", clean(name_part)))
    description = clean(desc_part) or None
    description_line = row2 + 1 if description else None
    j = row2 + 1
    # description printed on its own row ("\t<text>") before the Dimension 3 header
    if not lines[j].startswith("Dimension 3"):
        text = clean(lines[j])
        if text:
            description, description_line = text, j + 1
        j += 1
    if not lines[j].startswith("Dimension 3"):
        raise SourceFormatError(source, j + 1, f"{code}: 'Dimension 3' header expected")
    comp = EcfCompetence(code, m.group(1), name, description, description_line)
    comp.lines = (i + 1, end)
    header = _cells(lines[j])
    header_levels: dict[int, int] = {}  # column -> level
    inline: dict[int, str] = {}
    for col, c in enumerate(header):
        hm = re.match(r"^\s*Level\s+([1-5])\b(.*)$", clean(c))
        if hm:
            header_levels[col] = int(hm.group(1))
            if hm.group(2).strip():
                inline[int(hm.group(1))] = hm.group(2).strip()
    if set(header_levels.values()) != {1, 2, 3, 4, 5}:
        missing = sorted({1, 2, 3, 4, 5} - set(header_levels.values()))
        comp.faults.append(f"level header has no column for level(s) {missing}")
        warnings.append(
            f"{source}:{j + 1}: e-CF {code}: the 'Dimension 3' header has no 'Level "
            f"{', '.join(map(str, missing))}' column"
        )
    row_cells: dict[int, str] = {}
    if inline:
        comp.level_row = j + 1
        row_cells = {lvl: txt for lvl, txt in inline.items()}
        j += 1
    else:
        j += 1
        nxt = _cells(lines[j]) if j < end else []
        is_ks_header = any(re.match(r"^\s*knowledge\b", clean(c), re.I) for c in nxt)
        if is_ks_header:
            comp.faults.append("no level-descriptor row")
            warnings.append(
                f"{source}:{j}: e-CF {code}: no level-descriptor row is printed (the 'Dimension 3' "
                "header is followed directly by 'Dimension 4'); its levels are unknown from annex 2"
            )
        else:
            comp.level_row = j + 1
            if nxt[0].strip():
                warnings.append(
                    f"{source}:{j + 1}: e-CF {code}: the level-descriptor row is labelled "
                    f"{nxt[0].strip()!r}"
                )
            last_empty_level: int | None = None
            for col in range(1, len(nxt)):
                txt = clean(nxt[col])
                if col in header_levels:
                    lvl = header_levels[col]
                    if txt:
                        row_cells[lvl] = txt
                    else:
                        last_empty_level = lvl
                elif txt:
                    # a text under no header cell: it belongs to the last level left empty
                    if last_empty_level is None:
                        raise SourceFormatError(source, j + 1, f"{code}: stray level text")
                    row_cells[last_empty_level] = txt
                    warnings.append(
                        f"{source}:{j + 1}: e-CF {code}: the level-{last_empty_level} text is "
                        "printed in an extra cell beyond the header"
                    )
                    last_empty_level = None
            j += 1
    for lvl in sorted(row_cells):
        txt = row_cells[lvl]
        if txt.lower() == NOT_APPLICABLE:
            comp.not_applicable.append(lvl)
        else:
            comp.levels[lvl] = txt
    printed = sorted(comp.levels)
    if printed and printed != list(range(printed[0], printed[-1] + 1)):
        comp.faults.append("gap in the printed levels")
        gaps = sorted(set(range(printed[0], printed[-1] + 1)) - set(printed))
        warnings.append(
            f"{source}:{comp.level_row}: e-CF {code}: level(s) {gaps} left empty between "
            f"applicable levels {printed}"
        )
    # Dimension 4: knowledge / skills, either in the header row or in the row after it
    ks_text = " ".join(lines[k] for k in range(j, end))
    k_cells, s_cells = [], []
    for k in range(j, end):
        for c in _cells(lines[k]):
            cc = clean(c)
            if re.search(r"(?<!\w)K1\s", cc):
                k_cells.append(cc)
            if re.search(r"(?<!\w)S1\s", cc):
                s_cells.append(cc)
    comp.knowledge = _split_items(" ".join(k_cells), "K")
    comp.skills = _split_items(" ".join(s_cells), "S")
    if not ks_text.strip() or not (comp.knowledge or comp.skills):
        warnings.append(
            f"{source}:{end}: e-CF {code}: no knowledge/skill items are printed (the text ends "
            "after the 'Dimension 4' header)"
            if end >= len(lines) - 1
            else f"{source}:{end}: e-CF {code}: no knowledge/skill items found"
        )
    return comp


def ecf_data(
    comps: list[EcfCompetence],
    source: str,
    annex_lines: tuple[int, int],
    card_descriptions: dict[str, tuple[str, int]],
    shifted: dict[str, str],
) -> dict[str, Any]:
    """The ``ecf/ecf-2.0.yaml`` data file (schema ``ecf.schema.json``)."""
    out_comps = []
    for c in comps:
        entry: dict[str, Any] = {
            "code": c.code,
            "area": c.area,
            "name": {"en": c.name},
        }
        prov: dict[str, Any] = {"source": source, "lines": [c.lines[0], c.lines[1]]}
        if c.description:
            entry["description"] = {"en": c.description}
        elif c.code in card_descriptions:
            text, line = card_descriptions[c.code]
            entry["description"] = {"en": text}
            prov["note"] = (
                f"description not printed in annex 2; taken from the job cards (first at l.{line})"
            )
        entry["levels"] = sorted(c.levels)
        if [f for f in c.faults if not f.startswith("level header")] or c.code in shifted:
            entry["printed_levels"] = sorted(c.levels)
            notes = list(c.faults)
            if c.code in shifted:
                notes.append(shifted[c.code])
            prov["note"] = "; ".join(filter(None, [prov.get("note"), *notes]))
        entry["not_applicable"] = sorted(c.not_applicable)
        entry["level_descriptors"] = [
            {"level": lvl, "text": {"en": txt}} for lvl, txt in sorted(c.levels.items())
        ]
        entry["knowledge"] = [{"id": i, "text": {"en": t}} for i, t in c.knowledge]
        entry["skills"] = [{"id": i, "text": {"en": t}} for i, t in c.skills]
        entry["provenance"] = prov
        out_comps.append(entry)
    return {
        "framework": "e-CF",
        "version": "2.0",
        "title": {
            "en": "European e-Competence Framework 2.0",
            "fr": "Le référentiel de compétences européen",
        },
        "areas": [{"code": k, "name": {"en": en, "fr": fr}} for k, (en, fr) in AREAS.items()],
        "levels": [
            {"level": lvl, "name": {"en": f"e-{lvl}"}, "eqf": eqf} for lvl, eqf in EQF.items()
        ],
        "competences": out_comps,
        "provenance": [
            {"source": source, "lines": [annex_lines[0], annex_lines[1]]},
            {
                "source": source,
                "lines": [359, 365],
                "note": "five proficiency levels in line with EQF levels 3 to 8 (l.364); the "
                "per-level EQF mapping is the e-CF 2.0 framework's",
            },
        ],
    }
