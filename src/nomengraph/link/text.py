"""Text normalisation for matching job titles: folding, gender pairs, a light French stemmer.

French job titles come in masculine and feminine forms written together ("Accrocheur /
Accrocheuse", "boucher/bouchère", "Développeur / Développeuse informatique", "Boucher (h/f/x)");
:func:`variants` gives each form as a title of its own, and :func:`stem` maps the forms of one
word to one key ("développeuse" and "développeurs" → "developpeur"), so that both are counted
as the same word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

STOP = frozenset(
    "a au aux d de des du en et l la le les pour par sur un une avec dans chez auprès aupres "
    "and for in of on or the to with at by an".split()
)

_GENDER_MARK = re.compile(
    r"\(\s*(?:[hfmxw]\s*[/\\|,:-]\s*)+[hfmxw]\s*\)|\b(?:[hfmx]\s*/\s*){1,2}[hfmx]\b", re.I
)
_PARENS = re.compile(r"\([^)]*\)")
_SUFFIX_MARK = re.compile(r"(?<=\w)\((?:e|ne|se|euse|rice|trice|ère|ere|le|te|es)\)", re.I)
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=400_000)
def fold(text: str) -> str:
    """Lower case, accents removed, ligatures spelled out, punctuation to spaces (only the
    letters a–z and digits remain)."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_WORD.findall(text.lower()))


def clean(title: str) -> str:
    """A title without its gender marks ("(h/f/x)", "H/F") and with single spaces."""
    title = _SUFFIX_MARK.sub("", title)
    return " ".join(_GENDER_MARK.sub(" ", title).split())


def _split_pair(title: str) -> list[str]:
    """The forms of a title written as "masculine / feminine rest": "Développeur / Développeuse
    informatique" → "Développeur informatique", "Développeuse informatique"; a slash inside a word
    pair ("boucher/bouchère") too. A slash between longer phrases gives both phrases."""
    parts = [p.strip() for p in title.split("/")]
    parts = [p for p in parts if p]
    if len(parts) != 2:
        return parts or [title]
    left, right = parts[0].split(), parts[1].split()
    n = len(left)
    if len(right) > n:
        # "Accueillant familial / Accueillante familiale auprès d'adultes": the tail is shared
        return [" ".join(left + right[n:]), parts[1]]
    if len(left) > len(right):
        # "Chargé d'études / Chargée": the head is shared
        return [parts[0], " ".join(right + left[len(right) :])]
    return [parts[0], parts[1]]


def variants(title: str) -> list[str]:
    """The title as written (gender marks removed), each of its gender forms, and the same
    without a parenthesis; distinct, in that order."""
    base = clean(title)
    out = [base]
    if "/" in base:
        out.extend(_split_pair(base))
    out.extend(" ".join(_PARENS.sub(" ", v).split()) for v in list(out) if "(" in v)
    return list(dict.fromkeys(v for v in out if v.strip()))


_SUFFIXES = (  # feminine and plural endings → the masculine singular one, longest first
    ("euses", "eur"),
    ("euse", "eur"),
    ("rices", "eur"),
    ("rice", "eur"),
    ("ieres", "ier"),
    ("iere", "ier"),
    ("eres", "er"),
    ("ere", "er"),
    ("iennes", "ien"),
    ("ienne", "ien"),
    ("ennes", "en"),
    ("enne", "en"),
    ("onnes", "on"),
    ("onne", "on"),
    ("elles", "el"),
    ("elle", "el"),
    ("ives", "if"),
    ("ive", "if"),
    ("ettes", "et"),
    ("ette", "et"),
    ("aux", "al"),
    ("es", ""),
    ("s", ""),
    ("e", ""),
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A folded word's key: feminine and plural endings mapped to the masculine singular
    (a rough, rule-based reduction; "analyste" and "analystes" → "analyst")."""
    for _ in range(2):  # "chargees" → "chargee" → "charge"... at most twice
        if len(word) <= 3 or word.isdigit():
            return word
        for suffix, repl in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) + len(repl) >= 3:
                word = word[: len(word) - len(suffix)] + repl
                break
        else:
            return word
    return word


def words(text: str) -> list[str]:
    """The stemmed content words of a text (stop words dropped)."""
    return list(_words(text))


@lru_cache(maxsize=400_000)
def _words(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in fold(text).split() if w not in STOP and len(w) > 1)


def key(text: str) -> str:
    """The words of a title in order, stemmed: equal keys mean the same title."""
    return " ".join(words(text))
