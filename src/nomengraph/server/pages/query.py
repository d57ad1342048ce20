"""The query page: a SPARQL box, the query library's examples, results as a table."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from flask import Response, current_app, request, url_for

from nomengraph import iris
from nomengraph.server.executor import NotAcceptable, QueryError
from nomengraph.server.pages import bp
from nomengraph.server.pages.responses import html_page, status_of
from nomengraph.server.pages.store import JSON_RESULTS, Term, executor, natural_key

MAX_QUERY_CHARS = 200_000  # longest query the query page runs itself
MAX_HTML_ROWS = 2_000  # rows shown in a server-side result table

_SUMMARY = re.compile(r"^#\+\s*summary\s*:\s*(.*)$", re.IGNORECASE)
_PARAM = re.compile(r"^#\+\s*param\s*:\s*([A-Za-z_][A-Za-z0-9_]*)")
_EXAMPLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# Query page -----------------------------------------------------------------------------------


@dataclass
class Example:
    name: str
    summary: str
    text: str
    params: list[str] = field(default_factory=list)  # from ``#+ param: name (...)`` lines


def queries_dir() -> Path | None:
    """Folder of the example queries: app config ``NOMENGRAPH_QUERIES``, else the query library
    shipped in the package."""
    configured = current_app.config.get("NOMENGRAPH_QUERIES")
    if configured:
        return Path(configured)
    from nomengraph import resources

    return resources.require(resources.QUERIES)


def read_examples(folder: Path | None) -> list[Example]:
    """The ``*.rq`` files of a folder with their ``#+ summary:`` header; [] when there are none."""
    if folder is None or not folder.is_dir():
        return []
    examples = []
    for path in sorted(folder.glob("*.rq"), key=lambda p: natural_key(p.name)):
        if not _EXAMPLE_NAME.match(path.stem):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        summary, params = "", []
        for line in text.splitlines():
            if not line.startswith("#"):
                if line.strip():
                    break
                continue
            match = _SUMMARY.match(line.strip())
            if match and not summary:
                summary = match.group(1).strip()
            param = _PARAM.match(line.strip())
            if param:
                params.append(param.group(1))
        examples.append(Example(path.stem, summary, text, params))
    return examples


@dataclass
class ResultView:
    """A query result ready for the template."""

    kind: str  # "table", "boolean" or "text"
    columns: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)
    total: int = 0
    boolean: bool = False
    text: str = ""
    media_type: str = ""


def run_for_page(query: str) -> ResultView:
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
    bindings = data.get("results", {}).get("bindings", [])
    rows = [
        [Term.from_json(b[c]) if c in b else None for c in columns]
        for b in bindings[:MAX_HTML_ROWS]
    ]
    return ResultView("table", columns, rows, total=len(bindings))


@bp.route("/query")
def query_page() -> Response:
    examples = read_examples(queries_dir())
    text = request.args.get("query")
    run = text is not None and bool(text.strip())
    chosen = request.args.get("example", "")
    if text is None:
        match = next((e for e in examples if e.name == chosen), None)
        text = match.text if match else (examples[0].text if examples else DEFAULT_QUERY)
    result: ResultView | None = None
    error = ""
    status = 200
    if run and len(text) > MAX_QUERY_CHARS:
        error, status = f"The query is too long (over {MAX_QUERY_CHARS:,} characters).", 413
    elif run:
        try:
            result = run_for_page(text)
        except QueryError as exc:
            status = status_of(exc)
            error = f"{type(exc).__name__}: {exc}"
    return html_page(
        "query.html",
        status,
        query=text,
        examples=examples,
        chosen=chosen,
        result=result,
        error=error,
        max_rows=MAX_HTML_ROWS,
        id_base=iris.ID,
        local_id_base=url_for("pages.id_root"),
    )


DEFAULT_QUERY = """\
PREFIX ng: <https://w3id.org/nomengraph/def/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

# The jobs of each edition
SELECT ?edition (COUNT(?job) AS ?jobs) WHERE {
  GRAPH ?g { ?job a ng:Job ; skos:inScheme ?edition }
}
GROUP BY ?edition
ORDER BY ?edition
"""


@bp.app_template_filter("urlquote")
def _urlquote(value: str) -> str:
    return quote(value, safe="")
