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
(families 1, 2 and 5, see :func:`nomengraph.extract.cigref2018_outline.family_names`).

Job titles are kept as printed in ``printed_title`` where the display ``title`` differs from
them (spacing around hyphens, see :func:`nomengraph.extract.base.display_title`).

The card parser is keyed on the "Titre du métier / et Mission" field, never on "N.N." lines (the
running titles at the top of every continuation page look exactly like a job number + title).

This module puts the parts together; each lives beside it: the outline (table of contents,
family names) in :mod:`.cigref2018_outline`, where each card and its fields lie in
:mod:`.cigref2018_spans`, a card's content in :mod:`.cigref2018_card`, chapter 3 in
:mod:`.cigref2018_changes`, the e-CF file in :mod:`.cigref2018_ecf` and the repaired text's
lines and page furniture in :mod:`.cigref2018_text`.
"""

from __future__ import annotations

from typing import Any

from ..repair import repair_text
from .base import ExtractResult, SourceFormatError, title_fields
from .cigref2018_card import EDITION, family_dict, parse_card
from .cigref2018_changes import parse_chapter_three
from .cigref2018_ecf import build_ecf
from .cigref2018_outline import family_names, family_titles, parse_toc, synthesis_count
from .cigref2018_spans import card_spans, check_sequence
from .cigref2018_text import SOURCE, Doc, Layout


def _fail(line: int | None, message: str) -> SourceFormatError:
    return SourceFormatError(SOURCE, line, message)


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
    toc = parse_toc(doc)
    total, total_line = synthesis_count(
        doc, toc.end, r"rassemble aujourd'hui (\d+) métiers", "jobs"
    )
    if total != len(toc.jobs):
        raise _fail(
            total_line,
            f"the synthesis counts {total} jobs, the table of contents lists {len(toc.jobs)}",
        )
    layout = Layout(doc, toc)
    chapter3 = parse_chapter_three(doc, toc, layout)
    families, family_warnings = family_names(doc, toc, family_titles(doc, toc), chapter3.end)
    warnings.extend(family_warnings)
    spans = card_spans(doc, toc, layout, chapter3.end + 1)
    check_sequence(spans, toc)

    cards: list[dict[str, Any]] = []
    infos: list[dict[str, Any]] = []
    for i, span in enumerate(spans):
        card, card_infos = parse_card(
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
            "family": family_dict(number.split(".")[0], families),
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
