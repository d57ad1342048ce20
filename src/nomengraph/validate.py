"""SHACL validation of the graph, with results traced back to the card files.

The shapes live in the package's ``data/ontology/shapes/*.ttl`` (see ``docs/data-quality.md``).
Three severities: ``Violation`` (the graph must not contain it: a fault of the cards or of the
converter), ``Warning`` (a fault of the printed sources, kept as printed) and ``Info``.

Validation runs a SHACL engine on the union of the data graphs, held in an in-memory pyoxigraph
store, with the vocabulary (``data/ontology/nomengraph.ttl``) as ontology graph and no inference:
the converter states every ``rdf:type`` explicitly, so RDFS inference would only add time. The
default engine is pyshacl-turbo (Rust, pySHACL's API); pySHACL itself stays available as the
reference (``engine="pyshacl"``, ``nomengraph validate --engine pyshacl``), and both give the same
results one by one (``tests/test_engines.py``). Given a pyoxigraph store, pySHACL runs the shapes'
SPARQL constraints with Oxigraph rather than rdflib's engine, which parses every query again for
each focus node. See docs/data-quality.md for the measures.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from nomengraph import iris, resources
from nomengraph.exitcodes import EXIT_ERROR, EXIT_NONCONFORMING, EXIT_OK
from nomengraph.messages import (
    COMPETENCE,
    JOB,
    LEVEL,
    MATRIX,
    Namer,
    message,
    named_shape,
    vocabulary_labels,
)
from nomengraph.texts import LANGUAGES, check_lang, decimal, say

SHAPES_DIR = resources.SHAPES
"""The SHACL shapes (package data, next to the vocabulary)."""

ONTOLOGY_FILE = resources.ONTOLOGY_FILE

SEVERITIES = ("Violation", "Warning", "Info")

# Shapes --------------------------------------------------------------------------------------


def shape_files(shapes_dir: Path | None = None) -> list[Path]:
    """The Turtle files of the shapes graph, in a stable order (default: the package's shapes,
    a ResourceError when they are missing)."""
    if shapes_dir is None:
        return resources.files(SHAPES_DIR, "*.ttl")
    return sorted(Path(shapes_dir).glob("*.ttl"))


def load_shapes(shapes_dir: Path | None = None) -> Graph:
    """Parse every ``*.ttl`` of the shapes folder into one shapes graph."""
    files = shape_files(shapes_dir)
    if not files:
        raise FileNotFoundError(f"no SHACL shapes (*.ttl) in {shapes_dir}")
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def load_ontology() -> Graph:
    """The vocabulary graph (``data/ontology/nomengraph.ttl`` of the package); a ResourceError
    names the file when it is missing."""
    return Graph().parse(resources.require(ONTOLOGY_FILE), format="turtle")


# Report --------------------------------------------------------------------------------------


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


def _results(report_graph: Graph, shapes: Graph, namer: Namer) -> list[Result]:
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


ENGINES = ("turbo", "pyshacl")
"""The SHACL engines :func:`validate_graph` can run, the default first: ``turbo`` is
pyshacl-turbo (a Rust engine with pySHACL's API), ``pyshacl`` the reference it is checked against
(the same results one by one, ``tests/test_engines.py``)."""

DEFAULT_ENGINE = ENGINES[0]

DataInput = Graph | Dataset | Iterable[Graph] | Iterable[ox.Quad]
"""What :func:`validate_graph` validates: an rdflib graph or dataset, rdflib graphs, or
pyoxigraph quads (as :func:`nomengraph.convert.convert` gives them)."""


class _Terms:
    """rdflib terms as pyoxigraph terms, each IRI converted once (IRIs recur)."""

    def __init__(self) -> None:
        self.iris: dict[URIRef, ox.NamedNode] = {}

    def __call__(self, node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(node, URIRef):
            found = self.iris.get(node)
            if found is None:
                found = self.iris[node] = ox.NamedNode(str(node))
            return found
        if isinstance(node, BNode):
            return ox.BlankNode(str(node))
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(str(node), language=node.language)
            datatype = node.datatype or XSD.string
            return ox.Literal(str(node), datatype=self(URIRef(datatype)))
        raise ValueError(f"not an RDF term: {node!r}")


def data_store(data: DataInput) -> ox.Store:
    """One in-memory pyoxigraph store holding, in its default graph, every triple of the data:
    the union of a dataset's named graphs except the vocabulary's own graph (given to the engine
    separately, as the ontology). Both engines validate this store, so they read the same triples;
    the shapes need to see jobs, e-CF and matrix together."""
    skip = iris.graph("ontology")
    store = ox.Store()
    if isinstance(data, Dataset | ConjunctiveGraph):
        term, skip_ref = _Terms(), URIRef(skip)
        triples = (
            (s, p, o)
            for s, p, o, g in data.quads((None, None, None, None))
            if g is None or getattr(g, "identifier", g) != skip_ref
        )
    elif isinstance(data, Graph):
        term, triples = _Terms(), iter(data)
    else:
        items = list(data)
        if all(isinstance(q, ox.Quad) for q in items):
            store.bulk_extend(
                ox.Quad(q.subject, q.predicate, q.object)
                for q in items
                if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == skip)
            )
            return store
        term = _Terms()
        triples = (t for g in items for t in g)
    store.bulk_extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in triples)
    return store


def _run_engine(engine: str, store: ox.Store, shapes: Graph, ont: Graph | None, inference: str):
    options: dict[str, Any] = dict(
        shacl_graph=shapes,
        ont_graph=ont,
        inference=inference,
        advanced=False,
        allow_warnings=True,
        allow_infos=True,
    )
    if engine == "turbo":
        import pyshacl_turbo
        from pyshacl_turbo.errors import ReportableRuntimeError as TurboError

        try:
            return pyshacl_turbo.validate(store, **options)
        except TurboError as exc:
            raise ValueError(f"SHACL validation failed: {exc}") from None
    if engine == "pyshacl":
        import pyshacl
        from pyshacl.errors import ReportableRuntimeError

        try:
            return pyshacl.validate(store, **options)
        except ReportableRuntimeError as exc:
            raise ValueError(f"SHACL validation failed: {exc}") from None
    raise ValueError(f"unknown SHACL engine {engine!r} ({' or '.join(ENGINES)})")


def validate_graph(
    data: DataInput,
    shapes: Graph | None = None,
    ontology: Graph | None | bool = True,
    inference: str = "none",
    engine: str = DEFAULT_ENGINE,
    lang: str = "en",
) -> Report:
    """Validate ``data`` against the shapes; return a Report.

    ``ontology``: True loads the package's vocabulary (its axioms are copied into the data by the
    engine, as pySHACL's ``ont_graph`` does), False or None validates the data alone, a Graph is
    used as is. ``inference``: the engines' option ("none", "rdfs"...); "none" by default (see
    the module doc). ``engine``: one of :data:`ENGINES`. ``Report.seconds`` counts the store of
    the data and the engine's run. ``lang``: the language of the messages (:data:`LANGUAGES`).
    """
    check_lang(lang)
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r} ({' or '.join(ENGINES)})")
    shapes = load_shapes() if shapes is None else shapes
    ont = load_ontology() if ontology is True else (ontology or None)
    start = time.perf_counter()
    store = data_store(data)
    _conforms, report_graph, _text = _run_engine(engine, store, shapes, ont, inference)
    seconds = time.perf_counter() - start
    if not isinstance(report_graph, Graph):  # the engine's ValidationFailure: a broken shape
        raise ValueError(f"SHACL validation failed: {report_graph}")
    namer = Namer(lang, _job_titles(store), _labels(ont), _admissible_levels(store))
    return Report(_results(report_graph, shapes, namer), report_graph, seconds, lang=lang)


def _labels(ontology: Graph | None) -> dict[str, dict[str, str]]:
    """The vocabulary's labels (from the package's vocabulary when validation ran without)."""
    return vocabulary_labels(ontology if ontology is not None else load_ontology())


def _job_titles(store: ox.Store) -> dict[str, str]:
    """The title of each job of the data (its French label, or any other)."""
    found: dict[str, str] = {}
    query = (
        f"SELECT ?j ?t WHERE {{ ?j a <{iris.DEF}Job> ; <{SKOS.prefLabel}> ?t }} "
        "ORDER BY DESC(LANG(?t) = 'fr') ?t"
    )
    for row in store.query(query):
        found.setdefault(row["j"].value, row["t"].value)
    return found


def _admissible_levels(store: ox.Store) -> dict[str, list[int]]:
    """The levels the data's e-CF defines for each competence (IRI → level numbers)."""
    found: dict[str, list[int]] = {}
    query = "SELECT ?c ?l WHERE { ?c <" + iris.DEF + "admissibleLevel> ?l }"
    for row in store.query(query):
        m = LEVEL.match(row["l"].value)
        if m and m.group("n").isdigit():
            found.setdefault(row["c"].value, []).append(int(m.group("n")))
    return found


# Tracing results back to the cards ----------------------------------------------------------

_CODE_TAIL = re.compile(r"/competence/(?P<code>[A-E]\.[0-9]{1,2})$")

_NG, _SKOS, _DCT, _RDFS, _PROV = iris.DEF, str(SKOS), str(DCTERMS), str(RDFS), str(PROV)

_JOB_FIELDS: dict[str, list[Any]] = {
    _SKOS + "prefLabel": ["title"],
    _SKOS + "altLabel": ["other_names"],
    _SKOS + "notation": ["number"],
    _SKOS + "inScheme": ["edition"],
    _NG + "family": ["family"],
    _NG + "mission": ["mission"],
    _DCT + "description": ["description"],
    _NG + "hasCard": ["has_card"],
    _NG + "hasRequirement": ["competences"],
    _NG + "hasActivityGroup": ["activities"],
    _NG + "hasDeliverable": ["deliverables"],
    _NG + "hasPerformanceIndicator": ["performance_indicators"],
    _NG + "hasCareerPath": ["career_path"],
    _NG + "trends": ["trends"],
    _NG + "changeStatus": ["changes", "status"],
    _NG + "previousNumber": ["changes", "previous_number"],
    _NG + "changeNote": ["changes", "notes"],
    _NG + "appliedCorrection": ["corrections"],
    _PROV + "wasDerivedFrom": ["provenance"],
}
_REQUIREMENT_FIELDS: dict[str, list[Any]] = {
    _NG + "competence": ["code"],
    _NG + "minLevel": ["level_min"],
    _NG + "maxLevel": ["level_max"],
    _NG + "levelAsPrinted": ["level"],
    _NG + "descriptorAsPrinted": ["descriptor"],
    _NG + "doubtful": ["doubtful"],
    _NG + "printedCode": ["printed_code"],
    _RDFS + "comment": ["note"],
    _NG + "appliedCorrection": ["corrections"],
    _NG + "firstLine": ["lines"],
    _NG + "lastLine": ["lines"],
}


@dataclass
class _File:
    path: Path
    data: Any
    node: yaml.Node | None


class CardIndex:
    """The YAML files of a cards folder, indexed by what the IRIs name: (edition, number) for
    cards, e-CF version for framework files, edition for matrix files."""

    def __init__(self, files: Iterable[Path], base: Path | None = None):
        from nomengraph.cards import CardError, parse_yaml

        self.base = base
        self.cards: dict[tuple[str, str], _File] = {}
        self.ecf: dict[str, _File] = {}
        self.matrices: dict[str, _File] = {}
        for path in files:
            try:
                data, node = parse_yaml(path.read_text(encoding="utf-8"), str(path))
            except (CardError, OSError, UnicodeDecodeError):
                continue
            if not isinstance(data, dict):
                continue
            entry = _File(path, data, node)
            if data.get("framework") == "e-CF" and "competences" in data:
                self.ecf[str(data.get("version"))] = entry
            elif "rows" in data and "edition" in data:
                self.matrices[str(data["edition"])] = entry
            elif "edition" in data and "number" in data:
                self.cards[(str(data["edition"]), str(data["number"]))] = entry

    @classmethod
    def scan(cls, folder: str | Path, *more: str | Path) -> CardIndex:
        """The YAML files of ``folder`` (a folder or one file) and of the ``more`` folders."""
        folder = Path(folder)
        if folder.is_file() and not more:
            return cls([folder])
        files = [
            p
            for f in (folder, *map(Path, more))
            for p in (sorted(f.rglob("*.yaml"), key=lambda p: p.as_posix()) if f.is_dir() else [f])
        ]
        return cls(files, folder)

    def _where(self, entry: _File, path: Sequence[Any]) -> Location:
        from nomengraph.cards import _node_line, field_path

        return Location(str(entry.path), _node_line(entry.node, path), field_path(path))

    def locate(self, result: Result) -> Location | None:
        """The file, line and field a result points to, or None when no file holds it."""
        focus = result.focus
        m = JOB.match(focus)
        if m:
            return self._locate_job(m, result)
        m = MATRIX.match(focus)
        if m:
            return self._locate_matrix(m)
        m = COMPETENCE.match(focus)
        if m and m.group("version") in self.ecf:
            entry = self.ecf[m.group("version")]
            path: list[Any] = ["competences"]
            for i, comp in enumerate(entry.data.get("competences") or []):
                if isinstance(comp, dict) and comp.get("code") == m.group("code"):
                    path = ["competences", i]
            return self._where(entry, path)
        return None

    def _locate_job(self, m: re.Match[str], result: Result) -> Location | None:
        entry = self.cards.get((m.group("edition"), m.group("number")))
        if entry is None:
            return None
        rest = m.group("rest") or ""
        data = entry.data
        if not rest:
            path = list(_JOB_FIELDS.get(result.path or "", []))
            if result.path == _NG + "hasRequirement" and result.value:
                found = self._competence_index(data, result.value)
                if found is not None:
                    path = ["competences", found]
            return self._where(entry, path)
        code = _CODE_TAIL.match(rest)
        if code:
            index = self._competence_index(data, code.group("code"))
            if index is None:
                return self._where(entry, ["competences"])
            fields = _REQUIREMENT_FIELDS.get(result.path or "", [])
            if not fields and result.shape.endswith("AdmissibleLevelShape"):
                fields = ["level"]  # the level as printed, which the range comes from
            return self._where(entry, ["competences", index, *fields])
        parts = rest.strip("/").split("/")
        lists = {
            "activity": "activities",
            "deliverable": "deliverables",
            "indicator": "performance_indicators",
        }
        if parts[0] in lists and len(parts) == 2 and parts[1].isdigit():
            return self._where(entry, [lists[parts[0]], int(parts[1]) - 1])
        if parts[0] == "career-path":
            return self._where(entry, ["career_path"])
        if parts[0] == "source":
            return self._where(entry, ["provenance"])
        return self._where(entry, [])

    @staticmethod
    def _competence_index(card: dict[str, Any], code_or_iri: str) -> int | None:
        code = code_or_iri.rsplit("/", 1)[-1]
        for i, req in enumerate(card.get("competences") or []):
            if isinstance(req, dict) and req.get("code") == code:
                return i
        return None

    def _locate_matrix(self, m: re.Match[str]) -> Location | None:
        entry = self.matrices.get(m.group("edition"))
        if entry is not None:
            for i, row in enumerate(entry.data.get("rows") or []):
                if isinstance(row, dict) and str(row.get("number")) == m.group("number"):
                    path: list[Any] = ["rows", i]
                    code = m.group("code")
                    if code and isinstance(row.get("levels"), dict) and code in row["levels"]:
                        path += ["levels", code]
                    return self._where(entry, path)
        card = self.cards.get((m.group("edition"), m.group("number")))
        if card is None:
            return None
        index = self._competence_index(card.data, m.group("code") or "")
        return self._where(card, ["competences", index] if index is not None else ["competences"])


def map_to_cards(report: Report, cards_dir: str | Path | CardIndex) -> Report:
    """Return the report with each result located in the card files under ``cards_dir``: a job
    IRI maps to ``<edition>/<number>.yaml`` and the field its path names, a requirement IRI to
    that card's ``competences[i]``, an e-CF competence to the framework file, a matrix row or cell
    to the matrix file. Results that no file holds keep ``location=None``."""
    index = cards_dir if isinstance(cards_dir, CardIndex) else CardIndex.scan(cards_dir)
    located = sorted(
        (replace(r, location=index.locate(r)) for r in report.results), key=_location_order
    )
    return Report(located, report.graph, report.seconds, list(report.problems), report.lang)


def _location_order(result: Result) -> tuple[Any, ...]:
    """Severity, then file and line (results that no file holds last), then the result's own
    order: a report reads down each file."""
    where = result.location
    return (
        SEVERITIES.index(result.severity) if result.severity in SEVERITIES else 9,
        where is None,
        (where.file, where.line or 0, where.field) if where else ("", 0, ""),
        result.sort_key(),
    )


# Validating cards ----------------------------------------------------------------------------


def validate_cards(
    path: str | Path,
    reference: str | Path | None = None,
    engine: str = DEFAULT_ENGINE,
    lang: str = "en",
) -> Report:
    """Validate one card file on its own: the card format first (JSON Schema and loading rules:
    ``Report.problems``, with file, line and field), then, when it passes, the card converted to
    RDF and checked with the shapes, each result located in the card. The e-CF data its
    requirements refer to is read from ``reference/ecf`` (default: the reference cards folder of
    the settings). A card without ``provenance`` has the card file as its source.

    A folder is validated with the reference nomenclatures, as ``build`` builds it: see
    :func:`check_dataset`. Raises FileNotFoundError when ``path`` is not a file.
    """
    from nomengraph import convert
    from nomengraph.cards import ECF_SCHEMA, CardError, load_card, load_data_file
    from nomengraph.settings import Settings
    from nomengraph.vocab import NG

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        card = load_card(path)
    except CardError as exc:
        return Report([], Graph(), problems=list(exc.problems), lang=check_lang(lang))
    card.setdefault("provenance", {"source": path.name})

    ref = Path(reference) if reference is not None else Settings.load().cards
    ecf_files = sorted((ref / convert.ECF_DIR).glob("*.yaml"))
    graph = Graph()
    for triple in convert.edition_metadata(card["edition"]):
        graph.add(triple)
    scheme = URIRef(iris.edition(card["edition"]))
    if card["competences"] and graph.value(scheme, NG.usesFramework) is None:
        # An edition the converter does not know: its codes are read in the converter's default
        # e-CF version (convert.ecf_version_of), so say so, as the known editions do.
        framework = URIRef(iris.framework(convert.ecf_version_of(card["edition"])))
        graph.add((scheme, NG.usesFramework, framework))
    for triple in convert.convert_card(card):
        graph.add(triple)
    problems = []
    for file in ecf_files:
        try:
            data = load_data_file(file, ECF_SCHEMA)
        except CardError as exc:
            problems.extend(exc.problems)
            continue
        for triple in convert.convert_ecf(data):
            graph.add(triple)

    report = validate_graph(graph, engine=engine, lang=lang)
    located = map_to_cards(report, CardIndex([path, *ecf_files]))
    located.problems = problems
    return located


def check_dataset(
    cards_dir: str | Path,
    editions: Sequence[Path] = (),
    engine: str = DEFAULT_ENGINE,
    progress: Any = None,
    lang: str = "en",
) -> tuple[Any, Report]:
    """Convert and validate what a build builds: the reference cards of ``cards_dir`` and the
    organisations' edition folders ``editions``; return the converted data and the report, each
    result located in its file. ``nomengraph build`` and ``nomengraph validate [DIR]`` both go
    through here, so they give the same verdict.

    Cards that do not follow the card format are data that does not conform: the converted data
    is then None and the report lists them (``Report.problems``, with file, line and field), the
    shapes not run. A missing cards folder raises FileNotFoundError."""
    from nomengraph.cards import CardError, sort_problems
    from nomengraph.convert import convert

    try:
        converted = convert(Path(cards_dir), progress=progress, editions=editions)
    except CardError as exc:
        problems = sort_problems(exc.problems)
        return None, Report([], Graph(), problems=problems, lang=check_lang(lang))
    report = validate_graph(converted.quads, engine=engine, lang=lang)
    return converted, map_to_cards(report, CardIndex.scan(cards_dir, *editions))


def edition_view(report: Report, folders: Sequence[Path]) -> None:
    """What ``validate DIR`` and ``build DIR`` show of a report: every card-format problem and
    violation, and the warnings and infos located in the edition ``folders``; the warnings and
    infos of the reference nomenclatures left out are counted on standard error, in the
    report's language (the verdict, which only problems and violations decide, does not
    change). No folder: all is shown."""
    if not folders:
        return
    roots = [Path(f).resolve() for f in folders]

    def inside(r: Result) -> bool:
        if r.location is None:
            return False
        where = Path(r.location.file).resolve()
        return any(root in where.parents for root in roots)

    kept = [r for r in report.results if r.severity == "Violation" or inside(r)]
    hidden = len(report.results) - len(kept)
    report.results = kept
    if hidden:
        print(say("hidden", report.lang, n=hidden), file=sys.stderr)


def run_validate(
    path: Path | None, fmt: str = "table", engine: str | None = None, lang: str = "en"
) -> int:
    """The ``nomengraph validate [PATH]`` command.

    Without PATH, validates the reference dataset built from the settings' cards folder; with a
    folder, that organisation's edition (its ``edition.yaml`` and cards) next to the reference
    nomenclatures, exactly as ``nomengraph build DIR`` validates it (:func:`check_dataset`), for
    the same verdict; with a file, that one card (:func:`validate_cards`). Prints the report
    (``table``: readable table; ``text``: one line per problem; ``ttl``: the SHACL validation
    report in Turtle, card-format problems then go to standard error).

    Returns (:mod:`nomengraph.exitcodes`) 0 when the data conforms (warnings and infos allowed),
    1 when there are violations or cards that do not follow the card format, 2 when it cannot
    validate (missing path, a folder without ``edition.yaml``, unreadable shapes, unknown engine,
    format or language). ``engine``: one of :data:`ENGINES`, by default :data:`DEFAULT_ENGINE`.
    ``lang``: the language of the whole output, English by default (:data:`LANGUAGES`).
    """
    from nomengraph.cards import edition_folder_problem, reference_folder_problem
    from nomengraph.settings import Settings

    def error(message: str) -> int:
        print(say("error", lang if lang in LANGUAGES else "en", message=message), file=sys.stderr)
        return EXIT_ERROR

    if lang not in LANGUAGES:
        return error(f"unknown language {lang!r} ({' or '.join(LANGUAGES)})")
    if fmt not in ("table", "text", "ttl"):
        return error(f"unknown format {fmt!r} (table, text or ttl)")
    engine = engine or DEFAULT_ENGINE
    if engine not in ENGINES:
        return error(f"unknown engine {engine!r} ({' or '.join(ENGINES)})")
    try:
        if path is not None and path.is_file():
            report = validate_cards(path, engine=engine, lang=lang)
        else:
            editions = [] if path is None else [path]
            problem = edition_folder_problem(path, lang) if path is not None else None
            cards_dir = Settings.load().cards
            problem = problem or reference_folder_problem(cards_dir, "validate", lang)
            if problem:
                return error(problem)
            if not cards_dir.is_dir():
                raise FileNotFoundError(f"{cards_dir}: no cards folder")
            report = check_dataset(cards_dir, editions, engine, lang=lang)[1]
            edition_view(report, editions)
    except (FileNotFoundError, ValueError, OSError) as exc:
        return error(str(exc))
    if fmt == "ttl":
        for p in report.problems:
            print(p.shown(lang), file=sys.stderr)
        sys.stdout.write(report.to_turtle())
    elif fmt == "text":
        sys.stdout.write(report.to_text())
    else:
        sys.stdout.write(report.to_table())
    print(say("took", lang, seconds=decimal(report.seconds, lang)), file=sys.stderr)
    return EXIT_OK if report.conforms else EXIT_NONCONFORMING
