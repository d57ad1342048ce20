"""ESCO's CSV export as it is laid out: where its IRIs live, its licence, its collections,
its column → property dictionary, how a cell holds a list, and the version in a folder's name.

Read by the ESCO import (:mod:`nomengraph.vocabularies.esco`) and by
:mod:`nomengraph.link.sources`, which reads the same files without building a graph.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

from rdflib import URIRef

from nomengraph import resources

__all__ = [
    "ESCO_ATTRIBUTION",
    "ESCO_BASE",
    "ESCO_COLLECTIONS",
    "ESCO_FILE",
    "ESCO_LICENSE",
    "detect_esco_version",
    "esco_dictionary",
    "split_iris",
    "split_list",
]

ESCO_BASE = "http://data.europa.eu/esco/"
ESCO_LICENSE = "https://eur-lex.europa.eu/eli/dec/2011/833/oj"
ESCO_ATTRIBUTION = "This service uses the ESCO classification of the European Commission."

ESCO_COLLECTIONS: dict[str, str] = {
    "digitalSkillsCollection": "concept-scheme/6c930acd-c104-4ece-acf7-f44fd7333036",
    "digCompSkillsCollection": "concept-scheme/digcomp",
    "greenSkillsCollection": "concept-scheme/green",
    "languageSkillsCollection": "concept-scheme/skill-language-groups",
    "researchSkillsCollection": "concept-scheme/research",
    "researchOccupationsCollection": "concept-scheme/8ae4b9f3-507e-4057-a145-2f96f0132613",
    "transversalSkillsCollection": "concept-scheme/skill-transversal-groups",
}
"""ESCO collection file (without ``_<lang>.csv``) → the ESCO concept scheme that the collection
is (relative to ``http://data.europa.eu/esco/``). As in ESCO's own RDF, a member of a collection
is ``skos:inScheme`` that scheme (the schemes are described by ``conceptSchemes_en.csv``)."""


_VERSION = re.compile(r"(?:^|[^0-9.])v?(\d+\.\d+\.\d+)(?![0-9])")
# A file of the export: ``<key>_<language>.csv`` (``occupations_en.csv``, ``skills_fr.csv``).
ESCO_FILE = re.compile(r"^(?P<key>[A-Za-z]+)_(?P<lang>[a-z]{2})\.csv$")


def esco_dictionary() -> dict[str, dict[str, tuple[URIRef, ...]]]:
    """ESCO's column → property table: ``{file key: {column: (property, ...)}}``; a column
    with no property has an empty tuple, ``relationType`` has two (optional | essential)."""
    text = resources.read_text(resources.ESCO_DICTIONARY)
    table: dict[str, dict[str, tuple[URIRef, ...]]] = defaultdict(dict)
    for record in csv.DictReader(io.StringIO(text, newline="")):
        if record["filename"] == "filename":  # the file repeats its header row halfway
            continue
        props = tuple(URIRef(p.strip()) for p in record["property"].split("|") if p.strip())
        table[record["filename"].strip()][record["data header"].strip()] = props
    return dict(table)


def split_list(value: str, pipes: bool) -> list[str]:
    """Labels of one cell: newline-separated in the main files, `` | ``-separated in the
    collections and the label-only files."""
    parts = value.split("\n")
    if pipes and len(parts) == 1:
        parts = value.split("|")
    return [p.strip() for p in parts if p.strip()]


def split_iris(value: str) -> list[str]:
    """IRIs of one cell, separated by spaces, commas or pipes."""
    return [p for p in re.split(r"[\s,|]+", value) if p]


def detect_esco_version(folder: Path) -> str | None:
    """The version in the folder's name or its parent's (``v1.2.0_en``, ``esco-1.2.1``)."""
    for name in (folder.name, folder.parent.name):
        m = _VERSION.search(name)
        if m:
            return m.group(1)
    return None
