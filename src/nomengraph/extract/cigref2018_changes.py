"""Chapter 3 of the CIGREF 2018 nomenclature: "Principaux changements entre les versions 2015 et
2018" — 3.1 the new organisation (renumberings), 3.2 the new jobs (a prose paragraph per job),
3.3 the modified jobs (the changes as printed). Gives every 2018 job its ``changes`` and the jobs
without a card their ``description``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .base import SourceFormatError
from .cigref2018_text import (
    BULLET,
    O_BULLET,
    SOURCE,
    Doc,
    Layout,
    Line,
    Toc,
    find_heading,
    norm,
    reflow,
)

_FICHE = re.compile(r"^Fiche «\s*([1-9])\.(\d{1,2})\.\s*(.+?)\s*»$")
_REF = r"«\s*([1-9]\.\d{1,2})\.?\s+([^»]+?)\s*»"
_NUMBERED = re.compile(_REF + r"\s*\(anciennement numérotée\s+([1-9]\.\d{1,2})\)")
_BECOMES = re.compile(_REF + r"\s*qui devient\s*" + _REF)
_OLD = re.compile(r"(?:[Aa]nciennement|[Aa]ncienne fiche métier)\s*" + _REF)
_JOBREF = re.compile(_REF)
_FOOTNOTE = re.compile(r"^(?:\d+\s+)?https?://\S+$")
_DELTA = re.compile(
    r"^(Ajout|Modification|Suppressions?) de «\s*([A-E])\s*\.\s*(\d{1,2})\s*\.\s*([^»:]+)»?"
    r"\s*(?::\s*niveau\s+([1-5]))?"
)
_MODIFYING = re.compile(r"modifi|revue|remani|complét|ajout|redéfini", re.IGNORECASE)


@dataclass
class Entry:
    """One 'Fiche « N.N. Title »' paragraph group of chapter 3.2 or 3.3."""

    number: str
    title: str
    first: int
    last: int
    items: list[tuple[str, int, int]]

    @property
    def text(self) -> str:
        return "\n\n".join(t for t, _, _ in self.items)


@dataclass
class Previous:
    number: str
    title: str | None
    line: int
    note: str | None = None


@dataclass
class ChapterThree:
    end: int
    new_jobs: dict[str, Entry]
    modified: dict[str, Entry]
    previous: dict[str, Previous]
    notes31: dict[str, str]
    synthesis: tuple[int, int] | None
    warnings: list[str] = field(default_factory=list)

    def apply(
        self, cards: list[dict[str, Any]], infos: list[dict[str, Any]], warnings: list[str]
    ) -> None:
        """Set ``changes`` on every card and check the competence deltas of chapter 3.3."""
        counts: dict[str, int] = {}
        by_number = {c["number"]: c for c in cards}
        for number, card in by_number.items():
            prev = self.previous.get(number)
            entry = self.modified.get(number)
            notes: list[str] = []
            if number in self.notes31:
                notes.append(self.notes31[number])
            if entry is not None:
                notes.extend(t for t, _, _ in entry.items)
            if entry is not None and re.search(
                rf"nouvelle fiche métier «\s*{re.escape(number)}\.", entry.text
            ):
                status = "new"
            elif entry is not None:
                same_title = (
                    prev is None or prev.title is None or (_key(prev.title) == _key(card["title"]))
                )
                renumber_only = (
                    prev is not None
                    and prev.number != number
                    and same_title
                    and not _MODIFYING.search(entry.text)
                )
                status = "renumbered" if renumber_only else "modified"
            elif number in self.new_jobs:
                status = "new"
            elif prev is not None and prev.number != number:
                status = "renumbered"
            else:
                status = "unchanged"
            changes: dict[str, Any] = {"status": status}
            if prev is not None:
                changes["previous_number"] = prev.number
                if prev.title:
                    changes["previous_title"] = prev.title
            changes["notes"] = notes
            card["changes"] = changes
            counts[status] = counts.get(status, 0) + 1
        self._check_deltas(by_number, infos, warnings)
        if self.synthesis:
            said, line = self.synthesis
            new, mod = counts.get("new", 0), counts.get("modified", 0)
            ren = counts.get("renumbered", 0)
            if said != new + mod:
                warnings.append(
                    f"{SOURCE}:{line}: the synthesis counts {said} new or modified jobs; chapter 3 "
                    f"gives {new} new, {mod} modified and {ren} renumbered ({new + mod + ren} "
                    "changed in all)"
                )

    def _check_deltas(
        self,
        cards: dict[str, dict[str, Any]],
        infos: list[dict[str, Any]],
        warnings: list[str],
    ) -> None:
        names: dict[str, str] = {}
        for info in infos:
            names.setdefault(info["code"], info["name"])
        for number, entry in self.modified.items():
            card = cards.get(number)
            if card is None or not card["has_card"]:
                continue
            have = {c["code"]: c["level"] for c in card["competences"]}
            for text, line, _ in entry.items:
                m = _DELTA.match(text)
                if not m:
                    continue
                verb, code, name, level = m[1], f"{m[2]}.{int(m[3])}", norm(m[4]), m[5]
                if code in names and _key(names[code]) != _key(name):
                    warnings.append(
                        f"{SOURCE}:{line}: chapter 3.3 ({number}) names « {code}. {name} » but "
                        f"{code} is « {names[code]} » on the cards"
                    )
                if verb.startswith("Suppression"):
                    if code in have:
                        warnings.append(
                            f"{SOURCE}:{line}: chapter 3.3 says {code} was removed from "
                            f"{number}, but card {number} still requires it"
                        )
                elif level and have.get(code) != level:
                    warnings.append(
                        f"{SOURCE}:{line}: chapter 3.3 gives {number} {code} level {level}; "
                        f"card {number} has {have.get(code) or 'no ' + code}"
                    )


def _key(text: str) -> str:
    return norm(text).casefold()


def _fail(line: int | None, message: str) -> SourceFormatError:
    return SourceFormatError(SOURCE, line, message)


def _entries(doc: Doc, layout: Layout, first: int, last: int, what: str) -> dict[str, Entry]:
    """Split a chapter into its 'Fiche « N.N. Title »' entries."""
    heads = [no for no in range(first, last + 1) if _FICHE.match(doc[no])]
    if not heads:
        raise _fail(first, f"chapter {what}: no 'Fiche « N.N. … »' entry found")
    entries: dict[str, Entry] = {}
    for i, head in enumerate(heads):
        stop = heads[i + 1] - 1 if i + 1 < len(heads) else last
        lines: list[Line] = []
        for no in range(head + 1, stop + 1):
            text = doc[no]
            if layout.is_debris(text) or _FOOTNOTE.match(text):
                continue
            lines.append(Line(no, text))
        # A domain heading ("La sécurité", "La donnée"…) before the next entry is not its text.
        if i + 1 < len(heads):
            while lines and _is_domain_heading(lines[-1].text):
                lines.pop()
        m = _FICHE.match(doc[head])
        number = f"{m[1]}.{m[2]}"
        items = [
            (text, a, b) for text, a, b, _ in reflow(lines, prose=True, bullets=(BULLET, O_BULLET))
        ]
        if not items:
            raise _fail(head, f"chapter {what}: entry {number} has no text")
        if number in entries:
            raise _fail(head, f"chapter {what}: two entries for {number}")
        entries[number] = Entry(number, m[3], head, items[-1][2], items)
    return entries


def _is_domain_heading(text: str) -> bool:
    return (
        len(text) < 60
        and not text.endswith((".", ":", ";", ",", "…", ")"))
        and text[:1].isupper()
        and not BULLET.match(text)
    )


def parse_chapter_three(doc: Doc, toc: Toc, layout: Layout) -> ChapterThree:
    s3 = find_heading(doc, f"3. {toc.sections['3'][0]}", toc.end + 1)
    s31 = find_heading(doc, f"3.1. {toc.sections['3.1'][0]}", s3 + 1)
    s32 = find_heading(doc, f"3.2. {toc.sections['3.2'][0]}", s31 + 1)
    s33 = find_heading(doc, f"3.3. {toc.sections['3.3'][0]}", s32 + 1)
    end = doc.find(layout.is_family_heading, s33 + 1)
    if end is None:
        raise _fail(s33, "no family page after chapter 3.3")
    end -= 1

    previous: dict[str, Previous] = {}
    notes31: dict[str, str] = {}
    lines31 = [Line(no, doc[no]) for no in range(s31 + 1, s32) if not layout.is_debris(doc[no])]
    for text, a, _b, _bul in reflow(lines31, prose=True):
        for m in _NUMBERED.finditer(text):
            previous[m[1]] = Previous(m[3], None, a)
            notes31[m[1]] = text
        for m in _BECOMES.finditer(text):
            previous[m[3]] = Previous(m[1], m[2], a)
            notes31[m[3]] = text

    new_jobs = _entries(doc, layout, s32 + 1, s33 - 1, "3.2")
    modified = _entries(doc, layout, s33 + 1, end, "3.3")
    warnings: list[str] = []
    for number, entry in modified.items():
        for text, a, _b in entry.items:
            for m in _OLD.finditer(text):
                old_no, old_title = m[1], m[2]
                later = [
                    r for r in _JOBREF.finditer(text, m.end()) if _key(r[2]) == _key(old_title)
                ]
                target = later[0][1] if later and later[0][1] != old_no else number
                known = previous.get(target)
                if known is not None and known.number != old_no:
                    warnings.append(
                        f"{SOURCE}:{a}: chapter 3.3 gives {target} the former number {old_no}, "
                        f"chapter 3.1 {known.number}"
                    )
                previous[target] = Previous(old_no, old_title, a)

    synthesis = None
    for no in range(1, toc.end + 1):
        m = re.search(r"nomenclature (\d+) métiers", doc[no])
        if m:
            synthesis = (int(m[1]), no)
            break
    return ChapterThree(end, new_jobs, modified, previous, notes31, synthesis, warnings)
