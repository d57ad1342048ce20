"""The CURIE prefixes of the mapping files (:data:`PREFIXES`, from :mod:`nomengraph.prefixes`).

Expansion and contraction go through a ``curies`` converter built from the table, so that the
longest namespace wins (``escoskill:`` before ``esco:``-like overlaps) and a CURIE whose prefix is
unknown is an error rather than a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import curies

from nomengraph import prefixes as project_prefixes

SSSOM = "https://w3id.org/sssom/"
SEMAPV = "https://w3id.org/semapv/vocab/"
NO_TERM_FOUND = "sssom:NoTermFound"
MANUAL = "semapv:ManualMappingCuration"
LEXICAL = "semapv:LexicalMatching"
TEAM = "nomengraph:team"

PREFIXES: dict[str, str] = project_prefixes.subset(project_prefixes.MAPPING)
"""The CURIE prefixes the project's mapping files use (each file declares those it uses): the
mapping part of the project's one prefix table, :mod:`nomengraph.prefixes`."""


@cache
def _converter(items: tuple[tuple[str, str], ...]) -> curies.Converter:
    return curies.Converter.from_prefix_map(dict(items))


def converter(prefixes: Mapping[str, str] = PREFIXES) -> curies.Converter:
    """A ``curies`` converter for a prefix map (cached by content)."""
    return _converter(tuple(prefixes.items()))


def expand(curie: str, curie_map: Mapping[str, str]) -> str:
    """The IRI of a CURIE (``esco:abc`` → ``http://data.europa.eu/esco/occupation/abc``);
    ``KeyError`` when the prefix is not in ``curie_map``."""
    prefix, sep, _ = curie.partition(":")
    if not sep or prefix not in curie_map:
        raise KeyError(curie)
    iri = converter(curie_map).expand(curie)
    if iri is None:  # pragma: no cover - the prefix was checked above
        raise KeyError(curie)
    return iri


def contract(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The CURIE of an IRI (longest matching namespace), or the IRI itself."""
    return converter(prefixes).compress(iri) or iri
