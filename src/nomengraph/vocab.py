"""The terms of the graph: the ``ng:`` vocabulary and the reused namespaces.

Python code reaches RDF terms only through this module. ``NG`` is a closed rdflib
``DefinedNamespace``: ``NG.Job`` is a term, ``NG.Jobb`` raises ``AttributeError``, so a typo fails
at once instead of producing a silent, undeclared IRI. Every ``NG`` term is declared, with labels
and comments in French and English, in the package's ``data/ontology/nomengraph.ttl``
(``tests/test_vocab.py`` keeps the two in step).
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
    Namespace,
)

from nomengraph import iris, prefixes, resources

__all__ = [
    "DCAT",
    "DCTERMS",
    "NG",
    "ONTOLOGY",
    "ONTOLOGY_FILE",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SKOS",
    "VOID",
    "XSD",
]

SCHEMA = SDO  # schema.org, https://schema.org/


class NG(DefinedNamespace):
    """The nomengraph vocabulary, ``https://w3id.org/nomengraph/def/``."""

    _NS = Namespace(iris.DEF)
    _fail = True
    _warn = False

    # Classes
    ActivityGroup: URIRef
    CareerPath: URIRef
    ChangeStatus: URIRef
    Competence: URIRef
    CompetenceArea: URIRef
    CompetenceFramework: URIRef
    CompetenceRequirement: URIRef
    Deliverable: URIRef
    Job: URIRef
    JobFamily: URIRef
    KnowledgeExample: URIRef
    LevelDescriptor: URIRef
    MatrixCell: URIRef
    MatrixRow: URIRef
    Nomenclature: URIRef
    OrganisationNomenclature: URIRef
    PerformanceIndicator: URIRef
    ProficiencyLevel: URIRef
    SkillExample: URIRef
    SourceExtract: URIRef
    SubItem: URIRef
    Task: URIRef

    # Object properties
    admissibleLevel: URIRef
    area: URIRef
    changeStatus: URIRef
    competence: URIRef
    continues: URIRef
    family: URIRef
    hasActivityGroup: URIRef
    hasCareerPath: URIRef
    hasDeliverable: URIRef
    hasKnowledge: URIRef
    hasLevelDescriptor: URIRef
    hasPerformanceIndicator: URIRef
    hasRequirement: URIRef
    hasSkill: URIRef
    hasSubItem: URIRef
    hasTask: URIRef
    job: URIRef
    level: URIRef
    maxLevel: URIRef
    minLevel: URIRef
    notApplicableLevel: URIRef
    ofCompetence: URIRef
    previousVersion: URIRef
    printedLevel: URIRef
    usesFramework: URIRef

    # Datatype properties
    aligned: URIRef
    appliedCorrection: URIRef
    changeNote: URIRef
    descriptorAsPrinted: URIRef
    doubtful: URIRef
    education: URIRef
    eqfLevel: URIRef
    experience: URIRef
    firstLine: URIRef
    hasCard: URIRef
    lastLine: URIRef
    levelAsPrinted: URIRef
    levelNumber: URIRef
    matrixValues: URIRef
    mission: URIRef
    newInVersion: URIRef
    note: URIRef
    position: URIRef
    previousNumber: URIRef
    previousTitle: URIRef
    printedCode: URIRef
    sha256: URIRef
    sourceFile: URIRef
    text: URIRef
    trends: URIRef
    usedByCards: URIRef

    # Individuals (change statuses)
    ModifiedJob: URIRef
    NewJob: URIRef
    RenumberedJob: URIRef
    UnchangedJob: URIRef

    # ROME hierarchy (import stage)
    RomeGrandDomain: URIRef
    RomeProfessionalDomain: URIRef
    RomeOccupation: URIRef
    RomeJobTitle: URIRef
    romeParent: URIRef


ONTOLOGY = URIRef(iris.DEF)
"""The IRI of the ``owl:Ontology`` (the vocabulary namespace itself)."""

ONTOLOGY_FILE = resources.ONTOLOGY_FILE
"""The vocabulary in Turtle (package data, next to the SHACL shapes)."""

PREFIXES: dict[str, str] = prefixes.subset(prefixes.EXPORTED)
"""Prefixes used by the exports, in a fixed order (from :mod:`nomengraph.prefixes`)."""


# External vocabularies (import stage) -------------------------------------------------------

ESCO = Namespace("http://data.europa.eu/esco/model#")
"""The ESCO model (``esco:``): classes and properties of ESCO's own RDF, reused as-is."""

ISOTHES = Namespace("http://purl.org/iso25964/skos-thes#")
"""ISO 25964 SKOS extension (``iso-thes:status``), used by ESCO for the concept status."""

__all__ += ["ESCO", "ISOTHES"]
