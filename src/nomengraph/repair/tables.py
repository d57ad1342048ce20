"""The substitution tables of the garbled 2018 text (strong, ambiguous, artefacts), and the
tokens a line is repaired by."""

from __future__ import annotations

import re

# --------------------------------------------------------------------------
# Substitution table (facts measured on the 2018 file, see SOURCES.md §3)
# --------------------------------------------------------------------------

#: Unambiguous ("strong") substitutions: never found in clean text, always decoded.
STRONG: dict[str, str] = {
    # lower-case letters (Latin Extended-B)
    "ŀ": "a", "Ł": "à", "Ń": "â", "ō": "b", "Ŏ": "c", "Ř": "d", "Ŝ": "e",
    "ŝ": "è", "Ş": "é", "ş": "ê", "Ŧ": "f", "Ǝ": "g", "Ƙ": "h", "ƛ": "i",
    "ƞ": "î", "Ƨ": "j", "ƪ": "k", "ƭ": "l", "Ƴ": "m", "ƴ": "n", "ƻ": "o",
    "ƾ": "ô", "ǆ": "œ", "Ǉ": "p", "ǉ": "q", "Ǌ": "r", "ǎ": "s", "ǘ": "t",
    "ǳ": "u", "Ƕ": "û", "Ǿ": "v", "ǿ": "w", "Ȅ": "x", "ȅ": "y", "Ȋ": "z",
    # capitals that land outside ASCII letters/digits
    "¢": "T", "¦": "U", "±": "V", "¸": "Y", "©": "Û", "{": "S", "[": "L",
    # digits (Cyrillic)
    "л": "0", "м": "1", "н": "2", "о": "3", "п": "4",
    "р": "5", "с": "6", "т": "7", "у": "8", "ф": "9",
    # punctuation (Greek and others); the typographic apostrophes become the
    # ASCII apostrophe used everywhere else in the CIGREF files
    "Φ": ".", "Σ": ",", "Υ": ":", "Τ": ";", "Ω": "'", "ϥ": "'", "Ψ": "'",
    "Χ": "…", "ό": "(", "ύ": ")", "ζ": "«", "η": "»", "κ": "/", "ς": "–",
    "ϧ": "&", "Ҍ": "+", "Ϧ": '"', "ϝ": "*", "ω": "•",
}  # fmt: skip

#: Ambiguous substitutions: characters that also stand for themselves in clean runs.
AMBIGUOUS: dict[str, str] = {
    "!": "A", ".": "B", "/": "C", "5": "D", "9": "E", ":": "È", ";": "É",
    "C": "F", "D": "G", "I": "H", "L": "I", "W": "J", "Y": "K", "a": "M",
    "b": "N", "h": "O", "s": "Œ", "t": "P", "v": "Q", "w": "R", '"': "À",
    "4": "Ç", "œ": "ç",
}  # fmt: skip

#: Non-font artefacts of the extraction (decoded only in their observed contexts:
#: ``¶`` as a stand-alone bullet token, ``õ`` as an elision apostrophe).
ARTEFACTS: dict[str, str] = {"¶": "•", "õ": "'"}

_TOKEN_RE = re.compile(r"[^\s-]+")
_WORD_RE = re.compile(r"[^\W\d_]+")
# ``õ`` after a word-initial elision letter (d l j s n c m t qu), before a letter
_ELISION_OE_RE = re.compile(r"(?<![^\W\d_])([dDlLjJsSnNcCmMtT]|[qQ][uU])õ(?=[^\W\d_])")


def is_garbled(token: str) -> bool:
    """Return True if *token* contains at least one strong (never clean) character."""
    return any(ch in STRONG for ch in token)


def decode_strong(text: str) -> str:
    """Decode only the strong characters of *text* (ambiguous ones are kept)."""
    return "".join(STRONG.get(ch, ch) for ch in text)


def tokenize(line: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` spans of the tokens of *line*.

    Tokens are maximal runs of characters that are neither whitespace nor a
    hyphen (spaces and hyphens are never garbled).
    """
    return [m.span() for m in _TOKEN_RE.finditer(line)]


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)
