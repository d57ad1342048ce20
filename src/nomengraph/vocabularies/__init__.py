"""Import stage: external vocabularies from their official CSV exports to RDF.

- :func:`import_esco` reads ESCO's CSV export (occupations, skills, ISCO-08 groups, skill groups,
  relations, hierarchies, collections, concept schemes, and label files in other languages such
  as ``occupations_fr.csv``) into the named graph ``graph/esco``, with ESCO's own IRIs and model
  (``esco:Occupation``, ``esco:Skill``, ``esco:relatedEssentialSkill``...). The column → property
  table is ESCO's own ``dictionary_en.csv`` (v1.2.1), shipped as ``data/esco_dictionary.csv``.
- :func:`import_rome` reads France Travail's ROME 4.0 CSV files (``unix_*_v460_utf8.csv``) into
  ``graph/rome``: grands domaines → domaines professionnels → fiches → appellations, as SKOS.

Both return ``(rdflib.Graph, ImportReport)``. The graph has no blank nodes and depends only on the
input files (and the version), so the same folder always gives the same graph;
:func:`write_graph` writes it sorted, hence byte-identical files. Problems in the input raise
:class:`VocabularyError` with a message naming the file, the row (and its first line) and the
column; faults the import can settle on its own (identical duplicate rows, labels of concepts the
export does not describe...) are listed in the report instead. See ``docs/vocabularies.md``.

The modules, by concern: :mod:`~nomengraph.vocabularies.tables` (reading the CSV tables, with
located errors), :mod:`~nomengraph.vocabularies.esco_export` (how ESCO's export is laid out),
:mod:`~nomengraph.vocabularies.esco` and :mod:`~nomengraph.vocabularies.rome` (the two imports),
:mod:`~nomengraph.vocabularies.graph` (the graph builder, the report, the writer).
"""

from __future__ import annotations

from nomengraph.convert import to_oxigraph_term
from nomengraph.vocabularies.esco import import_esco
from nomengraph.vocabularies.esco_export import (
    ESCO_ATTRIBUTION,
    ESCO_BASE,
    ESCO_COLLECTIONS,
    ESCO_LICENSE,
    detect_esco_version,
    esco_dictionary,
)
from nomengraph.vocabularies.graph import OUTPUT_PREFIXES, ImportReport, Triple, write_graph
from nomengraph.vocabularies.rome import ROME_ATTRIBUTION, ROME_LICENSE, ROME_TITLE, import_rome
from nomengraph.vocabularies.tables import VocabularyError

__all__ = [
    "ESCO_ATTRIBUTION",
    "ESCO_BASE",
    "ESCO_COLLECTIONS",
    "ESCO_LICENSE",
    "OUTPUT_PREFIXES",
    "ROME_ATTRIBUTION",
    "ROME_LICENSE",
    "ROME_TITLE",
    "ImportReport",
    "Triple",
    "VocabularyError",
    "detect_esco_version",
    "esco_dictionary",
    "import_esco",
    "import_rome",
    "to_oxigraph_term",
    "write_graph",
]
