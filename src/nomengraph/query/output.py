"""Writing a query result: an aligned table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

from nomengraph import prefixes
from nomengraph.query.model import Result

FORMATS = ("table", "csv", "json")


def _text(value: object, compact: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if compact else repr(value)
    text = str(value)
    if compact:
        if " " not in text and text.startswith(("http://", "https://")):
            return prefixes.shorten(text)
        text = " ".join(text.split())
    return text


def format_result(result: Result, fmt: str = "table") -> str:
    """``table``: aligned text (IRIs shortened by the prefix table, long texts cut at 60 chars);
    ``csv``: RFC 4180 with a header line; ``json``: ``{"query", "params", "columns", "rows"}``
    where each row is an object column -> value (null when unbound)."""
    if fmt == "json":
        doc = {
            "query": result.query,
            "params": result.params,
            "columns": result.columns,
            "rows": result.records(),
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_text(v) for v in row] for row in result.rows])
        return out.getvalue()
    if fmt == "table":
        cells = [[_cut(_text(v, compact=True)) for v in row] for row in result.rows]
        widths = [len(c) for c in result.columns]
        for row in cells:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True))]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
        lines = [line.rstrip() for line in lines]
        lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def _cut(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
