"""Decoding a garbled line: each ambiguous run decoded or kept, as scores with the lexicon
decide; tokens made only of ambiguous characters next to garbled text; a whole text."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

from nomengraph.repair.lexicon import Lexicon, build_lexicon
from nomengraph.repair.tables import (
    _ELISION_OE_RE,
    _WORD_RE,
    AMBIGUOUS,
    ARTEFACTS,
    STRONG,
    _words,
    decode_strong,
    is_garbled,
    tokenize,
)

# origins of output characters while scoring a candidate
_NEUTRAL, _STRONG_DEC, _AMB_DEC, _AMB_KEPT = 0, 1, 2, 3

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
