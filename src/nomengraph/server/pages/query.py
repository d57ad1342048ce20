"""The query page: the query library as forms for people, and a SPARQL box for the others.

``/query/<name>`` shows one query of the library (``data/queries/*.rq``, or the folder of the
app's ``NOMENGRAPH_QUERIES``) with a form for its parameters, as their header declares them: a
job or a competence is picked with the search (a plain text field without JavaScript, which
takes ``<edition>/<number>``, an e-CF code or an IRI), an edition, an area or a level is chosen
from a list. The form is a GET, so a result has an address to share. Opened from a link (no
parameter given), the query runs with its defaults and its ``#+ example:`` values; ``/query``
opens on the first query of the library. A value that does not fit its parameter, or names a
job, competence or edition the store does not hold, is said next to its field (400) and the
query does not run.

Results show labels, linked to the entity's page (the full IRI on hover); datatypes and
language tags only when asked. ``format=csv`` or ``format=json`` on the same address gives the
result as a file (text/csv, SPARQL results JSON). ``/query?query=...`` runs any SPARQL query,
with the same result table.

Parameters are bound by the query library's mechanism (:func:`nomengraph.query.bound_text`)
and every query goes through the server's executor.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import Response, current_app, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from nomengraph import iris, resources
from nomengraph import query as library
from nomengraph.server.executor import NotAcceptable, QueryError
from nomengraph.server.i18n import _, current_locale
from nomengraph.server.pages import bp
from nomengraph.server.pages.responses import html_page, plain_text, status_of
from nomengraph.server.pages.store import (
    JSON_RESULTS,
    Term,
    executor,
    labels,
    local_path,
    natural_key,
    page_query,
    shorten,
)
from nomengraph.store import StoreError

MAX_QUERY_CHARS = 200_000  # longest query the query page runs itself
MAX_HTML_ROWS = 2_000  # rows shown in a server-side result table
MAX_VALUE_CHARS = 500  # longest parameter value accepted
RESERVED = ("lang", "format", "datatypes", "query", "example")  # the page's own arguments
CHECK_SUFFIX = "-violation"  # data checks: listed after the questions
CHECK_LEADS = ("Data check: ", "Contrôle des données : ")  # a check's summary starts so
DOWNLOADS = {"csv": ("text/csv", "csv"), "json": (JSON_RESULTS, "json")}
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {_XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}
_DECIMALS = {_XSD + t for t in ("decimal", "double", "float")}
_COMPETENCE_IRI = re.compile(r"/competence/([A-E]\.[0-9]{1,2})$")
AREAS = ("A", "B", "C", "D", "E")


# The library --------------------------------------------------------------------------------


def queries_dir() -> Path:
    """Folder of the library: app config ``NOMENGRAPH_QUERIES``, else the package's library."""
    configured = current_app.config.get("NOMENGRAPH_QUERIES")
    return Path(configured) if configured else resources.require(resources.QUERIES)


def read_library(folder: Path | None) -> list[library.NamedQuery]:
    """The folder's queries, questions first then data checks (``*-violation``), by name; a
    file that is not a query of the library (no summary, a bad header) is left out."""
    if folder is None or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.rq"), key=lambda p: natural_key(p.stem)):
        if not _NAME.match(path.stem):
            continue
        try:
            found.append(library.parse_query(path))
        except (library.QueryError, OSError, UnicodeDecodeError):
            continue
    return sorted(found, key=lambda q: q.name.endswith(CHECK_SUFFIX))


def list_title(named: library.NamedQuery, locale: str) -> str:
    """A query's title in the library's list, in ``locale``: its summary, a data check's
    without the lead-in its heading already says."""
    summary = named.summary_in(locale)
    if named.name.endswith(CHECK_SUFFIX):
        for lead in CHECK_LEADS:
            summary = summary.removeprefix(lead)
    return summary


def field_name(param: library.Param) -> str:
    """The form field of a parameter: its name, unless the page uses that name itself."""
    return f"p-{param.name}" if param.name in RESERVED else param.name


# The form -----------------------------------------------------------------------------------


@dataclass
class Field:
    """One parameter in the form."""

    param: library.Param
    name: str
    value: str
    control: str  # "pick", "select" or "text"
    pick: str = ""  # kinds offered by the search picker
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, text)
    error: str = ""
    placeholder: str = ""


def _control(param: library.Param) -> tuple[str, str, str]:
    """(control, kinds picked, placeholder) for a parameter type."""
    if param.type == "job":
        return "pick", "job", "cigref-2018/2.6"
    if param.type == "competence":
        return "pick", "competence", "B.1"
    if param.type in ("edition", "area", "level"):
        return "select", "", ""
    return "text", "", param.default or ""


def _options(param: library.Param) -> list[tuple[str, str]]:
    blank = [("", _("every edition"))] if param.type == "edition" and not param.required else []
    if param.type == "edition":
        return blank + editions()
    if param.type == "area":
        return [(a, a) for a in AREAS]
    if param.type == "level":
        return [(str(n), f"e-{n}") for n in range(1, 6)]
    return []


def editions() -> list[tuple[str, str]]:
    """(key, "title (n jobs)") of every edition that has jobs, from the store."""
    named = page_query("query-editions")
    data = json.loads(executor().run(library.bound_text(named), accept=JSON_RESULTS).body)
    found = []
    base = iris.ID + "scheme/"
    for row in data["results"]["bindings"]:
        edition = row["edition"]["value"]
        if not edition.startswith(base):
            continue
        key = edition[len(base) :]
        title = row.get("label", {}).get("value") or key
        jobs = int(row.get("jobs", {}).get("value", "0"))
        found.append((key, f"{title} — {_('%(n)s jobs', n=jobs)}"))
    return found


def normalise(param: library.Param, value: str) -> str:
    """A value as a person may give it, in the form the library's type takes: an e-CF
    competence's IRI gives its code."""
    value = value.strip()
    if param.type == "competence":
        m = _COMPETENCE_IRI.search(value)
        if value.startswith(iris.ID) and m:
            return m.group(1)
        return value.upper() if re.match(r"^[a-e]\.[0-9]{1,2}$", value) else value
    return value


def read_form(named: library.NamedQuery, args: MultiDict) -> tuple[list[Field], dict[str, str]]:
    """The form's fields and the parameter values to bind; a field's error says what is wrong.

    Without any of the query's fields in ``args`` (the query opened from a link), the fields
    hold the defaults and examples; otherwise what was given (an empty field: unbound)."""
    given = any(field_name(p) in args for p in named.params)
    example = dict(named.example)
    fields, values = [], {}
    for param in named.params:
        control, pick, placeholder = _control(param)
        name = field_name(param)
        if given:
            value = normalise(param, args.get(name, ""))
        else:
            value = example.get(param.name, param.default or "")
        item = Field(param, name, value, control, pick, _options(param), "", placeholder)
        fields.append(item)
        if not value:
            if param.required:
                item.error = _("Give a value: this parameter is required.")
            continue
        if len(value) > MAX_VALUE_CHARS:
            item.error = _("Too long (over %(n)s characters).", n=MAX_VALUE_CHARS)
            continue
        try:
            library.to_term(param, value)
            library.check_values(_PageStore(), named, {param.name: value})
        except library.ParamError as exc:
            item.error = _problem(param, str(exc))
            continue
        except library.QueryError as exc:
            item.error = str(exc)
            continue
        values[param.name] = value
    return fields, values


def _problem(param: library.Param, message: str) -> str:
    """The library's message without the ``parameter 'x' (type):`` it starts with."""
    for lead in (f"parameter {param.name!r} ({param.type}): ", f"parameter {param.name!r}: "):
        if message.startswith(lead):
            return message[len(lead) :]
    return message


class _PageStore:
    """The store as :func:`nomengraph.query.check_values` asks it, through the executor."""

    def _run(self, text: str) -> dict:
        try:
            return json.loads(executor().run(text, accept=JSON_RESULTS).body)
        except QueryError as exc:
            raise StoreError(str(exc)) from None

    def ask(self, text: str) -> bool:
        return bool(self._run(text).get("boolean"))

    def select_bindings(self, text: str) -> tuple[list[str], list[dict]]:
        data = self._run(text)
        return data["head"]["vars"], data["results"]["bindings"]


# Results ------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str = ""
    href: str | None = None
    title: str = ""  # the full IRI, or a number's full value
    badge: str = ""  # a literal's language tag or datatype
    numeric: bool = False
    code: bool = False  # an IRI without a label, shown in short form


@dataclass
class ResultView:
    """A query result ready for the template."""

    kind: str  # "table", "boolean" or "text"
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)  # per column: every value a number
    total: int = 0
    boolean: bool = False
    text: str = ""
    media_type: str = ""


def cell(term: Term | None, label_map: dict[str, str]) -> Cell:
    if term is None:
        return Cell()
    if term.kind == "bnode":
        return Cell(f"_:{term.value}", code=True)
    if term.is_iri:
        label = label_map.get(term.value)
        href = local_path(term.value)
        if href is None and term.value.startswith(("http://", "https://")):
            href = term.value
        return Cell(label or shorten(term.value), href, term.value, code=not label)
    if term.datatype in _NUMERIC:
        text = term.value
        if term.datatype in _DECIMALS:
            try:
                text = f"{float(term.value):.3f}".rstrip("0").rstrip(".")
            except ValueError:
                pass
        title = term.value if text != term.value else ""
        return Cell(text, title=title, badge=shorten(term.datatype), numeric=True)
    badge = term.lang or (
        shorten(term.datatype) if term.datatype not in ("", _XSD + "string") else ""
    )
    return Cell(term.value, badge=badge)


def run_for_page(query: str) -> ResultView:
    """Run a query through the executor; SELECT results with the labels of their IRIs."""
    runner = executor()
    try:
        result = runner.run(query, accept=JSON_RESULTS)
    except NotAcceptable:
        result = runner.run(query, accept="text/turtle")
    if result.kind in ("construct", "describe") or "json" not in result.media_type:
        text = result.body.decode("utf-8", errors="replace")
        return ResultView("text", text=text, media_type=result.media_type)
    data = json.loads(result.body)
    if "boolean" in data:
        return ResultView("boolean", boolean=bool(data["boolean"]))
    columns = list(data.get("head", {}).get("vars", []))
    bindings = data.get("results", {}).get("bindings", [])[:MAX_HTML_ROWS]
    terms = [[Term.from_json(b[c]) if c in b else None for c in columns] for b in bindings]
    label_map = labels(t.value for row in terms for t in row if t is not None and t.is_iri)
    rows = [[cell(t, label_map) for t in row] for row in terms]
    numeric = [
        any(r[i].text for r in rows) and all(r[i].numeric or not r[i].text for r in rows)
        for i in range(len(columns))
    ]
    total = len(data.get("results", {}).get("bindings", []))
    return ResultView("table", columns, rows, numeric, total=total)


# Routes -------------------------------------------------------------------------------------


def _page(status: int = 200, **context) -> Response:
    queries = context.pop("queries")
    return html_page(
        "query.html",
        status,
        questions=[q for q in queries if not q.name.endswith(CHECK_SUFFIX)],
        checks=[q for q in queries if q.name.endswith(CHECK_SUFFIX)],
        titles={q.name: list_title(q, current_locale()) for q in queries},
        datatypes=request.args.get("datatypes") == "1",
        max_rows=MAX_HTML_ROWS,
        **context,
    )


@bp.route("/query")
def query_page() -> Response:
    """The SPARQL box with ``query=``; otherwise the library's first query (or ``example=``)."""
    queries = read_library(queries_dir())
    text = request.args.get("query")
    if text is None:
        chosen = request.args.get("example", "")
        if chosen and any(q.name == chosen for q in queries):
            return redirect(url_for("pages.library_query", name=chosen))
        if not queries:
            return _page(queries=queries, named=None, sparql=DEFAULT_QUERY, sparql_open=True)
        return _library_page(queries, queries[0])
    result, error, status = None, "", 200
    if not text.strip():
        error, status = _("Write a query first."), 400
    elif len(text) > MAX_QUERY_CHARS:
        error = _("The query is too long (over %(n)s characters).", n=f"{MAX_QUERY_CHARS:,}")
        status = 413
    else:
        try:
            result = run_for_page(text)
        except QueryError as exc:
            status, error = status_of(exc), f"{type(exc).__name__}: {exc}"
    return _page(
        status,
        queries=queries,
        named=None,
        sparql=text,
        sparql_open=True,
        result=result,
        error=error,
    )


@bp.route("/query/<name>")
def library_query(name: str) -> Response:
    """One query of the library: its form, and its result (or the result as a file)."""
    queries = read_library(queries_dir())
    named = next((q for q in queries if q.name == name), None)
    if named is None:
        known = ", ".join(q.name for q in queries)
        message = _(
            "No query named %(name)s in the library (its queries: %(known)s).",
            name=name,
            known=known,
        )
        return _page(
            404,
            queries=queries,
            named=None,
            sparql=DEFAULT_QUERY,
            error=message,
            error_title=_("No such query."),
        )
    return _library_page(queries, named)


def _library_page(queries: list[library.NamedQuery], named: library.NamedQuery) -> Response:
    fields, values = read_form(named, request.args)
    fmt = request.args.get("format", "")
    if fmt and fmt not in DOWNLOADS:
        return plain_text(f"400 format={fmt!r}: one of {', '.join(DOWNLOADS)}", 400)
    invalid = [f for f in fields if f.error]
    if fmt:
        if invalid:
            problems = "; ".join(f"{f.param.name}: {f.error}" for f in invalid)
            return plain_text(f"400 {problems}", 400)
        return _download(named, values, fmt)
    text = library.bound_text(named, values) if not invalid else named.text
    result, error, status = None, "", 200
    if invalid:
        status = 400
    else:
        try:
            result = run_for_page(text)
        except QueryError as exc:
            status, error = status_of(exc), f"{type(exc).__name__}: {exc}"
    args = {f.name: f.value for f in fields}
    if request.args.get("datatypes") == "1":
        args["datatypes"] = "1"
    return _page(
        status,
        queries=queries,
        named=named,
        fields=fields,
        result=result,
        error=error,
        sparql=text,
        sparql_open=False,
        downloads=[
            (fmt, url_for("pages.library_query", name=named.name, format=fmt, **args))
            for fmt in DOWNLOADS
        ],
    )


def _download(named: library.NamedQuery, values: dict[str, str], fmt: str) -> Response:
    media, extension = DOWNLOADS[fmt]
    try:
        result = executor().run(library.bound_text(named, values), accept=media)
    except QueryError as exc:
        status = status_of(exc)
        return plain_text(f"{status} {type(exc).__name__}: {exc}", status)
    response = Response(result.body, mimetype=media.split(";")[0])
    if fmt == "csv":
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{named.name}.{extension}"'
    return response


DEFAULT_QUERY = """\
PREFIX ng: <https://w3id.org/nomengraph/def/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

# The jobs of each edition
SELECT ?edition (COUNT(?job) AS ?jobs) WHERE {
  ?job a ng:Job ; skos:inScheme ?edition
}
GROUP BY ?edition
ORDER BY ?edition
"""
