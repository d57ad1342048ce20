"""Store access for the pages: SPARQL through the server's executor, RDF terms, labels, links."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from nomengraph import iris

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


MAX_REST = 400  # longest ``/id/<rest>`` accepted (the graph's longest is ~50 characters)

_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")

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


def executor() -> Any:
    from nomengraph.server import get_executor  # the package imports this module

    return get_executor()


def select(query: str) -> list[dict[str, Term]]:
    """Run a SELECT through the executor; rows of Terms."""
    result = executor().run(_SPARQL_PREFIXES + query, accept=JSON_RESULTS)
    data = json.loads(result.body)
    return [{k: Term.from_json(v) for k, v in row.items()} for row in data["results"]["bindings"]]


def ask(query: str) -> bool:
    result = executor().run(_SPARQL_PREFIXES + query, accept=JSON_RESULTS)
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
    wanted = sorted({t for t in targets if safe_iri(t)})
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


def safe_iri(iri: str) -> bool:
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


def level_text(row: dict[str, Term]) -> str:
    lo, hi = row.get("minN"), row.get("maxN")
    if lo is None and hi is None:
        return ""
    if lo is None or hi is None or lo.value == hi.value:
        return f"e-{(lo or hi).value}"  # type: ignore[union-attr]
    return f"e-{lo.value} – e-{hi.value}"


def text_of(row: dict[str, Term], key: str) -> str:
    t = row.get(key)
    return t.value if t is not None else ""
