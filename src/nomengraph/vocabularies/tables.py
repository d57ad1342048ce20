"""CSV reading for the import stage: the tables of the official exports, with located errors.

:func:`read_table` reads a quoted CSV file (UTF-8, optional BOM, fields that span lines) into
:class:`Row` records that know their record number and the line they start on; :func:`dedup`
keeps one row per key, settling identical duplicates (and those that differ only in a date) and
refusing conflicts. Problems raise :class:`VocabularyError` naming the file, the row (and its
line) and the column. The ESCO and ROME imports read their files with these, and so does
:mod:`nomengraph.link.sources`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Row", "VocabularyError", "dedup", "read_table"]


class VocabularyError(Exception):
    """The input cannot be imported: a missing file or column, a bad encoding, a conflict..."""


@dataclass(frozen=True)
class Row:
    """One record of a table: its number, the line it starts on, its cells by column."""

    number: int  # record number, 1-based, header excluded
    line: int  # physical line where the record starts (multi-line fields span several)
    values: dict[str, str]

    def where(self, path: Path, column: str | None = None) -> str:
        col = f", column {column}" if column else ""
        return f"{path.name}: row {self.number} (line {self.line}){col}"


def read_table(path: Path, required: Sequence[str]) -> tuple[list[str], list[Row]]:
    """Read a quoted CSV file (UTF-8, optional BOM, fields may span lines)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise VocabularyError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise VocabularyError(
            f"{path.name}: line {line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x}: "
            f"{exc.reason}); the export must be UTF-8 encoded"
        ) from exc
    text = text.removeprefix("\ufeff")
    old_limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # ESCO's hasTopConcept cells exceed the 128 KiB default
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise VocabularyError(f"{path.name}: empty file (no header row)") from None
        except csv.Error as exc:
            raise VocabularyError(f"{path.name}: line 1: malformed CSV header ({exc})") from exc
        missing = [c for c in required if c not in header]
        if missing:
            raise VocabularyError(
                f"{path.name}: missing required column(s) {', '.join(missing)}; "
                f"the header has: {', '.join(header)}"
            )
        rows: list[Row] = []
        previous = reader.line_num
        number = 0
        try:
            for record in reader:
                start, previous = previous + 1, reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                number += 1
                if len(record) != len(header):
                    raise VocabularyError(
                        f"{path.name}: row {number} (line {start}): {len(record)} fields, "
                        f"the header has {len(header)}"
                    )
                values = {
                    h: c.replace("\r\n", "\n").strip() for h, c in zip(header, record, strict=True)
                }
                rows.append(Row(number, start, values))
        except csv.Error as exc:
            raise VocabularyError(
                f"{path.name}: line {reader.line_num}: malformed CSV ({exc})"
            ) from exc
    finally:
        csv.field_size_limit(old_limit)
    return header, rows


def dedup(
    path: Path, rows: list[Row], key: str, merge_latest: str | None, notes: list[str]
) -> list[Row]:
    """One row per ``key`` value. Identical duplicates: the first is kept. Duplicates that differ
    only in ``merge_latest`` (a date column): the latest is kept. Any other difference is a
    conflict and an error."""
    by_key: dict[str, Row] = {}
    order: list[str] = []
    for row in rows:
        k = row.values[key]
        if not k:
            raise VocabularyError(f"{row.where(path, key)}: empty {key}")
        first = by_key.get(k)
        if first is None:
            by_key[k] = row
            order.append(k)
            continue
        differ = sorted(c for c in row.values if row.values[c] != first.values.get(c))
        rows_txt = f"rows {first.number} (line {first.line}) and {row.number} (line {row.line})"
        if not differ:
            notes.append(f"{path.name}: {key} {k} appears twice, {rows_txt}: identical, kept one")
        elif merge_latest and differ == [merge_latest]:
            keep = max((first, row), key=lambda r: r.values[merge_latest])
            by_key[k] = keep
            notes.append(
                f"{path.name}: {key} {k} appears twice, {rows_txt}: they differ only in "
                f"{merge_latest}; kept the latest ({keep.values[merge_latest]}, row {keep.number})"
            )
        else:
            raise VocabularyError(
                f"{path.name}: {key} {k} appears twice with different values, {rows_txt}; "
                f"differing column(s): {', '.join(differ)}"
            )
    return [by_key[k] for k in order]
