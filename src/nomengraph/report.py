"""The report of a SHACL validation: its results in plain Python values, where each points to in
the card files, and the report said as a table, as lines or as Turtle, in the run's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from nomengraph.messages import Namer, message, named_shape
from nomengraph.texts import say

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Location:
    """Where a result points to in the card files."""

    file: str
    line: int | None
    field: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, in plain Python values."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str  # IRI (or blank node id) of the focus node
    path: str | None  # IRI of the result path, when the constraint names one
    value: str | None  # the offending value (IRI or literal text)
    message: str
    shape: str  # IRI of the named source shape
    component: str  # IRI of the constraint component (sh:MinCountConstraintComponent...)
    location: Location | None = None
    subject: str = ""  # the focus node as a person knows it (when no card file holds it)
    field: str = ""  # the result path as a person knows it

    def where(self) -> tuple[str, str]:
        """The card file and line, and the field, that the result points to; the entity and
        its property, named, when no file holds it."""
        if self.location is None:
            return self.subject, self.field
        loc = self.location
        return (f"{_shown(loc.file)}:{loc.line}" if loc.line else _shown(loc.file)), loc.field

    def sort_key(self) -> tuple[Any, ...]:
        return (
            SEVERITIES.index(self.severity) if self.severity in SEVERITIES else 9,
            self.focus,
            self.shape,
            self.path or "",
            self.value or "",
        )


@dataclass
class Report:
    """What validation found: ``conforms`` is true when there is no violation (warnings and
    infos record source faults and do not make the data non-conforming). ``lang``: the
    language the report was made in; its table and text are said in it, all of them."""

    results: list[Result]
    graph: Graph = field(repr=False)
    seconds: float = 0.0
    problems: list[Any] = field(default_factory=list)  # CardProblem found before SHACL
    lang: str = "en"

    @property
    def conforms(self) -> bool:
        return not self.problems and not self.violations

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def infos(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Info"]

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for r in self.results if r.severity == s) for s in SEVERITIES}

    def to_turtle(self) -> str:
        """The standard SHACL validation report (sh:ValidationReport) in Turtle."""
        return self.graph.serialize(format="turtle")

    def to_text(self) -> str:
        """One line per problem, as ``nomengraph check`` prints them: ``file:line [field]
        message`` (a severity first for the shapes' results), then the summary line; in the
        report's language."""
        lines = [p.shown(self.lang, _shown(p.file)) for p in self.problems]
        for r in self.results:
            where, fld = r.where()
            field = f" [{fld}]" if fld else ""
            severity = say(f"severity.{r.severity}", self.lang).lower()
            lines.append(
                f"{where}:{field} " + say("result", self.lang, severity=severity, message=r.message)
            )
        return "\n".join([*lines, self.summary()]) + "\n"

    def to_table(self) -> str:
        """A readable text table: severity | card/entity | field | message (the headers, the
        severities and the summary in the report's language)."""
        header = ("severity", "where", "field", "message")
        rows = [tuple(say(f"header.{h}", self.lang) for h in header)]
        error = say("severity.Error", self.lang)
        for p in self.problems:
            where = f"{_shown(p.file)}:{p.line}" if p.line else _shown(p.file)
            rows.append((error, where, p.field, p.message_in(self.lang)))
        for r in self.results:
            rows.append((say(f"severity.{r.severity}", self.lang), *r.where(), r.message))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = []
        for i, row in enumerate(rows):
            cells = [row[j].ljust(widths[j]) for j in range(3)]
            lines.append(" | ".join([*cells, row[3]]).rstrip())
            if i == 0:
                lines.append("-+-".join("-" * w for w in [*widths, len(row[3])]))
        lines.append("")
        lines.append(self.summary())
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        """The counts and the verdict, in the report's language: ``2 violation(s), 0
        warning(s), 0 info(s): the data does not conform``."""
        counts = self.counts()
        parts = [say(f"count.{s}", self.lang, n=counts[s]) for s in SEVERITIES]
        if self.problems:
            parts.insert(0, say("count.Error", self.lang, n=len(self.problems)))
        verdict = "verdict.conforms" if self.conforms else "verdict.fails"
        return say(verdict, self.lang, counts=", ".join(parts))


def _shown(file: str) -> str:
    """A file as the table shows it: relative to the current folder when it lies under it."""
    try:
        return Path(file).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return file


def results_of(report_graph: Graph, shapes: Graph, namer: Namer) -> list[Result]:
    """The results of an engine's report graph, each message said by ``namer``'s language, in
    a stable order."""
    out = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        severity = report_graph.value(node, SH.resultSeverity)
        focus = report_graph.value(node, SH.focusNode)
        path = report_graph.value(node, SH.resultPath)
        value = report_graph.value(node, SH.value)
        shape = named_shape(shapes, report_graph.value(node, SH.sourceShape))
        out.append(
            Result(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=str(focus),
                path=str(path) if isinstance(path, URIRef) else None,
                value=str(value) if value is not None else None,
                message=message(report_graph, node, shapes, namer),
                shape=str(shape),
                component=str(report_graph.value(node, SH.sourceConstraintComponent)),
                subject=namer(focus),
                field=namer(path) if isinstance(path, URIRef) else "",
            )
        )
    return sorted(out, key=Result.sort_key)
