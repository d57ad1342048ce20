"""Store access for the pages: SPARQL through the server's executor, RDF terms, labels, links."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask import url_for

from nomengraph import iris, prefixes, resources
from nomengraph import query as library

JSON_RESULTS = "application/sparql-results+json"
NG = iris.DEF
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

MAX_REST = 400  # longest ``/id/<rest>`` accepted (the graph's longest is ~50 characters)

_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")


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
    """The CURIE of an IRI by the prefix table (the IRI itself when no prefix fits)."""
    return prefixes.shorten(iri)


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


def pick(terms: Iterable[Term], langs: tuple[str, ...] | None = None) -> Term | None:
    """The term in the first of ``langs`` (by default the page's language, then the other one,
    then untagged) that has one; else the first term."""
    terms = list(terms)
    for lang in preferred_langs() if langs is None else langs:
        for t in terms:
            if t.lang == lang:
                return t
    return terms[0] if terms else None


# Store access ---------------------------------------------------------------------------------


def executor() -> Any:
    from nomengraph.server import get_executor  # the package imports this module

    return get_executor()


@cache
def page_query(name: str) -> library.NamedQuery:
    """A query of the pages, ``data/queries/pages/<name>.rq``, read once."""
    return library.load_query(name, resources.require(resources.PAGE_QUERIES))


def _run(name: str, accept: str, params: dict[str, str]) -> Any:
    """Run a page query with its parameters bound by the query library (a ``VALUES`` row, the
    way that works on every store; :func:`nomengraph.query.bound_text`)."""
    text = library.bound_text(page_query(name), params)
    return executor().run(text, accept=accept)


def _rows(body: bytes) -> list[dict[str, Term]]:
    data = json.loads(body)
    return [{k: Term.from_json(v) for k, v in row.items()} for row in data["results"]["bindings"]]


def select(name: str, **params: str) -> list[dict[str, Term]]:
    """Run the SELECT query ``name`` of the pages through the executor; rows of Terms."""
    return _rows(_run(name, JSON_RESULTS, params).body)


def select_many(name: str, rows: list[dict[str, str]]) -> list[dict[str, Term]]:
    """Run the SELECT query ``name`` once for several bindings of its parameters (one
    ``VALUES`` block; :func:`nomengraph.query.bound_rows`)."""
    text = library.bound_rows(page_query(name), rows)
    return _rows(executor().run(text, accept=JSON_RESULTS).body)


def ask(name: str, **params: str) -> bool:
    """Run the ASK query ``name`` of the pages."""
    return bool(json.loads(_run(name, JSON_RESULTS, params).body).get("boolean"))


def construct(name: str, accept: str, **params: str) -> Any:
    """Run the CONSTRUCT query ``name`` of the pages; the executor's result in ``accept``."""
    return _run(name, accept, params)


def properties(iri: str) -> dict[str, list[Term]]:
    """The entity's triples, predicate IRI → objects."""
    props: dict[str, list[Term]] = {}
    for row in select("entity-properties", iri=iri):
        values = props.setdefault(row["p"].value, [])
        if row["o"] not in values:
            values.append(row["o"])
    return props


def preferred_langs() -> tuple[str, ...]:
    """Label languages in order of preference: the page's, the other one, untagged."""
    from nomengraph.server.i18n import current_locale

    here = current_locale()
    return (here, "fr" if here == "en" else "en", "")


def best_labels(rows: Iterable[dict[str, Term]], key: str, label: str = "label") -> dict[str, str]:
    """From rows of (``key``, ``label``[, ``rank``]), the label of each key in the page's
    language (the other language, then an untagged one, as fallbacks); lower ranks first."""
    found: dict[str, list[tuple[int, Term]]] = {}
    for row in rows:
        if row.get(key) is None or row.get(label) is None:
            continue
        rank = int(row["rank"].value) if row.get("rank") is not None else 0
        found.setdefault(row[key].value, []).append((rank, row[label]))
    langs = preferred_langs()
    out = {}
    for k, terms in found.items():
        top = min(r for r, _ in terms)
        chosen = pick([t for r, t in terms if r == top], langs)
        if chosen is not None:
            out[k] = chosen.value
    return out


def labels(targets: Iterable[str]) -> dict[str, str]:
    """A display label for each IRI that has one (skos:prefLabel, rdfs:label or dcterms:title):
    in the page's language, else the other one, else any (:func:`best_labels`)."""
    param = page_query("labels").param("iri")
    wanted = sorted({t for t in targets if safe_iri(t) and _fits(param, t)})
    rows: list[dict[str, Term]] = []
    for start in range(0, len(wanted), 200):
        rows += select_many("labels", [{"iri": t} for t in wanted[start : start + 200]])
    return best_labels(rows, "iri")


def _fits(param: library.Param, value: str) -> bool:
    try:
        library.to_term(param, value)
    except library.ParamError:
        return False
    return True


def entity_labels(iri: str) -> dict[str, str]:
    """A display label for the entity and each IRI it links to (skos:prefLabel, rdfs:label or
    dcterms:title, in the page's language when there is a choice)."""
    return best_labels(select("entity-labels", iri=iri), "s")


def safe_iri(iri: str) -> bool:
    return bool(iri) and not any(c in iri for c in '<>"{}|^`\\ \n\r\t')


def first(props: dict[str, list[Term]], predicate: str) -> Term | None:
    values = props.get(predicate) or []
    return values[0] if values else None


def lang_values(props: dict[str, list[Term]], predicate: str) -> list[Term]:
    """Objects of a predicate, in the page's language first, then the other, then the others."""
    order = {lang: i for i, lang in enumerate(preferred_langs())}
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
