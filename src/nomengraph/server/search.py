"""Search: ``GET /search?q=...``, a results page for people and a ranked JSON list for the search
box and for scripts (``Accept: application/json``).

The index (:mod:`nomengraph.server.search_index`) is made from the store by the page queries
``data/queries/pages/search-*.rq`` (standard SPARQL, run through the server's executor, so the
store may be remote). There is one index per store generation: it is built on the first search
that needs it, while other searches of that generation wait for it (other pages do not), and
kept until a newer generation has its own. A remote store has no generation: its index is
built again when it is older than :data:`REMOTE_REFRESH` seconds.

Parameters: ``q`` (at most 200 characters; empty: the page with no results), ``limit`` (1 to 50,
default 10 in JSON, 20 on the page; larger values are capped), ``type`` (``job``,
``competence``, ``esco-occupation``, ``rome-fiche``; comma-separated or repeated).
A JSON answer is a list of ``{"iri", "label", "type", "edition", "key", "href"}``: ``key`` is what
a form takes for the item (``cigref-2018/2.6`` for a job, ``B.1`` for a competence, the IRI
otherwise) and ``href`` the page to open (a local ``/id/...`` path, or the IRI of an external
concept).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import flask
from flask import Response, render_template, request, url_for
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from nomengraph import iris, query
from nomengraph.server.errors import QueryError
from nomengraph.server.i18n import _, current_locale
from nomengraph.server.pages.store import page_query
from nomengraph.server.search_index import MAX_QUERY, TIER_KEY, TYPES, Hit, SearchIndex, words

bp = flask.Blueprint("search", __name__, template_folder="templates")

JSON_RESULTS = "application/sparql-results+json"
QUERIES = ("search-jobs", "search-competences", "search-linked")
DEFAULT_LIMIT = 10
PAGE_LIMIT = 20
MAX_LIMIT = 50
REMOTE_REFRESH = 600.0  # seconds an index of a remote store is kept
_EXTENSION = "nomengraph.search"
_OFFERS = ("text/html", "application/json")

TYPE_NAMES = {
    "job": "Job",
    "competence": "e-CF competence",
    "esco-occupation": "ESCO occupation",
    "rome-fiche": "ROME fiche",
}


class BadSearch(ValueError):
    """A search parameter that cannot be used; the message names it."""


class SearchIndexes:
    """The index of each store generation, built once on first use (one build at a time per
    generation), the two newest kept."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._indexes: dict[str | None, tuple[SearchIndex, float]] = {}
        self._building: dict[str | None, threading.Lock] = {}

    def _fresh(self, key: str | None) -> SearchIndex | None:
        held = self._indexes.get(key)
        if held is None:
            return None
        index, made = held
        if key is None and time.monotonic() - made > REMOTE_REFRESH:
            return None
        return index

    def get(self, key: str | None, build: Callable[[], SearchIndex]) -> SearchIndex:
        """The index of generation ``key`` (None: a remote store), built by ``build``."""
        index = self._fresh(key)
        if index is not None:
            return index
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            index = self._fresh(key)
            if index is None:
                index = build()
                with self._lock:
                    self._indexes[key] = (index, time.monotonic())
                    while len(self._indexes) > 2:  # the oldest first (insertion order)
                        self._indexes.pop(next(iter(self._indexes)))
                    self._building.pop(key, None)
        return index

    def generations(self) -> list[str | None]:
        """The generations whose index is held, oldest first."""
        with self._lock:
            return list(self._indexes)


def _run(name: str) -> list[dict[str, str]]:
    """The rows of a search query: variable -> value, ``<variable>@lang`` -> its language."""
    from nomengraph.server import get_executor

    named = page_query(name)
    text, substitutions = query.bind(named)
    if substitutions:  # pragma: no cover - the search queries have no parameters
        raise QueryError(f"{name}: a search query takes no parameters")
    result = get_executor().run(text, accept=JSON_RESULTS)
    rows = []
    for binding in json.loads(result.body)["results"]["bindings"]:
        row: dict[str, str] = {}
        for variable, term in binding.items():
            row[variable] = term.get("value", "")
            if term.get("xml:lang"):
                row[variable + "@lang"] = term["xml:lang"]
        rows.append(row)
    return rows


def build_index() -> SearchIndex:
    """The index of the store the current request reads (three queries)."""
    started = time.perf_counter()
    index = SearchIndex.from_rows(*(_run(name) for name in QUERIES))
    index.built_seconds = time.perf_counter() - started
    return index


def current_index() -> SearchIndex:
    """The index of the data of the current request's generation."""
    from nomengraph.server import get_generation

    app = flask.current_app
    indexes = app.extensions.get(_EXTENSION)
    if indexes is None:
        indexes = app.extensions.setdefault(_EXTENSION, SearchIndexes())
    return indexes.get(get_generation(), build_index)


# Requests --------------------------------------------------------------------------------------


def _wants_json() -> bool | None:
    """True for JSON, False for HTML, None when the client accepts neither."""
    header = request.headers.get("Accept", "")
    if not header.strip():
        return False
    best = parse_accept_header(header, MIMEAccept).best_match(_OFFERS)
    if best is None:
        return None
    return best == "application/json"


def _limit(default: int) -> int:
    raw = request.args.get("limit", "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadSearch(
            _("limit=%(value)s: give a whole number from 1 to %(max)s", value=raw, max=MAX_LIMIT)
        ) from None
    if value < 1:
        raise BadSearch(
            _("limit=%(value)s: give a whole number from 1 to %(max)s", value=raw, max=MAX_LIMIT)
        )
    return min(value, MAX_LIMIT)


def _types() -> set[str] | None:
    given = [t.strip() for v in request.args.getlist("type") for t in v.split(",") if t.strip()]
    unknown = [t for t in given if t not in TYPES]
    if unknown:
        raise BadSearch(
            _(
                "type=%(value)s: not a kind of result (one of %(types)s)",
                value=unknown[0],
                types=", ".join(TYPES),
            )
        )
    return set(given) or None


def _query_text() -> str:
    text = request.args.get("q", "")
    if len(text) > MAX_QUERY:
        raise BadSearch(
            _(
                "q: the search text has %(n)s characters; at most %(max)s are searched",
                n=len(text),
                max=MAX_QUERY,
            )
        )
    return text.strip()


def href(iri: str) -> str:
    """The page of an item: its local ``/id/...`` page, or the external IRI itself."""
    if iri.startswith(iris.ID):
        return url_for("pages.entity", rest=iri[len(iris.ID) :])
    return iri


def edition_name(edition: str) -> str:
    """An edition key as people read it: ``ecf-3.0`` -> ``e-CF 3.0``, ``rome`` -> ``ROME``."""
    if edition.startswith("ecf-"):
        return "e-CF " + edition[len("ecf-") :]
    if edition in ("rome", "esco"):
        return edition.upper()
    return edition


def record(hit: Hit, locale: str) -> dict[str, str]:
    item = hit.item
    return {
        "iri": item.iri,
        "label": item.label(locale),
        "type": item.type,
        "edition": item.edition,
        "key": item.key,
        "href": href(item.iri),
    }


def _json(payload: Any, status: int = 200) -> Response:
    response = flask.jsonify(payload)
    response.status_code = status
    response.vary.add("Accept")
    return response


def _page(status: int = 200, **context: Any) -> Response:
    response = Response(render_template("search.html", **context), status=status)
    response.mimetype = "text/html"
    response.vary.add("Accept")
    return response


def _other_name(hit: Hit, locale: str) -> bool:
    """Whether the answer was found by a name other than the label shown (then shown too)."""
    if hit.tier == TIER_KEY or not hit.matched:
        return False
    return words(hit.matched) != words(hit.item.label(locale))


@bp.route("/search")
def search() -> Response:
    wants_json = _wants_json()
    if wants_json is None:
        response = Response(
            _("The search answers in text/html or application/json.") + "\n", status=406
        )
        response.mimetype = "text/plain"
        return response
    locale = current_locale()
    text = request.args.get("q", "")[:MAX_QUERY]
    try:
        text = _query_text()
        limit = _limit(DEFAULT_LIMIT if wants_json else PAGE_LIMIT)
        types = _types()
    except BadSearch as exc:
        if wants_json:
            return _json({"error": str(exc)}, 400)
        return _page(400, q=text, error=str(exc), hits=[], type_names=TYPE_NAMES)
    hits: list[Hit] = []
    if text:
        try:
            hits = current_index().search(text, limit, types, locale)
        except QueryError as exc:
            message = _("The search index could not be read from the store: %(why)s", why=exc)
            if wants_json:
                return _json({"error": message}, 503)
            return _page(503, q=text, error=message, hits=[], type_names=TYPE_NAMES)
    if wants_json:
        return _json([record(hit, locale) for hit in hits])
    rows = [
        {
            **record(hit, locale),
            "type_name": _(TYPE_NAMES[hit.item.type]),
            "edition_name": edition_name(hit.item.edition),
            "notation": hit.item.notation,
            "also": hit.matched if _other_name(hit, locale) else "",
        }
        for hit in hits
    ]
    return _page(q=text, hits=rows, searched=bool(text), limit=limit, type_names=TYPE_NAMES)
