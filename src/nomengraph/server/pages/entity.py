"""The ``/id/`` routes: content negotiation, RDF descriptions, dispatch to the page of each kind
of entity (a table of properties for anything else)."""

from __future__ import annotations

from urllib.parse import quote

import flask
from flask import Response, request, url_for
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from nomengraph import iris
from nomengraph.server.executor import NotAcceptable, QueryError
from nomengraph.server.i18n import _
from nomengraph.server.pages import bp
from nomengraph.server.pages.competence import competence_context
from nomengraph.server.pages.job import job_context
from nomengraph.server.pages.responses import html_page, plain_text, query_failure
from nomengraph.server.pages.scheme import (
    edition_context,
    family_context,
    framework_context,
    level_context,
)
from nomengraph.server.pages.store import (
    MAX_REST,
    NG,
    RDF_TYPE,
    Term,
    ask,
    best_labels,
    construct,
    entity_labels,
    labels,
    properties,
    property_rows,
    select,
    shorten,
    valid_rest,
)

# RDF media types an entity can be served in, with the executor's media type for each.
RDF_TYPES: dict[str, str] = {
    "text/turtle": "text/turtle",
    "application/x-turtle": "text/turtle",
    "application/ld+json": "application/ld+json",
    "application/json": "application/ld+json",
    "application/n-triples": "application/n-triples",
    "application/rdf+xml": "application/rdf+xml",
}
HTML_TYPES = ("text/html", "application/xhtml+xml")
# ``?format=`` shortcuts for the same media types (links on the pages use them).
FORMATS: dict[str, str] = {
    "html": "text/html",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}


# Content negotiation --------------------------------------------------------------------------


def negotiate() -> str | None:
    """The media type to answer with: an HTML or RDF type, None when nothing is acceptable."""
    fmt = request.args.get("format")
    if fmt is not None:
        return FORMATS.get(fmt.lower(), "")
    header = request.headers.get("Accept", "")
    if not header.strip():
        return "text/html"
    accept = parse_accept_header(header, MIMEAccept)
    return accept.best_match([*HTML_TYPES, *RDF_TYPES])


# Routes ---------------------------------------------------------------------------------------


@bp.route("/id/")
def id_root() -> Response:
    return flask.redirect(url_for("pages.home"))


@bp.route("/id/<path:rest>")
def entity(rest: str) -> Response:
    media = negotiate()
    if media == "":
        return plain_text(f"400 Bad Request: unknown format; use one of {', '.join(FORMATS)}", 400)
    if media is None:
        return not_acceptable()
    rdf = media in RDF_TYPES
    if not valid_rest(rest):
        return _not_found(iris.ID + quote(rest[:MAX_REST], safe="/"), rdf)
    iri = iris.ID + rest
    try:
        if not ask("entity-exists", iri=iri):
            return _not_found(iri, rdf)
        if rdf:
            return _rdf_description(iri, RDF_TYPES[media])
        return _entity_page(iri)
    except NotAcceptable:
        return not_acceptable()
    except QueryError as exc:
        return query_failure(exc, rdf)


def _rdf_description(iri: str, media: str) -> Response:
    result = construct("entity-description", media, iri=iri)
    resp = Response(result.body, status=200, mimetype=None)
    resp.headers["Content-Type"] = result.media_type
    resp.headers["Vary"] = "Accept"
    return resp


# Entity pages ---------------------------------------------------------------------------------


def _types(props: dict[str, list[Term]]) -> set[str]:
    return {t.value for t in props.get(RDF_TYPE, [])}


def _entity_page(iri: str) -> Response:
    props = properties(iri)
    types = _types(props)
    label_map = entity_labels(iri)
    base = {
        "iri": iri,
        "title": label_map.get(iri) or shorten(iri),
        "props": props,
        "rows": property_rows(props, label_map),
        "labels": label_map,
        "alternates": _alternates(iri),
    }
    if NG + "Job" in types:
        return html_page("job.html", **base, **job_context(iri, props, label_map))
    if NG + "Competence" in types:
        return html_page("competence.html", **base, **competence_context(iri, props, label_map))
    if NG + "JobFamily" in types:
        return html_page("family.html", **base, **family_context(iri, props, label_map))
    if NG + "Nomenclature" in types:
        return html_page("edition.html", **base, **edition_context(iri, props, label_map))
    if NG + "CompetenceFramework" in types:
        return html_page("framework.html", **base, **framework_context(iri, props, label_map))
    if NG + "ProficiencyLevel" in types:
        return html_page("level.html", **base, **level_context(iri, props, label_map))
    return html_page("entity.html", **base, kind=_kind(iri, types), **generic_context(iri))


def _kind(iri: str, types: set[str]) -> str:
    """The label of the entity's vocabulary class in the page's language ("Entity" if none)."""
    ours = sorted(t for t in types if t.startswith(NG))
    if not ours:
        return _("Entity")
    rows = sorted(select("entity-kind", iri=iri), key=lambda r: r["class"].value)
    names = best_labels(rows, "class")
    return names.get(rows[0]["class"].value, "") if rows else shorten(ours[0])


def _alternates(iri: str) -> list[tuple[str, str, str]]:
    rest = iri[len(iris.ID) :]
    path = url_for("pages.entity", rest=rest)
    return [
        ("Turtle", "text/turtle", f"{path}?format=ttl"),
        ("JSON-LD", "application/ld+json", f"{path}?format=jsonld"),
        ("N-Triples", "application/n-triples", f"{path}?format=nt"),
    ]


def generic_context(iri: str) -> dict:
    rows = select("entity-incoming", iri=iri)
    more = labels([r["s"].value for r in rows if r["s"].is_iri])
    incoming = [
        {"subject": r["s"], "label": more.get(r["s"].value), "predicate": r["p"]}
        for r in rows[:500]
    ]
    return {"incoming": incoming, "incoming_truncated": len(rows) > 500}


def not_acceptable() -> Response:
    offered = ", ".join([*HTML_TYPES, *RDF_TYPES])
    return plain_text(f"406 Not Acceptable: this resource is available as {offered}", 406)


def _not_found(iri: str, rdf: bool) -> Response:
    if rdf:
        return plain_text(f"404 Not Found: no entity {iri} in the graph", 404)
    return html_page("not_found.html", 404, iri=iri)
