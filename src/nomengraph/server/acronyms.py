"""Acronyms of job titles, for the search: "DSI" finds "Directeur des systèmes d'information".

A title's acronym is the initials of its significant words: the words that are neither function
words (``de``, ``la``, ``d'``, ``of``...) nor acronyms already (``SI``, ``IT``), nor numbers, and
outside brackets (a gloss). "Responsable sécurité des systèmes d'information" gives RSSI,
"Chief Information Officer" CIO. Initials of fewer than :data:`MIN_LETTERS` words are left
out: two letters ("CD", "PO") stand for too many things to be read as a title's acronym.

A title that already ends with its acronym gives it too ("Responsable sécurité des Systèmes
d'Information RSSI", "Software Asset Manager - SAM", "Chargé de pilotage SI (PMO)"): an
upper-case word at the end of the title, after a dash or in brackets, or equal to the initials
of the words before it. An upper-case word elsewhere is something the job deals with ("Auditeur
SSI", "Responsable marketing de la DSI"), not its name.
"""

from __future__ import annotations

import re
import unicodedata

MIN_LETTERS = 3  # initials of fewer words are not an acronym of the title
MAX_LETTERS = 6  # nor of more (a long other name is a description, not a title)

# function words, French and English, compared case- and accent-free
FUNCTION_WORDS = frozenset(
    "a au aux d de des du l la le les et en un une dans pour par sur ou "
    "of the and in for to on an at by with or".split()
)

_WORD = re.compile(r"[^\W_]+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_TRAILING = re.compile(r"(?:[-–—]\s*|\(\s*)?([^\W\d_]{2,})\s*\)?\s*$")


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def initials(title: str) -> str:
    """The initials of the significant words of ``title``, upper-case ("" when none)."""
    text = _BRACKETS.sub(" ", title)
    kept = [
        w
        for w in _WORD.findall(text)
        if w[0].isalpha() and len(w) > 1 and _plain(w) not in FUNCTION_WORDS and not _is_acronym(w)
    ]
    return "".join(_plain(w)[0] for w in kept).upper()


def acronyms(title: str) -> list[str]:
    """The acronyms ``title`` stands for, upper-case (see the module's text); often none."""
    found = []
    derived = initials(title)
    if MIN_LETTERS <= len(derived) <= MAX_LETTERS:
        found.append(derived)
    m = _TRAILING.search(title.strip())
    if m and m.group(1).isupper():
        word = m.group(1)
        marked = m.group(0)[:1] in "-–—("
        if (marked or _plain(word).upper() == derived) and word not in found:
            found.append(word)
    return found
