"""Content negotiation: the result formats the endpoint produces, chosen from Accept or format=.

The Accept header is parsed by werkzeug (q-values, ``type/*`` and ``*/*`` wildcards, the most
specific range wins for each offer, ``q=0`` refuses); media types and their aliases
(``application/json``, ``text/xml``...) are mapped to formats by pyoxigraph
(``QueryResultsFormat.from_media_type``, ``RdfFormat.from_media_type``), in one place:
:func:`results_format` and :func:`rdf_format`. Ties go to the server's order, whose first entry
is the default: SPARQL results JSON for SELECT and ASK, Turtle for CONSTRUCT and DESCRIBE.
"""

from __future__ import annotations

import functools

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

SELECT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
)
ASK_TYPES = SELECT_TYPES[:2] + ("text/csv", "text/tab-separated-values")

# Names accepted by the format= parameter, and common aliases of the media types above.
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "srx": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "rdf/xml": "application/rdf+xml",
}
# Media types that stand for one of the offers above (pyoxigraph knows which).
SELECT_ALIASES = ("application/json", "application/xml", "text/xml")
GRAPH_ALIASES = (
    "application/x-turtle",
    "text/plain",
    "application/xml",
    "text/xml",
    "application/json",
)


def results_format(media_type: str) -> ox.QueryResultsFormat:
    """The pyoxigraph results format of a media type (or alias); ValueError when none."""
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"no SPARQL results format for {media_type!r}")
    return fmt


def rdf_format(media_type: str) -> ox.RdfFormat:
    """The pyoxigraph RDF format of a media type (or alias); ValueError when none."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"no RDF format for {media_type!r}")
    return fmt


def _canonical(media_type: str, family: str) -> str:
    fmt = rdf_format(media_type) if family == "graph" else results_format(media_type)
    return fmt.media_type.split(";", 1)[0]


class NegotiationError(ValueError):
    """No acceptable format (406), or an unknown format= value (400 when ``bad_request``)."""

    def __init__(self, message: str, bad_request: bool = False) -> None:
        super().__init__(message)
        self.bad_request = bad_request


def parse_accept(header: str | None) -> MIMEAccept:
    """An Accept header parsed by werkzeug; a missing or empty header means */*."""
    if not header or not header.strip():
        header = "*/*"
    return parse_accept_header(header, MIMEAccept)


def offers_for(kind: str) -> tuple[str, ...]:
    if kind in ("construct", "describe", "graph"):
        return GRAPH_TYPES
    if kind == "ask":
        return ASK_TYPES
    return SELECT_TYPES


def _family(kind: str) -> str:
    return "graph" if kind in ("construct", "describe", "graph") else "select"


def negotiate(kind: str, accept: str | None, format_param: str | None = None) -> str:
    """The media type to answer a ``kind`` query with; raises NegotiationError. Clients send
    the same few Accept headers again and again: the verdicts are remembered."""
    if len(accept or "") + len(format_param or "") > 512:  # long ones are not kept
        return _negotiate(kind, accept, format_param)
    verdict = _negotiate_cached(kind, accept, format_param)
    if isinstance(verdict, NegotiationError):
        raise NegotiationError(str(verdict), verdict.bad_request)
    return verdict


@functools.lru_cache(maxsize=1024)
def _negotiate_cached(
    kind: str, accept: str | None, format_param: str | None
) -> str | NegotiationError:
    try:
        return _negotiate(kind, accept, format_param)
    except NegotiationError as exc:
        return exc


def _negotiate(kind: str, accept: str | None, format_param: str | None = None) -> str:
    offers = offers_for(kind)
    family = _family(kind)
    if format_param:
        name = format_param.strip().lower()
        wanted = FORMAT_NAMES.get(name) or name
        if wanted not in FORMAT_NAMES.values() and "/" in wanted:
            try:
                wanted = _canonical(wanted, family)
            except ValueError:
                pass
        if wanted not in FORMAT_NAMES.values():
            raise NegotiationError(
                f"unknown format {format_param!r}; use one of: "
                + ", ".join(sorted(set(FORMAT_NAMES))),
                bad_request=True,
            )
        if wanted not in offers:
            raise NegotiationError(
                f"format {format_param!r} cannot be produced for a {kind.upper()} query; "
                f"available: {', '.join(offers)}"
            )
        return wanted
    aliases = GRAPH_ALIASES if family == "graph" else SELECT_ALIASES
    candidates = [*offers, *aliases]
    best = parse_accept(accept).best_match(candidates)
    if best is not None:
        canonical = best if best in offers else _canonical(best, family)
        if canonical in offers:
            return canonical
    raise NegotiationError(
        f"none of the accepted media types ({accept}) can be produced for a "
        f"{kind.upper()} query; available: {', '.join(offers)}"
    )
