"""Reading, checking and writing SSSOM TSV mapping files.

A mapping file is a YAML metadata block in ``#`` lines, then a header and one mapping a row.
:func:`read_sssom` checks a file and reports every problem as ``file:line: message``;
:func:`format_sssom` writes one. The ``sssom`` package would bring pandas and a LinkML runtime
for what is here a few dozen lines over ``yaml``; CURIEs go through ``curies``
(:mod:`nomengraph.link.prefixes`).
"""

from __future__ import annotations

import io
import math
import re
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nomengraph.link.prefixes import LEXICAL, MANUAL, NO_TERM_FOUND, expand

PREDICATES = frozenset(
    f"skos:{p}" for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)
JUSTIFICATIONS = frozenset({MANUAL, LEXICAL, "semapv:CompositeMatching", "semapv:MappingChaining"})
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "author_id",
    "reviewer_id",
    "comment",
)
REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")
REQUIRED_METADATA = ("curie_map", "mapping_set_id", "license")


@dataclass(frozen=True)
class KnownObjects:
    """The objects a check can vouch for: ``iri in known`` is true for an IRI of ``known``, and
    for any IRI starting with one of ``unchecked`` (a vocabulary nothing was given to check
    against, which a check must not call missing)."""

    known: frozenset[str]
    unchecked: tuple[str, ...] = ()

    def __contains__(self, iri: object) -> bool:
        if not isinstance(iri, str):
            return False
        return iri in self.known or iri.startswith(self.unchecked)


class MappingError(ValueError):
    """Problems found in mapping files; each names the file and the line."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class MappingRow:
    subject_id: str
    predicate_id: str
    object_id: str
    mapping_justification: str
    subject_label: str = ""
    object_label: str = ""
    confidence: float | None = None
    author_id: str = ""
    reviewer_id: str = ""
    comment: str = ""
    line: int = 0

    @property
    def no_match(self) -> bool:
        return self.object_id == NO_TERM_FOUND

    def values(self) -> list[str]:
        conf = "" if self.confidence is None else f"{self.confidence:g}"
        return [
            self.subject_id,
            self.subject_label,
            self.predicate_id,
            self.object_id,
            self.object_label,
            self.mapping_justification,
            conf,
            self.author_id,
            self.reviewer_id,
            self.comment,
        ]


@dataclass
class MappingSet:
    path: Path
    metadata: dict[str, Any]
    rows: list[MappingRow] = field(default_factory=list)

    @property
    def name(self) -> str:
        """``cigref-2018-esco`` for ``mappings/cigref-2018-esco.sssom.tsv``."""
        return self.path.name.removesuffix(".sssom.tsv")

    @property
    def curie_map(self) -> dict[str, str]:
        return dict(self.metadata.get("curie_map") or {})

    def expand(self, curie: str) -> str:
        return expand(curie, self.curie_map)

    def subjects(self) -> set[str]:
        return {r.subject_id for r in self.rows}


def _metadata_block(lines: list[str]) -> tuple[str, int]:
    """The ``#`` lines at the top of the file, uncommented, and how many there are."""
    block = []
    for line in lines:
        if not line.startswith("#"):
            break
        block.append(line[1:])
    return "\n".join(block), len(block)


def read_sssom(
    path: str | Path,
    subjects: Container[str] | None = None,
    objects: Container[str] | None = None,
) -> MappingSet:
    """Read and check one SSSOM TSV file.

    ``subjects`` / ``objects``, when given, are the IRIs that exist (the jobs and competences of
    the cards; the ESCO/ROME concepts): a row naming anything else is an error. Raises
    :class:`MappingError` listing every problem as ``file:line: message``.
    """
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError([f"{name}: cannot read: {exc.strerror}"]) from exc
    lines = text.splitlines()
    problems: list[str] = []
    block, n_meta = _metadata_block(lines)
    try:
        metadata = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise MappingError([f"{name}:{line}: metadata block is not valid YAML"]) from exc
    if not isinstance(metadata, dict):
        metadata = {}
    for key in REQUIRED_METADATA:
        if key not in metadata:
            problems.append(f"{name}:1: metadata lacks {key!r}")
    curie_map = metadata.get("curie_map") or {}
    if not isinstance(curie_map, dict):
        problems.append(f"{name}:1: curie_map is not a mapping")
        curie_map = {}
    mset = MappingSet(path, metadata)

    body = lines[n_meta:]
    if not body:
        raise MappingError([*problems, f"{name}:{n_meta + 1}: no header row"])
    header_line = n_meta + 1
    header = body[0].split("\t")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise MappingError(
            [*problems, f"{name}:{header_line}: missing column(s) {', '.join(missing)}"]
        )
    unknown_cols = [c for c in header if c not in COLUMNS]
    if unknown_cols:
        problems.append(f"{name}:{header_line}: unknown column(s) {', '.join(unknown_cols)}")

    def known_curie(curie: str, where: str, line: int) -> str | None:
        try:
            return expand(curie, curie_map)
        except KeyError:
            problems.append(f"{name}:{line}: {where} {curie!r} is not a CURIE of the curie_map")
            return None

    seen: dict[tuple[str, str], MappingRow] = {}
    for offset, raw in enumerate(body[1:], start=1):
        line = header_line + offset
        if not raw.strip():
            continue
        cells = raw.split("\t")
        if len(cells) != len(header):
            problems.append(f"{name}:{line}: {len(cells)} cells, the header has {len(header)}")
            continue
        rec = dict(zip(header, cells, strict=True))
        conf: float | None = None
        if rec.get("confidence", "").strip():
            try:
                conf = float(rec["confidence"])
            except ValueError:
                conf = math.nan
            if not 0.0 <= conf <= 1.0:
                problems.append(f"{name}:{line}: confidence {rec['confidence']!r} not in [0, 1]")
                conf = None
        row = MappingRow(
            subject_id=rec["subject_id"].strip(),
            predicate_id=rec["predicate_id"].strip(),
            object_id=rec["object_id"].strip(),
            mapping_justification=rec["mapping_justification"].strip(),
            subject_label=rec.get("subject_label", ""),
            object_label=rec.get("object_label", ""),
            confidence=conf,
            author_id=rec.get("author_id", "").strip(),
            reviewer_id=rec.get("reviewer_id", "").strip(),
            comment=rec.get("comment", ""),
            line=line,
        )
        if row.predicate_id not in PREDICATES:
            problems.append(
                f"{name}:{line}: predicate {row.predicate_id!r} not allowed "
                f"(one of {', '.join(sorted(PREDICATES))})"
            )
        if row.mapping_justification not in JUSTIFICATIONS:
            problems.append(
                f"{name}:{line}: mapping_justification {row.mapping_justification!r} not allowed "
                f"(one of {', '.join(sorted(JUSTIFICATIONS))})"
            )
        s_iri = known_curie(row.subject_id, "subject_id", line)
        o_iri = None if row.no_match else known_curie(row.object_id, "object_id", line)
        for who in ("author_id", "reviewer_id"):
            value = getattr(row, who)
            if value:
                known_curie(value, who, line)
        if subjects is not None and s_iri is not None and s_iri not in subjects:
            problems.append(f"{name}:{line}: subject {row.subject_id} does not exist")
        if objects is not None and o_iri is not None and o_iri not in objects:
            problems.append(f"{name}:{line}: object {row.object_id} does not exist")
        pair = (row.subject_id, row.object_id)
        if pair in seen:
            other = seen[pair]
            if other.predicate_id == row.predicate_id:
                problems.append(f"{name}:{line}: duplicate of line {other.line}")
            else:
                problems.append(
                    f"{name}:{line}: contradiction: {row.subject_id} {row.predicate_id} "
                    f"{row.object_id}, but line {other.line} says {other.predicate_id}"
                )
            continue
        seen[pair] = row
        mset.rows.append(row)
    problems.extend(_contradictions(name, mset.rows))
    if problems:
        raise MappingError(problems)
    return mset


def _contradictions(name: str, rows: list[MappingRow]) -> list[str]:
    """A subject both unmatched and matched; two exactMatch objects for one subject (or two
    subjects for one object): exactMatch is one-to-one within a set."""
    problems = []
    by_subject: dict[str, list[MappingRow]] = defaultdict(list)
    exact_by_object: dict[str, list[MappingRow]] = defaultdict(list)
    for row in rows:
        by_subject[row.subject_id].append(row)
        if row.predicate_id == "skos:exactMatch" and not row.no_match:
            exact_by_object[row.object_id].append(row)
    for subject, group in by_subject.items():
        empty = [r for r in group if r.no_match]
        if empty and len(group) > 1:
            problems.append(
                f"{name}:{empty[0].line}: contradiction: {subject} has no match here "
                f"but a match on line {next(r.line for r in group if not r.no_match)}"
            )
        exact = [r for r in group if r.predicate_id == "skos:exactMatch" and not r.no_match]
        if len(exact) > 1:
            problems.append(
                f"{name}:{exact[1].line}: contradiction: {subject} is an exactMatch of "
                f"{exact[1].object_id} and of {exact[0].object_id} (line {exact[0].line})"
            )
    for obj, group in exact_by_object.items():
        if len(group) > 1:
            problems.append(
                f"{name}:{group[1].line}: contradiction: {obj} is an exactMatch of "
                f"{group[1].subject_id} and of {group[0].subject_id} (line {group[0].line})"
            )
    return problems


def read_mappings(
    mappings_dir: str | Path,
    subjects: Container[str] | None = None,
    objects: Container[str] | None = None,
) -> list[MappingSet]:
    """Every ``*.sssom.tsv`` of a folder, in name order; all problems of all files at once."""
    sets, problems = [], []
    for path in sorted(Path(mappings_dir).glob("*.sssom.tsv")):
        try:
            sets.append(read_sssom(path, subjects, objects))
        except MappingError as exc:
            problems.extend(exc.problems)
    if problems:
        raise MappingError(problems)
    return sets


def format_sssom(metadata: Mapping[str, Any], rows: Iterable[MappingRow]) -> str:
    """SSSOM TSV text: the metadata block, the header, one line a row."""
    meta = yaml.safe_dump(dict(metadata), sort_keys=False, allow_unicode=True, width=1000)
    out = io.StringIO()
    for line in meta.splitlines():
        out.write(f"#{line}\n")
    out.write("\t".join(COLUMNS) + "\n")
    for row in rows:
        cells = [re.sub(r"[\t\r\n]+", " ", v) for v in row.values()]
        out.write("\t".join(cells) + "\n")
    return out.getvalue()
