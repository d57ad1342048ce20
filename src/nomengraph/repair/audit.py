"""Figures comparing a raw text with its repaired version."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nomengraph.repair.decode import repair_text
from nomengraph.repair.tables import is_garbled, tokenize

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
