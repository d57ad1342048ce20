"""The triple and quad types of the conversion, and the small constructors of its terms.

IRIs as :class:`rdflib.URIRef`, texts as language-tagged literals, numbers and flags with
their XSD datatypes, and the triples every kind of node shares (printed lines, applied
corrections, one literal per language)."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.term import Node

from nomengraph.vocab import NG, XSD

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, Node]


def uri(iri: str) -> URIRef:
    """An IRI (minted by :mod:`nomengraph.iris`)."""
    return URIRef(iri)


def fr(text: str) -> Literal:
    """A French text."""
    return Literal(text, lang="fr")


def tagged(text: str, lang: str) -> Literal:
    """A text in the language ``lang``."""
    return Literal(text, lang=lang)


def integer(n: int) -> Literal:
    """An ``xsd:integer``."""
    return Literal(int(n), datatype=XSD.integer)


def positive_integer(n: int) -> Literal:
    """An ``xsd:positiveInteger`` (a line number)."""
    return Literal(int(n), datatype=XSD.positiveInteger)


def plain(text: str) -> Literal:
    """A string with no language: codes, numbers as printed, file names."""
    return Literal(text)


def boolean(value: bool) -> Literal:
    """An ``xsd:boolean``."""
    return Literal(bool(value))


def lang_texts(subject: URIRef, pred: URIRef, texts: dict[str, str] | None) -> list[Triple]:
    """``{"en": .., "fr": ..}`` → one tagged literal per language."""
    return [(subject, pred, tagged(t, lang)) for lang, t in sorted((texts or {}).items())]


def line_range(subject: URIRef, lines: list[int] | None) -> list[Triple]:
    """The first and last line of the source text ``subject`` was read from (none if unknown)."""
    if not lines:
        return []
    return [
        (subject, NG.firstLine, positive_integer(lines[0])),
        (subject, NG.lastLine, positive_integer(lines[1])),
    ]


def applied_corrections(subject: URIRef, ids: list[str] | None) -> list[Triple]:
    """The ids of the corrections applied to the source text of ``subject``."""
    return [(subject, NG.appliedCorrection, plain(c)) for c in ids or []]
