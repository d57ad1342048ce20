"""Repair of the font-garbled 2018 CIGREF text (nomengraph.repair).

The expected values in tests/fixtures/repair/ were reviewed by eye; the raw
lines they refer to are read from the project's copies in sources/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nomengraph.repair import (
    AMBIGUOUS,
    ARTEFACTS,
    SEED_WORDS,
    STRONG,
    RepairStats,
    audit,
    build_lexicon,
    decode_strong,
    is_garbled,
    repair_file_stats,
    repair_text,
    tokenize,
)

SOURCES = Path(__file__).parents[1] / "sources"
FIXTURES = Path(__file__).parent / "fixtures" / "repair"
RAW_2018 = SOURCES / "cigref-2018-nomenclature.txt"
CLEAN_FILES = ["cigref-2010-nomenclature.txt", "sic-referentiel-metiers.txt"]


def read_tsv(name: str) -> list[list[str]]:
    """Rows of a fixture TSV (no quoting: the data hold a lone ``"``; ``#`` lines are comments)."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.split("\n") if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def raw2018() -> str:
    return RAW_2018.read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def repaired2018(raw2018: str) -> str:
    return repair_text(raw2018)


@pytest.fixture(scope="module")
def raw_lines(raw2018: str) -> list[str]:
    return raw2018.split("\n")


@pytest.fixture(scope="module")
def rep_lines(repaired2018: str) -> list[str]:
    return repaired2018.split("\n")


# ---------------------------------------------------------------- the table


def test_table_sizes_match_the_measured_map():
    # garble-map.tsv: 96 entries = 71 strong + 23 ambiguous + 2 artefacts
    assert len(STRONG) == 71
    assert len(AMBIGUOUS) == 23
    assert len(ARTEFACTS) == 2
    assert not set(STRONG) & set(AMBIGUOUS)


def test_ambiguous_characters_are_plain_characters_and_strong_ones_are_not():
    assert all(ch.isascii() for ch in AMBIGUOUS if ch != "œ")
    assert not any(ch.isascii() and ch.isalnum() for ch in STRONG)
    assert all(len(v) == 1 for v in [*STRONG.values(), *AMBIGUOUS.values()])


def test_typographic_apostrophes_become_ascii_and_en_dash_is_decoded():
    assert STRONG["Ω"] == STRONG["ϥ"] == STRONG["Ψ"] == "'"
    assert STRONG["ς"] == "–"
    assert decode_strong("ŘΩŜȄƛǎǘŜǊ") == "d'exister"


def test_tokenize_splits_on_whitespace_and_hyphens():
    line = " ŎΩŜǎǘ-à-ŘƛǊŜ  x\t"
    assert [line[s:e] for s, e in tokenize(line)] == ["ŎΩŜǎǘ", "à", "ŘƛǊŜ", "x"]


def test_is_garbled():
    assert is_garbled("ƭŜs")
    assert is_garbled("Υ")
    assert not is_garbled("59")
    assert not is_garbled("œuvre")
    assert not is_garbled("")


# ------------------------------------------------------- clean text identity


@pytest.mark.parametrize("name", CLEAN_FILES)
def test_clean_files_come_back_byte_identical(name):
    raw = (SOURCES / name).read_bytes()
    assert repair_text(raw.decode("utf-8")).encode("utf-8") == raw


@pytest.mark.parametrize("name", CLEAN_FILES)
def test_audit_of_clean_files_reports_nothing(name):
    stats = repair_file_stats(SOURCES / name)
    assert stats.lines_changed == 0
    assert stats.garbled_tokens_in == stats.garbled_tokens_out == 0
    assert stats.clean_tokens_altered == []


def test_real_oeuvre_is_untouched():
    for name in CLEAN_FILES:
        text = (SOURCES / name).read_text(encoding="utf-8")
        lines = [line for line in text.split("\n") if "œuvre" in line]
        assert lines
        assert repair_text("\n".join(lines)) == "\n".join(lines)
    # clean œuvre next to garbled tokens, garbled œ (ǆ) and ambiguous œ (= ç)
    assert repair_text("en œuvre ŘŜǎ ƳŞǘƛŜǊǎ") == "en œuvre des métiers"
    assert repair_text("ƳƛǎŜǎ Ŝƴ ǆǳǾǊŜ") == "mises en œuvre"
    assert repair_text("/Ŝ ŎƻƳƛǘŞ ƭŀƴœŀƛǘ") == "Ce comité lançait"


def test_clean_job_numbers_are_untouched(raw_lines, rep_lines):
    numbered = [i for i, line in enumerate(raw_lines) if re.match(r"\s*[59]\.\d\. ", line)]
    assert len(numbered) >= 10
    for i in numbered:
        assert rep_lines[i] == raw_lines[i]
    assert rep_lines[12315 - 1] == raw_lines[12315 - 1] == "5.1. Assistant fonctionnel  "
    assert repair_text("5.1. Assistant fonctionnel ") == "5.1. Assistant fonctionnel "


def test_page_number_keeps_its_digit(rep_lines):
    assert rep_lines[91 - 1].startswith("5 Les métiers des systèmes d'information")
    assert repair_text("5 [Ŝǎ ƳŞǘƛŜǊǎ") == "5 Les métiers"


# --------------------------------------------------------------- 2018 file


def test_line_count_and_line_structure_are_preserved(raw2018, repaired2018):
    assert repaired2018.count("\n") == raw2018.count("\n") == 15302
    assert len(repaired2018.splitlines()) == len(raw2018.splitlines())
    # whitespace and hyphens never move
    strip = re.compile(r"[^\s-]")
    assert strip.sub("", repaired2018) == strip.sub("", raw2018)


def test_no_strong_character_is_left(repaired2018):
    assert not [ch for ch in set(repaired2018) if ch in STRONG]
    assert "¶" not in repaired2018
    assert "õ" not in repaired2018


def test_repair_is_idempotent(repaired2018):
    assert repair_text(repaired2018) == repaired2018


def test_audit_figures_of_the_2018_file(raw2018, repaired2018):
    stats = audit(raw2018, repaired2018)
    assert stats.lines_total == 15302
    assert stats.lines_changed == 3114
    assert stats.garbled_tokens_in == 21728
    assert stats.garbled_tokens_out == 0
    assert "garbled" in stats.summary()


EXAMPLES = read_tsv("examples.tsv")


@pytest.mark.parametrize(
    ("number", "raw", "expected", "note"), EXAMPLES, ids=[f"l{row[0]}" for row in EXAMPLES]
)
def test_example_lines(number, raw, expected, note, raw_lines, rep_lines):
    n = int(number) - 1
    assert raw_lines[n] == raw, f"fixture out of date for line {number}"
    assert rep_lines[n] == expected, note


SNIPPETS = read_tsv("snippets.tsv")


@pytest.mark.parametrize(
    ("number", "raw", "expected", "origin"),
    SNIPPETS,
    ids=[f"l{row[0]}-{i}" for i, row in enumerate(SNIPPETS)],
)
def test_documented_examples(number, raw, expected, origin, raw_lines, rep_lines):
    """Every raw → decoded example given in SOURCES.md (§2.5, §3.1, §3.3)."""
    n = int(number) - 1
    assert raw in raw_lines[n]
    assert expected in rep_lines[n], origin


def test_every_mixed_token_decision(raw_lines, rep_lines):
    """All 555 distinct tokens mixing strong and ambiguous characters, reviewed."""
    expected = dict(read_tsv("mixed_tokens.tsv"))
    seen: dict[str, str] = {}
    for a, b in zip(raw_lines, rep_lines, strict=True):
        for (s1, e1), (s2, e2) in zip(tokenize(a), tokenize(b), strict=True):
            tok = a[s1:e1]
            if is_garbled(tok) and any(ch in AMBIGUOUS for ch in tok):
                seen[tok] = b[s2:e2]
    assert len(expected) == 555
    wrong = {k: (v, expected.get(k)) for k, v in seen.items() if expected.get(k) != v}
    assert not wrong
    assert set(seen) == set(expected)


def test_clean_tokens_altered_are_the_reviewed_ones(raw2018, repaired2018):
    stats = audit(raw2018, repaired2018)
    expected = [(int(n), a, b) for n, a, b in read_tsv("clean_tokens_altered.tsv")]
    assert stats.clean_tokens_altered == expected
    kinds = {(a, b) for _, a, b in expected}
    assert ("59", "DE") in kinds and ("9b", "EN") in kinds and ("¶", "•") in kinds
    assert sum(1 for _, a, _ in expected if a == "59") == 13
    assert sum(1 for _, a, _ in expected if a == "9b") == 8


# ------------------------------------------------------------ small inputs


def test_line_endings_are_kept():
    text = "ŘŜ ƳŞǘƛŜǊǎ\r\n\r\nclean\rline\n  ƭŜǎ  \n"
    assert repair_text(text) == "de métiers\r\n\r\nclean\rline\n  les  \n"
    assert repair_text("") == ""
    assert repair_text("\n\n") == "\n\n"


def test_extra_lexicon_decides_acronyms():
    line = "ƴƻǊƳŜ όŜȄŜƳǇƭŜ Υ t/L 5{{ύ"
    assert repair_text(line) == "norme (exemple : t/L DSS)"
    assert repair_text(line, lexicon=["PCI"]) == "norme (exemple : PCI DSS)"
    assert repair_text(line, lexicon=iter(["norme PCI DSS"])) == "norme (exemple : PCI DSS)"


def test_seed_words_help_short_inputs():
    assert {"le", "les", "de", "sécurité"} <= SEED_WORDS
    assert repair_text("o LŜ ǊŜǎǇƻƴǎŀōƭŜ") == "o Le responsable"
    assert repair_text("ƭŀ ǎŞŎǳǊƛǘŞΦ") == "la sécurité."


def test_artefacts():
    assert repair_text("¶ ŀǳǘƻǳǊ") == "• autour"
    assert repair_text("DU SYSTEME DõINFORMATION") == "DU SYSTEME D'INFORMATION"
    assert repair_text("informações ¶x") == "informações ¶x"


def test_build_lexicon_skips_undecidable_tokens():
    lex = build_lexicon("ŘŜǎ ƳŞǘƛŜǊǎ 59 tah métier ƭŜs", extra=["Kanban"])
    assert "des" in lex and "métiers" in lex and "métier" in lex and "kanban" in lex
    assert "tah" not in lex  # only ambiguous characters: could be garbled
    assert lex.words["les"] == 1  # from SEED_WORDS only, not from the mixed ƭŜs


def test_audit_counts_and_lists():
    raw = "ŘŜ 59 [!\nclean 59\n¶ x"
    stats = audit(raw, repair_text(raw))
    assert isinstance(stats, RepairStats)
    assert stats.lines_total == 3
    assert stats.lines_changed == 2
    assert stats.garbled_tokens_in == 2
    assert stats.garbled_tokens_out == 0
    assert stats.clean_tokens_altered == [(1, "59", "DE"), (3, "¶", "•")]
    with pytest.raises(ValueError):
        audit("a\nb", "a")
