"""Parser for the CIGREF 2018 nomenclature (``sources/cigref-2018-nomenclature.txt``, e-CF 3.0).

``extract(text, ecf_reference, ecf_levels)`` takes the RAW text (partly font-garbled), repairs it
with :func:`nomengraph.repair.repair_text` (line-preserving) and returns:

* 50 jobs of edition ``cigref-2018``: the 37 cards present in the text (1.1–7.2 complete, 7.3
  truncated where the file stops) and the 13 jobs the table of contents lists after 7.3, as cards
  with ``has_card: false`` (title and family from the table of contents, ``description`` from the
  chapter "3.2 Apparition de nouveaux métiers" where the document gives one);
* ``changes`` for every job, read from chapter 3 of the document (new / modified / renumbered);
* the data file ``ecf/ecf-3.0.yaml`` (see :mod:`nomengraph.extract.cigref2018_ecf`).

Family titles are the proper-case names that read as the cards' uppercase "Famille de métiers"
field and the table of contents: the chapter-2 list (l.600–660: …, "Données", "Relations
fournisseurs") where it agrees, another list of the document where chapter 2 keeps a former name
(families 1, 2 and 5, see :func:`_family_names`).

Job titles are kept as printed in ``printed_title`` where the display ``title`` differs from
them (spacing around hyphens, see :func:`nomengraph.extract.base.display_title`).

The card parser is keyed on the "Titre du métier / et Mission" field, never on "N.N." lines (the
running titles at the top of every continuation page look exactly like a job number + title).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..repair import repair_text
from .base import ExtractResult, SourceFormatError, list_item, title_fields
from .cigref2018_changes import parse_chapter_three
from .cigref2018_ecf import build_ecf
from .cigref2018_text import (
    PAGE_FOOTER,
    SOURCE,
    Doc,
    Layout,
    Line,
    Toc,
    find_heading,
    is_area_fragment,
    is_uppercase_line,
    list_items,
    norm,
    paragraphs,
    reflow,
)

EDITION = "cigref-2018"

_TOC_FAMILY = re.compile(r"^([1-9])\.\s+(.+?)\s*(?:\.{4,}\s*\d+)?$")
_TOC_JOB = re.compile(r"^([1-9])\.(\d{1,2})\.\s+(.+?)\s*\.{3,}\s*(\d+)$")
_TOC_DOTS = re.compile(r"^\.{4,}\s*\d+$")
_TOC_SECTION = re.compile(r"^(\d(?:\.\d)?)\.\s+(.+?)\s*\.{3,}\s*\d+$")
_JOB_TITLE = re.compile(r"^([1-9])\.(\d{1,2})\.\s+(\S.*)$")
_CODE = re.compile(r"^([A-E])\s*\.\s*(\d{1,2})\s*\.?\s+(\S.*)$")
_LEVEL = re.compile(r"^Niveau\s+([1-5])$")
_EDUCATION = re.compile(r"\bbac\b", re.IGNORECASE)

# Field labels of a card, each printed over several lines in the left-hand column.
_LABELS: dict[str, tuple[str, ...]] = {
    "family": ("Famille de", "métiers"),
    "title": ("Titre du métier", "et Mission"),
    "activities": ("Activités et", "tâches", "(Nécessaires", "pour réaliser la", "mission)"),
    "competences": ("Compétences (Issues du référentiel européen des compétences numériques)",),
    "deliverables": ("Livrables",),
    "indicators": ("Indicateurs de", "performance"),
    "career": ("Parcours", "professionnel"),
    "trends": ("Tendances et", "facteurs", "d'évolution"),
}
_BODY_ORDER = ("activities", "competences", "deliverables", "indicators", "career", "trends")
_REQUIRED = ("activities", "deliverables", "indicators", "career", "trends")


def _fail(line: int | None, message: str) -> SourceFormatError:
    return SourceFormatError(SOURCE, line, message)


# --------------------------------------------------------------------------- document structure


def _parse_toc(doc: Doc) -> Toc:
    start = doc.find(lambda t: t == "Sommaire")
    if start is None:
        raise _fail(None, "table of contents ('Sommaire') not found")
    intro = doc.find(lambda t: t == "1. Introduction", start + 1)
    if intro is None:
        raise _fail(start, "end of the table of contents ('1. Introduction' heading) not found")
    toc = Toc(end=intro - 1)
    family: str | None = None
    pending: tuple[str, str, int] | None = None  # a family entry wrapped before its page number
    for no in range(start + 1, intro):
        text = doc[no]
        if not text or text.startswith("Nomenclature RH") or PAGE_FOOTER.match(text):
            continue
        if _TOC_DOTS.match(text) and pending:
            family, title, line = pending
            toc.families[family] = (title, line)
            pending = None
            continue
        m = _TOC_JOB.match(text)
        if m and family == m[1]:
            toc.jobs.append((f"{m[1]}.{m[2]}", m[3], no))
            continue
        m = _TOC_FAMILY.match(text)
        if m and is_uppercase_line(m[2]):
            title = m[2].rstrip(" .")
            if "...." in text:
                family = m[1]
                toc.families[family] = (title, no)
            else:
                family = m[1]
                pending = (m[1], title, no)
            continue
        m = _TOC_SECTION.match(text)
        if m and family is None:
            toc.sections[m[1]] = (m[2], no)
            continue
        raise _fail(no, f"unexpected line in the table of contents: {text!r}")
    if list(toc.families) != [str(i) for i in range(1, len(toc.families) + 1)] or not toc.families:
        raise _fail(start, f"table of contents: families {list(toc.families)} not numbered 1..N")
    for fam in toc.families:
        numbers = [n for n, _, _ in toc.jobs if n.split(".")[0] == fam]
        expected = [f"{fam}.{i}" for i in range(1, len(numbers) + 1)]
        if not numbers or numbers != expected:
            line = toc.families[fam][1]
            raise _fail(line, f"table of contents: family {fam} lists jobs {numbers}")
    for key in ("1", "2", "3", "3.1", "3.2", "3.3"):
        if key not in toc.sections:
            raise _fail(start, f"table of contents: section {key} not listed")
    return toc


def _synthesis_count(doc: Doc, stop: int, pattern: str, what: str) -> tuple[int, int]:
    for no in range(1, stop + 1):
        m = re.search(pattern, doc[no])
        if m:
            return int(m[1]), no
    raise _fail(1, f"synthesis: the number of {what} was not found")


def _family_titles(doc: Doc, toc: Toc) -> dict[str, tuple[str, int]]:
    """The family list of chapter 2 ("L'ensemble des métiers est organisé en neuf (9) familles")."""
    sec2 = find_heading(doc, f"2. {toc.sections['2'][0]}", toc.end + 1)
    sec3 = find_heading(doc, f"3. {toc.sections['3'][0]}", sec2 + 1)
    found: dict[str, tuple[str, int]] = {}
    expected = 1
    for no in range(sec2 + 1, sec3):
        m = re.match(r"^([1-9])\.\s+(\S.*)$", doc[no])
        if m and int(m[1]) == expected and not is_uppercase_line(m[2]):
            found[m[1]] = (m[2], no)
            expected += 1
    if list(found) != list(toc.families):
        raise _fail(sec2, f"chapter 2 lists families {list(found)}, the TOC {list(toc.families)}")
    return found


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", norm(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_FAMILY_REF = re.compile(r"^Famille «\s*([1-9])\.\s+(.+?)\s*»$")


def _family_names(
    doc: Doc, toc: Toc, chapter2: dict[str, tuple[str, int]], stop: int
) -> tuple[dict[str, tuple[str, int]], list[str]]:
    """The title of each family in proper French case, as the cards' own "Famille de métiers"
    field and the table of contents name it (in capitals).

    The chapter-2 list is the only one in proper case that describes all nine families, but it
    keeps three former names: "Pilotage, organisation et gestion…" (1, the 2010 name), "Management
    de projet" (2) and "Support et assistance aux utilisateurs" (5, which chapter 3.1 says was
    renamed "Support et assistance"). For each family, the first proper-case title that reads as
    the table of contents does (case and accents aside) is taken: the chapter-2 list, then the
    other lists of chapters 1 to 3 ("N. Title" lines, chapter 3.1's 'Famille « N. Title »'), in
    document order. A family no proper-case title matches keeps its chapter-2 name (warned).
    """
    candidates: dict[str, list[tuple[str, int]]] = {num: [item] for num, item in chapter2.items()}
    for no in range(toc.end + 1, stop + 1):
        m = re.match(r"^([1-9])\.\s+(\S.*)$", doc[no]) or _FAMILY_REF.match(doc[no])
        if m and m[1] in candidates and not is_uppercase_line(m[2]):
            candidates[m[1]].append((m[2], no))
    names: dict[str, tuple[str, int]] = {}
    warnings: list[str] = []
    for num, (title, line) in chapter2.items():
        upper, toc_line = toc.families[num]
        match = next((c for c in candidates[num] if _fold(c[0]) == _fold(upper)), None)
        if match is None:
            names[num] = (title, line)
            warnings.append(
                f"{SOURCE}:{line}: family {num} is « {title} » in the chapter-2 list (used for the "
                f"cards), « {norm(upper)} » in the table of contents (l.{toc_line}) and no list "
                "of the document gives that name in proper case"
            )
            continue
        names[num] = match
        if match != (title, line):
            warnings.append(
                f"{SOURCE}:{line}: family {num} is « {title} » in the chapter-2 list, "
                f"« {norm(upper)} » in the table of contents (l.{toc_line}) and the cards' "
                f"family field; the cards use « {match[0]} » (l.{match[1]}), that name in "
                "proper case"
            )
    return names, warnings


# --------------------------------------------------------------------------------- card layout


@dataclass
class CardSpan:
    number: str
    title: str
    title_line: int
    start: int
    end: int
    family_field: str | None = None
    labels: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (first, last)


def _match_label(doc: Doc, no: int, parts: tuple[str, ...], stop: int) -> int | None:
    """If the label ``parts`` starts at line ``no``, return its last line."""
    if doc[no] != parts[0]:
        return None
    cur = no
    for part in parts[1:]:
        nxt = doc.find(lambda t: bool(t), cur + 1, stop)
        if nxt is None or doc[nxt] != part:
            return None
        cur = nxt
    return cur


def _card_spans(doc: Doc, toc: Toc, layout: Layout, first: int) -> list[CardSpan]:
    titles = [
        no
        for no in range(first, doc.n + 1)
        if _match_label(doc, no, _LABELS["title"], doc.n) is not None
    ]
    spans: list[CardSpan] = []
    for no in titles:
        label_end = _match_label(doc, no, _LABELS["title"], doc.n)
        tline = doc.find(lambda t: bool(t), label_end + 1)
        m = _JOB_TITLE.match(doc[tline]) if tline else None
        if not m:
            raise _fail(tline or no, "'Titre du métier' is not followed by 'N.N. title'")
        span = CardSpan(f"{m[1]}.{m[2]}", m[3], tline, no, doc.n)
        layout.add_running(doc[tline])
        # Walk back over the card header: labels, the family field, page furniture.
        start = no
        for back in range(no - 1, first - 1, -1):
            text = doc[back]
            if (
                layout.is_debris(text)
                or text in _LABELS["family"]
                or layout.is_family_heading(text)
                or text == "INFRASTRUCTURES"
            ):
                if text:
                    start = back
                continue
            break
        fam = next(
            (b for b in range(start, no) if _match_label(doc, b, _LABELS["family"], no)), None
        )
        if fam is not None:
            fam_end = _match_label(doc, fam, _LABELS["family"], no)
            field_lines = [doc[b] for b in range(fam_end + 1, no) if not layout.is_debris(doc[b])]
            span.family_field = norm(" ".join(field_lines)) or None
            start = fam
        else:
            # No "Famille de métiers" field (1.5, 1.6): skip only the stray label fragment.
            start = next((b for b in range(start, no) if doc[b] == "métiers"), no)
        span.start = start
        spans.append(span)
    for prev, nxt in zip(spans, spans[1:], strict=False):
        prev.end = nxt.start - 1
    # A family page (heading, description, member list) between two cards ends the first one.
    for span in spans:
        for no in range(span.title_line + 1, span.end + 1):
            if layout.is_family_heading(doc[no]):
                span.end = no - 1
                break
        while span.end > span.title_line and layout.is_debris(doc[span.end]):
            span.end -= 1
    return spans


def _check_sequence(spans: list[CardSpan], toc: Toc) -> None:
    order = [n for n, _, _ in toc.jobs]
    if not spans:
        raise _fail(toc.end, "no job card ('Titre du métier') found")
    got = [s.number for s in spans]
    if got != order[: len(got)]:
        for i, (g, want) in enumerate(zip(got, order, strict=False)):
            if g != want:
                raise _fail(
                    spans[i].title_line,
                    f"card {g} found where the table of contents has {want} next "
                    "(a card or its 'Titre du métier' field is missing or out of order)",
                )
        raise _fail(spans[-1].title_line, f"more cards than the table of contents lists: {got}")


def _find_labels(doc: Doc, span: CardSpan) -> None:
    for no in range(span.title_line + 1, span.end + 1):
        for name, parts in _LABELS.items():
            last = _match_label(doc, no, parts, span.end)
            if last is None:
                continue
            if name in ("family", "title") or name in span.labels:
                raise _fail(
                    no, f"card {span.number}: unexpected second '{' / '.join(parts)}' field"
                )
            span.labels[name] = (no, last)
    present = [n for n in _BODY_ORDER if n in span.labels]
    positions = [span.labels[n][0] for n in present]
    if positions != sorted(positions):
        raise _fail(span.title_line, f"card {span.number}: fields out of order: {present}")


# ------------------------------------------------------------------------------- card content


def _lines(doc: Doc, layout: Layout, first: int, last: int, *, fragments: bool = False):
    out = []
    for no in range(first, last + 1):
        text = doc[no]
        if layout.is_debris(text) or (fragments and is_area_fragment(text)):
            continue
        out.append(Line(no, text))
    return out


def _activities(lines: list[Line]) -> list[dict[str, Any]]:
    """Activity groups: UPPERCASE headings (one or more lines, ending ' :') with their tasks.

    Plain sentences printed before the first heading and its bullets introduce the activities:
    they are the note of the first group. A footnote ("* Cette terminologie est utilisée…") is
    the note of the group whose heading or tasks carry its asterisk.
    """
    groups: list[dict[str, Any]] = []
    heading_lines: list[str] = []
    body: list[Line] = []
    intro: list[Line] = []
    footnotes: list[list[Line]] = []
    footnote: list[Line] | None = None

    def flush() -> None:
        if not heading_lines and not body:
            return
        group: dict[str, Any] = {}
        if heading_lines:
            group["heading"] = re.sub(r"\s*[:;]$", "", norm(" ".join(heading_lines)))
        group["tasks"] = [list_item(text, subs) for text, subs in list_items(body)]
        groups.append(group)

    for line in lines:
        text = line.text
        is_heading = is_uppercase_line(text) and not text.startswith(("•", "(", "-", "*"))
        if footnote is not None and not is_heading:
            footnote.append(line)
            continue
        footnote = None
        if text.startswith("*"):
            flush()
            heading_lines, body = [], []
            footnote = [line]
            footnotes.append(footnote)
            continue
        if is_heading:
            joined = bool(heading_lines) and not body and not heading_lines[-1].endswith((":", ";"))
            if not joined:
                flush()
                heading_lines, body = [], []
            heading_lines.append(text)
            continue
        if not groups and not heading_lines and not body and not text.startswith("•"):
            intro.append(line)
            continue
        body.append(line)
    flush()
    if intro:
        if not groups:
            groups.append({"tasks": []})
        _add_note(groups[0], paragraphs(intro))
    for lines_ in footnotes:
        marked = [g for g in groups if "*" in group_text(g)]
        _add_note(marked[-1] if marked else groups[-1], paragraphs(lines_))
    return groups


def group_text(group: dict[str, Any]) -> str:
    """The printed text of an activity group: heading, tasks and sub-items."""
    parts = [group.get("heading") or ""]
    for task in group["tasks"]:
        parts += [task] if isinstance(task, str) else [task["text"], *task["items"]]
    return "\n".join(parts)


def _add_note(group: dict[str, Any], note: str | None) -> None:
    """Add a note to an activity group (after a note it has), keys in the card format's order."""
    if not note:
        return
    note = f"{group['note']}\n\n{note}" if group.get("note") else note
    ordered = {"heading": group.get("heading"), "note": note, "tasks": group["tasks"]}
    group.clear()
    group.update({k: v for k, v in ordered.items() if v is not None})


def _competences(
    doc: Doc, layout: Layout, span: CardSpan, first: int, last: int, truncated: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Competence blocks: code line, generic description, 'Niveau N', level descriptor.

    Returns the card requirements and, in parallel, what the e-CF file needs (name, description).
    """
    lines = _lines(doc, layout, first, last, fragments=True)
    blocks: list[list[Line]] = []
    for line in lines:
        if _CODE.match(line.text):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
        else:
            raise _fail(line.no, f"card {span.number}: text before the first competence code")
    reqs: list[dict[str, Any]] = []
    infos: list[dict[str, Any]] = []
    for k, block in enumerate(blocks):
        head = block[0]
        m = _CODE.match(head.text)
        code = f"{m[1]}.{int(m[2])}"
        levels = [i for i, ln in enumerate(block) if _LEVEL.match(ln.text)]
        if len(levels) != 1:
            raise _fail(
                head.no,
                f"card {span.number}: competence {code} has {len(levels)} 'Niveau N' lines",
            )
        li = levels[0]
        level = _LEVEL.match(block[li].text)[1]
        description = _prose(block[1:li])
        descriptor = _prose(block[li + 1 :])
        last_no = block[-1].no
        req: dict[str, Any] = {
            "code": code,
            "level": level,
            "level_min": int(level),
            "level_max": int(level),
            "descriptor": descriptor,
            "lines": [head.no, last_no],
        }
        reqs.append(req)
        infos.append(
            {
                "code": code,
                "name": norm(m[3]),
                "description": description,
                "level": int(level),
                "descriptor": descriptor,
                "lines": [head.no, last_no],
                "desc_lines": [head.no, block[li - 1].no if li > 1 else head.no],
                "last_of_truncated": truncated and k == len(blocks) - 1,
                "card": span.number,
            }
        )
    return reqs, infos


def _prose(lines: list[Line]) -> str | None:
    """Running text of a competence description/descriptor: one paragraph."""
    items = reflow(lines, prose=True)
    if not items:
        return None
    return " ".join(text for text, *_ in items)


def _career(lines: list[Line]) -> dict[str, Any] | None:
    """Education (the leading paragraphs naming a 'Bac') and experience (the rest); a list
    printed under the last experience paragraph ("Deux profils (origines) possibles :" and its
    bullets) is its sub-items."""
    items = list_items(lines)
    if not items:
        return None
    education: list[str] = []
    rest = list(items)
    while rest and _EDUCATION.search(rest[0][0]):
        text, subs = rest.pop(0)
        education += [text, *subs]
    out: dict[str, Any] = {}
    if education:
        out["education"] = "\n\n".join(education)
    if rest:
        nested = [subs for _, subs in rest[:-1] if subs]
        if nested:  # sub-items under a paragraph other than the last: kept as paragraphs
            texts = [t for text, subs in rest for t in (text, *subs)]
            out["experience"] = "\n\n".join(texts)
        else:
            out["experience"] = list_item("\n\n".join(t for t, _ in rest), rest[-1][1])
    return out


def _family_dict(number: str, families: dict[str, tuple[str, int]]) -> dict[str, str]:
    return {"number": number, "title": families[number][0]}


def _parse_card(
    doc: Doc,
    layout: Layout,
    span: CardSpan,
    families: dict[str, tuple[str, int]],
    toc: Toc,
    is_last: bool,
    warnings: list[str],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    _find_labels(doc, span)
    missing = [n for n in _REQUIRED if n not in span.labels]
    truncated = False
    if missing:
        tail = _REQUIRED[len(_REQUIRED) - len(missing) :]
        text_ends = all(not doc[no] for no in range(span.end + 1, doc.n + 1))
        if not (is_last and text_ends and tuple(missing) == tail and "activities" in span.labels):
            raise _fail(
                span.title_line, f"card {span.number}: field(s) {', '.join(missing)} missing"
            )
        truncated = True
    fam_no = span.number.split(".")[0]
    if span.family_field is None:
        warnings.append(
            f"{SOURCE}:{span.start}: card {span.number} has no 'Famille de métiers' field; "
            f"family {fam_no} follows from its number"
        )
    elif span.family_field != f"{fam_no}. {layout.family_upper[fam_no]}":
        warnings.append(
            f"{SOURCE}:{span.start}: card {span.number}: family field {span.family_field!r} "
            f"differs from the table of contents ({fam_no}. {layout.family_upper[fam_no]})"
        )
    toc_title = next(t for n, t, _ in toc.jobs if n == span.number)
    if norm(toc_title) != norm(span.title):
        warnings.append(
            f"{SOURCE}:{span.title_line}: card {span.number} title {span.title!r} differs from "
            f"the table of contents {toc_title!r}"
        )

    def bounds(name: str) -> tuple[int, int]:
        """First and last content line of a field (up to the next label or the card end)."""
        first = span.labels[name][1] + 1
        later = [span.labels[n][0] for n in _BODY_ORDER if n in span.labels]
        later = [p for p in later if p > span.labels[name][0]]
        return first, (min(later) - 1 if later else span.end)

    act_first, act_last = bounds("activities")
    comp_first = None
    if "competences" in span.labels:
        comp_first, comp_last = bounds("competences")
    else:
        comp_first = next(
            (no for no in range(act_first, act_last + 1) if _CODE.match(doc[no])), None
        )
        if comp_first is None:
            raise _fail(act_first, f"card {span.number}: no competence found")
        comp_last = act_last
        act_last = comp_first - 1
    mission = paragraphs(_lines(doc, layout, span.title_line + 1, span.labels["activities"][0] - 1))
    card: dict[str, Any] = {
        "id": f"{EDITION}-{span.number}",
        "edition": EDITION,
        "number": span.number,
        "family": _family_dict(fam_no, families),
        **title_fields(span.title),
        "has_card": True,
        "mission": mission,
        "activities": _activities(_lines(doc, layout, act_first, act_last)),
    }
    reqs, infos = _competences(doc, layout, span, comp_first, comp_last, truncated)
    card["competences"] = reqs
    if truncated:
        last_line = max(no for no in range(span.start, span.end + 1) if doc[no])
        warnings.append(
            f"{SOURCE}:{last_line}: card {span.number} is truncated: the text ends here, "
            f"inside its competences; fields {', '.join(missing)} are absent "
            f"(left empty, nothing invented)"
        )
        span.end = last_line

    def field_lines(name: str) -> list[Line]:
        """Content lines of a field, without the next field's label glued to the last one."""
        lines = _lines(doc, layout, *bounds(name))
        start = span.labels[name][0]
        later = [n for n in _BODY_ORDER if n in span.labels and span.labels[n][0] > start]
        nxt = later[0] if later else None
        if nxt is not None and lines:
            label = " ".join(_LABELS[nxt])
            last = lines[-1]
            if last.text.endswith(" " + label):
                lines[-1] = Line(last.no, last.text[: -len(label)].rstrip())
                warnings.append(
                    f"{SOURCE}:{last.no}: card {span.number}: the label {label!r} of the next "
                    f"field is printed again at the end of this line (it also stands at "
                    f"l.{span.labels[nxt][0]}); removed from the {name} text"
                )
        return lines

    card["deliverables"] = (
        [list_item(t, subs) for t, subs in list_items(field_lines("deliverables"))]
        if "deliverables" in span.labels
        else []
    )
    card["performance_indicators"] = (
        [list_item(t, subs) for t, subs in list_items(field_lines("indicators"))]
        if "indicators" in span.labels
        else []
    )
    if "career" in span.labels:
        career = _career(field_lines("career"))
        if career:
            card["career_path"] = career
    card["trends"] = (
        paragraphs(_lines(doc, layout, *bounds("trends"))) if "trends" in span.labels else None
    )
    card["provenance"] = {"source": SOURCE, "lines": [span.start, span.end]}
    if card["mission"] is None:
        raise _fail(span.title_line, f"card {span.number}: empty mission")
    return card, infos


# ------------------------------------------------------------------------------------ extract


def _order(card: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id edition number family title printed_title other_names has_card description mission "
        "activities "
        "competences deliverables performance_indicators career_path trends changes provenance"
    ).split()
    return {k: card[k] for k in keys if k in card}


def extract(text: str, ecf_reference: str, ecf_levels: str) -> ExtractResult:
    """Parse the RAW 2018 text (it is repaired first). ``ecf_reference`` and ``ecf_levels`` are
    the texts of ``sources/ecf-3.0-reference.csv`` and ``sources/ecf-3.0-levels.csv`` (read beside
    the source by :mod:`nomengraph.extract`)."""
    doc = Doc(repair_text(text))
    warnings: list[str] = []
    toc = _parse_toc(doc)
    total, total_line = _synthesis_count(
        doc, toc.end, r"rassemble aujourd'hui (\d+) métiers", "jobs"
    )
    if total != len(toc.jobs):
        raise _fail(
            total_line,
            f"the synthesis counts {total} jobs, the table of contents lists {len(toc.jobs)}",
        )
    layout = Layout(doc, toc)
    chapter3 = parse_chapter_three(doc, toc, layout)
    families, family_warnings = _family_names(doc, toc, _family_titles(doc, toc), chapter3.end)
    warnings.extend(family_warnings)
    spans = _card_spans(doc, toc, layout, chapter3.end + 1)
    _check_sequence(spans, toc)

    cards: list[dict[str, Any]] = []
    infos: list[dict[str, Any]] = []
    for i, span in enumerate(spans):
        card, card_infos = _parse_card(
            doc, layout, span, families, toc, i == len(spans) - 1, warnings
        )
        cards.append(card)
        infos.extend(card_infos)

    present = {c["number"] for c in cards}
    for number, title, line in toc.jobs:
        if number in present:
            continue
        card = {
            "id": f"{EDITION}-{number}",
            "edition": EDITION,
            "number": number,
            "family": _family_dict(number.split(".")[0], families),
            **title_fields(title),
            "has_card": False,
            "activities": [],
            "competences": [],
        }
        lines = [line, line]
        entry = chapter3.new_jobs.get(number)
        if entry is not None:
            card["description"] = entry.text
            lines = [line, entry.last]
        card["provenance"] = {"source": SOURCE, "lines": lines}
        cards.append(card)
    missing = [n for n, _, _ in toc.jobs if n not in present]
    if missing:
        warnings.append(
            f"{SOURCE}:{doc.n}: the text stops after card {spans[-1].number}: "
            f"{len(missing)} jobs of the table of contents have no card ({', '.join(missing)})"
        )

    chapter3.apply(cards, infos, warnings)
    warnings.extend(chapter3.warnings)

    ecf, ecf_warnings = build_ecf(infos, ecf_reference, ecf_levels)
    warnings.extend(ecf_warnings)

    cards.sort(key=lambda c: [int(x) for x in c["number"].split(".")])
    return ExtractResult(
        cards=[_order(c) for c in cards],
        data_files={"ecf/ecf-3.0.yaml": ecf},
        warnings=warnings,
    )


__all__ = ["extract"]
