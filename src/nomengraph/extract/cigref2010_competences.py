"""The COMPETENCES pages of a CIGREF 2010 job card.

The printed table has three columns (e-CF area label | ``code. name`` + description | ``Level N``
+ level descriptor) but was flattened to TAB-separated lines with cells dropped, merged or
shifted. Each line is cut into tokens (code, level label, italic descriptor, plain text) which are
then paired with their competence:

* by position (a token belongs to the last code read) — the normal case;
* several codes and as many level labels in one row: labels are paired with codes in order;
* a level label before the first code of a page ("floating") goes to the next code;
* no level label at all: the level is the one whose e-CF 2.0 descriptor (annex 2) the card
  prints (a ``note`` says so);
* a page whose code column is shifted against the text columns (a code printed beside another
  competence's description): texts are given to the competence whose e-CF description they
  belong to, and levels are read from the descriptors (the shifted labels are reported).

The area label column is never used (often wrong); the area is the code letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .base import SourceFormatError
from .cigref2010_ecf import EcfCompetence
from .cigref2010_text import clean, overlap

DOMAIN_LABEL = re.compile(
    r"^\s*(?:[A-E]\.\s?(?:PLAN|BUILD|RUN|ENABLE|MANAGE|DELIVER)\b\s*)+", re.IGNORECASE
)
CODE_PREFIX = re.compile(r"^([A-E])\s?(\d{1,2})(\s*\.(?:\s*\.)*)?\s*")
LEVEL_LABEL = re.compile(r"(?:\b(And|Or)\s+)?\bLevel\s+([1-5])\b")
ITALIC = re.compile(r"<i>(.*?)</i>", re.DOTALL)
FOOTER = re.compile(r"^La liste des (?:knowledge|connaissances)")

MATCH = 0.6  # minimum word-pair overlap for two texts to be "the same text"


@dataclass
class Token:
    kind: str  # code | level | italic | text
    line: int
    col: int
    value: str = ""
    level: int = 0
    conj: str | None = None
    printed: str = ""


@dataclass
class _Comp:
    code: str
    printed: str
    first: int
    last: int
    items: list[Token] = field(default_factory=list)  # level / italic / text tokens, in order
    floating: list[Token] = field(default_factory=list)
    shifted: bool = False

    def add(self, tok: Token) -> None:
        self.items.append(tok)
        self.last = max(self.last, tok.line)


def _name_matches(code: str, rest: str, names: dict[str, str]) -> int:
    """Length of the e-CF name of ``code`` at the start of ``rest`` (0 if absent)."""
    name = names.get(code, "")
    if name and rest.lower().startswith(name.lower()):
        return len(name)
    return 0


def row_tokens(line: str, lineno: int, names: dict[str, str]) -> list[Token]:
    """Tokens of one flattened table row."""
    tokens: list[Token] = []
    for col, cell in enumerate(line.split("\t")):
        if not clean(cell) or re.fullmatch(r"[\s-]*", cell):
            continue
        for seg in re.split(r"</?p>", cell):
            seg = re.sub(r"<ul[^>]*>|</ul>", " ", seg)
            if not clean(seg):
                continue
            seg = DOMAIN_LABEL.sub("", seg.strip())
            pos = 0
            first = True
            spans = sorted(
                [(m.start(), m.end(), "italic", m) for m in ITALIC.finditer(seg)]
                + [
                    (m.start(), m.end(), "level", m)
                    for m in LEVEL_LABEL.finditer(seg)
                    if not any(i.start() <= m.start() < i.end() for i in ITALIC.finditer(seg))
                ],
                key=lambda s: s[0],
            )
            for start, end, kind, m in [*spans, (len(seg), len(seg), "end", None)]:
                plain = seg[pos:start]
                if clean(plain):
                    tokens.extend(_plain_tokens(plain, lineno, col, first, names))
                first = False
                if kind == "italic":
                    text = clean(m.group(1))
                    if text:
                        tokens.append(Token("italic", lineno, col, text))
                elif kind == "level":
                    tokens.append(
                        Token("level", lineno, col, level=int(m.group(2)), conj=m.group(1))
                    )
                pos = end
    return tokens


def _plain_tokens(
    plain: str, lineno: int, col: int, at_start: bool, names: dict[str, str]
) -> list[Token]:
    text = clean(plain)
    m = CODE_PREFIX.match(text)
    if at_start and m:
        code = f"{m.group(1)}.{int(m.group(2))}"
        rest = text[m.end() :]
        n = _name_matches(code, rest, names)
        if n:
            printed = text[: m.end()].strip()
            out = [Token("code", lineno, col, code, printed=printed)]
            desc = clean(rest[n:])
            if desc:
                out.append(Token("text", lineno, col, desc))
            return out
    return [Token("text", lineno, col, text)]


class CompetenceParser:
    """Parses the competence pages of the cards against the printed e-CF 2.0 (annex 2)."""

    def __init__(
        self, ecf: dict[str, EcfCompetence], descriptions: dict[str, str], source: str
    ) -> None:
        self.ecf = ecf
        self.names = {c: e.name for c, e in ecf.items()}
        self.descriptions = descriptions  # reference description per code (annex or cards)
        self.source = source
        # description printed on the cards, per code (first card that prints one): (text, line)
        self.printed_descriptions: dict[str, tuple[str, int]] = {}

    # ------------------------------------------------------------------------------ helpers
    def _where(self, line: int) -> str:
        return f"{self.source}:{line}"

    def best_description(self, text: str, codes: list[str]) -> tuple[str | None, float]:
        best, score = None, 0.0
        for code in codes:
            ref = self.descriptions.get(code)
            if not ref:
                continue
            s = overlap(text, ref)
            if s > score:
                best, score = code, s
        return (best, score) if score >= MATCH else (None, score)

    def descriptor_owner(self, text: str) -> tuple[str, int] | None:
        """The (code, level) of annex 2 whose descriptor ``text`` is, if any."""
        best, score = None, 0.0
        for code, comp in self.ecf.items():
            lvl, s = comp.match_level(text, MATCH)
            if lvl is not None and s > score:
                best, score = (code, lvl), s
        return best

    # ------------------------------------------------------------------------------ parsing
    def parse(
        self, rows: list[tuple[int, str]], card: str, warnings: list[str]
    ) -> list[dict[str, Any]]:
        """``rows``: (line number, text) of the competence pages, page breaks as (n, '')."""
        pages: list[list[list[Token]]] = [[]]
        for lineno, text in rows:
            if text == "":
                if pages[-1]:
                    pages.append([])
                continue
            toks = row_tokens(text, lineno, self.names)
            if toks:
                pages[-1].append(toks)
        comps: list[_Comp] = []
        for page in pages:
            if not page:
                continue
            if self._is_shifted(page):
                self._assemble_shifted(page, comps, card, warnings)
            else:
                self._assemble(page, comps, card, warnings)
        return [self._resolve(c, card, warnings) for c in comps]

    def _is_shifted(self, page: list[list[Token]]) -> bool:
        codes = [t.value for row in page for t in row if t.kind == "code"]
        for row in page:
            if row[0].kind == "code" and row[0].col == 0:
                for t in row[1:]:
                    if t.kind == "text" and t.col > 0:
                        owner, _ = self.best_description(t.value, codes)
                        own = overlap(t.value, self.descriptions.get(row[0].value, ""))
                        if owner and owner != row[0].value and own < MATCH:
                            return True
        return False

    def _find(self, comps: list[_Comp], code: str) -> _Comp | None:
        return next((c for c in comps if c.code == code), None)

    def _assemble(
        self, page: list[list[Token]], comps: list[_Comp], card: str, warnings: list[str]
    ) -> None:
        current: _Comp | None = None
        pending: list[Token] = []
        for row in page:
            codes = [t for t in row if t.kind == "code"]
            labels = [t for t in row if t.kind == "level"]
            multi = len(codes) > 1 and len(labels) == len(codes) and all(not t.conj for t in labels)
            if multi:
                warnings.append(
                    f"{self._where(row[0].line)}: card {card}: {len(codes)} competences "
                    f"({', '.join(t.value for t in codes)}) printed in one table row; their level "
                    "cells are paired with them in order"
                )
                groups: list[list[Token]] = []
                for t in row:
                    if t.kind == "level":
                        groups.append([t])
                    elif t.kind == "italic" and groups:
                        groups[-1].append(t)
            for t in row:
                if t.kind == "code":
                    found = self._find(comps, t.value)
                    if found is not None:
                        if found is not current or t.line != found.first:
                            warnings.append(
                                f"{self._where(t.line)}: card {card}: {t.value} printed again "
                                f"(first at l.{found.first}); one competence"
                            )
                        current = found
                        current.last = max(current.last, t.line)
                        continue
                    current = _Comp(t.value, t.printed, t.line, t.line)
                    comps.append(current)
                    if pending:
                        current.floating = [p for p in pending if p.kind == "level"]
                        for p in pending:
                            current.add(p)
                        current.first = min(current.first, pending[0].line)
                        pending = []
                    if multi:
                        for g in groups[codes.index(t)]:
                            current.add(g)
                elif multi and t.kind in ("level", "italic"):
                    continue
                elif current is None:
                    if t.kind in ("level", "italic"):
                        pending.append(t)
                    else:
                        raise SourceFormatError(
                            self.source, t.line, f"card {card}: competence text before any code"
                        )
                else:
                    if t.kind == "level" and any(
                        i.kind == "level" and i.level == t.level for i in current.items
                    ):  # the same label again: a row printed twice
                        current.last = max(current.last, t.line)
                        continue
                    current.add(t)
        if pending:
            raise SourceFormatError(
                self.source, pending[0].line, f"card {card}: level label with no competence"
            )

    def _assemble_shifted(
        self, page: list[list[Token]], comps: list[_Comp], card: str, warnings: list[str]
    ) -> None:
        flat = [t for row in page for t in row]
        codes = [t for t in flat if t.kind == "code"]
        page_comps: dict[str, _Comp] = {}
        for t in codes:
            if t.value in page_comps or self._find(comps, t.value):
                continue
            c = _Comp(t.value, t.printed, t.line, t.line, shifted=True)
            page_comps[t.value] = c
            comps.append(c)
        active: _Comp | None = None
        labels: list[Token] = []
        for t in flat:
            if t.kind == "code":
                if active is None:
                    active = page_comps.get(t.value)
                continue
            if t.kind == "text":
                owner, _ = self.best_description(t.value, list(page_comps))
                if owner:
                    active = page_comps[owner]
            if t.kind == "level":
                labels.append(t)
                continue
            if active is None:
                raise SourceFormatError(self.source, t.line, f"card {card}: unplaced text")
            active.add(t)
        first, last = page[0][0].line, page[-1][-1].line
        warnings.append(
            f"{self._where(first)}: card {card}: the code column of l.{first}-{last} is shifted "
            "against the description and level columns (a code is printed beside another "
            "competence's description); texts are paired by their e-CF description and levels "
            "are read from the printed descriptors; the level labels "
            + ", ".join(f"'Level {t.level}' (l.{t.line})" for t in labels)
            + " are not used"
        )

    # ------------------------------------------------------------------------------ resolving
    def _resolve(self, c: _Comp, card: str, warnings: list[str]) -> dict[str, Any]:
        ecf = self.ecf[c.code]
        labels = [t for t in c.items if t.kind == "level"] if not c.shifted else []
        italics = [t for t in c.items if t.kind == "italic"]
        texts = [t for t in c.items if t.kind == "text"]
        descriptor_parts: list[str] = []
        groups: list[list[str]] = [[]]  # descriptor fragments per printed level label
        for t in c.items:
            if t.kind == "level" and not c.shifted and groups[-1]:
                groups.append([])
            elif t.kind == "italic" and t.value not in descriptor_parts:
                descriptor_parts.append(t.value)
                groups[-1].append(t.value)
        if not italics:
            # single-column layout: the descriptor is a plain paragraph after the level label
            after_label = False
            for t in c.items:
                if t.kind == "level":
                    after_label = True
                elif t.kind == "text" and after_label:
                    lvl, s = ecf.match_level(t.value, MATCH)
                    if lvl is not None and s > ecf.description_score(t.value):
                        descriptor_parts.append(t.value)
                        groups[-1].append(t.value)
        descriptor = "\n\n".join(" ".join(g) for g in groups if g) or None
        notes: list[str] = []
        doubtful = False
        where = self._where(c.first)
        if c.shifted or not labels:
            if not descriptor:
                raise SourceFormatError(
                    self.source, c.first, f"card {card}: {c.code} has neither level nor descriptor"
                )
            lvl, _ = ecf.match_level(descriptor, MATCH)
            if lvl is None:
                raise SourceFormatError(
                    self.source,
                    c.first,
                    f"card {card}: {c.code} has no level label and its descriptor is not an "
                    "e-CF level text",
                )
            levels = [lvl]
            level = str(lvl)
            why = (
                "the level labels of this page are printed out of line with the codes"
                if c.shifted
                else "no level label is printed"
            )
            notes.append(
                f"{why}; level {lvl} read from the descriptor, which is the e-CF 2.0 "
                f"{c.code} level-{lvl} text (annex 2 l.{ecf.level_row})"
            )
        else:
            levels = sorted({t.level for t in labels})
            if any(t.conj == "Or" for t in labels) and len(levels) == 2:
                level = f"{levels[0]}/{levels[1]}"
            elif len(levels) == 1:
                level = str(levels[0])
            else:
                level = f"{levels[0]}-{levels[-1]}"
                if levels != list(range(levels[0], levels[-1] + 1)):
                    warnings.append(f"{where}: card {card}: {c.code} levels {levels} not a range")
                if any(t.conj is None for t in labels[1:]):
                    notes.append(
                        "the levels are printed as separate 'Level N' labels "
                        f"({', '.join(str(t.level) for t in labels)})"
                    )
            if c.floating:
                f = c.floating[0]
                notes.append(
                    f"the 'Level {f.level}' label is printed alone above the competence "
                    f"(l.{f.line}), its own level cell is empty"
                )
        # consistency of the descriptor with the printed level (record faithfully, warn)
        if descriptor and ecf.levels:  # (B.4: annex 2 prints no level texts to compare with)
            lvl, _ = ecf.match_level(descriptor, MATCH)
            if lvl is None and len(descriptor_parts) > 1:
                lvl, _ = ecf.match_level(descriptor_parts[0], MATCH)
            if lvl is None:
                owner = self.descriptor_owner(descriptor)
                other = f" it is the {owner[0]} level-{owner[1]} text" if owner else ""
                warnings.append(
                    f"{where}: card {card}: the descriptor printed for {c.code} (level {level}) is "
                    f"not an e-CF 2.0 {c.code} level text;{other or ' no e-CF match'} "
                    "(recorded as printed)"
                )
                notes.append(
                    "the descriptor printed here is not an e-CF "
                    f"{c.code} text"
                    + (f" (it is the {owner[0]} level-{owner[1]} text)" if owner else "")
                )
            elif lvl not in range(levels[0], levels[-1] + 1):
                if c.floating:
                    doubtful = True
                    notes.append(
                        f"the descriptor is the e-CF 2.0 {c.code} level-{lvl} text: level doubtful"
                    )
                else:
                    warnings.append(
                        f"{where}: card {card}: {c.code} is printed at level {level} but its "
                        f"descriptor is the annex-2 {c.code} level-{lvl} text (recorded as printed)"
                    )
        desc_text = " ".join(t.value for t in texts if t.value not in descriptor_parts)
        if desc_text and not c.shifted and c.code not in self.printed_descriptions:
            self.printed_descriptions[c.code] = (desc_text, texts[0].line)
        # consistency of the description with the code
        for t in texts:
            if t.value in descriptor_parts:
                continue
            own = overlap(t.value, self.descriptions.get(c.code, ""))
            if own >= MATCH:
                continue
            owner, _ = self.best_description(t.value, list(self.descriptions))
            if owner and owner != c.code:
                warnings.append(
                    f"{self._where(t.line)}: card {card}: the description printed with {c.code} "
                    f"contains the e-CF description of {owner} ({t.value[:40]!r}…)"
                )
                notes.append(f"the description printed with it contains that of {owner}")
                break
        if doubtful or (not labels and not c.shifted):
            warnings.append(f"{where}: card {card}: {c.code}: {'; '.join(dict.fromkeys(notes))}")
        out: dict[str, Any] = {"code": c.code}
        canonical = f"{c.code[0]}{c.code[2:]}."
        if c.printed.replace(" ", "") not in (canonical, canonical[:-1]):
            out["printed_code"] = c.printed
        out["level"] = level
        out["level_min"] = levels[0]
        out["level_max"] = levels[-1]
        if descriptor:
            out["descriptor"] = descriptor
        if doubtful:
            out["doubtful"] = True
        if notes:
            out["note"] = "; ".join(dict.fromkeys(notes))
        out["lines"] = [c.first, c.last]
        return out
