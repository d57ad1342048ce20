"""Repair the font-garbled runs of the 2018 CIGREF text.

Part of the 2018 PDF was set in a Calibri subset without a usable ToUnicode
map, so its glyphs were extracted as "glyph id + constant" code points:
lower-case letters landed in Latin Extended-B (``ŀ`` = a, ``Ŝ`` = e ...),
punctuation in Greek (``Φ`` = ``.``), digits in Cyrillic (``м`` = 1) and the
capitals in printable ASCII/Latin-1 (``!`` = A, ``5`` = D, ``9`` = E ...).

Characters of the first kinds never occur in clean text of the corpus
("strong" characters) and are always decoded.  The garbled capitals collide
with ordinary characters ("ambiguous" characters): whether a ``5`` is a digit or
a ``D``, an ``a`` a letter or an ``M``, is decided per run of such characters
with a lexicon built from the clean part of the very text being repaired.
See ``docs/repair.md`` for the full description and the measured figures.

All functions are pure; nothing is read or computed at import time except the
small constant tables below.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "AMBIGUOUS",
    "ARTEFACTS",
    "Lexicon",
    "SEED_WORDS",
    "STRONG",
    "RepairStats",
    "audit",
    "build_lexicon",
    "decode_strong",
    "is_garbled",
    "repair_file_stats",
    "repair_line",
    "repair_text",
    "tokenize",
]

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

# origins of output characters while scoring a candidate
_NEUTRAL, _STRONG_DEC, _AMB_DEC, _AMB_KEPT = 0, 1, 2, 3


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


# --------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------


#: Common French words (and a few domain words/acronyms) known even when the
#: text to repair is too short to teach its own lexicon (count 1 each).
SEED_WORDS: frozenset[str] = frozenset(
    """
    à afin ainsi alors après au aupres auprès aussi autour aux avant avec avoir bien car ce ceci
    cela celle celles celui ces cet cette chaque chez comme comment contre d dans de depuis des
    donc dont du elle elles en entre est et être fait faire il ils l la le les leur leurs lors
    lorsqu lorsque mais même met mise moins n ne ni non nos notre on ont ou où par parmi pas peu
    peut plus pour pourquoi qu quand que quel quelle quelles quels qui s sa sans se selon ses si
    son sont sous suivant sur tant tel telle telles tels toute toutes tous tout très un une vers
    y
    accompagnement action actions activité activités administration agile amélioration analyse
    application applications architecture assistance assure assurer besoin besoins budget
    cadre changement charge chef client clients compétence compétences conception conduite
    connaissance connaissances conseil conseille continuité contrat contrats contrôle coûts
    cycle data définit définition délai déploiement développement direction directeur
    directions documentation données droit efficacité ensemble entreprise entreprises
    environnement équipe équipes études évalue évolution évolutions exigences expérience
    expert exploitation famille fiche fonction fonctionnement formation fournisseurs gestion
    gère guide identifie incident incidents indicateurs information informations informatique
    informatiques infrastructure infrastructures innovation intégration interne livrables
    logiciel logiciels maintenance maîtrise management manager méthodes métier métiers
    mission modèles niveau nomenclature normes nouveaux nouvelle nouvelles objectifs œuvre
    opérationnel opérationnelle organisation outils parcours partie parties performance
    pilotage pilote place plan plans politique procédures processus production produit
    produits professionnel projet projets qualité recette référentiel relations réseau
    réseaux responsable ressources résultats risques rôle sécurité service services
    solution solutions stratégie stratégique suivi support système systèmes tâches technique
    techniques technologies tendances tests travail utilisateur utilisateurs utilisation
    veille
    cigref dsi e-cf it rh si ssi tic
    """.split()
)


@dataclass
class Lexicon:
    """Word frequencies used to arbitrate the ambiguous characters.

    ``words`` counts lower-cased words; ``forms`` holds the exact spelling of
    words with an irregular case pattern ("SaaS", "eXtreme") so that those
    can be recognised too.
    """

    words: Counter[str] = field(default_factory=Counter)
    forms: set[str] = field(default_factory=set)

    def add(self, word: str) -> None:
        """Count one occurrence of *word*."""
        self.words[word.lower()] += 1
        if not _regular_case(word):
            self.forms.add(word)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if _regular_case(word):
            return word.lower() in self.words
        return word in self.forms

    def count(self, word: str) -> int:
        """Frequency of *word* (0 when unknown or with an unseen irregular case)."""
        return self.words.get(word.lower(), 0) if word in self else 0


def _regular_case(word: str) -> bool:
    return word.islower() or word.isupper() or word.istitle()


def build_lexicon(text: str, extra: Iterable[str] | None = None) -> Lexicon:
    """Build the lexicon from the parts of *text* that need no decision.

    Those are the tokens without any strong character that contain at least
    one letter that is not an ambiguous character (plain clean text), and the
    tokens without any ambiguous character (garbled text whose decoding is
    deterministic).  Words of *extra* (any iterable of strings, e.g. the lines
    of a word list) are added with count 1 each.
    """
    lex = Lexicon()
    for w in SEED_WORDS:
        for part in _words(w):
            lex.add(part)
    for line in text.split("\n"):
        for start, end in tokenize(line):
            tok = line[start:end]
            if is_garbled(tok):
                if any(ch in AMBIGUOUS for ch in tok):
                    continue
                tok = decode_strong(tok)
            elif not any(ch.isalpha() and ch not in AMBIGUOUS for ch in tok):
                continue
            for w in _words(tok):
                lex.add(w)
    if extra is not None:
        for item in extra:
            for w in _words(item):
                lex.add(w)
    return lex


# --------------------------------------------------------------------------
# Scoring of the decode/keep choices inside one garbled token
# --------------------------------------------------------------------------

_W_UNKNOWN = -4.0  # a word of two letters or more that the lexicon does not know …
_W_UNKNOWN_CHAR = -0.5  # … and per letter (so that merging words is not rewarded)
_W_KNOWN = 1.0  # a known word (plus a little for its frequency)
_W_FREQ = 0.5
_P_CASE = 10.0  # decoded capital right after a lower-case letter ("exisPer")
_P_OE = 3.0  # "Œ" is a rare capital: decoding a lone s to it needs support
_P_GLUE = 5.0  # kept ! (or " next to a letter); twice that between letters, or ; : before one
_P_DIGIT = 8.0  # kept ASCII digit glued to garbled text (real digits are Cyrillic there)
_P_ELISION = 4.0  # "Œ'" elision
_B_SANDWICH = 1.5  # decoded run sandwiched between strong characters
_B_PRIOR = 1.0  # agreement with the rule of thumb

_KIND_NEUTRAL, _KIND_STRONG, _KIND_AMB = 0, 1, 2


def _segments(token: str) -> list[tuple[int, str]]:
    """Split *token* into maximal runs ``(kind, chars)``: neutral, strong or ambiguous."""
    segs: list[tuple[int, str]] = []
    for ch in token:
        kind = _KIND_STRONG if ch in STRONG else _KIND_AMB if ch in AMBIGUOUS else _KIND_NEUTRAL
        if segs and segs[-1][0] == kind:
            segs[-1] = (kind, segs[-1][1] + ch)
        else:
            segs.append((kind, ch))
    return segs


def _word_score(word: str, lex: Lexicon) -> float:
    if len(word) < 2:
        return 0.0
    n = lex.count(word)
    if n:
        return _W_KNOWN + _W_FREQ * math.log1p(n)
    return _W_UNKNOWN + _W_UNKNOWN_CHAR * len(word)


def _score(chars: list[str], origins: list[int], lex: Lexicon) -> float:
    """Score one candidate decoding (characters with their origins)."""
    score = sum(_word_score(m.group(), lex) for m in _WORD_RE.finditer("".join(chars)))
    n = len(chars)
    for i, (ch, org) in enumerate(zip(chars, origins, strict=True)):
        prev = chars[i - 1] if i else ""
        nxt = chars[i + 1] if i + 1 < n else ""
        near_clean_digit = any(
            origins[j] == _NEUTRAL and chars[j].isdigit() for j in (i - 1, i + 1) if 0 <= j < n
        )
        if org == _AMB_DEC:
            if ch.isupper() and prev.isalpha() and prev.islower():
                score -= _P_CASE
            if near_clean_digit:  # "201D" for "2015": digits stay digits next to digits
                score -= _P_DIGIT
            if ch == "Œ":
                score -= _P_OE
                if nxt == "'":
                    score -= _P_ELISION
        elif org == _AMB_KEPT:
            if ch in ";:" and nxt.isalpha() or ch in '!"' and prev.isalpha() and nxt.isalpha():
                score -= 2 * _P_GLUE
            elif ch == "!" or ch == '"' and (prev.isalpha() or nxt.isalpha()):
                score -= _P_GLUE
            elif ch in "459" and not near_clean_digit:
                near = [origins[j] for j in (i - 1, i + 1) if 0 <= j < n]
                if any(o in (_STRONG_DEC, _AMB_DEC) for o in near) or any(
                    c.isalpha() for c in prev + nxt
                ):
                    score -= _P_DIGIT
    return score


def _prior_keep(token: str, start: int, end: int, prev_out: str) -> bool:
    """Rule of thumb for the ambiguous run ``token[start:end]``.

    Keep it when it starts with a lower-case letter (or ``.:;``) right after a
    lower-case letter, or when it touches a lower-case letter that is never
    garbled (a sign of a clean run: in garbled runs lower-case letters are
    always strong characters).
    """
    first = token[start]
    if prev_out.isalpha() and prev_out.islower() and (first.islower() or first in ".:;"):
        return True
    before = token[start - 1] if start else ""
    after = token[end] if end < len(token) else ""
    return _is_clean_lower(before) or _is_clean_lower(after)


def _is_clean_lower(ch: str) -> bool:
    """A lower-case letter that is neither strong nor ambiguous (e, r, é …)."""
    return ch.isalpha() and ch.islower() and ch not in STRONG and ch not in AMBIGUOUS


def _decode_token(token: str, lex: Lexicon) -> str:
    """Decode one garbled-bearing token, choosing decode/keep for each ambiguous run."""
    segs = _segments(token)
    nruns = sum(1 for kind, _ in segs if kind == _KIND_AMB)
    if nruns == 0:
        return decode_strong(token)
    # 2**k candidates; k is at most 5 in the corpus, cap it for safety
    choices: Iterable[tuple[bool | None, ...]]
    if nruns > 12:
        choices = [(None,) * nruns]
    else:
        choices = itertools.product((True, False), repeat=nruns)
    best: tuple[float, str] | None = None
    for choice in choices:
        chars: list[str] = []
        origins: list[int] = []
        bonus = 0.0
        ri = 0
        pos = 0
        for si, (kind, raw) in enumerate(segs):
            if kind == _KIND_STRONG:
                chars.extend(STRONG[c] for c in raw)
                origins.extend([_STRONG_DEC] * len(raw))
            elif kind == _KIND_NEUTRAL:
                chars.extend(raw)
                origins.extend([_NEUTRAL] * len(raw))
            else:
                prior_keep = _prior_keep(token, pos, pos + len(raw), chars[-1] if chars else "")
                decode = choice[ri]
                if decode is None:
                    decode = not prior_keep
                ri += 1
                if decode != prior_keep:
                    bonus += _B_PRIOR
                if decode:
                    chars.extend(AMBIGUOUS[c] for c in raw)
                    origins.extend([_AMB_DEC] * len(raw))
                    if (
                        si > 0
                        and segs[si - 1][0] == _KIND_STRONG
                        and si + 1 < len(segs)
                        and segs[si + 1][0] == _KIND_STRONG
                    ):
                        bonus += _B_SANDWICH
                else:
                    chars.extend(raw)
                    origins.extend([_AMB_KEPT] * len(raw))
            pos += len(raw)
        score = _score(chars, origins, lex) + bonus
        if best is None or score > best[0]:
            best = (score, "".join(chars))
    assert best is not None
    return best[1]


# --------------------------------------------------------------------------
# Tokens made only of ambiguous characters
# --------------------------------------------------------------------------

#: one-character tokens that are words once decoded: a lone ``"`` before a
#: garbled token is the preposition "À" ("À la demande …", "REÇUS À L'UNITÉ")
_LONE_WORDS = {'"': "À"}


def _decode_pure(token: str, left: bool | None, right: bool | None, lex: Lexicon) -> str:
    """Decide a token without strong characters that sits next to garbled text.

    *left* / *right* tell whether the neighbouring token on that side is
    garbled (``None``: there is no token on that side of the line).

    A lone ``"`` is read as "À" when the next token is garbled and the previous
    one is garbled or absent (a straight quote is never set apart by spaces).
    Otherwise the token is decoded only if all its letters/digits are
    ambiguous characters (at least two of them), each decoded word has two
    letters or more and is known while no raw word is; a token of digits only
    must moreover have garbled tokens on both sides (page numbers stay digits).
    """
    if token in _LONE_WORDS:
        return _LONE_WORDS[token] if right and left is not False else token
    # Letters and digits, and the punctuation that stands for a capital ("t/!" is "PCA").
    alnum = [ch for ch in token if ch.isalnum() or AMBIGUOUS.get(ch, "").isalpha()]
    if len(alnum) < 2 or not all(ch in AMBIGUOUS for ch in alnum):
        return token
    if all(ch.isdigit() for ch in alnum) and not (left and right):
        return token
    decoded = "".join(AMBIGUOUS.get(ch, ch) for ch in token)
    dec_words = _words(decoded)
    if not dec_words or not all(len(w) > 1 and w in lex for w in dec_words):
        return token
    if any(len(w) > 1 and w in lex for w in _words(token)):
        return token
    return decoded


# --------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------


def repair_line(line: str, lex: Lexicon) -> str:
    """Repair one line (without its line ending) using lexicon *lex*."""
    spans = tokenize(line)
    if not spans:
        return line
    toks = [line[s:e] for s, e in spans]
    garbled = [is_garbled(t) for t in toks]
    out = list(toks)
    for i, tok in enumerate(toks):
        if garbled[i]:
            out[i] = _decode_token(tok, lex)
        elif tok == "¶":
            out[i] = ARTEFACTS["¶"]
        else:
            left = garbled[i - 1] if i > 0 else None
            right = garbled[i + 1] if i + 1 < len(toks) else None
            if left or right:
                out[i] = _decode_pure(tok, left, right, lex)
            if "õ" in out[i]:
                out[i] = _ELISION_OE_RE.sub(r"\1'", out[i])
    pieces: list[str] = []
    pos = 0
    for (s, e), new in zip(spans, out, strict=True):
        pieces.append(line[pos:s])
        pieces.append(new)
        pos = e
    pieces.append(line[pos:])
    return "".join(pieces)


def repair_text(text: str, lexicon: Iterable[str] | None = None) -> str:
    """Repair the font-garbled runs of *text*.

    Line-preserving (only characters inside tokens change: whitespace, line
    endings and hyphens are kept as they are), idempotent, and the identity on
    clean text (a text without strong characters only loses its stand-alone
    ``¶`` bullets and ``õ`` elision apostrophes).  The lexicon that arbitrates
    the ambiguous characters is built from *text* itself plus ``SEED_WORDS``;
    *lexicon* optionally adds more words (any iterable of strings, e.g. the
    lines of a word list or another clean text).
    """
    lex = build_lexicon(text, lexicon)
    lines = text.split("\n")
    return "\n".join(repair_line(line, lex) for line in lines)


# --------------------------------------------------------------------------
# Audit
# --------------------------------------------------------------------------


@dataclass
class RepairStats:
    """Figures comparing a raw text with its repaired version.

    ``garbled_tokens_in`` / ``garbled_tokens_out`` count the whitespace/hyphen
    delimited tokens holding at least one strong character before and after
    the repair (the goal is 0 after).  ``clean_tokens_altered`` lists, for
    review, ``(line number, before, after)`` for every token of the input
    without strong characters that the repair changed (pure-ambiguous tokens
    such as ``59`` → ``DE``, artefacts such as ``¶`` → ``•``).
    """

    lines_total: int = 0
    lines_changed: int = 0
    garbled_tokens_in: int = 0
    garbled_tokens_out: int = 0
    clean_tokens_altered: list[tuple[int, str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One line of figures, for humans (e.g. the CLI's ``--stats``)."""
        return (
            f"lines: {self.lines_total} total, {self.lines_changed} changed; "
            f"garbled tokens: {self.garbled_tokens_in} in, {self.garbled_tokens_out} left; "
            f"clean tokens altered: {len(self.clean_tokens_altered)}"
        )


def audit(raw: str, repaired: str) -> RepairStats:
    """Compare *raw* with *repaired* (line by line, token by token).

    ``clean_tokens_altered`` lists ``(line number, before, after)`` for every
    token of *raw* without strong characters that was changed.
    """
    raw_lines = raw.split("\n")
    rep_lines = repaired.split("\n")
    if len(raw_lines) != len(rep_lines):
        raise ValueError("raw and repaired texts differ in number of lines")
    # lines as ``wc -l`` would count them, plus a last line without newline
    stats = RepairStats(lines_total=len(raw_lines) - (1 if raw.endswith("\n") or not raw else 0))
    for no, (a, b) in enumerate(zip(raw_lines, rep_lines, strict=True), start=1):
        if a != b:
            stats.lines_changed += 1
        ta = [a[s:e] for s, e in tokenize(a)]
        tb = [b[s:e] for s, e in tokenize(b)]
        stats.garbled_tokens_in += sum(map(is_garbled, ta))
        stats.garbled_tokens_out += sum(map(is_garbled, tb))
        if len(ta) == len(tb):
            for x, y in zip(ta, tb, strict=True):
                if x != y and not is_garbled(x):
                    stats.clean_tokens_altered.append((no, x, y))
    return stats


def repair_file_stats(path: str | Path) -> RepairStats:
    """Repair the UTF-8 file at *path* in memory and return the audit figures."""
    raw = Path(path).read_bytes().decode("utf-8")
    return audit(raw, repair_text(raw))
