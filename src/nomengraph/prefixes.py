"""The prefix table of nomengraph: every CURIE prefix the project writes or reads, in one place.

:data:`PREFIXES` maps each prefix to its namespace, in a fixed order (exports declare them in
this order). Everything that shortens or expands IRIs goes through it: the exports' Turtle
(:data:`EXPORTED`), the import stage's Turtle (:data:`IMPORTED`), the SPARQL endpoint's
Turtle, the query command's tables, the web pages, the ``PREFIX`` lines of the queries shipped
in the package (a test holds them to this table), and the CURIEs of the mapping files
(:data:`MAPPING`). ``esco:`` names ESCO's occupations; ESCO's model (its classes and
properties) is ``escomodel:``.

:func:`shorten` and :func:`expand` go through a ``curies`` converter, so the longest namespace
wins and a CURIE with an unknown prefix is an error rather than a guess. The default converter
leaves out the mapping files' narrow prefixes (:data:`NARROW`, one edition's jobs or one e-CF
version's competences): a job reads ``id:cigref-2018/job/2.6`` everywhere but in those files.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import curies

from nomengraph import iris

__all__ = [
    "EXPORTED",
    "IMPORTED",
    "MAPPING",
    "NARROW",
    "PREFIXES",
    "converter",
    "expand",
    "shorten",
    "sparql_prologue",
    "subset",
]

PREFIXES: dict[str, str] = {
    # nomengraph
    "ng": iris.DEF,
    "id": iris.ID,
    "graph": iris.GRAPH,
    "ng-shapes": iris.SHAPES,
    "nomengraph": iris.BASE,
    # vocabularies the graph reuses
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    # linked concepts: ESCO occupations and skills, ISCO-08 groups (ESCO's IRIs), ROME fiches
    "esco": "http://data.europa.eu/esco/occupation/",
    "escoskill": "http://data.europa.eu/esco/skill/",
    "isco": "http://data.europa.eu/esco/isco/",
    "escomodel": "http://data.europa.eu/esco/model#",  # ESCO's classes and properties
    "iso-thes": "http://purl.org/iso25964/skos-thes#",  # ESCO's concept status
    "rome": iris.ID + "rome/",
    "onet": iris.onet_scheme() + "/",  # O*NET-SOC 2019 occupations, minted from their codes
    # mappings (SSSOM)
    "sssom": "https://w3id.org/sssom/",
    "semapv": "https://w3id.org/semapv/vocab/",
    # the mapping files' prefixes for one edition's jobs or one e-CF version's competences
    "ng2010": iris.ID + "cigref-2010/job/",
    "ng2018": iris.ID + "cigref-2018/job/",
    "ngsic": iris.ID + "sic/job/",
    "ecf2": iris.ID + "ecf/2.0/competence/",
    "ecf3": iris.ID + "ecf/3.0/competence/",
    "ecf4": iris.ID + "ecf/4.0/competence/",
}
"""Prefix -> namespace, every prefix of the project (each namespace once)."""

NARROW = ("ng2010", "ng2018", "ngsic", "ecf2", "ecf3", "ecf4")
"""Prefixes of the mapping files only; :func:`shorten` does not use them by default."""

EXPORTED = (
    "ng",
    "dcat",
    "dcterms",
    "owl",
    "prov",
    "rdf",
    "rdfs",
    "schema",
    "sh",
    "vann",
    "skos",
    "void",
    "xsd",
)
"""The prefixes the exports (and the SPARQL endpoint's Turtle) declare, in this order."""

IMPORTED = (*EXPORTED, "escomodel", "iso-thes", "esco", "escoskill", "isco")
"""The prefixes of the Turtle the import stage writes: ESCO's model and status terms
(``escomodel:Occupation``; ``esco:`` names ESCO's occupations) and its concepts as well."""

MAPPING = (
    "ng2010",
    "ng2018",
    "ngsic",
    "ecf2",
    "ecf3",
    "ecf4",
    "esco",
    "escoskill",
    "isco",
    "rome",
    "onet",
    "nomengraph",
    "skos",
    "semapv",
    "sssom",
)
"""The prefixes of the project's mapping files."""

DEFAULT = tuple(p for p in PREFIXES if p not in NARROW)
"""The prefixes :func:`shorten` and :func:`expand` use unless told otherwise."""


def subset(names: Iterable[str]) -> dict[str, str]:
    """Prefix -> namespace for these prefixes of :data:`PREFIXES`, in the order given; a
    KeyError names an unknown prefix."""
    out = {}
    for name in names:
        if name not in PREFIXES:
            raise KeyError(f"{name!r} is not a prefix of nomengraph's table")
        out[name] = PREFIXES[name]
    return out


@cache
def _converter(names: tuple[str, ...]) -> curies.Converter:
    return curies.Converter.from_prefix_map(subset(names))


def converter(names: Iterable[str] = DEFAULT) -> curies.Converter:
    """A ``curies`` converter over these prefixes of the table (cached)."""
    return _converter(tuple(names))


def shorten(iri: str, names: Iterable[str] = DEFAULT) -> str:
    """The CURIE of an IRI (``ng:Job``, ``id:cigref-2018/job/2.6``); the IRI itself when no
    namespace of the table starts it, or when nothing follows the namespace."""
    curie = converter(names).compress(iri)
    if curie is None or curie.endswith(":"):
        return iri
    return curie


def expand(curie: str, names: Iterable[str] = DEFAULT) -> str:
    """The IRI of a CURIE; ValueError when its prefix is not in the table."""
    iri = converter(names).expand(curie)
    if iri is None:
        prefix = curie.partition(":")[0]
        raise ValueError(f"{curie!r}: unknown prefix {prefix!r}")
    return iri


def sparql_prologue(names: Iterable[str] = DEFAULT) -> str:
    """``PREFIX p: <ns>`` lines for these prefixes."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in subset(names).items())
