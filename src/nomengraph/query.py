"""The query library: named SPARQL queries (the package's ``data/queries/*.rq``), with typed
parameters.

A query file is plain SPARQL 1.1 preceded by a header of ``#+`` comments::

    #+ summary: the jobs of one family of one edition
    #+ description: free text; the line may be repeated
    #+ param: edition (edition, cigref-2018) the edition, e.g. cigref-2018
    #+ param: family (number, required) the family number as printed, e.g. 8
    #+ example: family=8

A parameter is ``name (type, default) description``. The default is a value, ``required`` (the
caller must give it) or ``optional`` (left unbound when not given: the query then ranges over
every value). ``#+ example: name=value`` gives a value to show the query with (the query page
opens with it; the library gives one to every required parameter). Each parameter is a variable
of the same name in the query (``?edition``), which the SELECT clause projects. Values are
never pasted into the query text: they are checked against their type, turned into one RDF term
and bound with Oxigraph's substitutions (SEP-0007), so a value cannot change the shape of the
query.

Queries are written without ``GRAPH``: they run with the union of the named graphs as the
default graph, as the SPARQL endpoint serves it, so a file runs unchanged on the endpoint (where
its parameters are simply unbound).

On a remote store (:class:`~nomengraph.remote.RemoteStore`) there are no substitutions: the same
terms, written in SPARQL syntax by pyoxigraph, are sent as a ``VALUES`` block at the start of
the outermost ``WHERE`` group (:func:`bound_text`). The queries are written in portable SPARQL
1.1 so that both ways give the same answer (docs/remote-store.md).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from nomengraph import iris, prefixes, resources

QUERIES = resources.QUERIES
"""The query library shipped in the package (``--queries DIR`` reads another folder)."""
FORMATS = ("table", "csv", "json")

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    _XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
_FLOAT_TYPES = {_XSD + "decimal", _XSD + "double", _XSD + "float"}


class QueryError(Exception):
    """A named query cannot be found, parsed, bound or run; the message says which and why."""


class UnknownQuery(QueryError):
    """No query of that name in the library."""


class ParamError(QueryError):
    """A parameter is unknown, missing or has a value that does not fit its type."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None  # None: required
    optional: bool
    description: str

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    params: tuple[Param, ...] = ()
    example: tuple[tuple[str, str], ...] = ()  # ``#+ example: name=value`` lines, in order

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise ParamError(
            f"query {self.name!r} has no parameter {name!r}"
            + (
                f" (its parameters: {', '.join(p.name for p in self.params)})"
                if self.params
                else ""
            )
        )


@dataclass
class Result:
    """A SELECT result as plain Python values (IRIs and texts as str, numbers, booleans)."""

    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    query: str = ""
    params: dict[str, str] = field(default_factory=dict)

    def records(self) -> list[dict[str, object]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


# Parameter types ---------------------------------------------------------------------------

_EDITION = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)*$")
_JOB = re.compile(r"^([a-z][a-z0-9-]*[a-z0-9])[/:-]([0-9]+(?:\.[0-9]+)*)$")
_CODE = re.compile(r"^[A-E]\.[0-9]{1,2}$")
_AREA = re.compile(r"^[A-E]$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def _iri(value: str) -> ox.NamedNode:
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]+$", value):
        raise ValueError("not an absolute IRI")
    return ox.NamedNode(value)


def _integer(value: str) -> ox.Literal:
    if not re.match(r"^[+-]?[0-9]+$", value.strip()):
        raise ValueError("not an integer")
    return ox.Literal(int(value))


def _level(value: str) -> ox.Literal:
    term = _integer(value)
    if not 1 <= int(term.value) <= 5:
        raise ValueError("not a proficiency level 1 to 5")
    return term


def _match(pattern: re.Pattern[str], what: str):
    def convert(value: str) -> ox.Literal:
        if not pattern.match(value):
            raise ValueError(f"not {what}")
        return ox.Literal(value)

    return convert


def _edition(value: str) -> ox.NamedNode:
    if value.startswith(iris.ID + "scheme/"):
        value = value.removeprefix(iris.ID + "scheme/")
    if not _EDITION.match(value):
        raise ValueError("not an edition key (lower-case, e.g. cigref-2018, sic)")
    return ox.NamedNode(iris.edition(value))


def _job(value: str) -> ox.NamedNode:
    if value.startswith(iris.ID):
        if not re.match(r"^[a-z][a-z0-9-]*[a-z0-9]/job/[0-9]+(\.[0-9]+)*$", value[len(iris.ID) :]):
            raise ValueError(f"not a job IRI ({iris.ID}<edition>/job/<number>)")
        return ox.NamedNode(value)
    m = _JOB.match(value)
    if not m:
        raise ValueError("not a job: give its IRI or <edition>/<number>, e.g. cigref-2018/2.6")
    return ox.NamedNode(iris.job(m.group(1), m.group(2)))


PARAM_TYPES = {
    "iri": (_iri, "an absolute IRI"),
    "string": (lambda v: ox.Literal(v), "any text"),
    "integer": (_integer, "an integer"),
    "level": (_level, "a proficiency level 1 to 5"),
    "competence": (_match(_CODE, "an e-CF competence code like E.8"), "e-CF code like E.8"),
    "area": (_match(_AREA, "an e-CF area letter A to E"), "e-CF area A to E"),
    "number": (_match(_NUMBER, "a number like 2.6 or 8"), "a job or family number"),
    "lang": (_match(_LANG, "a language tag like fr or en"), "a language tag"),
    "edition": (_edition, "an edition key like cigref-2018 (bound to its scheme IRI)"),
    "job": (_job, "a job IRI or <edition>/<number> like cigref-2018/2.6"),
}


def to_term(param: Param, value: str) -> ox.NamedNode | ox.Literal:
    """Check ``value`` against the parameter's type and return the RDF term it stands for."""
    convert, _ = PARAM_TYPES[param.type]
    if not isinstance(value, str) or not value.strip():
        raise ParamError(f"parameter {param.name!r}: empty value")
    try:
        return convert(value.strip())
    except ValueError as exc:
        raise ParamError(f"parameter {param.name!r} ({param.type}): {value!r} is {exc}") from None


# Reading the library -----------------------------------------------------------------------

_HEADER = re.compile(r"^#\+\s*([a-z]+)\s*:\s?(.*)$")
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*([a-z]+)\s*,\s*([^)]*?)\s*\)\s*(.*)$")


def parse_query(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its header."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    params: list[Param] = []
    example: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            pm = _PARAM.match(value)
            if not pm:
                raise QueryError(
                    f"{path}:{number}: a param line is 'name (type, default) description'"
                )
            name, ptype, default, description = pm.groups()
            if ptype not in PARAM_TYPES:
                raise QueryError(
                    f"{path}:{number}: unknown parameter type {ptype!r} "
                    f"(one of {', '.join(PARAM_TYPES)})"
                )
            if any(p.name == name for p in params):
                raise QueryError(f"{path}:{number}: parameter {name!r} declared twice")
            params.append(
                Param(
                    name,
                    ptype,
                    None if default in ("required", "optional") else default,
                    default == "optional",
                    description,
                )
            )
        elif key == "example":
            name, sep, given = value.partition("=")
            if not sep or not name.strip() or not given.strip():
                raise QueryError(f"{path}:{number}: an example line is 'name=value'")
            example[name.strip()] = given.strip()
        elif key in ("summary", "description", "expect"):
            fields.setdefault(key, []).append(value)
        else:
            raise QueryError(f"{path}:{number}: unknown header field {key!r}")
    summary = " ".join(fields.get("summary", [])).strip()
    if not summary:
        raise QueryError(f"{path}: no '#+ summary:' line")
    query = NamedQuery(
        path.stem,
        path,
        text,
        summary,
        " ".join(fields.get("description", [])).strip(),
        tuple(params),
        tuple(example.items()),
    )
    for p in query.params:  # defaults must fit their type
        if p.default is not None:
            to_term(p, p.default)
    for name, given in example.items():  # examples name parameters and fit their type
        to_term(query.param(name), given)
    return query


def list_queries(folder: Path | str = QUERIES) -> list[NamedQuery]:
    """Every query of the library, by name."""
    folder = resources.require(QUERIES) if Path(folder) == QUERIES else Path(folder)
    if not folder.is_dir():
        raise QueryError(f"{folder}: no query folder here")
    return [parse_query(p) for p in sorted(folder.glob("*.rq"))]


def load_query(name: str, folder: Path | str = QUERIES) -> NamedQuery:
    """One query by name (the file name without ``.rq``)."""
    folder = resources.require(QUERIES) if Path(folder) == QUERIES else Path(folder)
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", name or ""):
        raise UnknownQuery(f"{name!r} is not a query name (lower-case letters, digits, hyphens)")
    path = folder / f"{name}.rq"
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.rq")) if folder.is_dir() else []
        close = [k for k in known if name in k or k in name]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownQuery(f"no query named {name!r} in {folder}{hint} (`--list` lists them)")
    return parse_query(path)


def bind(
    query: NamedQuery, params: dict[str, str] | None = None
) -> tuple[str, dict[ox.Variable, ox.NamedNode | ox.Literal]]:
    """The query text and the substitutions (variable -> term) for these parameter values."""
    params = dict(params or {})
    for name in params:
        query.param(name)  # unknown parameter -> ParamError
    substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    for p in query.params:
        value = params.get(p.name, p.default)
        if value is None:
            if p.required:
                raise ParamError(
                    f"query {query.name!r} needs the parameter {p.name!r} ({p.type}): "
                    f"{p.description}"
                )
            continue
        substitutions[ox.Variable(p.name)] = to_term(p, value)
    return query.text, substitutions


# Values that must name something in the store -------------------------------------------------

_PREFIXES = prefixes.sparql_prologue(("ng", "skos"))

# parameter type -> (what it names, ASK pattern about $term, SELECT of every (?key, ?label))
_NAMED: dict[str, tuple[str, str, str]] = {
    "job": (
        "job",
        "{term} a ng:Job",
        "SELECT ?key ?label WHERE { ?key a ng:Job . OPTIONAL { ?key skos:prefLabel ?label } }",
    ),
    "competence": (
        "e-CF competence",
        "?c a ng:Competence ; skos:notation {term}",
        "SELECT ?key ?label WHERE { ?c a ng:Competence ; skos:notation ?key . "
        'OPTIONAL { ?c skos:prefLabel ?label FILTER (LANGMATCHES(LANG(?label), "en")) } }',
    ),
    "edition": (
        "edition",
        "{term} a skos:ConceptScheme",
        "SELECT ?key ?label WHERE { ?key a skos:ConceptScheme . "
        "OPTIONAL { ?key skos:prefLabel ?label } }",
    ),
}
CLOSEST = 5  # closest known values named when a parameter names nothing in the store


class UnknownValue(ParamError):
    """A parameter names a job, competence or edition that the store does not hold; the
    message gives the closest known values."""


def _short(kind: str, value: str) -> str:
    """A job, edition or competence as a person types it: ``cigref-2018/2.6``, ``sic``, E.8."""
    if kind == "job" and value.startswith(iris.ID):
        return value[len(iris.ID) :].replace("/job/", "/", 1)
    if kind == "edition":
        return value.removeprefix(iris.ID + "scheme/")
    return value


def _ask(store: object, text: str) -> bool:
    if hasattr(store, "select_bindings"):
        return bool(store.ask(text))  # type: ignore[attr-defined]
    answer = getattr(store, "store", store).query(text, use_default_graph_as_union=True)
    return bool(answer)


def _known(store: object, kind: str) -> dict[str, str]:
    """Every value of this kind in the store, as typed (``cigref-2018/2.6``), with a label."""
    text = _PREFIXES + _NAMED[kind][2]
    if hasattr(store, "select_bindings"):
        rows = [
            (b.get("key", {}).get("value", ""), b.get("label", {}).get("value", ""))
            for b in store.select_bindings(text)[1]  # type: ignore[attr-defined]
        ]
    else:
        target = getattr(store, "store", store)
        rows = [
            (sol["key"].value, sol["label"].value if sol["label"] is not None else "")
            for sol in target.query(text, use_default_graph_as_union=True)
        ]
    known: dict[str, str] = {}
    for key, label in rows:
        if kind == "job" and not key.startswith(iris.ID):
            continue
        if kind == "edition" and not key.startswith(iris.ID + "scheme/"):
            continue
        short = _short(kind, key)
        if short not in known or (label and not known[short]):
            known[short] = label
    return known


def check_values(store: object, query: NamedQuery, params: dict[str, str] | None = None) -> None:
    """Raise :class:`UnknownValue` when a given ``job``, ``competence`` or ``edition`` parameter
    names nothing in the store, with the closest values the store holds (a query would only
    answer with no row). Parameters left to their default are not checked."""
    from rapidfuzz import fuzz, process

    from nomengraph.store import StoreError

    for name, value in (params or {}).items():
        param = query.param(name)
        if param.type not in _NAMED:
            continue
        term = to_term(param, value)
        what, pattern, _ = _NAMED[param.type]
        try:
            if _ask(store, _PREFIXES + "ASK { " + pattern.format(term=term) + " }"):
                continue
            known = _known(store, param.type)
        except (StoreError, OSError, RuntimeError, SyntaxError) as exc:
            raise QueryError(f"query {query.name!r} failed: {exc}") from None
        given = _short(param.type, term.value)
        if not known:
            raise UnknownValue(f"parameter {name!r}: the store holds no {what}")
        closest = process.extract(given, list(known), scorer=fuzz.ratio, limit=CLOSEST)
        listed = ", ".join(
            f"{key} ({known[key]})" if known[key] else key for key, _score, _ in closest
        )
        raise UnknownValue(
            f"parameter {name!r}: no {what} {given} in the store; the closest: {listed}"
        )


def _value(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in _INTEGER_TYPES:
                return int(term.value)
            if dt in _FLOAT_TYPES:
                return float(term.value)
        except ValueError:
            return term.value
        if dt == _XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def bound_text(query: NamedQuery, params: dict[str, str] | None = None) -> str:
    """The query text with its parameters bound by a ``VALUES`` block, for a remote store.

    The block (one row: the terms of :func:`bind`, serialised by pyoxigraph, so a value cannot
    change the shape of the query) is the first element of the outermost ``WHERE`` group: the
    group's patterns, ``FILTER``s, ``OPTIONAL``s and ``EXISTS`` see the values, as they see the
    substitutions on the embedded store. Without parameters the text is unchanged."""
    return bound_rows(query, [params or {}])


def bound_rows(query: NamedQuery, rows: list[dict[str, str]]) -> str:
    """The query text with a ``VALUES`` block of several rows (each row checked and turned into
    terms as :func:`bind` does; every row must give values to the same parameters): the query
    answers for each row, as if run once per row. No rows, or rows binding nothing: the text
    unchanged (no rows at all: a block with no row, so the query answers nothing)."""
    bound = [bind(query, row)[1] for row in rows]
    if not bound:
        if not query.params:
            return query.text
        return _with_values(query, " ".join(f"?{p.name}" for p in query.params), [])
    variables = list(bound[0])
    if not variables:
        return query.text
    if any(list(b) != variables for b in bound):
        raise ParamError(f"query {query.name!r}: every row must bind the same parameters")
    names = " ".join(str(v) for v in variables)
    values = ["(" + " ".join(str(b[v]) for v in variables) + ")" for b in bound]
    return _with_values(query, names, values)


def _with_values(query: NamedQuery, names: str, values: list[str]) -> str:
    text = query.text
    at = _where_group(text)
    if at is None:
        raise QueryError(f"{query.path}: no WHERE {{ … }} group to bind the parameters in")
    return f"{text[:at]}\n  VALUES ({names}) {{ {' '.join(values)} }}{text[at:]}"


def _where_group(text: str) -> int | None:
    """Offset just after the ``{`` that opens the outermost ``WHERE`` group, or None."""
    from nomengraph.server.lexer import scan

    for keyword, offset, depth in scan(text).places:
        if keyword == "WHERE" and depth == 0:
            i = offset + len("WHERE")
            while i < len(text):
                if text[i] == "#":  # a comment between WHERE and its group
                    end = text.find("\n", i)
                    i = len(text) if end < 0 else end + 1
                elif text[i].isspace():
                    i += 1
                else:
                    return i + 1 if text[i] == "{" else None
            return None
    return None


def _json_value(term: dict[str, str] | None) -> object:
    """A SPARQL JSON result term as :func:`_value` gives the same term from pyoxigraph."""
    if term is None:
        return None
    kind, value = term.get("type"), term.get("value", "")
    if kind in ("literal", "typed-literal"):  # typed-literal: SPARQL JSON's first draft
        dt = term.get("datatype", "")
        try:
            if dt in _INTEGER_TYPES:
                return int(value)
            if dt in _FLOAT_TYPES:
                return float(value)
        except ValueError:
            return value
        if dt == _XSD + "boolean":
            return value in ("true", "1")
        return value
    if kind == "bnode":
        return f"_:{value}"
    return value


def run_query(store: object, query: NamedQuery, params: dict[str, str] | None = None) -> Result:
    """Run a named query on a store (``OxigraphStore``, ``pyoxigraph.Store`` or ``RemoteStore``).

    The default graph is the union of the named graphs (on a remote store: its default graph,
    which nomengraph expects to be that union; docs/remote-store.md).
    """
    if hasattr(store, "select_bindings"):
        return _run_remote(store, query, params)
    text, substitutions = bind(query, params)
    target = getattr(store, "store", store)
    try:
        solutions = target.query(text, use_default_graph_as_union=True, substitutions=substitutions)
    except SyntaxError as exc:
        raise QueryError(f"{query.path}: {exc}") from None
    except (OSError, RuntimeError) as exc:
        raise QueryError(f"query {query.name!r} failed: {exc}") from None
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError(f"query {query.name!r} is not a SELECT query")
    columns = [v.value for v in solutions.variables]
    rows = [[_value(sol[c]) for c in columns] for sol in solutions]
    return Result(columns, rows, query.name, dict(params or {}))


def _run_remote(store: object, query: NamedQuery, params: dict[str, str] | None) -> Result:
    from nomengraph.store import StoreError

    text = bound_text(query, params)
    try:
        columns, bindings = store.select_bindings(text)  # type: ignore[attr-defined]
    except StoreError as exc:
        raise QueryError(f"query {query.name!r} failed: {exc}") from None
    rows = [[_json_value(b.get(c)) for c in columns] for b in bindings]
    return Result(columns, rows, query.name, dict(params or {}))


# Output ---------------------------------------------------------------------------------------


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
