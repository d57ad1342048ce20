"""Links from the nomenclatures to ESCO, ROME and the CIGREF 2018 jobs, and across editions.

The package, one module a concern:

* :mod:`~nomengraph.link.prefixes`: the one CURIE prefix table of the mapping files;
* :mod:`~nomengraph.link.sssom`: reading, checking and writing SSSOM TSV files;
* :mod:`~nomengraph.link.rdf`: the mappings as RDF (SKOS triples and ``sssom:Mapping`` nodes);
* :mod:`~nomengraph.link.sources`: ESCO, ROME (read by :mod:`nomengraph.vocabularies`) and the
  cards as concepts;
* :mod:`~nomengraph.link.text` and :mod:`~nomengraph.link.matcher`: the matcher;
* :mod:`~nomengraph.link.run` (``link match``) and :mod:`~nomengraph.link.propose`
  (``link propose``);
* :mod:`~nomengraph.link.evaluate`: MELO's metrics and the agreement with reviewed sets.

The names below are re-exported so that ``from nomengraph.link import X`` keeps working. The
mapping files' modules (prefixes, SSSOM, RDF, metrics) load with the package; the matcher and
what uses it (NumPy, SciPy, the ESCO/ROME readers) only when one of their names is
first asked for (PEP 562), so that ``nomengraph build``, which reads the mapping files, does not
pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from nomengraph.link.evaluate import (
    Agreement,
    RankMetrics,
    agreement,
    rank_metrics,
    read_qrels,
    trec_order,
)
from nomengraph.link.prefixes import (
    LEXICAL,
    MANUAL,
    NO_TERM_FOUND,
    PREFIXES,
    SEMAPV,
    SSSOM,
    TEAM,
    contract,
    expand,
)
from nomengraph.link.rdf import (
    CONTINUES_SET,
    SSSOM_NS,
    mapping_iri,
    mapping_set_graph,
    mapping_set_iri,
    mappings_graph,
)
from nomengraph.link.sssom import (
    COLUMNS,
    JUSTIFICATIONS,
    PREDICATES,
    REQUIRED_COLUMNS,
    REQUIRED_METADATA,
    KnownObjects,
    MappingError,
    MappingRow,
    MappingSet,
    format_sssom,
    read_mappings,
    read_sssom,
)

_LAZY = {  # name → module, imported on first use
    **dict.fromkeys(("Concept", "Element", "Matcher", "Query", "Weights"), "matcher"),
    **dict.fromkeys(("Candidate", "candidate_set", "prepare", "propose"), "propose"),
    **dict.fromkeys(
        (
            "CARD_SETS",
            "card_concepts",
            "known_subjects",
            "read_esco_concepts",
            "read_esco_occupations",
            "read_esco_skills",
            "read_rome",
            "read_rome_appellations",
        ),
        "sources",
    ),
}

if TYPE_CHECKING:
    from nomengraph.link.matcher import Concept, Element, Matcher, Query, Weights
    from nomengraph.link.propose import Candidate, candidate_set, prepare, propose
    from nomengraph.link.sources import (
        CARD_SETS,
        card_concepts,
        known_subjects,
        read_esco_concepts,
        read_esco_occupations,
        read_esco_skills,
        read_rome,
        read_rome_appellations,
    )


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "KnownObjects",
    "CARD_SETS",
    "COLUMNS",
    "CONTINUES_SET",
    "JUSTIFICATIONS",
    "LEXICAL",
    "MANUAL",
    "NO_TERM_FOUND",
    "PREDICATES",
    "PREFIXES",
    "REQUIRED_COLUMNS",
    "REQUIRED_METADATA",
    "SEMAPV",
    "SSSOM",
    "SSSOM_NS",
    "TEAM",
    "Agreement",
    "Candidate",
    "Concept",
    "Element",
    "MappingError",
    "MappingRow",
    "MappingSet",
    "Matcher",
    "Query",
    "RankMetrics",
    "Weights",
    "agreement",
    "candidate_set",
    "card_concepts",
    "contract",
    "expand",
    "format_sssom",
    "known_subjects",
    "mapping_iri",
    "mapping_set_graph",
    "mapping_set_iri",
    "mappings_graph",
    "prepare",
    "propose",
    "rank_metrics",
    "read_esco_concepts",
    "read_esco_occupations",
    "read_esco_skills",
    "read_mappings",
    "read_qrels",
    "read_rome",
    "read_rome_appellations",
    "read_sssom",
    "trec_order",
]
