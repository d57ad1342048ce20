"""Text helpers for the CIGREF 2018 parser: line access, layout debris, re-flowing wrapped lines.

The 2018 text is a PDF extraction: every printed line is one text line (often separated by blank
lines), paragraphs and bullets wrap over several lines, and page furniture (running titles, page
banners, vertically printed e-CF area labels) is interleaved with the content. These helpers turn
runs of such lines into clean items and paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .base import SourceFormatError

SOURCE = "sources/cigref-2018-nomenclature.txt"

_WS = re.compile(r"\s+")

# Bullets: '•' (the repair turns the garbled 'ω' and the Symbol-font '¶' into it), '-' sub-bullets.
BULLET = re.compile(r"^(?:•|-(?=\s))\s*")
# 'o' sub-bullets exist only in the change notes of chapter 3 ("o Taux d'indisponibilité...").
O_BULLET = re.compile(r"^o\s+(?=\S)")

# The e-CF area labels are printed vertically beside the competences; the PDF text gives them as
# 1-4 character lines ("A", ". P", "LA", "IF", "E.", " G", "ER"...). A fragment is any piece of
# one of these labels.
_AREA_LABELS = ("A.PLANIFIER", "B.DEVELOPPER", "C.UTILISER", "D.FACILITER", "E.GERER")

# Words after which a printed line cannot end a sentence: the line is wrapped.
_FUNCTION_WORDS = frozenset(
    "le la les l de des du d un une et ou à au aux en par pour sur dans avec sans sous vers entre "
    "chez que qui dont ne se sa son ses leur leurs ce cette ces tout toute tous toutes plus très "
    "comme "
    "est sont a ont".split()
)
_TERMINAL = (".", "!", "?", ":", ";", "…")


def norm(text: str) -> str:
    """Collapse whitespace runs to one space and strip."""
    return _WS.sub(" ", text).strip()


def is_area_fragment(text: str) -> bool:
    """True for a vertical e-CF area-label fragment line ('A', '. P', 'IF', 'E.', 'ER'...)."""
    compact = text.replace(" ", "")
    if not compact or len(text.strip()) > 4:
        return False
    return any(compact in label for label in _AREA_LABELS)


@dataclass(frozen=True)
class Line:
    """One source line: its 1-based number and its whitespace-normalised text."""

    no: int
    text: str


def _join(left: str, right: str) -> str:
    """Join two pieces of one wrapped paragraph: a hyphen at a line end keeps the word whole."""
    if re.search(r"\w-$", left) and right[:1].isalpha():
        return left + right
    return f"{left} {right}"


def _open_parens(text: str) -> bool:
    return text.count("(") > text.count(")")


def _continues(item: str, prev: str, nxt: str, prose: bool, bullet: bool) -> bool:
    """Whether line ``nxt`` continues the paragraph/item ``item`` rather than starting a new one.

    ``prev`` is the previous printed line. ``prose`` is for running text (chapter 3, competence
    descriptions), where a paragraph does not end without punctuation; ``bullet`` tells that the
    item started with a bullet.
    """
    first = nxt[:1]
    if first.islower() or first in ")],;.:…(«":
        return True
    if first == "*" or is_uppercase_line(item):
        return False
    last = re.split(r"[\s']", item.lower())[-1]
    dangling = (
        bool(re.search(r"\w-$", item))
        or item.endswith((",", "(", "'", "/", "«", "–", "+", "&"))
        or _open_parens(item)
        or last in _FUNCTION_WORDS
    )
    if is_uppercase_line(nxt):
        # An upper-case line is a heading, unless the item stops on a word that needs more
        # ("… déterminée par le" / "DSI.") and the line is no heading (headings end with ':').
        return dangling and not nxt.endswith(":")
    if dangling:
        return True
    # An unclosed « goes on, unless the last line closed a parenthesis: the quote was left open
    # by the printing ("Modification de « E.8. … : niveau 3 (anciennement" / "niveau 4)" / "Les
    # indicateurs de performance ont été redéfinis :" are two items).
    if item.count("«") > item.count("»") and not prev.endswith(")"):
        return True
    if prose and not bullet:
        return not item.endswith(_TERMINAL)
    # A full-width line without punctuation, then a short line closing the sentence: one wrap.
    return len(prev) >= 90 and len(nxt) <= 40 and nxt.endswith(".")


def reflow(
    lines: list[Line], *, prose: bool = False, bullets: tuple[re.Pattern[str], ...] = (BULLET,)
) -> list[tuple[str, int, int, bool]]:
    """Group lines into items: (text, first line, last line, started with a bullet).

    A bullet always starts an item; any other line continues the current item when the text says
    so (lower-case start, hyphen, open parenthesis, dangling function word...), else starts one.
    """
    items: list[list] = []
    prev = ""
    for line in lines:
        text = line.text
        marker = None
        for pat in bullets:
            m = pat.match(text)
            if m:
                marker = m
                break
        if marker:
            body = text[marker.end() :].strip()
            if not body:
                continue
            items.append([body, line.no, line.no, True])
        elif items and _continues(items[-1][0], prev, text, prose, items[-1][3]):
            items[-1][0] = _join(items[-1][0], text)
            items[-1][2] = line.no
        else:
            items.append([text, line.no, line.no, False])
        prev = text
    return [(norm(t), a, b, bul) for t, a, b, bul in items]


_SEPARATOR = re.compile(r"\s*[;,]$")


def sub_item_text(text: str) -> str:
    """A sub-item as printed, without the list separator (';' or ',') that ends it."""
    return _SEPARATOR.sub("", text)


def nest(entries: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """Give each item of a printed list its sub-items. ``entries`` are (text, kind) in printed
    order, kind ``bullet`` ('•'), ``sub`` ('-' or 'o' sub-bullet) or ``plain`` (no marker).

    - a sub-bullet is a sub-item of the item above it;
    - an item ending with ':' opens a list: the items printed after it with less marking are its
      sub-items (plain lines under a bullet, bullets under a plain line); when the items right
      after a bulleted opener are bullets too, nothing marks the end of its list, which runs to
      the end of the printed list;
    - under a bullet that opens no list, two or more plain lines in a row are its sub-items (the
      card pages lose the 'o' glyph of sub-bullets; chapter 3 reprints the same lists with it),
      while a single plain line is an item whose bullet was lost.
    """
    out: list[tuple[str, list[str], str]] = []
    absorbs = False  # the last item takes every following bullet (bulleted opener, see above)
    for k, (text, kind) in enumerate(entries):
        if out:
            parent, subs, pkind = out[-1]
            opener = parent.endswith(":")
            run = 0
            while k + run < len(entries) and entries[k + run][1] == "plain":
                run += 1
            take = (
                kind == "sub"
                or (kind == "plain" and pkind == "bullet" and (opener or subs or run >= 2))
                or (kind == "bullet" and pkind == "plain" and opener)
                or (kind == "bullet" and pkind == "bullet" and opener and not subs)
                or (kind == "bullet" and absorbs)
            )
            if take:
                absorbs = absorbs or (kind == "bullet" and pkind == "bullet")
                subs.append(sub_item_text(text))
                continue
        absorbs = False
        out.append((text, [], kind))
    return [(text, subs) for text, subs, _ in out]


def list_items(lines: list[Line]) -> list[tuple[str, list[str]]]:
    """The items of a printed list (tasks of a group, deliverables, indicators) with their
    sub-items: '•' bullets, '-' and 'o' sub-bullets, plain lines (see :func:`nest`)."""
    starts = {ln.no: ln.text for ln in lines}
    entries = []
    for text, a, _b, _bullet in reflow(lines, bullets=(BULLET, O_BULLET)):
        first = starts[a]
        kind = "bullet" if first.startswith("•") else "sub" if first[:1] in "-o" else "plain"
        if kind == "sub" and not (BULLET.match(first) or O_BULLET.match(first)):
            kind = "plain"
        entries.append((text, kind))
    return nest(entries)


def paragraphs(lines: list[Line], *, prose: bool = False) -> str | None:
    """Lines of a prose field as paragraphs separated by a blank line (bullets dropped)."""
    items = reflow(lines, prose=prose)
    if not items:
        return None
    return "\n\n".join(text for text, *_ in items)


def is_uppercase_line(text: str) -> bool:
    """An activity heading: (nearly) all its letters are capitals."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 3:
        return False
    upper = sum(c.isupper() for c in letters)
    return upper / len(letters) >= 0.9


# ------------------------------------------------------------------ the document and its layout

# A page banner: page number, family number and the beginning of the family title.
BANNER = re.compile(r"^\d{1,3}\s+([1-9])\.\s+(\S.*)$")
PAGE_FOOTER = re.compile(r"^\d{1,3}\s+Les métiers des systèmes d'information dans les grandes")


def _fail(line: int | None, message: str) -> SourceFormatError:
    return SourceFormatError(SOURCE, line, message)


@dataclass
class Toc:
    """The table of contents: document sections, families and jobs (in printed order)."""

    sections: dict[str, tuple[str, int]] = field(default_factory=dict)  # '3.2' -> (title, line)
    families: dict[str, tuple[str, int]] = field(default_factory=dict)  # '8' -> (UPPER, line)
    jobs: list[tuple[str, str, int]] = field(default_factory=list)  # (number, title, line)
    end: int = 0


class Doc:
    """The repaired text, addressed by 1-based line numbers."""

    def __init__(self, text: str):
        self.raw = text.split("\n")
        self.n = len(self.raw)

    def __getitem__(self, no: int) -> str:
        return norm(self.raw[no - 1])

    def find(self, predicate, start: int = 1, stop: int | None = None) -> int | None:
        for no in range(start, (stop or self.n) + 1):
            if predicate(self[no]):
                return no
        return None


def find_heading(doc: Doc, title: str, start: int, stop: int | None = None) -> int:
    """First line from ``start`` that prints ``title`` (or its beginning, for wrapped headings)."""
    want = norm(title)

    def match(text: str) -> bool:
        return bool(text) and len(text) >= min(len(want), 12) and want.startswith(text)

    no = doc.find(match, start, stop)
    if no is None:
        raise _fail(start, f"section heading {title!r} not found")
    return no


class Layout:
    """Knows the page furniture of the card pages: running titles, banners, family pages."""

    def __init__(self, doc: Doc, toc: Toc):
        self.doc = doc
        self.family_upper = {k: norm(v[0]) for k, v in toc.families.items()}
        self.running = {norm(f"{n}. {t}") for n, t, _ in toc.jobs}

    def add_running(self, text: str) -> None:
        self.running.add(norm(text))

    def is_banner(self, text: str) -> bool:
        m = BANNER.match(text)
        return bool(m) and self._family_prefix(m[1], m[2])

    def _family_prefix(self, num: str, text: str) -> bool:
        full = self.family_upper.get(num, "")
        text = norm(text)
        return bool(full) and len(text) >= min(8, len(full)) and full.startswith(text)

    def is_family_heading(self, text: str) -> bool:
        m = re.match(r"^([1-9])\.\s+(\S.*)$", text)
        return bool(m) and is_uppercase_line(m[2]) and self._family_prefix(m[1], m[2])

    def is_debris(self, text: str) -> bool:
        return (
            not text
            or text in self.running
            or self.is_banner(text)
            or text.startswith("Nomenclature RH")
            or bool(PAGE_FOOTER.match(text))
            or text.isdigit()
        )
