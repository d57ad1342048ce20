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
small constant tables of :mod:`~nomengraph.repair.tables`.

The package by concern: the substitution tables and tokens (:mod:`~nomengraph.repair.tables`),
the lexicon that arbitrates the ambiguous characters (:mod:`~nomengraph.repair.lexicon`), the
decoding of a line and a text (:mod:`~nomengraph.repair.decode`) and the figures comparing a
raw text with its repair (:mod:`~nomengraph.repair.audit`). Every name is importable from here.
"""

from __future__ import annotations

from nomengraph.repair.audit import RepairStats, audit, repair_file_stats
from nomengraph.repair.decode import repair_line, repair_text
from nomengraph.repair.lexicon import SEED_WORDS, Lexicon, build_lexicon
from nomengraph.repair.tables import (
    AMBIGUOUS,
    ARTEFACTS,
    STRONG,
    decode_strong,
    is_garbled,
    tokenize,
)

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
