"""Where each CIGREF 2018 job card lies: the cards found by their "Titre du métier / et Mission"
field (never by "N.N." lines, which are also the running titles of continuation pages), their
first and last lines, the family field of their header, the labels of their fields, and the
order of the cards against the table of contents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .base import SourceFormatError
from .cigref2018_text import SOURCE, Doc, Layout, Toc, norm

_JOB_TITLE = re.compile(r"^([1-9])\.(\d{1,2})\.\s+(\S.*)$")


# Field labels of a card, each printed over several lines in the left-hand column.
LABELS: dict[str, tuple[str, ...]] = {
    "family": ("Famille de", "métiers"),
    "title": ("Titre du métier", "et Mission"),
    "activities": ("Activités et", "tâches", "(Nécessaires", "pour réaliser la", "mission)"),
    "competences": ("Compétences (Issues du référentiel européen des compétences numériques)",),
    "deliverables": ("Livrables",),
    "indicators": ("Indicateurs de", "performance"),
    "career": ("Parcours", "professionnel"),
    "trends": ("Tendances et", "facteurs", "d'évolution"),
}
BODY_ORDER = ("activities", "competences", "deliverables", "indicators", "career", "trends")


def _fail(line: int | None, message: str) -> SourceFormatError:
    return SourceFormatError(SOURCE, line, message)


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


def card_spans(doc: Doc, toc: Toc, layout: Layout, first: int) -> list[CardSpan]:
    titles = [
        no
        for no in range(first, doc.n + 1)
        if _match_label(doc, no, LABELS["title"], doc.n) is not None
    ]
    spans: list[CardSpan] = []
    for no in titles:
        label_end = _match_label(doc, no, LABELS["title"], doc.n)
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
                or text in LABELS["family"]
                or layout.is_family_heading(text)
                or text == "INFRASTRUCTURES"
            ):
                if text:
                    start = back
                continue
            break
        fam = next(
            (b for b in range(start, no) if _match_label(doc, b, LABELS["family"], no)), None
        )
        if fam is not None:
            fam_end = _match_label(doc, fam, LABELS["family"], no)
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


def check_sequence(spans: list[CardSpan], toc: Toc) -> None:
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


def find_labels(doc: Doc, span: CardSpan) -> None:
    for no in range(span.title_line + 1, span.end + 1):
        for name, parts in LABELS.items():
            last = _match_label(doc, no, parts, span.end)
            if last is None:
                continue
            if name in ("family", "title") or name in span.labels:
                raise _fail(
                    no, f"card {span.number}: unexpected second '{' / '.join(parts)}' field"
                )
            span.labels[name] = (no, last)
    present = [n for n in BODY_ORDER if n in span.labels]
    positions = [span.labels[n][0] for n in present]
    if positions != sorted(positions):
        raise _fail(span.title_line, f"card {span.number}: fields out of order: {present}")
