"""Parser for the interministerial SIC référentiel (``sources/sic-referentiel-metiers.txt``).

The text is a web page whose three-column table ("Intitulé et autres appellations",
"Cursus/Formation", "Principales activités") was flattened into lines. Each of the 44 records is:

1. the **title** line (no number, no family, no code);
2. optionally the **other names** (one paragraph, names separated by ``;`` -- usually preceded
   by a NO-BREAK SPACE -- or, once (l.205), by commas; the cell may wrap onto a second line);
3. optionally the **Cursus/Formation** block: a line starting with ``Bac``/``BAC``/``De Bac``
   followed by free lines;
4. the **activities**: an optional introductory sentence, headings (upper case and/or ending with
   ``:``) each directly followed by ``•`` bullets, ``–`` sub-bullets under a bullet.

The next record's title follows the last bullet directly (usually with no blank line). Two titles
are glued to their first heading (l.1092, l.1169) and are split at the lower-case/upper-case seam.

Decisions (documented here and tested in ``tests/test_extract_sic.py``):

* ``–`` sub-bullets are the sub-items of the ``•`` task above them (``{text, items}``, the
  ``;`` that separates them dropped): ``Superviser :`` with ``l’ensemble de la production : …
  exploitation`` and ``la maintenance des …``. A lead-in printed in ordinary case under a
  heading (l.182 "Conduire les entretiens :") is a task whose sub-items are the bullets under it.
* a task keeps its text as printed, minus the bullet and the trailing ``;`` list separator (a
  final ``.`` is kept). A bullet line that does not end with punctuation and is followed, without
  a blank line, by a non-bullet line continues on that line (wrapped cell, l.152-153).
* a heading in capitals directly followed by another one in capitals is one heading printed on
  two lines. Headings lose only their trailing ``:``; case is kept as printed.
* records with bullets but no heading (33, 36) get one activity group with heading null.
* the introductory sentence(s) of the activities column (l.74, l.213-214, l.331) go to
  ``description``, one paragraph per printed line: the run of full sentences (lines ending with
  ``.`` or ``:``, not the ``Bac`` line) that directly precedes the blank line(s) before the first
  heading.
* ``career_path.education`` is the Cursus/Formation block: the ``Bac`` line with the line that
  specifies it, then one paragraph per printed line that starts with a capital (a line starting
  in lower case continues the one above), see :func:`_education`. ``career_path.experience``
  is set only when the block has a paragraph of its own that states an experience requirement
  (a paragraph starting "Avec expérience(s)", l.73); experience mentioned inside the education
  sentence ("avec 5 ans d’expériences", "Bac + 3 avec expérience ou Bac + 5 sans expérience")
  stays in ``education``.
* other names: split on ``;``; a line without ``;`` is split on ``,`` (l.205 "Recetteur,
  Homologateur"); each line of a wrapped cell (l.1077-1078) is split on its own. The source has no
  English column, so every name goes to ``fr`` even when it is English ("Data Scientist").
* whitespace (including NO-BREAK SPACE) is collapsed to single spaces in every text field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .base import ExtractResult, SourceFormatError, list_item, title_fields

SOURCE = "sources/sic-referentiel-metiers.txt"
EDITION = "sic"
EXPECTED_RECORDS = 44
"""Number of job records the référentiel lists (SOURCES.md §5); any other count is an error."""

COLUMN_HEADERS = ("Intitulé et autres appellations", "Cursus/Formation", "Principales activités")
"""The flattened table header; the records start on the line after the last of them."""

BULLET = "•"
SUB_BULLET = "–"  # EN DASH

_WS = re.compile(r"\s+")  # \s also matches NO-BREAK SPACE
_BAC = re.compile(r"^(?:De\s+)?Bac\b", re.IGNORECASE)
_LOWER = "a-zà-öø-ÿœ"
_UPPER = "A-ZÀ-ÖØ-ÞŒ"
# A title glued to an upper-case heading: "…d’intrusionsANALYSE DE RISQUES :".
_GLUED = re.compile(rf"^(?P<title>.*[{_LOWER}])(?P<heading>[{_UPPER}][^{_LOWER}]*:)$")
_SEPARATOR_END = re.compile(r"\s*;$")
_SENTENCE_END = (".", ":")
_OPEN_END = re.compile(r"[^.;:!?…)»”]$")  # a line that stops mid-sentence
_EXPERIENCE = re.compile(r"^Avec expériences?\b")


def _clean(text: str) -> str:
    """Collapse whitespace (NO-BREAK SPACE included) to single spaces and strip."""
    return _WS.sub(" ", text).strip()


def _is_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


@dataclass
class _Record:
    first: int  # 1-based line of the title
    title: str
    names: list[str] = field(default_factory=list)
    education: list[str] = field(default_factory=list)
    experience: list[str] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    last: int = 0


class _Parser:
    def __init__(self, text: str):
        # Split on "\n" only, so that line numbers are those of sed/grep (str.splitlines would
        # also split on other separators).
        self.lines = [line.rstrip() for line in text.split("\n")]
        self.n = len(self.lines)
        self.warnings: list[str] = []

    # -------------------------------------------------------------------------- helpers

    def line(self, i: int) -> str:
        """The stripped text of 0-based line ``i`` ('' past the end)."""
        return self.lines[i].strip() if 0 <= i < self.n else ""

    def error(self, i: int, message: str) -> SourceFormatError:
        return SourceFormatError(SOURCE, min(i, self.n - 1) + 1, message)

    def warn(self, i: int, message: str) -> None:
        self.warnings.append(f"{SOURCE}:{i + 1}: {message}")

    def is_bullet(self, i: int) -> bool:
        return self.line(i).startswith(BULLET)

    def is_sub(self, i: int) -> bool:
        return self.line(i).startswith(SUB_BULLET)

    def is_heading(self, i: int) -> bool:
        """A heading: upper case or ending with ':', directly followed by a bullet or heading."""
        text = self.line(i)
        if not text or text[0] in (BULLET, SUB_BULLET) or _BAC.match(text):
            return False
        if not (text.endswith(":") or _is_upper(text)):
            return False
        return self.is_bullet(i + 1) or self.is_heading(i + 1)

    def glued(self, i: int) -> re.Match[str] | None:
        """A title glued to the heading of its first activity group."""
        if not self.is_heading(i):
            return None
        m = _GLUED.match(self.line(i))
        return m if m and _is_upper(m["heading"]) else None

    # --------------------------------------------------------------------------- document

    def start(self) -> int:
        """Check the column header lines; return the 0-based line of the first record."""
        i = 0
        for header in COLUMN_HEADERS:
            j = i
            while j < self.n and self.line(j) != header:
                if self.is_bullet(j):
                    break
                j += 1
            if j >= self.n or self.line(j) != header:
                raise self.error(i, f"column header {header!r} not found")
            i = j + 1
        while i < self.n and not self.line(i):
            i += 1
        if i >= self.n:
            raise self.error(self.n - 1, "no record after the column headers")
        return i

    def parse(self) -> list[_Record]:
        i = self.start()
        records: list[_Record] = []
        while i < self.n:
            if not self.line(i):
                i += 1
                continue
            if len(records) == EXPECTED_RECORDS:
                raise self.error(
                    i, f"more than {EXPECTED_RECORDS} records: unexpected record {self.line(i)!r}"
                )
            record, i = self.record(i)
            records.append(record)
        if len(records) != EXPECTED_RECORDS:
            raise self.error(
                self.n - 1,
                f"the text ends after {len(records)} records, {EXPECTED_RECORDS} expected "
                "(truncated text?)",
            )
        last_task = records[-1].groups[-1]["tasks"][-1]
        last_text = last_task if isinstance(last_task, str) else last_task["items"][-1]
        if not last_text.endswith("."):
            # Every record of the référentiel ends with a full stop; a text that stops on a
            # list separator or mid-sentence has lost the end of its last record.
            raise self.error(
                records[-1].last - 1, "the text ends in the middle of a record (truncated?)"
            )
        return records

    # ----------------------------------------------------------------------------- record

    def record(self, i: int) -> tuple[_Record, int]:
        """Parse the record whose title is on line ``i``; return it and the next line."""
        glued = self.glued(i)
        if glued:
            record = _Record(first=i + 1, title=_clean(glued["title"]))
            self.warn(i, f"title {record.title!r} is glued to its first heading; split")
            return record, self.activities(record, i, first_heading=glued["heading"])
        record = _Record(first=i + 1, title=_clean(self.line(i)))
        j = i + 1
        header: list[int] = []  # lines of the other-names and Cursus/Formation cells
        while j < self.n and not (self.is_bullet(j) or self.is_sub(j) or self.is_heading(j)):
            header.append(j)
            j += 1
        if j >= self.n:
            raise self.error(i, f"record {record.title!r} has no activity (truncated text?)")
        if self.is_sub(j):
            raise self.error(j, "sub-bullet without a bullet above it")
        self.header(record, header, j)
        return record, self.activities(record, j)

    def paragraphs(self, lines: list[int]) -> list[list[int]]:
        """Group line numbers into runs of consecutive non-blank lines."""
        out: list[list[int]] = []
        for j in lines:
            if not self.line(j):
                continue
            if out and out[-1][-1] == j - 1:
                out[-1].append(j)
            else:
                out.append([j])
        return out

    def header(self, record: _Record, lines: list[int], activity: int) -> None:
        """Split the lines between title and activities into names, education and intro."""
        bac = [j for j in lines if _BAC.match(self.line(j))]
        if len(bac) > 1:
            raise self.error(
                bac[1],
                f"record {record.title!r} has two Cursus/Formation blocks: "
                "a record without activities?",
            )
        names_end = bac[0] if bac else activity
        names = self.paragraphs([j for j in lines if j < names_end])
        if len(names) > 1:
            raise self.error(
                names[1][0],
                f"record {record.title!r}: unexpected text {self.line(names[1][0])!r} "
                "after the other names (a record without activities?)",
            )
        for j in names[0] if names else []:
            record.names.extend(self.split_names(j))
        if names and len(names[0]) > 1:
            self.warn(names[0][1], "the other names continue on this line (wrapped cell)")
        if not bac:
            return
        block = [j for j in lines if j >= bac[0] and self.line(j)]
        # Introductory sentence(s) of the activities column: full sentences just before the
        # blank line(s) that precede the first heading.
        intro: list[int] = []
        if block and block[-1] < activity - 1:
            k = len(block) - 1
            while (
                k > 0
                and self.line(block[k]).endswith(_SENTENCE_END)
                and (not intro or block[k] == intro[0] - 1)
            ):
                intro.insert(0, block[k])
                k -= 1
        record.intro = [self.line(j) for j in intro]
        for para in self.paragraphs([j for j in block if j not in intro]):
            text = [self.line(j) for j in para]
            if para[0] != bac[0] and _EXPERIENCE.match(text[0]):
                record.experience.extend(text)
            else:
                record.education.extend(text)

    def split_names(self, j: int) -> list[str]:
        text = self.line(j)
        if ";" in text:
            parts = text.split(";")
        else:
            parts = text.split(",")
            if len(parts) > 1:
                self.warn(j, "other names separated by commas instead of ';'")
        names = [_clean(p) for p in parts]
        if not all(names):
            raise self.error(j, f"empty other name in {text!r}")
        return names

    # ------------------------------------------------------------------------- activities

    def activities(self, record: _Record, j: int, first_heading: str | None = None) -> int:
        """Parse activity groups from line ``j``; return the line where the next record starts.

        ``first_heading`` is the heading part of a title glued to it on line ``j``.
        """
        group: dict[str, Any] | None = None
        heading: list[str] = []  # the lines of the current group's heading
        # A task: the lines of its text and the lines of each of its sub-items.
        task: tuple[list[str], list[list[str]]] | None = None
        opener: tuple[list[str], list[list[str]]] | None = None  # a lead-in under a heading
        prev = ""  # kind of the previous line: heading, opener, bullet, sub or blank

        def new_group(text: str | None) -> dict[str, Any]:
            heading[:] = [text] if text else []
            record.groups.append({"heading": self.heading_text(heading), "tasks": []})
            return record.groups[-1]

        if first_heading is not None:
            group, prev = new_group(first_heading), "heading"
            record.last = j + 1
            j += 1
        while j < self.n:
            text = self.line(j)
            if not text:
                if prev in ("heading", "opener"):
                    raise self.error(j - 1, "heading without tasks")
                prev, opener = "blank", None
            elif text.startswith(BULLET):
                group = group if group is not None else new_group(None)
                if opener is not None:  # the items of the lead-in's list
                    opener[1].append([text[1:]])
                    task = opener
                    prev = "sub"
                else:
                    task = ([text[1:]], [])
                    group["tasks"].append(task)
                    prev = "bullet"
            elif text.startswith(SUB_BULLET):
                if task is None or prev not in ("bullet", "sub"):
                    raise self.error(j, "sub-bullet without a bullet above it")
                task[1].append([text[1:]])
                prev = "sub"
            elif prev in ("bullet", "sub") and task is not None and self.continues(j):
                self.warn(j, "bullet text wrapped onto this line; rejoined")
                (task[1][-1] if prev == "sub" else task[0]).append(text)
            elif prev == "heading" and group is not None and self.is_heading(j):
                if _is_upper(text):
                    heading.append(text)  # one heading printed on two lines
                    group["heading"] = self.heading_text(heading)
                else:
                    # A lead-in in ordinary case under the heading ("TESTS D'UTILISABILITE :" /
                    # "Conduire les entretiens :"): a task whose sub-items are the bullets.
                    opener = task = ([text], [])
                    group["tasks"].append(task)
                    prev = "opener"
            elif self.is_heading(j) and not self.glued(j):
                group, task, opener, prev = new_group(text), None, None, "heading"
            else:
                break  # the next record's title
            if text:
                record.last = j + 1
            j += 1
        if prev in ("heading", "opener") or not record.groups:
            raise self.error(j - 1, f"record {record.title!r} ends without tasks (truncated?)")
        seen: set[str] = set()
        for g in record.groups:
            g["tasks"] = [
                list_item(self.task_text(parts), [self.task_text(sub) for sub in subs])
                for parts, subs in g["tasks"]
            ]
            if g["heading"] in seen:
                self.warn(record.first - 1, f"heading {g['heading']!r} printed twice in the record")
            if g["heading"]:
                seen.add(g["heading"])
        return j

    def continues(self, j: int) -> bool:
        """Whether non-bullet line ``j`` continues the bullet text on the line above."""
        return bool(_OPEN_END.search(self.line(j - 1))) or self.line(j)[:1].islower()

    @staticmethod
    def heading_text(lines: list[str]) -> str | None:
        return _clean(" ".join(lines)).removesuffix(":").rstrip() or None

    @staticmethod
    def task_text(parts: list[str]) -> str:
        return _SEPARATOR_END.sub("", _clean(" ".join(parts)))


def _education(lines: list[str]) -> str | None:
    """The Cursus/Formation cell: the 'Bac' line with the line that specifies it, then one
    paragraph per further line that starts with a capital ("Bac + 5 en informatique,
    psychologie, santé" / "Complété par une formation en ergonomie"); a line that starts in
    lower case continues the one above ("… Et 5 ans d'expérience …" / "ou Bac + 5 généraliste")."""
    paras: list[str] = []
    for k, line in enumerate(lines):
        if paras and (k == 1 or not line[:1].isupper()):
            paras[-1] = f"{paras[-1]} {line}"
        else:
            paras.append(line)
    return "\n\n".join(_clean(p) for p in paras) or None


def _card(position: int, record: _Record) -> dict[str, Any]:
    number = f"{position:02d}"
    card: dict[str, Any] = {
        "id": f"{EDITION}-{number}",
        "edition": EDITION,
        "number": number,
        "family": None,
        **title_fields(record.title),
        "other_names": {"fr": record.names, "en": []},
        "has_card": True,
    }
    if record.intro:  # one paragraph per printed sentence
        card["description"] = "\n\n".join(_clean(line) for line in record.intro)
    card.update(
        {
            "mission": None,
            "activities": record.groups,
            "competences": [],
            "deliverables": [],
            "performance_indicators": [],
            "career_path": {
                "education": _education(record.education),
                "experience": _clean(" ".join(record.experience)) or None,
            },
            "trends": None,
            "provenance": {"source": SOURCE, "lines": [record.first, record.last]},
        }
    )
    return card


def extract(text: str) -> ExtractResult:
    """Parse the SIC référentiel into its 44 cards (``sic-01`` … ``sic-44``, in source order).

    Raises SourceFormatError, naming a line, when the text does not have the expected structure
    (missing column headers, a record without activities, a count other than 44, a truncated
    end).
    """
    parser = _Parser(text)
    records = parser.parse()
    cards = [_card(k, r) for k, r in enumerate(records, start=1)]
    return ExtractResult(cards=cards, data_files={}, warnings=parser.warnings)
