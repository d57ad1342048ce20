"""HTML pages of the server: linked-data pages for the entities, the home page and the query page.

Every entity IRI ``https://w3id.org/nomengraph/id/<rest>`` is served at the local path
``/id/<rest>``. A browser gets an HTML page (a specific one for jobs, competences, families,
editions, e-CF versions and proficiency levels; a table of properties for anything else); an RDF
client gets the entity's description (its triples and those of the nodes it owns, i.e. whose IRI
extends its own) in Turtle, JSON-LD, N-Triples or RDF/XML, chosen by the ``Accept`` header.

All data reaches the templates as plain values and is escaped by Jinja's autoescape; the pages
only query the store through the server's executor.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import flask
from flask import Response, current_app, render_template, request, url_for
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from nomengraph import iris
from nomengraph.server.executor import NotAcceptable, QueryError

bp = flask.Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

JSON_RESULTS = "application/sparql-results+json"
NG = iris.DEF
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

PREFIXES: dict[str, str] = {
    "ng": NG,
    "id": iris.ID,
    "graph": iris.GRAPH,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": SKOS,
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}
_SPARQL_PREFIXES = "".join(
    f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in ("id", "graph")
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

MAX_REST = 400  # longest ``/id/<rest>`` accepted (the graph's longest is ~50 characters)
MAX_QUERY_CHARS = 200_000  # longest query the query page runs itself
MAX_HTML_ROWS = 2_000  # rows shown in a server-side result table
_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")
_SUMMARY = re.compile(r"^#\+\s*summary\s*:\s*(.*)$", re.IGNORECASE)
_PARAM = re.compile(r"^#\+\s*param\s*:\s*([A-Za-z_][A-Za-z0-9_]*)")
_EXAMPLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

LANGS = ("fr", "en", "")  # preferred language of labels (the cards are French)


# Terms ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """An RDF term from a SPARQL JSON result."""

    kind: str  # "uri", "literal" or "bnode"
    value: str
    lang: str = ""
    datatype: str = ""

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Term:
        kind = data.get("type", "literal")
        if kind == "typed-literal":
            kind = "literal"
        return cls(kind, data.get("value", ""), data.get("xml:lang", ""), data.get("datatype", ""))

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    @property
    def href(self) -> str | None:
        """Local path of an entity IRI of the graph, None for anything else."""
        return local_path(self.value) if self.is_iri else None

    @property
    def short(self) -> str:
        """A compact form: ``ng:Job``, ``skos:prefLabel``; the IRI itself when no prefix fits."""
        if not self.is_iri:
            return self.value
        return shorten(self.value)

    @property
    def datatype_short(self) -> str:
        return shorten(self.datatype) if self.datatype else ""

    def __str__(self) -> str:
        return self.value


def shorten(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def local_path(iri: str) -> str | None:
    """The local path of an entity IRI (``…/id/x/y`` → ``/id/x/y``), None when not an entity."""
    if not iri.startswith(iris.ID):
        return None
    rest = iri[len(iris.ID) :]
    if not valid_rest(rest):
        return None
    return url_for("pages.entity", rest=rest)


def valid_rest(rest: str) -> bool:
    """Whether ``rest`` can be the tail of an entity IRI: plain ASCII segments, no dot-segments."""
    if not rest or len(rest) > MAX_REST:
        return False
    segments = rest.split("/")
    return all(_SEGMENT.match(s) and s not in (".", "..") for s in segments)


def natural_key(text: str) -> list[tuple[int, int, str]]:
    """Sort key putting "2.10" after "2.9" and "A.10" after "A.9"."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text) if p]


def pick(terms: Iterable[Term], langs: tuple[str, ...] = LANGS) -> Term | None:
    """The term in the first preferred language (or the first term)."""
    terms = list(terms)
    for lang in langs:
        for t in terms:
            if t.lang == lang:
                return t
    return terms[0] if terms else None


# Store access ---------------------------------------------------------------------------------


def _executor() -> Any:
    from nomengraph.server import get_executor  # the package imports this module

    return get_executor()


def select(query: str) -> list[dict[str, Term]]:
    """Run a SELECT through the executor; rows of Terms."""
    result = _executor().run(_SPARQL_PREFIXES + query, accept=JSON_RESULTS)
    data = json.loads(result.body)
    return [{k: Term.from_json(v) for k, v in row.items()} for row in data["results"]["bindings"]]


def ask(query: str) -> bool:
    result = _executor().run(_SPARQL_PREFIXES + query, accept=JSON_RESULTS)
    return bool(json.loads(result.body).get("boolean"))


def properties(iri: str) -> dict[str, list[Term]]:
    """The entity's triples, predicate IRI → objects (over all named graphs)."""
    props: dict[str, list[Term]] = {}
    for row in select(f"SELECT DISTINCT ?p ?o WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}"):
        values = props.setdefault(row["p"].value, [])
        if row["o"] not in values:
            values.append(row["o"])
    return props


def labels(targets: Iterable[str]) -> dict[str, str]:
    """A display label for each IRI that has one (skos:prefLabel, rdfs:label or dcterms:title)."""
    wanted = sorted({t for t in targets if _safe_iri(t)})
    found: dict[str, list[Term]] = {}
    for start in range(0, len(wanted), 200):
        values = " ".join(f"<{t}>" for t in wanted[start : start + 200])
        rows = select(
            "SELECT ?s ?l ?rank WHERE { VALUES ?s { " + values + " } GRAPH ?g { "
            "{ ?s skos:prefLabel ?l BIND(1 AS ?rank) } UNION { ?s rdfs:label ?l BIND(2 AS ?rank) }"
            " UNION { ?s dcterms:title ?l BIND(3 AS ?rank) } } } ORDER BY ?rank"
        )
        best: dict[str, int] = {}
        for row in rows:
            s, rank = row["s"].value, int(row["rank"].value)
            if best.setdefault(s, rank) == rank:
                found.setdefault(s, []).append(row["l"])
    return {s: (pick(ls) or ls[0]).value for s, ls in found.items() if ls}


def _safe_iri(iri: str) -> bool:
    return bool(iri) and not any(c in iri for c in '<>"{}|^`\\ \n\r\t')


def first(props: dict[str, list[Term]], predicate: str) -> Term | None:
    values = props.get(predicate) or []
    return values[0] if values else None


def lang_values(props: dict[str, list[Term]], predicate: str) -> list[Term]:
    """Objects of a predicate, French first, then English, then the others."""
    order = {lang: i for i, lang in enumerate(LANGS)}
    return sorted(props.get(predicate, []), key=lambda t: (order.get(t.lang, 9), t.value))


@dataclass
class Link:
    """A link to an entity for a template: local path (None: shown as text), text, IRI."""

    iri: str
    text: str
    href: str | None = None
    note: str = ""
    labelled: bool = False  # the text is a label (not the IRI in short form)


def link(iri: str, label_map: dict[str, str] | None = None, note: str = "") -> Link:
    label = (label_map or {}).get(iri)
    return Link(iri, label or shorten(iri), local_path(iri), note, labelled=bool(label))


@dataclass
class PropertyRow:
    predicate: Term
    objects: list[tuple[Term, str | None]] = field(default_factory=list)  # (term, label)


def property_rows(props: dict[str, list[Term]], label_map: dict[str, str]) -> list[PropertyRow]:
    rows = []
    for p in sorted(props, key=lambda p: (p != RDF_TYPE, shorten(p))):
        values = sorted(props[p], key=lambda t: (t.kind, t.lang, natural_key(t.value)))
        rows.append(
            PropertyRow(
                Term("uri", p), [(t, label_map.get(t.value) if t.is_iri else None) for t in values]
            )
        )
    return rows


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


def _plain(text: str, status: int) -> Response:
    resp = Response(text + "\n", status=status, mimetype="text/plain")
    resp.headers["Vary"] = "Accept"
    return resp


def _html(template: str, status: int = 200, **context: Any) -> Response:
    resp = Response(render_template(template, **context), status=status, mimetype="text/html")
    resp.headers["Vary"] = "Accept"
    return resp


def _not_acceptable() -> Response:
    offered = ", ".join([*HTML_TYPES, *RDF_TYPES])
    return _plain(f"406 Not Acceptable: this resource is available as {offered}", 406)


# Routes ---------------------------------------------------------------------------------------


@bp.route("/id/")
def id_root() -> Response:
    return flask.redirect(url_for("pages.home"))


@bp.route("/id/<path:rest>")
def entity(rest: str) -> Response:
    media = negotiate()
    if media == "":
        return _plain(f"400 Bad Request: unknown format; use one of {', '.join(FORMATS)}", 400)
    if media is None:
        return _not_acceptable()
    rdf = media in RDF_TYPES
    if not valid_rest(rest):
        return _not_found(iris.ID + quote(rest[:MAX_REST], safe="/"), rdf)
    iri = iris.ID + rest
    try:
        if not ask(f"ASK {{ GRAPH ?g {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }} }}"):
            return _not_found(iri, rdf)
        if rdf:
            return _rdf_description(iri, RDF_TYPES[media])
        return _entity_page(iri)
    except NotAcceptable:
        return _not_acceptable()
    except QueryError as exc:
        return _query_failure(exc, rdf)


def _not_found(iri: str, rdf: bool) -> Response:
    if rdf:
        return _plain(f"404 Not Found: no entity {iri} in the graph", 404)
    return _html("not_found.html", 404, iri=iri)


def _query_failure(exc: QueryError, rdf: bool) -> Response:
    status = _status_of(exc)
    if rdf:
        return _plain(f"{status} {type(exc).__name__}: {exc}", status)
    return _html("error.html", status, status=status, message=str(exc))


def _status_of(exc: QueryError) -> int:
    status = getattr(exc, "status", 400)
    return status if isinstance(status, int) and 400 <= status < 600 else 500


def _rdf_description(iri: str, media: str) -> Response:
    query = (
        f"CONSTRUCT {{ <{iri}> ?p ?o . ?o ?p2 ?o2 }} WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} "
        f"OPTIONAL {{ GRAPH ?g2 {{ ?o ?p2 ?o2 }} "
        f'FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{iri}/")) }} }}'
    )
    result = _executor().run(query, accept=media)
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
    label_map = labels([iri, *(t.value for ts in props.values() for t in ts if t.is_iri)])
    base = {
        "iri": iri,
        "title": label_map.get(iri) or shorten(iri),
        "props": props,
        "rows": property_rows(props, label_map),
        "labels": label_map,
        "alternates": _alternates(iri),
    }
    if NG + "Job" in types:
        return _html("job.html", **base, **job_context(iri, props, label_map))
    if NG + "Competence" in types:
        return _html("competence.html", **base, **competence_context(iri, props, label_map))
    if NG + "JobFamily" in types:
        return _html("family.html", **base, **family_context(iri, props, label_map))
    if NG + "Nomenclature" in types:
        return _html("edition.html", **base, **edition_context(iri, props, label_map))
    if NG + "CompetenceFramework" in types:
        return _html("framework.html", **base, **framework_context(iri, props, label_map))
    if NG + "ProficiencyLevel" in types:
        return _html("level.html", **base, **level_context(iri, props, label_map))
    return _html("entity.html", **base, kind=_kind(types), **generic_context(iri, label_map))


def _kind(types: set[str]) -> str:
    """The English label of the entity's most specific vocabulary class ("Entity" if none)."""
    ours = sorted(t for t in types if t.startswith(NG) and _safe_iri(t))
    if not ours:
        return "Entity"
    values = " ".join(f"<{t}>" for t in ours)
    rows = select(
        "SELECT ?l WHERE { VALUES ?t { " + values + " } GRAPH ?g { ?t rdfs:label ?l "
        'FILTER(LANGMATCHES(LANG(?l), "en")) } } ORDER BY ?l LIMIT 1'
    )
    return rows[0]["l"].value if rows else shorten(ours[0])


def _alternates(iri: str) -> list[tuple[str, str, str]]:
    rest = iri[len(iris.ID) :]
    path = url_for("pages.entity", rest=rest)
    return [
        ("Turtle", "text/turtle", f"{path}?format=ttl"),
        ("JSON-LD", "application/ld+json", f"{path}?format=jsonld"),
        ("N-Triples", "application/n-triples", f"{path}?format=nt"),
    ]


def _level_text(row: dict[str, Term]) -> str:
    lo, hi = row.get("minN"), row.get("maxN")
    if lo is None and hi is None:
        return ""
    if lo is None or hi is None or lo.value == hi.value:
        return f"e-{(lo or hi).value}"  # type: ignore[union-attr]
    return f"e-{lo.value} – e-{hi.value}"


def _v(row: dict[str, Term], key: str) -> str:
    t = row.get(key)
    return t.value if t is not None else ""


def job_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    # Printed order: every list item has its rank under its parent (ng:position).
    subs: dict[str, list[tuple[str, str]]] = {}
    for row in select(
        f"SELECT DISTINCT ?x ?s ?pos ?label WHERE {{ GRAPH ?g {{ <{iri}> (ng:hasActivityGroup/"
        "ng:hasTask|ng:hasDeliverable|ng:hasPerformanceIndicator|ng:hasCareerPath) ?x . "
        "?x ng:hasSubItem ?s OPTIONAL { ?s ng:position ?pos } OPTIONAL { ?s rdfs:label ?label } } }"
    ):
        subs.setdefault(row["x"].value, []).append((_v(row, "pos"), _v(row, "label")))

    def sub_items(node: str) -> list[str]:
        return [label for _, label in sorted(subs.get(node, []), key=lambda s: natural_key(s[0]))]

    activities: dict[str, dict[str, Any]] = {}
    for row in select(
        f"SELECT ?a ?pos ?heading ?note ?t ?tpos ?task WHERE {{ GRAPH ?g {{ <{iri}> "
        "ng:hasActivityGroup ?a OPTIONAL { ?a ng:position ?pos } "
        "OPTIONAL { ?a rdfs:label ?heading } OPTIONAL { ?a ng:note ?note } "
        "OPTIONAL { ?a ng:hasTask ?t OPTIONAL { ?t ng:position ?tpos } "
        "OPTIONAL { ?t rdfs:label ?task } } } }"
    ):
        group = activities.setdefault(
            row["a"].value,
            {
                "iri": row["a"].value,
                "href": row["a"].href,
                "position": _v(row, "pos"),
                "heading": _v(row, "heading"),
                "note": _v(row, "note"),
                "tasks": {},
            },
        )
        if row.get("t") is not None:
            group["tasks"][row["t"].value] = (_v(row, "tpos"), _v(row, "task"))
    ordered_activities = sorted(activities.values(), key=lambda g: natural_key(g["position"]))
    for group in ordered_activities:
        tasks = sorted(group["tasks"].items(), key=lambda t: natural_key(t[1][0]))
        group["tasks"] = [{"text": text, "subs": sub_items(t)} for t, (_, text) in tasks]

    def positioned(prop: str) -> list[dict[str, Any]]:
        rows = select(
            f"SELECT DISTINCT ?x ?pos ?label WHERE {{ GRAPH ?g {{ <{iri}> {prop} ?x "
            "OPTIONAL { ?x ng:position ?pos } OPTIONAL { ?x rdfs:label ?label } } }"
        )
        items = [
            {
                "position": _v(r, "pos"),
                "label": _v(r, "label"),
                "href": r["x"].href,
                "subs": sub_items(r["x"].value),
            }
            for r in rows
        ]
        return sorted(items, key=lambda i: natural_key(i["position"]))

    requirements = []
    for row in select(
        f"SELECT ?r ?c ?code ?nameFr ?nameEn ?minN ?maxN ?printed ?desc ?doubtful ?comment "
        f"WHERE {{ GRAPH ?g {{ <{iri}> ng:hasRequirement ?r . "
        "OPTIONAL { ?r ng:competence ?c } OPTIONAL { ?r ng:levelAsPrinted ?printed } "
        "OPTIONAL { ?r ng:descriptorAsPrinted ?desc } OPTIONAL { ?r ng:doubtful ?doubtful } "
        "OPTIONAL { ?r rdfs:comment ?comment } "
        "OPTIONAL { ?r ng:minLevel ?min } OPTIONAL { ?r ng:maxLevel ?max } } "
        "OPTIONAL { GRAPH ?g1 { ?c skos:notation ?code } } "
        'OPTIONAL { GRAPH ?g2 { ?c skos:prefLabel ?nameFr FILTER(LANG(?nameFr) = "fr") } } '
        'OPTIONAL { GRAPH ?g3 { ?c skos:prefLabel ?nameEn FILTER(LANG(?nameEn) = "en") } } '
        "OPTIONAL { GRAPH ?g4 { ?min ng:levelNumber ?minN } } "
        "OPTIONAL { GRAPH ?g5 { ?max ng:levelNumber ?maxN } } }"
    ):
        competence = row.get("c")
        code = _v(row, "code") or (shorten(competence.value) if competence else "")
        requirements.append(
            {
                "href": row["r"].href,
                "competence_href": competence.href if competence else None,
                "code": code,
                "name": _v(row, "nameFr") or _v(row, "nameEn"),
                "name_en": _v(row, "nameEn") if _v(row, "nameFr") else "",
                "levels": _level_text(row),
                "printed": _v(row, "printed"),
                "descriptor": _v(row, "desc"),
                "doubtful": _v(row, "doubtful") == "true",
                "comment": _v(row, "comment"),
            }
        )
    unique = {(r["href"], r["code"]): r for r in requirements}
    requirements = sorted(unique.values(), key=lambda r: natural_key(r["code"]))

    career = select(
        f"SELECT ?c ?education ?experience WHERE {{ GRAPH ?g {{ <{iri}> ng:hasCareerPath ?c "
        "OPTIONAL { ?c ng:education ?education } OPTIONAL { ?c ng:experience ?experience } } }"
    )
    sources = select(
        f"SELECT ?s ?file ?first ?last WHERE {{ GRAPH ?g {{ <{iri}> prov:wasDerivedFrom ?s }} "
        "GRAPH ?g2 { ?s ng:sourceFile ?file OPTIONAL { ?s ng:firstLine ?first } "
        "OPTIONAL { ?s ng:lastLine ?last } } }"
    )
    continued = select(f"SELECT ?j WHERE {{ GRAPH ?g {{ ?j ng:continues <{iri}> }} }}")
    matrix = select(f"SELECT ?m WHERE {{ GRAPH ?g {{ ?m a ng:MatrixRow ; ng:job <{iri}> }} }}")
    more = labels([r["j"].value for r in continued])
    return {
        "notation": first(props, SKOS + "notation"),
        "alt_labels": lang_values(props, SKOS + "altLabel"),
        "schemes": [link(t.value, label_map) for t in props.get(SKOS + "inScheme", [])],
        "families": [link(t.value, label_map) for t in props.get(NG + "family", [])],
        "has_card": (first(props, NG + "hasCard") or Term("literal", "true")).value == "true",
        "descriptions": lang_values(props, "http://purl.org/dc/terms/description"),
        "missions": lang_values(props, NG + "mission"),
        "activities": ordered_activities,
        "requirements": requirements,
        "deliverables": positioned("ng:hasDeliverable"),
        "indicators": positioned("ng:hasPerformanceIndicator"),
        "career": [
            {
                "education": _v(r, "education"),
                "experience": _v(r, "experience"),
                "experience_subs": sub_items(r["c"].value),
            }
            for r in career
        ],
        "trends": lang_values(props, NG + "trends"),
        "change_status": [link(t.value, label_map) for t in props.get(NG + "changeStatus", [])],
        "previous_number": first(props, NG + "previousNumber"),
        "previous_titles": lang_values(props, NG + "previousTitle"),
        "change_notes": lang_values(props, NG + "changeNote"),
        "continues": [link(t.value, label_map) for t in props.get(NG + "continues", [])],
        "continued_by": [link(r["j"].value, more) for r in continued],
        "matrix_rows": [link(r["m"].value) for r in matrix],
        "sources": [
            {
                "file": _v(r, "file"),
                "first": _v(r, "first"),
                "last": _v(r, "last"),
                "href": r["s"].href,
            }
            for r in sources
        ],
        "corrections": [t.value for t in props.get(NG + "appliedCorrection", [])],
    }


def _level_links(props: dict[str, list[Term]], prop: str, label_map: dict[str, str]) -> list[Link]:
    levels = [link(t.value, label_map) for t in props.get(prop, [])]
    return sorted(levels, key=lambda lk: natural_key(lk.text))


def competence_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    descriptors = select(
        f"SELECT DISTINCT ?d ?n ?text WHERE {{ GRAPH ?g {{ <{iri}> ng:hasLevelDescriptor ?d . "
        "?d ng:level ?l OPTIONAL { ?d ng:text ?text } } GRAPH ?g2 { ?l ng:levelNumber ?n } }"
    )
    examples = select(
        f"SELECT DISTINCT ?x ?kind ?code ?text WHERE {{ GRAPH ?g {{ "
        f'{{ <{iri}> ng:hasKnowledge ?x BIND("K" AS ?kind) }} UNION '
        f'{{ <{iri}> ng:hasSkill ?x BIND("S" AS ?kind) }} '
        "OPTIONAL { ?x skos:notation ?code } OPTIONAL { ?x ng:text ?text } } }"
    )
    matches = select(
        f"SELECT DISTINCT ?m ?rel ?code ?version WHERE {{ GRAPH ?g {{ "
        f"{{ <{iri}> ?rel ?m }} UNION {{ ?m ?rel <{iri}> }} "
        "FILTER(?rel IN (skos:exactMatch, skos:closeMatch)) } "
        "OPTIONAL { GRAPH ?g1 { ?m skos:notation ?code } } "
        "OPTIONAL { GRAPH ?g2 { ?m skos:inScheme ?s } GRAPH ?g3 { ?s owl:versionInfo ?version } } }"
    )
    jobs = select(
        "SELECT DISTINCT ?job ?jobNo ?jobLabel ?scheme ?c ?code ?version ?printed ?minN ?maxN "
        "?desc WHERE { "
        f"{{ BIND(<{iri}> AS ?c) }} UNION "
        f"{{ GRAPH ?g0 {{ <{iri}> skos:exactMatch|skos:closeMatch ?c }} }} UNION "
        f"{{ GRAPH ?g0 {{ ?c skos:exactMatch|skos:closeMatch <{iri}> }} }} "
        "GRAPH ?g { ?r a ng:CompetenceRequirement ; ng:competence ?c ; ng:job ?job "
        "OPTIONAL { ?r ng:levelAsPrinted ?printed } OPTIONAL { ?r ng:descriptorAsPrinted ?desc } "
        "OPTIONAL { ?r ng:minLevel ?min } OPTIONAL { ?r ng:maxLevel ?max } } "
        "GRAPH ?gj { ?job skos:inScheme ?scheme OPTIONAL { ?job skos:notation ?jobNo } "
        "OPTIONAL { ?job skos:prefLabel ?jobLabel } } "
        "OPTIONAL { GRAPH ?g1 { ?c skos:notation ?code } } "
        "OPTIONAL { GRAPH ?g2 { ?c skos:inScheme ?cs } "
        "GRAPH ?g3 { ?cs owl:versionInfo ?version } } "
        "OPTIONAL { GRAPH ?g4 { ?min ng:levelNumber ?minN } } "
        "OPTIONAL { GRAPH ?g5 { ?max ng:levelNumber ?maxN } } }"
    )
    scheme_labels = labels({r["scheme"].value for r in jobs})
    editions: dict[str, dict[str, Any]] = {}
    for r in jobs:
        scheme = r["scheme"].value
        group = editions.setdefault(scheme, {"link": link(scheme, scheme_labels), "jobs": {}})
        key = r["job"].value
        group["jobs"].setdefault(
            key,
            {
                "href": r["job"].href,
                "number": _v(r, "jobNo"),
                "title": _v(r, "jobLabel"),
                "code": _v(r, "code"),
                "version": _v(r, "version"),
                "via": r["c"].href if r["c"].value != iri else None,
                "levels": _level_text(r),
                "printed": _v(r, "printed"),
                "descriptor": _v(r, "desc"),
            },
        )
    by_edition = [
        {
            "link": g["link"],
            "jobs": sorted(g["jobs"].values(), key=lambda j: natural_key(j["number"])),
        }
        for _, g in sorted(editions.items())
    ]
    return {
        "notation": first(props, SKOS + "notation"),
        "names": lang_values(props, SKOS + "prefLabel"),
        "definitions": lang_values(props, SKOS + "definition"),
        "areas": [link(t.value, label_map) for t in props.get(NG + "area", [])],
        "schemes": [link(t.value, label_map) for t in props.get(SKOS + "inScheme", [])],
        "admissible": _level_links(props, NG + "admissibleLevel", label_map),
        "printed_levels": _level_links(props, NG + "printedLevel", label_map),
        "not_applicable": _level_links(props, NG + "notApplicableLevel", label_map),
        "descriptors": sorted(
            (
                {"level": _v(d, "n"), "text": _v(d, "text"), "href": d["d"].href}
                for d in descriptors
            ),
            key=lambda d: natural_key(d["level"]),
        ),
        "knowledge": sorted(
            (
                {"code": _v(x, "code"), "text": _v(x, "text"), "href": x["x"].href}
                for x in examples
                if _v(x, "kind") == "K"
            ),
            key=lambda x: natural_key(x["code"]),
        ),
        "skills": sorted(
            (
                {"code": _v(x, "code"), "text": _v(x, "text"), "href": x["x"].href}
                for x in examples
                if _v(x, "kind") == "S"
            ),
            key=lambda x: natural_key(x["code"]),
        ),
        "matches": sorted(
            (
                {
                    "href": m["m"].href,
                    "code": _v(m, "code") or shorten(m["m"].value),
                    "version": _v(m, "version"),
                    "relation": "same competence"
                    if m["rel"].value.endswith("exactMatch")
                    else "renamed or changed",
                }
                for m in matches
            ),
            key=lambda m: (m["version"], natural_key(m["code"])),
        ),
        "new_in_version": (first(props, NG + "newInVersion") or Term("literal", "")).value
        == "true",
        "notes": lang_values(props, SKOS + "editorialNote"),
        "editions": by_edition,
        "job_count": sum(len(e["jobs"]) for e in by_edition),
    }


def family_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    jobs = select(
        f"SELECT DISTINCT ?job ?no ?label ?card WHERE {{ GRAPH ?g {{ ?job ng:family <{iri}> "
        "OPTIONAL { ?job skos:notation ?no } OPTIONAL { ?job skos:prefLabel ?label } "
        "OPTIONAL { ?job ng:hasCard ?card } } }"
    )
    return {
        "notation": first(props, SKOS + "notation"),
        "schemes": [link(t.value, label_map) for t in props.get(SKOS + "inScheme", [])],
        "jobs": sorted(
            (
                {
                    "href": j["job"].href,
                    "number": _v(j, "no"),
                    "title": _v(j, "label"),
                    "has_card": _v(j, "card") != "false",
                }
                for j in jobs
            ),
            key=lambda j: natural_key(j["number"]),
        ),
    }


def edition_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    families = select(
        f"SELECT DISTINCT ?f ?no ?label WHERE {{ GRAPH ?g {{ ?f a ng:JobFamily ; "
        f"skos:inScheme <{iri}> OPTIONAL {{ ?f skos:notation ?no }} "
        "OPTIONAL { ?f skos:prefLabel ?label } } }"
    )
    jobs = select(
        f"SELECT ?job ?no ?label ?card ?family (COUNT(DISTINCT ?r) AS ?reqs) WHERE {{ GRAPH ?g {{ "
        f"?job a ng:Job ; skos:inScheme <{iri}> OPTIONAL {{ ?job skos:notation ?no }} "
        "OPTIONAL { ?job skos:prefLabel ?label } OPTIONAL { ?job ng:hasCard ?card } "
        "OPTIONAL { ?job ng:family ?family } OPTIONAL { ?job ng:hasRequirement ?r } } } "
        "GROUP BY ?job ?no ?label ?card ?family"
    )
    groups: dict[str, dict[str, Any]] = {
        f["f"].value: {
            "href": f["f"].href,
            "number": _v(f, "no"),
            "title": _v(f, "label"),
            "jobs": [],
        }
        for f in families
    }
    loose: list[dict[str, Any]] = []
    for j in jobs:
        item = {
            "href": j["job"].href,
            "number": _v(j, "no"),
            "title": _v(j, "label"),
            "has_card": _v(j, "card") != "false",
            "requirements": _v(j, "reqs"),
        }
        family = _v(j, "family")
        (groups[family]["jobs"] if family in groups else loose).append(item)
    for g in groups.values():
        g["jobs"].sort(key=lambda j: natural_key(j["number"]))
    loose.sort(key=lambda j: natural_key(j["number"]))
    return {
        "titles": lang_values(props, "http://purl.org/dc/terms/title"),
        "version": first(props, "http://www.w3.org/2002/07/owl#versionInfo"),
        "issued": first(props, "http://purl.org/dc/terms/issued"),
        "publishers": [t.value for t in props.get("http://purl.org/dc/terms/publisher", [])],
        "frameworks": [link(t.value, label_map) for t in props.get(NG + "usesFramework", [])],
        "sources": [
            link(t.value, label_map) for t in props.get("http://purl.org/dc/terms/source", [])
        ],
        "families": sorted(groups.values(), key=lambda g: natural_key(g["number"])),
        "loose_jobs": loose,
        "job_count": len({j["job"].value for j in jobs}),
    }


def framework_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    rows = select(
        f"SELECT DISTINCT ?c ?code ?nameFr ?nameEn ?area ?used WHERE {{ GRAPH ?g {{ "
        f"?c a ng:Competence ; skos:inScheme <{iri}> OPTIONAL {{ ?c skos:notation ?code }} "
        "OPTIONAL { ?c ng:area ?area } OPTIONAL { ?c ng:usedByCards ?used } "
        'OPTIONAL { ?c skos:prefLabel ?nameFr FILTER(LANG(?nameFr) = "fr") } '
        'OPTIONAL { ?c skos:prefLabel ?nameEn FILTER(LANG(?nameEn) = "en") } } }'
    )
    area_rows = select(
        f"SELECT DISTINCT ?a ?code WHERE {{ GRAPH ?g {{ ?a a ng:CompetenceArea ; "
        f"skos:inScheme <{iri}> OPTIONAL {{ ?a skos:notation ?code }} }} }}"
    )
    area_labels = labels([a["a"].value for a in area_rows])
    areas = {
        a["a"].value: {
            "href": a["a"].href,
            "code": _v(a, "code"),
            "title": area_labels.get(a["a"].value, ""),
            "competences": {},
        }
        for a in area_rows
    }
    for r in rows:
        area = areas.setdefault(
            _v(r, "area"), {"href": None, "code": "", "title": "", "competences": {}}
        )
        area["competences"].setdefault(
            r["c"].value,
            {
                "href": r["c"].href,
                "code": _v(r, "code"),
                "name": _v(r, "nameFr"),
                "name_en": _v(r, "nameEn"),
                "used": _v(r, "used") == "true",
            },
        )
    ordered = []
    for a in sorted(areas.values(), key=lambda a: natural_key(a["code"])):
        a["competences"] = sorted(a["competences"].values(), key=lambda c: natural_key(c["code"]))
        ordered.append(a)
    return {
        "titles": lang_values(props, "http://purl.org/dc/terms/title"),
        "version": first(props, "http://www.w3.org/2002/07/owl#versionInfo"),
        "previous": [link(t.value, label_map) for t in props.get(NG + "previousVersion", [])],
        "areas": ordered,
    }


def level_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    rows = select(
        f"SELECT DISTINCT ?c ?code ?version WHERE {{ GRAPH ?g {{ ?c ng:admissibleLevel <{iri}> "
        "OPTIONAL { ?c skos:notation ?code } OPTIONAL { ?c skos:inScheme ?s } } "
        "OPTIONAL { GRAPH ?g2 { ?s owl:versionInfo ?version } } }"
    )
    counts = select(
        f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ GRAPH ?g {{ ?r a ng:CompetenceRequirement "
        f"{{ ?r ng:minLevel <{iri}> }} UNION {{ ?r ng:maxLevel <{iri}> }} }} }}"
    )
    versions: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        versions.setdefault(_v(r, "version"), []).append(
            {"href": r["c"].href, "code": _v(r, "code")}
        )
    return {
        "notation": first(props, SKOS + "notation"),
        "number": first(props, NG + "levelNumber"),
        "eqf": sorted((t.value for t in props.get(NG + "eqfLevel", [])), key=natural_key),
        "schemes": [link(t.value, label_map) for t in props.get(SKOS + "inScheme", [])],
        "versions": [
            (v, sorted(cs, key=lambda c: natural_key(c["code"])))
            for v, cs in sorted(versions.items())
        ],
        "requirement_count": _v(counts[0], "n") if counts else "0",
    }


def generic_context(iri: str, label_map: dict[str, str]) -> dict:
    rows = select(
        f"SELECT DISTINCT ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} }} ORDER BY ?s ?p LIMIT 501"
    )
    more = labels([r["s"].value for r in rows if r["s"].is_iri])
    incoming = [
        {"subject": r["s"], "label": more.get(r["s"].value), "predicate": r["p"]}
        for r in rows[:500]
    ]
    return {"incoming": incoming, "incoming_truncated": len(rows) > 500}


# Home -----------------------------------------------------------------------------------------


@bp.route("/")
def home() -> Response:
    try:
        context = home_context()
    except QueryError as exc:
        return _query_failure(exc, rdf=False)
    return _html("home.html", **context)


def home_context() -> dict:
    dataset = iris.dataset()
    props = properties(dataset)
    editions = select(
        "SELECT ?s (SAMPLE(?v) AS ?version) (COUNT(DISTINCT ?job) AS ?jobs) "
        "(COUNT(DISTINCT ?card) AS ?cards) WHERE { GRAPH ?g { ?s a ng:Nomenclature "
        "OPTIONAL { ?s owl:versionInfo ?v } "
        "OPTIONAL { ?job a ng:Job ; skos:inScheme ?s "
        "OPTIONAL { ?job ng:hasCard true BIND(?job AS ?card) } } } } GROUP BY ?s"
    )
    families = {
        r["s"].value: _v(r, "n")
        for r in select(
            "SELECT ?s (COUNT(DISTINCT ?f) AS ?n) WHERE { GRAPH ?g { ?f a ng:JobFamily ; "
            "skos:inScheme ?s } } GROUP BY ?s"
        )
    }
    requirements = {
        r["s"].value: _v(r, "n")
        for r in select(
            "SELECT ?s (COUNT(DISTINCT ?r) AS ?n) WHERE { GRAPH ?g { ?job skos:inScheme ?s ; "
            "ng:hasRequirement ?r } } GROUP BY ?s"
        )
    }
    frameworks = select(
        "SELECT ?s (SAMPLE(?v) AS ?version) (COUNT(DISTINCT ?c) AS ?competences) WHERE { "
        "GRAPH ?g { ?s a ng:CompetenceFramework OPTIONAL { ?s owl:versionInfo ?v } "
        "OPTIONAL { ?c a ng:Competence ; skos:inScheme ?s } } } GROUP BY ?s"
    )
    levels = select(
        "SELECT ?l ?n WHERE { GRAPH ?g { ?l a ng:ProficiencyLevel "
        "OPTIONAL { ?l ng:levelNumber ?n } } }"
    )
    scheme_labels = labels([r["s"].value for r in editions] + [r["s"].value for r in frameworks])
    level_labels = labels([r["l"].value for r in levels])
    en = ("en", "", "fr")
    title = pick(props.get("http://purl.org/dc/terms/title", []), en)
    description = pick(props.get("http://purl.org/dc/terms/description", []), en)
    return {
        "dataset_title": title.value if title else "nomengraph",
        "dataset_description": description.value if description else "",
        "dataset_href": local_path(dataset) if props else None,
        "editions": sorted(
            (
                {
                    "link": link(r["s"].value, scheme_labels),
                    "version": _v(r, "version"),
                    "jobs": _v(r, "jobs"),
                    "cards": _v(r, "cards"),
                    "families": families.get(r["s"].value, "0"),
                    "requirements": requirements.get(r["s"].value, "0"),
                }
                for r in editions
            ),
            key=lambda e: e["link"].iri,
        ),
        "frameworks": sorted(
            (
                {
                    "link": link(r["s"].value, scheme_labels),
                    "version": _v(r, "version"),
                    "competences": _v(r, "competences"),
                }
                for r in frameworks
            ),
            key=lambda f: natural_key(f["version"]),
        ),
        "levels": sorted(
            (link(r["l"].value, level_labels) for r in levels), key=lambda lk: natural_key(lk.text)
        ),
    }


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
    executor = _executor()
    try:
        result = executor.run(query, accept=JSON_RESULTS)
    except NotAcceptable:
        result = executor.run(query, accept="text/turtle")
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
            status = _status_of(exc)
            error = f"{type(exc).__name__}: {exc}"
    return _html(
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
