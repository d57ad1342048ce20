"""Content negotiation: the result formats the endpoint produces, chosen from Accept or format=.

The Accept header is parsed for real (q-values, ``type/*`` and ``*/*`` wildcards, the most
specific range wins for each offer, ``q=0`` refuses). Ties go to the server's order, whose first
entry is the default: SPARQL results JSON for SELECT and ASK, Turtle for CONSTRUCT and DESCRIBE.
"""

from __future__ import annotations

from dataclasses import dataclass

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
ALIASES = {
    "application/json": {"select": "application/sparql-results+json"},
    "application/xml": {
        "select": "application/sparql-results+xml",
        "graph": "application/rdf+xml",
    },
    "text/xml": {"select": "application/sparql-results+xml", "graph": "application/rdf+xml"},
    "application/x-turtle": {"graph": "text/turtle"},
    "text/plain": {"graph": "application/n-triples"},
}


class NegotiationError(ValueError):
    """No acceptable format (406), or an unknown format= value (400 when ``bad_request``)."""

    def __init__(self, message: str, bad_request: bool = False) -> None:
        super().__init__(message)
        self.bad_request = bad_request


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """-1 when this range does not match ``media_type``, else 0 (*/*), 1 (type/*), 2."""
        t, _, s = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != t:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == s else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; malformed entries are skipped, a missing header means */*."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        t, _, s = media.partition("/")
        if not t or not s or (t == "*" and s != "*"):
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                q = min(max(q, 0.0), 1.0)
        ranges.append(MediaRange(t, s, q))
    return ranges


def offers_for(kind: str) -> tuple[str, ...]:
    if kind in ("construct", "describe", "graph"):
        return GRAPH_TYPES
    if kind == "ask":
        return ASK_TYPES
    return SELECT_TYPES


def _family(kind: str) -> str:
    return "graph" if kind in ("construct", "describe", "graph") else "select"


def negotiate(kind: str, accept: str | None, format_param: str | None = None) -> str:
    """The media type to answer a ``kind`` query with; raises NegotiationError."""
    offers = offers_for(kind)
    family = _family(kind)
    if format_param:
        name = format_param.strip().lower()
        wanted = FORMAT_NAMES.get(name) or ALIASES.get(name, {}).get(family) or name
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
    ranges = parse_accept(accept)
    # Aliases (application/json...) stand for the canonical type they name.
    expanded: list[tuple[MediaRange, str | None]] = []
    for r in ranges:
        alias = ALIASES.get(f"{r.type}/{r.subtype}", {}).get(family)
        expanded.append((r, alias))
    best: tuple[float, int, str] | None = None
    for position, offer in enumerate(offers):
        spec, q = -1, 0.0
        for r, alias in expanded:
            s = 2 if alias == offer else r.specificity(offer)
            if s > spec or (s == spec and r.q > q):
                spec, q = s, r.q
        if spec >= 0 and q > 0:
            key = (q, -position, offer)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        raise NegotiationError(
            f"none of the accepted media types ({accept}) can be produced for a "
            f"{kind.upper()} query; available: {', '.join(offers)}"
        )
    return best[2]
