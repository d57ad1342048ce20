"""The corrections file: manual fixes of source errors, each with its reason.

Format (YAML list)::

    - id: 2010-b4-levels
      target: ecf-2.0                 # card id, or data file key (ecf-2.0, matrix-cigref-2010 ...)
      field: competences[B.4].levels  # dotted path; [KEY] = list item whose code/id/number == KEY
      value: [1, 2, 3]                # new value  (or `append: {...}` to add a list item)
      reason: B4 has no level row in annex 2 (l.3267); cards use levels 1, 2 and 3.

Every entry must apply: a stale entry (unknown target, path not found) is an error naming the
entry's line, so that a changed source never silently drops a fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..cards import CardError, CardProblem, parse_yaml

_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[([^\]]+)\]")
_KEYS = ("code", "id", "number", "level")
_ENTRY_KEYS = {"id", "target", "field", "value", "append", "reason"}


@dataclass(frozen=True)
class Correction:
    """One entry of the corrections file."""

    id: str
    target: str
    field: str
    reason: str
    value: Any = None
    append: Any = None
    is_append: bool = False
    line: int | None = None


def parse_path(field: str) -> list[str | int | tuple[str]]:
    """Split ``competences[B.4].levels`` into ``['competences', ('B.4',), 'levels']``.

    Integers in brackets are list indices; other bracketed values are item keys (tuples).
    """
    steps: list[str | int | tuple[str]] = []
    pos = 0
    while pos < len(field):
        if field[pos] == ".":
            pos += 1
            continue
        m = _STEP.match(field, pos)
        if not m:
            raise ValueError(f"bad field path {field!r} at position {pos}")
        if m.group(1):
            steps.append(m.group(1))
        else:
            key = m.group(2)
            steps.append(int(key) if key.isdigit() else (key,))
        pos = m.end()
    if not steps:
        raise ValueError("empty field path")
    return steps


def _item_matches(item: Any, key: str) -> bool:
    return isinstance(item, dict) and any(str(item.get(k)) == key for k in _KEYS if k in item)


def _resolve(doc: Any, steps: list[str | int | tuple[str]], create_last: bool) -> tuple[Any, Any]:
    """Return (container, key) of the last step, walking through dicts and lists."""
    node = doc
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        if isinstance(step, str):
            if not isinstance(node, dict):
                raise KeyError(f"{step!r}: not inside a mapping")
            if last:
                if step not in node and not create_last:
                    raise KeyError(f"{step!r}: no such field")
                return node, step
            if step not in node:
                raise KeyError(f"{step!r}: no such field")
            node = node[step]
        else:
            if not isinstance(node, list):
                raise KeyError(f"{step!r}: not inside a list")
            if isinstance(step, int):
                if not 0 <= step < len(node):
                    raise KeyError(f"[{step}]: index out of range")
                index = step
            else:
                matches = [j for j, item in enumerate(node) if _item_matches(item, step[0])]
                if len(matches) != 1:
                    found = "no" if not matches else f"{len(matches)}"
                    raise KeyError(f"[{step[0]}]: {found} list item with that key")
                index = matches[0]
            if last:
                return node, index
            node = node[index]
    raise KeyError("empty path")  # pragma: no cover - parse_path forbids it


def load_corrections(path: str | Path) -> list[Correction]:
    """Read and check the corrections file; errors name the file and the entry's line."""
    path = Path(path)
    file = str(path)
    if not path.exists():
        return []
    data, node = parse_yaml(path.read_text(encoding="utf-8"), file)
    if data is None:
        return []
    if not isinstance(data, list):
        raise CardError([CardProblem(file, 1, "", "the corrections file must be a YAML list")])
    problems: list[CardProblem] = []
    out: list[Correction] = []
    seen: set[str] = set()
    for i, entry in enumerate(data):
        line = node.value[i].start_mark.line + 1 if isinstance(node, yaml.SequenceNode) else None
        if not isinstance(entry, dict):
            problems.append(CardProblem(file, line, f"[{i}]", "entry must be a mapping"))
            continue
        missing = {"id", "target", "field", "reason"} - entry.keys()
        unknown = entry.keys() - _ENTRY_KEYS
        if missing or unknown:
            what = []
            if missing:
                what.append("missing " + ", ".join(sorted(missing)))
            if unknown:
                what.append("unknown " + ", ".join(sorted(unknown)))
            problems.append(CardProblem(file, line, f"[{i}]", "; ".join(what)))
            continue
        if ("value" in entry) == ("append" in entry):
            problems.append(
                CardProblem(file, line, f"[{i}]", "give exactly one of `value` and `append`")
            )
            continue
        if not str(entry["reason"]).strip():
            problems.append(CardProblem(file, line, f"[{i}].reason", "a reason is required"))
            continue
        if entry["id"] in seen:
            problems.append(CardProblem(file, line, f"[{i}].id", f"duplicate id {entry['id']!r}"))
            continue
        seen.add(entry["id"])
        try:
            parse_path(str(entry["field"]))
        except ValueError as exc:
            problems.append(CardProblem(file, line, f"[{i}].field", str(exc)))
            continue
        out.append(
            Correction(
                id=str(entry["id"]),
                target=str(entry["target"]),
                field=str(entry["field"]),
                reason=str(entry["reason"]),
                value=entry.get("value"),
                append=entry.get("append"),
                is_append="append" in entry,
                line=line,
            )
        )
    if problems:
        raise CardError(problems)
    return out


def _record(doc: dict[str, Any], steps: list[Any], correction_id: str) -> None:
    """Note the applied correction on the innermost record: an item with a key (a competence
    requirement, an e-CF competence) or the whole document (for a card: its ``corrections``;
    activity groups, lists and texts have no field of their own for it)."""
    node: Any = doc
    target = doc
    for step in steps[:-1]:
        if isinstance(step, str):
            node = node[step]
        else:
            index = (
                step
                if isinstance(step, int)
                else next(j for j, it in enumerate(node) if _item_matches(it, step[0]))
            )
            node = node[index]
        if isinstance(node, dict) and any(k in node for k in _KEYS):
            target = node
    target.setdefault("corrections", [])
    if correction_id not in target["corrections"]:
        target["corrections"].append(correction_id)


def apply_corrections(
    documents: dict[str, dict[str, Any]], corrections: list[Correction], file: str
) -> list[str]:
    """Apply corrections in order to ``documents`` (key -> card or data file), in place.

    Returns the ids applied. Raises CardError naming the entry's line when one does not apply.
    """
    applied = []
    problems = []
    for c in corrections:
        doc = documents.get(c.target)
        if doc is None:
            problems.append(CardProblem(file, c.line, "target", f"unknown target {c.target!r}"))
            continue
        steps = parse_path(c.field)
        try:
            if c.is_append:
                container, key = _resolve(doc, steps, create_last=False)
                if not isinstance(container[key], list):
                    raise KeyError(f"{c.field}: not a list")
                container[key].append(c.append)
                if isinstance(c.append, dict):
                    c.append.setdefault("corrections", []).append(c.id)
                else:
                    _record(doc, steps, c.id)
            else:
                container, key = _resolve(doc, steps, create_last=True)
                container[key] = c.value
                _record(doc, steps, c.id)
        except KeyError as exc:
            problems.append(
                CardProblem(
                    file, c.line, "field", f"{c.id}: {c.field} on {c.target}: {exc.args[0]}"
                )
            )
            continue
        applied.append(c.id)
    if problems:
        raise CardError(problems)
    return applied
