"""Parser of the CIGREF 2010 nomenclature (``sources/cigref-2010-nomenclature.txt``).

``extract(text)`` returns the 33 job cards (edition ``cigref-2010``), the e-CF 2.0 framework of
annex 2 (``ecf/ecf-2.0.yaml``) and the job x competence matrix of annex 1
(``matrix/cigref-2010-annex1.yaml``). Printing faults are recorded as printed and reported as
warnings; fixes belong to ``sources/corrections.yaml``.
"""

from __future__ import annotations

import re
from typing import Any

from .base import ExtractResult, SourceFormatError, list_item, title_fields
from .cigref2010_competences import FOOTER, CompetenceParser, row_tokens
from .cigref2010_ecf import EcfCompetence, ecf_data, parse_annex2
from .cigref2010_matrix import parse_matrix
from .cigref2010_text import cell_items, clean, is_debris, is_page_fraction, sub_item_text

SOURCE = "sources/cigref-2010-nomenclature.txt"
EDITION = "cigref-2010"

FAMILY_LIST_START = "L'ensemble des métiers est donc organisé en sept familles :"
FAMILY_LIST_END = "Chaque famille regroupe"
FAMILY_HEADING = re.compile(r"^([1-9])\. ([A-ZÀ-Ý' ,-]+)$")
FAMILY_JOBS = "Cette famille comprend les métiers suivants :"
JOB_ITEM = re.compile(r"^- (\d\.\d{1,2}) (.+)$")
CARD_HEADING = re.compile(r"^(\d\.\d{1,2}) (\S.*)$")
SECTIONS = [
    ("mission", "MISSION"),
    ("activities", "ACTIVITES ET TACHES"),
    ("competences", "COMPETENCES ("),
    ("deliverables", "LIVRABLES"),
    ("indicators", "INDICATEURS DE PERFORMANCE"),
    ("career", "PARCOURS PROFESSIONNEL"),
    ("trends", "TENDANCES ET FACTEURS D'EVOLUTION"),
]
SUITE = "COMPETENCES (suite)"
# Plain-text (not <i>) English other names: job words of English titles.
_EN_ROLE = {
    "architect", "manager", "programmer", "technician", "analyst", "officer", "administrator",
    "specialist", "engineer", "supervisor", "planner", "operator", "integrator",
}  # fmt: skip


def _find(lines: list[str], pred: Any, start: int = 0, end: int | None = None) -> int | None:
    for i in range(start, len(lines) if end is None else end):
        if pred(lines[i]):
            return i
    return None


def _is_english(name: str) -> bool:
    if re.search(r"[àâäéèêëîïôöûüç]", name, re.IGNORECASE):
        return False
    words = re.findall(r"[A-Za-z]+", name)
    if words and all(w.isupper() and len(w) >= 2 for w in words):  # "DBADM, DBA"
        return True
    return bool(words) and words[-1].lower() in _EN_ROLE


_BULLET_LINE = re.compile(r"^\s*(?:[-•➤]\s+|<ul[^>]*>)")


def _paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs of a prose field. The text prints one paragraph, sentence or list item per
    line (it does not wrap lines): every line is a paragraph of its own ("… pour faire de
    l'analyse applicative" / "S'ils viennent initialement des métiers…" are two), a bulleted one
    ("- au regroupement des serveurs") too, unless it starts in lower case without a bullet,
    which continues the line above."""
    paras: list[list[str]] = [[]]
    for line in lines:
        if not line.strip():
            if paras[-1]:
                paras.append([])
            continue
        text = clean(line)
        if paras[-1] and (_BULLET_LINE.match(line) or not text[:1].islower()):
            paras.append([])
        paras[-1].append(text)
    return [" ".join(p for p in para if p) for para in paras if any(para)]


class _Card:
    def __init__(self, number: str, title: str, start: int, end: int, family: dict[str, str]):
        self.number, self.title, self.start, self.end, self.family = (
            number,
            title,
            start,
            end,
            family,
        )


def _document_map(lines: list[str]) -> tuple[dict[str, str], list[_Card], int, int]:
    """Families, card line ranges and the annex positions; raise on a structural fault."""
    fl = _find(lines, lambda s: s.strip() == FAMILY_LIST_START)
    if fl is None:
        raise SourceFormatError(SOURCE, None, f"family list ({FAMILY_LIST_START!r}) not found")
    fe = _find(lines, lambda s: s.startswith(FAMILY_LIST_END), fl)
    if fe is None:
        raise SourceFormatError(SOURCE, fl + 1, "end of the family list not found")
    families: dict[str, str] = {}
    for i in range(fl, fe):
        m = re.match(r"^([1-9])\. (.+)$", lines[i])
        if m:
            families[m.group(1)] = m.group(2).strip()
    if sorted(families) != [str(n) for n in range(1, 8)]:
        raise SourceFormatError(SOURCE, fl + 1, f"expected families 1-7, found {sorted(families)}")
    annex1 = _find(lines, lambda s: s.startswith("Annexe 1 :"), fe)
    if annex1 is None:
        raise SourceFormatError(SOURCE, None, "'Annexe 1' heading not found")
    annex2 = _find(lines, lambda s: s.startswith("Annexe 2 :"), annex1)
    if annex2 is None:
        raise SourceFormatError(SOURCE, None, "'Annexe 2' heading not found")
    # family sections and the jobs each one announces
    headings = [i for i in range(fe, annex1) if FAMILY_HEADING.match(lines[i])]
    if [FAMILY_HEADING.match(lines[i]).group(1) for i in headings] != list(families):  # type: ignore[union-attr]
        raise SourceFormatError(
            SOURCE,
            headings[0] + 1 if headings else fe + 1,
            f"family sections {[lines[i][:3] for i in headings]} do not match families 1-7",
        )
    expected: list[tuple[str, str, int]] = []  # (number, family number, list line)
    for n, h in enumerate(headings):
        stop = headings[n + 1] if n + 1 < len(headings) else annex1
        jl = _find(lines, lambda s: s.strip() == FAMILY_JOBS, h, stop)
        if jl is None:
            raise SourceFormatError(SOURCE, h + 1, f"family {n + 1}: job list not found")
        k = jl + 1
        while k < stop and (not lines[k].strip() or JOB_ITEM.match(lines[k])):
            m = JOB_ITEM.match(lines[k])
            if m:
                expected.append((m.group(1), str(n + 1), k + 1))
            k += 1
    # card headings, in the announced order; repeated headings are running titles
    cards: list[_Card] = []
    pos = 0
    starts: list[tuple[int, str, str, str]] = []
    for i in range(headings[0], annex1):
        m = CARD_HEADING.match(lines[i])
        if not m or "\t" in lines[i]:
            continue
        if pos < len(expected) and m.group(1) == expected[pos][0]:
            starts.append((i, m.group(1), m.group(2).strip(), expected[pos][1]))
            pos += 1
    if pos != len(expected):
        missing = expected[pos]
        raise SourceFormatError(
            SOURCE,
            missing[2],
            f"card {missing[0]} announced in the family list but not found "
            f"({pos} of {len(expected)} cards)",
        )
    bounds = sorted({*(s[0] for s in starts), *headings, annex1})
    for i, number, title, fam in starts:
        end = next(b for b in bounds if b > i)
        while end > i and not lines[end - 1].strip():
            end -= 1
        cards.append(_Card(number, title, i, end, {"number": fam, "title": families[fam]}))
    return families, cards, annex1, annex2


def _card_descriptions(lines: list[str], start: int, end: int, names: dict[str, str]) -> dict:
    """First description printed on the cards for each code: code -> (text, line)."""
    out: dict[str, tuple[str, int]] = {}
    for i in range(start, end):
        if "\t" not in lines[i] and not lines[i].startswith("<p>"):
            continue
        toks = row_tokens(lines[i], i + 1, names)
        for n, t in enumerate(toks):
            if t.kind != "code" or t.value in out:
                continue
            parts = []
            for u in toks[n + 1 :]:
                if u.kind != "text" or u.col != t.col:
                    break
                parts.append(u.value)
            text = " ".join(parts)
            if len(text) >= 60:
                out[t.value] = (text, i + 1)
    return out


class _CardParser:
    def __init__(self, lines: list[str], comp_parser: CompetenceParser, warnings: list[str]):
        self.lines = lines
        self.cp = comp_parser
        self.warnings = warnings

    def _skip(self, line: str, number: str) -> bool:
        """Page furniture: running title, page fraction, table-rule debris, 'suite' headings."""
        s = line.strip()
        return (
            (s.startswith(number + " ") and "\t" not in line and len(s) < 120)
            or is_page_fraction(s)
            or is_debris(line)
            or s == SUITE
            or any(FOOTER.match(clean(cell)) for cell in s.split("\t"))
        )

    def parse(self, c: _Card) -> dict[str, Any]:
        lines = self.lines
        pos: dict[str, int] = {}
        last = c.start
        for key, head in SECTIONS:
            found = _find(
                lines,
                lambda s, h=head: (s.startswith(h) and s != SUITE) if h.endswith("(") else s == h,
                last + 1,
                c.end,
            )
            if found is None:
                raise SourceFormatError(
                    SOURCE, last + 1, f"card {c.number}: section {head.strip(' (')!r} not found"
                )
            pos[key] = found
            last = found
        order = [pos[k] for k, _ in SECTIONS] + [c.end]

        def body(key: str) -> list[tuple[int, str]]:
            k = [s for s, _ in SECTIONS].index(key)
            a, b = order[k] + 1, order[k + 1]
            return [(i + 1, lines[i]) for i in range(a, b)]

        def prose(key: str) -> list[str]:
            return [t if not self._skip(t, c.number) else "" for _, t in body(key)]

        card: dict[str, Any] = {
            "id": f"{EDITION}-{c.number}",
            "edition": EDITION,
            "number": c.number,
            "family": c.family,
            **title_fields(c.title),
            "other_names": self._other_names(c, pos["mission"]),
            "has_card": True,
        }
        mission = _paragraphs(prose("mission"))
        card["mission"] = "\n\n".join(mission) or None
        card["activities"] = self._activities(c, body("activities"))
        rows: list[tuple[int, str]] = []
        for n, t in body("competences"):
            if not t.strip():
                continue
            if self._skip(t, c.number):
                rows.append((n, ""))  # page break
                continue
            rows.append((n, t))
        card["competences"] = self.cp.parse(rows, c.number, self.warnings)
        card["deliverables"] = self._list(c, body("deliverables"))
        card["performance_indicators"] = self._list(c, body("indicators"))
        card["career_path"] = self._career(c, body("career"))
        trends = _paragraphs(prose("trends"))
        card["trends"] = "\n\n".join(trends) or None
        if not trends:
            self.warnings.append(
                f"{SOURCE}:{pos['trends'] + 1}: card {c.number}: the section 'TENDANCES ET "
                "FACTEURS D'EVOLUTION' is empty (trends: null)"
            )
        card["provenance"] = {"source": SOURCE, "lines": [c.start + 1, c.end]}
        return card

    def _other_names(self, c: _Card, mission: int) -> dict[str, list[str]]:
        fr: list[str] = []
        en: list[str] = []
        names: list[tuple[str, int]] = []
        prev_single = False
        for i in range(c.start + 1, mission):
            line = self.lines[i]
            if not line.strip():
                prev_single = False
                continue
            if self._skip(line, c.number):
                continue
            if "\t" not in line:
                if prev_single and names:  # a name wrapped over two lines
                    names[-1] = (f"{names[-1][0]} {clean(line)}", names[-1][1])
                else:
                    names.append((line, i + 1))
                prev_single = True
                continue
            prev_single = False
            names.extend((cell, i + 1) for cell in line.split("\t") if clean(cell))
        for raw, line_no in names:
            name = clean(raw)
            target = en if "<i>" in raw or _is_english(name) else fr
            if name in target:
                self.warnings.append(
                    f"{SOURCE}:{line_no}: card {c.number}: other name {name!r} listed twice; "
                    "kept once"
                )
                continue
            target.append(name)
        return {"fr": fr, "en": en}

    def _activities(self, c: _Card, rows: list[tuple[int, str]]) -> list[dict[str, Any]]:
        """Activity groups: heading cell, tasks cell (with their sub-items). Sentences printed
        before the first heading (outside the table) introduce it: the note of the next group."""
        out: list[dict[str, Any]] = []
        intro: list[str] = []
        notes: list[str] = []
        for _, line in rows:
            if not line.strip():
                if intro:
                    notes.append(" ".join(intro))
                    intro = []
                continue
            if self._skip(line, c.number):
                continue
            if "\t" not in line:
                intro.append(clean(line))
                continue
            cells = line.split("\t")
            heading = clean(cells[0])
            tasks = [list_item(t, subs) for cell in cells[1:] for t, subs in cell_items(cell)]
            if not heading and out and out[-1].get("heading") and not (notes or intro):
                out[-1]["tasks"].extend(tasks)
                continue
            item: dict[str, Any] = {"heading": heading} if heading else {}
            if intro:
                notes.append(" ".join(intro))
                intro = []
            if notes:
                item["note"] = "\n\n".join(notes)
                notes = []
            item["tasks"] = tasks
            out.append(item)
        if intro:
            notes.append(" ".join(intro))
        if notes:
            out.append({"note": "\n\n".join(notes), "tasks": []})
        return out

    def _list(self, c: _Card, rows: list[tuple[int, str]]) -> list[str | dict[str, Any]]:
        """Deliverables or indicators: "- " items, a lead-in ending with ':' with the items
        under it as its sub-items, or a cell of <ul>/<p> items."""
        entries: list[tuple[str, str]] = []
        in_table = False
        for n, line in rows:
            if not line.strip():
                in_table = False
                continue
            if self._skip(line, c.number):
                continue
            if line.strip() == "PROFIL\tEXPERIENCE":
                in_table = True
                self.warnings.append(
                    f"{SOURCE}:{n}: card {c.number}: a PROFIL/EXPERIENCE table is printed in "
                    "this list section (a copy of the career-path table); ignored here"
                )
                continue
            if in_table:
                continue
            if re.search(r"<ul|<p>", line):
                for text, subs in cell_items(line):
                    entries.append((text, "plain"))
                    entries += [(sub, "sub") for sub in subs]
                continue
            text = clean(line)
            if text:
                entries.append((text, "bullet" if _BULLET_LINE.match(line) else "plain"))
        items: list[tuple[str, list[str]]] = []
        for text, kind in entries:
            parent = items[-1] if items else None
            if parent is not None and (
                kind == "sub" or (kind == "bullet" and parent[0].endswith(":"))
            ):
                parent[1].append(sub_item_text(text))
                continue
            items.append((text, []))
        return [list_item(text, subs) for text, subs in items]

    def _career(self, c: _Card, rows: list[tuple[int, str]]) -> dict[str, Any]:
        education: list[str] = []
        experience: list[str] = []
        extra: list[str] = []
        vertical: list[str] = []
        subs: list[str] = []  # items of a list printed under the experience
        mode = None
        for _, line in rows:
            if self._skip(line, c.number):
                line = ""
            s = line.strip()
            if s == "PROFIL\tEXPERIENCE":
                mode = "table"
                continue
            if s == "PROFIL" and mode is None:
                mode = "vertical-head"
                continue
            if s == "EXPERIENCE" and mode == "vertical-head":
                mode = "vertical"
                continue
            if mode == "table" and "\t" in line:
                cells = line.split("\t")
                if clean(cells[0]):
                    education.append(clean(cells[0]))
                for cell in cells[1:]:
                    if re.search(r"<ul|[•➤]", cell):  # a lead-in and the list under it
                        for text, items in cell_items(cell):
                            experience.append(text)
                            subs.extend(items)
                    elif clean(cell):
                        experience.append(clean(cell))
                continue
            if mode == "table":
                mode = "after" if s else "table-end"
            if mode in ("after", "table-end"):
                extra.append(line)
                mode = "after"
                continue
            if mode == "vertical":
                vertical.append(line)
                continue
            if s:
                extra.append(line)
        if mode is None:
            raise SourceFormatError(SOURCE, rows[0][0] if rows else None, "no PROFIL table")
        if vertical:
            paras = _paragraphs(vertical)
            education, experience = paras[:1], paras[1:2]
            extra = [p for p in paras[2:]] + extra
        extra_paras = _paragraphs(extra)
        exp = " ".join(experience)
        if subs and extra_paras:  # the list is not under the last paragraph: keep it inline
            exp, subs = " ".join([exp, *subs]), []
        if extra_paras:
            exp = "\n\n".join([p for p in [exp, *extra_paras] if p])
        return {
            "education": " ".join(education) or None,
            "experience": list_item(exp, subs) if exp else None,
        }


def extract(text: str) -> ExtractResult:
    """Parse the CIGREF 2010 nomenclature text into cards and data files."""
    lines = text.split("\n")
    warnings: list[str] = []
    _families, card_spans, annex1, annex2 = _document_map(lines)
    ecf_list, ecf_warnings = parse_annex2(lines, annex2, SOURCE)
    ecf = {c.code: c for c in ecf_list}
    names = {c.code: c.name for c in ecf_list}
    card_desc = _card_descriptions(lines, card_spans[0].start, annex1, names)
    ref_desc = {code: (c.description or card_desc.get(code, ("", 0))[0]) for code, c in ecf.items()}
    comp_parser = CompetenceParser(ecf, ref_desc, SOURCE)
    parser = _CardParser(lines, comp_parser, warnings)
    cards = [parser.parse(c) for c in card_spans]
    total = sum(len(c["competences"]) for c in cards)
    if total == 0:
        raise SourceFormatError(SOURCE, None, "no competence found on the cards")
    for code, found in comp_parser.printed_descriptions.items():
        card_desc.setdefault(code, found)
    shifted = _annex_level_shifts(cards, ecf, warnings)
    warnings.extend(ecf_warnings)
    ecf_file = ecf_data(ecf_list, SOURCE, (annex2 + 1, len(lines)), card_desc, shifted)
    matrix, matrix_warnings = parse_matrix(lines, annex1, annex2, cards, SOURCE)
    warnings.extend(matrix_warnings)
    return ExtractResult(
        cards=cards,
        data_files={"ecf/ecf-2.0.yaml": ecf_file, "matrix/cigref-2010-annex1.yaml": matrix},
        warnings=warnings,
    )


def _annex_level_shifts(
    cards: list[dict[str, Any]], ecf: dict[str, EcfCompetence], warnings: list[str]
) -> dict[str, str]:
    """Competences whose annex-2 descriptor row is shifted: every card that uses the competence
    prints, under its level label N, the annex-2 text of level N+d (same d != 0 for all)."""
    seen: dict[str, list[tuple[int, str, int]]] = {}
    for card in cards:
        for req in card["competences"]:
            if "descriptor" not in req or req["level_min"] != req["level_max"] or "note" in req:
                continue
            lvl, _ = ecf[req["code"]].match_level(req["descriptor"])
            if lvl is not None:
                seen.setdefault(req["code"], []).append(
                    (lvl - req["level_min"], card["number"], req["lines"][0])
                )
    out: dict[str, str] = {}
    for code, uses in seen.items():
        deltas = {d for d, _, _ in uses}
        if len(deltas) == 1 and 0 not in deltas:
            d = deltas.pop()
            proof = ", ".join(f"{n} (l.{line})" for _, n, line in uses)
            out[code] = (
                f"the annex-2 level texts are shifted by {d:+d} level against the cards "
                f"({proof} print the annex level-(N{d:+d}) text as Level N)"
            )
            warnings.append(
                f"{SOURCE}:{ecf[code].level_row}: e-CF {code}: {out[code]}; "
                "the annex row is recorded as printed"
            )
    return out
