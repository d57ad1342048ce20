"""Flat job x competence export for spreadsheet users."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

COLUMNS = ("edition", "job_number", "job_title", "competence", "level_min", "level_max")


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split("."))


def _code_key(code: str) -> tuple[str, int]:
    letter, num = code.split(".")
    return letter, int(num)


def matrix_rows(cards: Iterable[dict[str, Any]], edition: str | None = None) -> list[tuple]:
    """One row per (edition, job number, job title, competence code, level min, level max),
    ordered by job number then competence code."""
    rows = []
    for card in sorted(cards, key=lambda c: (c["edition"], _number_key(c["number"]))):
        if edition is not None and card["edition"] != edition:
            continue
        for req in sorted(card["competences"], key=lambda r: _code_key(r["code"])):
            rows.append(
                (
                    card["edition"],
                    card["number"],
                    card["title"],
                    req["code"],
                    req["level_min"],
                    req["level_max"],
                )
            )
    return rows


def format_rows(rows: list[tuple], fmt: str) -> str:
    """Render rows as ``csv``, ``tsv`` or ``md`` (Markdown table), with a header line."""
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return buf.getvalue()
    if fmt == "md":

        def cell(v: Any) -> str:
            return str(v).replace("|", "\\|")

        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r} (csv, tsv or md)")
