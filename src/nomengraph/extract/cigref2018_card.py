"""The content of one CIGREF 2018 job card, read from its fields: mission, activity groups (with
their notes), competence requirements (and what the e-CF file needs of them), deliverables,
performance indicators, career path and trends; a card the text cuts short is kept truncated.
"""

from __future__ import annotations

import re
from typing import Any

from .base import SourceFormatError, list_item, title_fields
from .cigref2018_spans import BODY_ORDER, LABELS, CardSpan, find_labels
from .cigref2018_text import (
    SOURCE,
    Doc,
    Layout,
    Line,
    Toc,
    is_area_fragment,
    is_uppercase_line,
    list_items,
    norm,
    paragraphs,
    reflow,
)

EDITION = "cigref-2018"

_CODE = re.compile(r"^([A-E])\s*\.\s*(\d{1,2})\s*\.?\s+(\S.*)$")
_LEVEL = re.compile(r"^Niveau\s+([1-5])$")
_EDUCATION = re.compile(r"\bbac\b", re.IGNORECASE)

_REQUIRED = ("activities", "deliverables", "indicators", "career", "trends")


def _fail(line: int | None, message: str) -> SourceFormatError:
    return SourceFormatError(SOURCE, line, message)


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


def family_dict(number: str, families: dict[str, tuple[str, int]]) -> dict[str, str]:
    return {"number": number, "title": families[number][0]}


def parse_card(
    doc: Doc,
    layout: Layout,
    span: CardSpan,
    families: dict[str, tuple[str, int]],
    toc: Toc,
    is_last: bool,
    warnings: list[str],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    find_labels(doc, span)
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
        later = [span.labels[n][0] for n in BODY_ORDER if n in span.labels]
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
        "family": family_dict(fam_no, families),
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
        later = [n for n in BODY_ORDER if n in span.labels and span.labels[n][0] > start]
        nxt = later[0] if later else None
        if nxt is not None and lines:
            label = " ".join(LABELS[nxt])
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
