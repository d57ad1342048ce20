"""The outline of the CIGREF 2018 nomenclature: its table of contents (sections, families, jobs),
the number of jobs its synthesis gives, and the title of each family in proper French case (from
the chapter-2 list and the other lists of chapters 1 to 3).
"""

from __future__ import annotations

import re
import unicodedata

from .base import SourceFormatError
from .cigref2018_text import (
    PAGE_FOOTER,
    SOURCE,
    Doc,
    Toc,
    find_heading,
    is_uppercase_line,
    norm,
)

_TOC_FAMILY = re.compile(r"^([1-9])\.\s+(.+?)\s*(?:\.{4,}\s*\d+)?$")
_TOC_JOB = re.compile(r"^([1-9])\.(\d{1,2})\.\s+(.+?)\s*\.{3,}\s*(\d+)$")
_TOC_DOTS = re.compile(r"^\.{4,}\s*\d+$")
_TOC_SECTION = re.compile(r"^(\d(?:\.\d)?)\.\s+(.+?)\s*\.{3,}\s*\d+$")


def _fail(line: int | None, message: str) -> SourceFormatError:
    return SourceFormatError(SOURCE, line, message)


def parse_toc(doc: Doc) -> Toc:
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


def synthesis_count(doc: Doc, stop: int, pattern: str, what: str) -> tuple[int, int]:
    for no in range(1, stop + 1):
        m = re.search(pattern, doc[no])
        if m:
            return int(m[1]), no
    raise _fail(1, f"synthesis: the number of {what} was not found")


def family_titles(doc: Doc, toc: Toc) -> dict[str, tuple[str, int]]:
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


def family_names(
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
