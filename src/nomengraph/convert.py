"""Cards → RDF: pure functions from the card and data-file dicts to triples, and the dataset.

Every node gets an IRI from :mod:`nomengraph.iris` (no blank nodes), every term comes from
:mod:`nomengraph.vocab`, every human text carries a language tag. The conversion is deterministic:
the same cards give the same set of quads, and :func:`export` writes them in a sorted order, so a
rebuild with no change gives byte-identical files.

The dataset has one named graph per nomenclature edition (``graph/cigref-2010`` ...), one for the
e-CF (``graph/ecf``: versions 2.0, 3.0 and 4.0 and the proficiency levels), one for the vocabulary
(``graph/ontology``) and one describing the dataset and its sources (``graph/metadata``).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from nomengraph import iris
from nomengraph.cards import (
    ECF_SCHEMA,
    EDITION_FILE,
    MATRIX_SCHEMA,
    CardError,
    CardProblem,
    item_text,
    iter_card_files,
    load_data_file,
    load_edition,
    load_edition_cards,
    scan_cards,
    sub_items,
)
from nomengraph.texts import Said, whole
from nomengraph.vocab import (
    DCAT,
    DCTERMS,
    NG,
    ONTOLOGY_FILE,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
)

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, Node]

# Data about the editions and sources -----------------------------------------------------------

EDITIONS: dict[str, dict[str, Any]] = {
    "cigref-2010": {
        "title": "Nomenclature 2010 : premier pas vers l'Europe des compétences IT",
        "version": "2010",
        "issued": "2010",
        "publisher": "CIGREF",
        "ecf": "2.0",
        "descriptor_lang": "en",
        "source": "cigref-2010",
    },
    "cigref-2018": {
        "title": "Nomenclature RH – version 2018 : les métiers des systèmes d'information "
        "dans les grandes entreprises",
        "version": "2018",
        "issued": "2018",
        "publisher": "CIGREF",
        "ecf": "3.0",
        "descriptor_lang": "fr",
        "source": "cigref-2018",
    },
    "sic": {
        "title": "Référentiel interministériel des métiers des systèmes d'information et de "
        "communication (SIC)",
        "version": None,
        "issued": None,
        "publisher": "DINSIC",
        "ecf": None,
        "descriptor_lang": "fr",
        "source": "sic",
    },
}
"""Editions: title, version, year, publisher, the e-CF version their cards cite (the mapping
cigref-2010 → 2.0, cigref-2018 → 3.0), the language of the printed level descriptors, and the key
of their source document in :data:`SOURCES`."""

DEFAULT_ECF_VERSION = "3.0"
"""e-CF version assumed for the cards of an edition not listed in :data:`EDITIONS` (an
organisation's own cards), and language of their descriptors (the e-CF's own language)."""
DEFAULT_DESCRIPTOR_LANG = "en"

SOURCES: dict[str, dict[str, str]] = {  # "lang": the language of title and rights
    "cigref-2010": {
        "file": "sources/cigref-2010-nomenclature.txt",
        "title": "CIGREF, Nomenclature 2010 : premier pas vers l'Europe des compétences IT "
        "(octobre 2010), texte extrait du PDF",
        "publisher": "CIGREF",
        "rights": "© CIGREF. Annexe 2 (e-CF 2.0) © CEN.",
        "lang": "fr",
        "sha256": "fe976d5e32fca6076952ef3a1a01d5609ba37bc005d1b6475f762ef293010298",
    },
    "cigref-2018": {
        "file": "sources/cigref-2018-nomenclature.txt",
        "title": "CIGREF, Nomenclature RH – version 2018 : les métiers des systèmes "
        "d'information dans les grandes entreprises, texte extrait du PDF",
        "publisher": "CIGREF",
        "rights": "© CIGREF.",
        "lang": "fr",
        "sha256": "bf2a7115694a27bb2bbd477ec092e3b3de83a92f824b30c2ebfa65e307d848d5",
    },
    "sic": {
        "file": "sources/sic-referentiel-metiers.txt",
        "title": "Référentiel interministériel des métiers des systèmes d'information et de "
        "communication (SIC), tel que republié par Jurisconforme",
        "publisher": "DINSIC",
        "rights": "Référentiel constitué par des groupes de travail interministériels "
        "coordonnés par la DINSIC.",
        "lang": "fr",
        "sha256": "f8d3517f688df60e04d703e9f4eed31d2b13bad77a98da4c1cfbce0f8aec82c5",
    },
    "ecf-3-reference": {
        "file": "sources/ecf-3.0-reference.csv",
        "title": "e-CF 3.0 (CWA 16234-1:2014) reference list: competence codes, areas, "
        "English names and admissible proficiency levels",
        "publisher": "CEN",
        "rights": "e-CF (EN 16234-1, CWA 16234) © CEN; names and level lists used as "
        "reference data.",
        "lang": "en",
        "sha256": "5809100b846278180c28ac8486e5f894452bd7b9a6d09ef94b374b4442918ac6",
    },
    "ecf-3-levels": {
        "file": "sources/ecf-3.0-levels.csv",
        "title": "e-CF 3.0 (CWA 16234-1:2014) level descriptors of each competence, in English, "
        "transcribed from a public database seed (KITNikita/competence-map-api, "
        "V3__Level_insert.sql)",
        "publisher": "CEN",
        "rights": "e-CF (CWA 16234) © CEN; used as reference data.",
        "lang": "en",
        "sha256": "b11888b9a65910440244ca0e782a596d3089a09d31d910620e1e071a0601a98c",
    },
    "ecf-4-competences": {
        "file": "sources/ecf-4.0-competences.csv",
        "title": "e-CF 4.0 (EN 16234-1:2019) competences: codes, areas, English names, "
        "descriptions and admissible proficiency levels, transcribed from a public copy of the "
        "standard's tables (to be checked against EN 16234-1:2019)",
        "publisher": "CEN",
        "rights": "e-CF (EN 16234-1) © CEN; used as reference data.",
        "lang": "en",
        "sha256": "a351dfff7cc15a3ab80e259ebc36dacb48b4182b8a92e6d59203991fcad9f446",
    },
    "ecf-4-levels": {
        "file": "sources/ecf-4.0-levels.csv",
        "title": "e-CF 4.0 (EN 16234-1:2019) level descriptors of each competence, in English",
        "publisher": "CEN",
        "rights": "e-CF (EN 16234-1) © CEN; used as reference data.",
        "lang": "en",
        "sha256": "91c4f8833c328ef22f7d3dc060e907a52f633c6fead078aab499291de84503b7",
    },
    "ecf-3-4-codes": {
        "file": "sources/ecf-3.0-to-4.0-codes.csv",
        "title": "e-CF 3.0 to e-CF 4.0 code concordance: same, renamed, renumbered, removed and "
        "new competences",
        "publisher": "CEN",
        "rights": "Competence codes and names of the e-CF (EN 16234-1, CWA 16234) © CEN.",
        "lang": "en",
        "sha256": "f09723b24c9df7ebb3627e672f19ab664df6324dec9afddfb3b07d4474e82f73",
    },
}
"""Source documents, keyed by the key given to :func:`iris.source_document`."""

_SOURCE_BY_FILE = {s["file"]: key for key, s in SOURCES.items()}

PROJECT = {
    "title_fr": "nomengraph : métiers du numérique et compétences e-CF",
    "title_en": "nomengraph: IT jobs and e-CF competences",
    "description_en": "Knowledge graph of the CIGREF 2010 and 2018 job nomenclatures, the SIC "
    "interministerial job framework and the e-CF 2.0, 3.0 and 4.0 competences, built from job "
    "cards extracted from the source texts.",
    "description_fr": "Graphe de connaissances des nomenclatures de métiers CIGREF 2010 et 2018, "
    "du référentiel interministériel SIC et des compétences e-CF 2.0, 3.0 et 4.0, construit à "
    "partir de fiches métier extraites des textes sources.",
    "license": "https://www.apache.org/licenses/LICENSE-2.0",
}

GRAPH_TITLES = {
    "cigref-2010": ("Nomenclature CIGREF 2010", "CIGREF 2010 nomenclature"),
    "cigref-2018": ("Nomenclature CIGREF 2018", "CIGREF 2018 nomenclature"),
    "sic": ("Référentiel des métiers SIC", "SIC job framework"),
    "ecf": ("Référentiel e-CF 2.0, 3.0 et 4.0", "e-CF 2.0, 3.0 and 4.0"),
    "ontology": ("Vocabulaire nomengraph", "nomengraph vocabulary"),
}

_STATUS = {
    "new": NG.NewJob,
    "modified": NG.ModifiedJob,
    "renumbered": NG.RenumberedJob,
    "unchanged": NG.UnchangedJob,
}
_ECF_MATCH = {"same": SKOS.exactMatch, "renamed": SKOS.closeMatch, "changed": SKOS.closeMatch}

ECF_DIR = "ecf"
MATRIX_DIR = "matrix"


# Small helpers ---------------------------------------------------------------------------------


def _u(iri: str) -> URIRef:
    return URIRef(iri)


def _fr(text: str) -> Literal:
    return Literal(text, lang="fr")


def _lang(text: str, lang: str) -> Literal:
    return Literal(text, lang=lang)


def _int(n: int) -> Literal:
    return Literal(int(n), datatype=XSD.integer)


def _posint(n: int) -> Literal:
    return Literal(int(n), datatype=XSD.positiveInteger)


def _str(text: str) -> Literal:
    return Literal(text)


def _bool(value: bool) -> Literal:
    return Literal(bool(value))


def _lang_texts(subject: URIRef, pred: URIRef, texts: dict[str, str] | None) -> list[Triple]:
    """``{"en": .., "fr": ..}`` → one tagged literal per language."""
    return [(subject, pred, _lang(t, lang)) for lang, t in sorted((texts or {}).items())]


def _source_key(file: str, fallback: str) -> str:
    return _SOURCE_BY_FILE.get(file, fallback)


def _lines(subject: URIRef, lines: list[int] | None) -> list[Triple]:
    if not lines:
        return []
    return [(subject, NG.firstLine, _posint(lines[0])), (subject, NG.lastLine, _posint(lines[1]))]


def _corrections(subject: URIRef, ids: list[str] | None) -> list[Triple]:
    return [(subject, NG.appliedCorrection, _str(c)) for c in ids or []]


def ecf_version_of(edition: str) -> str:
    """The e-CF version whose competences an edition's cards cite."""
    meta = EDITIONS.get(edition)
    if meta is None:
        return DEFAULT_ECF_VERSION
    return meta["ecf"] or DEFAULT_ECF_VERSION


# Cards -----------------------------------------------------------------------------------------


def convert_card(
    card: dict[str, Any], ecf_version: str | None = None, descriptor_lang: str | None = None
) -> list[Triple]:
    """Triples of one job card: the job, its family, activities, requirements, provenance.

    ``ecf_version`` (the framework its competence codes refer to) and ``descriptor_lang`` (the
    language of the printed level descriptors) default to the edition's, from :data:`EDITIONS`.
    """
    ed, num = card["edition"], card["number"]
    meta = EDITIONS.get(ed, {})
    version = ecf_version or ecf_version_of(ed)
    dlang = descriptor_lang or meta.get("descriptor_lang") or DEFAULT_DESCRIPTOR_LANG
    scheme = _u(iris.edition(ed))
    job = _u(iris.job(ed, num))
    title = card["title"]
    t: list[Triple] = [
        (job, RDF.type, NG.Job),
        (job, RDF.type, SKOS.Concept),
        (job, SKOS.prefLabel, _fr(title)),
        (job, SKOS.notation, _str(num)),
        (job, DCTERMS.identifier, _str(card["id"])),
        (job, SKOS.inScheme, scheme),
        (job, NG.hasCard, _bool(card["has_card"])),
    ]
    if card.get("printed_title"):  # the title as printed: found by search, never displayed
        t.append((job, SKOS.hiddenLabel, _fr(card["printed_title"])))
    for lang in ("fr", "en"):
        for name in (card.get("other_names") or {}).get(lang) or []:
            if not (lang == "fr" and name == title):  # SKOS: prefLabel and altLabel disjoint
                t.append((job, SKOS.altLabel, _lang(name, lang)))

    family = card.get("family")
    if family:
        fam = _u(iris.family(ed, family["number"]))
        t += [
            (job, NG.family, fam),
            (job, SKOS.broader, fam),
            (fam, RDF.type, NG.JobFamily),
            (fam, RDF.type, SKOS.Concept),
            (fam, SKOS.prefLabel, _fr(family["title"])),
            (fam, SKOS.notation, _str(family["number"])),
            (fam, SKOS.inScheme, scheme),
            (fam, SKOS.topConceptOf, scheme),
            (scheme, SKOS.hasTopConcept, fam),
        ]
    else:  # no families (SIC): the jobs are the scheme's top concepts
        t += [(job, SKOS.topConceptOf, scheme), (scheme, SKOS.hasTopConcept, job)]

    if card.get("description"):
        t.append((job, DCTERMS.description, _fr(card["description"])))
    if card.get("mission"):
        t.append((job, NG.mission, _fr(card["mission"])))
    if card.get("trends"):
        t.append((job, NG.trends, _fr(card["trends"])))

    for pos, group in enumerate(card["activities"], start=1):
        node = _u(iris.activity_group(ed, num, pos))
        t += [
            (job, NG.hasActivityGroup, node),
            (node, RDF.type, NG.ActivityGroup),
            (node, NG.position, _int(pos)),
        ]
        if group.get("heading"):
            t.append((node, RDFS.label, _fr(group["heading"])))
        if group.get("note"):
            t.append((node, NG.note, _fr(group["note"])))
        for k, task in enumerate(group["tasks"], start=1):
            t += _item(node, NG.hasTask, _u(iris.task(ed, num, pos, k)), NG.Task, k, task)

    for pos, item in enumerate(card.get("deliverables") or [], start=1):
        node = _u(iris.deliverable(ed, num, pos))
        t += _item(job, NG.hasDeliverable, node, NG.Deliverable, pos, item)
    for pos, item in enumerate(card.get("performance_indicators") or [], start=1):
        node = _u(iris.indicator(ed, num, pos))
        t += _item(job, NG.hasPerformanceIndicator, node, NG.PerformanceIndicator, pos, item)

    path = card.get("career_path") or {}
    if path.get("education") or path.get("experience"):
        node = _u(iris.career_path(ed, num))
        t += [(job, NG.hasCareerPath, node), (node, RDF.type, NG.CareerPath)]
        if path.get("education"):
            t.append((node, NG.education, _fr(path["education"])))
        if path.get("experience"):
            t.append((node, NG.experience, _fr(item_text(path["experience"]))))
            t += _sub_items(node, path["experience"])

    changes = card.get("changes")
    if changes:
        t.append((job, NG.changeStatus, _STATUS[changes["status"]]))
        if changes.get("previous_number"):
            t.append((job, NG.previousNumber, _str(changes["previous_number"])))
        if changes.get("previous_title"):
            t.append((job, NG.previousTitle, _fr(changes["previous_title"])))
        t += [(job, NG.changeNote, _fr(note)) for note in changes.get("notes") or []]

    t += _corrections(job, card.get("corrections"))

    prov = card["provenance"]
    extract = _u(iris.source_extract(ed, num))
    document = _u(iris.source_document(_source_key(prov["source"], meta.get("source") or ed)))
    t += [
        (job, PROV.wasDerivedFrom, extract),
        (extract, RDF.type, NG.SourceExtract),
        (extract, RDF.type, PROV.Entity),
        (extract, NG.sourceFile, _str(prov["source"])),
        (extract, PROV.wasDerivedFrom, document),
        *_lines(extract, prov.get("lines")),
    ]

    for req in card["competences"]:
        t += _requirement(job, ed, num, req, version, dlang, extract)
    return t


def _item(
    parent: URIRef, link: URIRef, node: URIRef, cls: URIRef, pos: int, item: str | dict[str, Any]
) -> list[Triple]:
    """A printed list item (task, deliverable, indicator): its text, its rank under its parent,
    and the sub-items printed under it."""
    return [
        (parent, link, node),
        (node, RDF.type, cls),
        (node, RDFS.label, _fr(item_text(item))),
        (node, NG.position, _int(pos)),
        *_sub_items(node, item),
    ]


def _sub_items(node: URIRef, item: str | dict[str, Any]) -> list[Triple]:
    t: list[Triple] = []
    for k, text in enumerate(sub_items(item), start=1):
        sub = _u(iris.sub_item(str(node), k))
        t += [
            (node, NG.hasSubItem, sub),
            (sub, RDF.type, NG.SubItem),
            (sub, RDFS.label, _fr(text)),
            (sub, NG.position, _int(k)),
        ]
    return t


def _requirement(
    job: URIRef,
    ed: str,
    num: str,
    req: dict[str, Any],
    version: str,
    dlang: str,
    extract: URIRef,
) -> list[Triple]:
    node = _u(iris.requirement(ed, num, req["code"]))
    t: list[Triple] = [
        (job, NG.hasRequirement, node),
        (node, RDF.type, NG.CompetenceRequirement),
        (node, NG.job, job),
        (node, NG.competence, _u(iris.competence(version, req["code"]))),
        (node, NG.minLevel, _u(iris.proficiency_level(req["level_min"]))),
        (node, NG.maxLevel, _u(iris.proficiency_level(req["level_max"]))),
        (node, NG.levelAsPrinted, _str(req["level"])),
        (node, PROV.wasDerivedFrom, extract),
        *_lines(node, req.get("lines")),
        *_corrections(node, req.get("corrections")),
    ]
    if req.get("printed_code"):
        t.append((node, NG.printedCode, _str(req["printed_code"])))
    if req.get("descriptor"):
        t.append((node, NG.descriptorAsPrinted, _lang(req["descriptor"], dlang)))
    if "doubtful" in req:
        t.append((node, NG.doubtful, _bool(req["doubtful"])))
    if req.get("note"):
        t.append((node, RDFS.comment, _lang(req["note"], "en")))
    return t


def edition_metadata(edition: str) -> list[Triple]:
    """The concept scheme of one edition: type, title, version, year, publisher, source, and the
    e-CF version its cards cite (families and top concepts come with the cards)."""
    scheme = _u(iris.edition(edition))
    t: list[Triple] = [(scheme, RDF.type, NG.Nomenclature), (scheme, RDF.type, SKOS.ConceptScheme)]
    meta = EDITIONS.get(edition)
    if meta is None:
        return t
    t += [
        (scheme, DCTERMS.title, _fr(meta["title"])),
        (scheme, DCTERMS.publisher, _str(meta["publisher"])),
        (scheme, DCTERMS.source, _u(iris.source_document(meta["source"]))),
    ]
    if meta["version"]:
        t.append((scheme, OWL.versionInfo, _str(meta["version"])))
    if meta["issued"]:
        t.append((scheme, DCTERMS.issued, Literal(meta["issued"], datatype=XSD.gYear)))
    if meta["ecf"]:
        t.append((scheme, NG.usesFramework, _u(iris.framework(meta["ecf"]))))
    return t


def own_edition_metadata(edition: dict[str, Any]) -> list[Triple]:
    """The concept scheme of an organisation's edition, from its ``edition.yaml``: title,
    version, publisher, licence and the e-CF version its cards use. It is an
    ``ng:OrganisationNomenclature``, held to its own word by the shapes."""
    scheme = _u(iris.edition(edition["id"]))
    lang = edition.get("language") or "fr"
    t: list[Triple] = [
        (scheme, RDF.type, NG.Nomenclature),
        (scheme, RDF.type, NG.OrganisationNomenclature),
        (scheme, RDF.type, SKOS.ConceptScheme),
        (scheme, DCTERMS.title, _lang(edition["title"], lang)),
        (scheme, NG.usesFramework, _u(iris.framework(edition["ecf"]))),
    ]
    if edition.get("version"):
        t.append((scheme, OWL.versionInfo, _str(edition["version"])))
    if edition.get("publisher"):
        t.append((scheme, DCTERMS.publisher, _str(edition["publisher"])))
    licence = edition.get("licence")
    if licence:
        is_url = licence.startswith(("http://", "https://"))
        t.append((scheme, DCTERMS.license, _u(licence) if is_url else _str(licence)))
    return t


# e-CF ------------------------------------------------------------------------------------------


def proficiency_levels(levels: Iterable[dict[str, Any]]) -> list[Triple]:
    """The e-1..e-5 proficiency levels (shared by the e-CF versions) and their scheme."""
    scheme = _u(iris.proficiency_scheme())
    t: list[Triple] = [
        (scheme, RDF.type, SKOS.ConceptScheme),
        (scheme, DCTERMS.title, _lang("Niveaux de maîtrise e-CF", "fr")),
        (scheme, DCTERMS.title, _lang("e-CF proficiency levels", "en")),
    ]
    for lvl in levels:
        n = lvl["level"]
        node = _u(iris.proficiency_level(n))
        t += [
            (node, RDF.type, NG.ProficiencyLevel),
            (node, RDF.type, SKOS.Concept),
            (node, SKOS.notation, _str(f"e-{n}")),
            (node, SKOS.inScheme, scheme),
            (node, SKOS.topConceptOf, scheme),
            (scheme, SKOS.hasTopConcept, node),
            (node, NG.levelNumber, _int(n)),
            *[(node, NG.eqfLevel, _int(e)) for e in lvl["eqf"]],
            *_lang_texts(node, SKOS.prefLabel, lvl.get("name") or {"en": f"e-{n}"}),
        ]
    return t


def convert_ecf(data: dict[str, Any]) -> list[Triple]:
    """Triples of one e-CF version (``ecf/ecf-2.0.yaml``): framework, areas, competences with
    their levels, descriptors and K/S examples, the correspondence to the previous version, and
    the proficiency levels."""
    v = data["version"]
    fw = _u(iris.framework(v))
    t: list[Triple] = [
        (fw, RDF.type, NG.CompetenceFramework),
        (fw, RDF.type, SKOS.ConceptScheme),
        (fw, OWL.versionInfo, _str(v)),
        *_lang_texts(fw, DCTERMS.title, data.get("title")),
    ]
    for prov in data["provenance"]:
        doc = _u(iris.source_document(_source_key(prov["source"], f"ecf-{v.replace('.', '-')}")))
        t += [(fw, DCTERMS.source, doc), (fw, PROV.wasDerivedFrom, doc)]
    for area in data["areas"]:
        node = _u(iris.area(v, area["code"]))
        t += [
            (node, RDF.type, NG.CompetenceArea),
            (node, RDF.type, SKOS.Concept),
            (node, SKOS.notation, _str(area["code"])),
            (node, SKOS.inScheme, fw),
            (node, SKOS.topConceptOf, fw),
            (fw, SKOS.hasTopConcept, node),
            *_lang_texts(node, SKOS.prefLabel, area["name"]),
        ]
    t += proficiency_levels(data["levels"])
    previous_versions = set()
    for comp in data["competences"]:
        t += _competence(v, comp)
        if comp.get("previous"):
            previous_versions.add(comp["previous"]["version"])
    t += [(fw, NG.previousVersion, _u(iris.framework(p))) for p in sorted(previous_versions)]
    return t


def _competence(v: str, comp: dict[str, Any]) -> list[Triple]:
    code = comp["code"]
    node = _u(iris.competence(v, code))
    area = _u(iris.area(v, comp["area"]))
    t: list[Triple] = [
        (node, RDF.type, NG.Competence),
        (node, RDF.type, SKOS.Concept),
        (node, SKOS.notation, _str(code)),
        (node, SKOS.inScheme, _u(iris.framework(v))),
        (node, NG.area, area),
        (node, SKOS.broader, area),
        *_lang_texts(node, SKOS.prefLabel, comp["name"]),
        *_lang_texts(node, SKOS.definition, comp.get("description")),
        *_corrections(node, comp.get("corrections")),
    ]
    for pred, key in (
        (NG.admissibleLevel, "levels"),
        (NG.printedLevel, "printed_levels"),
        (NG.notApplicableLevel, "not_applicable"),
    ):
        t += [(node, pred, _u(iris.proficiency_level(n))) for n in comp.get(key) or []]
    for desc in comp.get("level_descriptors") or []:
        d = _u(iris.level_descriptor(v, code, desc["level"]))
        t += [
            (node, NG.hasLevelDescriptor, d),
            (d, RDF.type, NG.LevelDescriptor),
            (d, NG.ofCompetence, node),
            (d, NG.level, _u(iris.proficiency_level(desc["level"]))),
            *_lang_texts(d, NG.text, desc["text"]),
            *_descriptor_provenance(d, desc.get("provenance"), f"ecf-{v.replace('.', '-')}"),
        ]
    for key, cls, pred in (
        ("knowledge", NG.KnowledgeExample, NG.hasKnowledge),
        ("skills", NG.SkillExample, NG.hasSkill),
    ):
        for item in comp.get(key) or []:
            k = _u(iris.ks_item(v, code, item["id"]))
            t += [
                (node, pred, k),
                (k, RDF.type, cls),
                (k, SKOS.notation, _str(item["id"])),
                *_lang_texts(k, NG.text, item["text"]),
            ]
    if "used_by_cards" in comp:
        t.append((node, NG.usedByCards, _bool(comp["used_by_cards"])))
    previous = comp.get("previous")
    if previous:
        if previous["relation"] == "new" or not previous.get("code"):
            t.append((node, NG.newInVersion, _bool(True)))
        else:
            other = _u(iris.competence(previous["version"], previous["code"]))
            t.append((node, _ECF_MATCH[previous["relation"]], other))
    prov = comp.get("provenance")
    if prov:
        fallback = f"ecf-{v.replace('.', '-')}"
        doc = _u(iris.source_document(_source_key(prov["source"], fallback)))
        t += [(node, PROV.wasDerivedFrom, doc), *_lines(node, prov.get("lines"))]
        if prov.get("note"):
            t.append((node, SKOS.editorialNote, _lang(prov["note"], "en")))
    return t


_LANGUAGE_NAMES = {"en": "English", "fr": "French"}


def _descriptor_provenance(
    d: URIRef, provenance: dict[str, dict[str, Any]] | None, fallback: str
) -> list[Triple]:
    """Where each language's text of a level descriptor comes from: the source document, and a
    note naming the language, the file, the lines and the source's own note."""
    t: list[Triple] = []
    for lang, prov in sorted((provenance or {}).items()):
        t.append(
            (
                d,
                PROV.wasDerivedFrom,
                _u(iris.source_document(_source_key(prov["source"], fallback))),
            )
        )
        where = prov["source"]
        lines = prov.get("lines")
        if lines:
            where += (
                f", line {lines[0]}" if lines[0] == lines[1] else f", lines {lines[0]}-{lines[1]}"
            )
        if prov.get("note"):
            where += f", {prov['note']}"
        t.append(
            (d, SKOS.editorialNote, _lang(f"{_LANGUAGE_NAMES.get(lang, lang)} text: {where}", "en"))
        )
    return t


# The 2010 annex-1 matrix -----------------------------------------------------------------------


def convert_matrix(data: dict[str, Any]) -> list[Triple]:
    """Triples of a job × competence matrix (``matrix/cigref-2010-annex1.yaml``): one row per
    job with its printed values, and one cell per competence for the rows that align."""
    ed = data["edition"]
    version = (data.get("framework") or {}).get("version") or ecf_version_of(ed)
    prov = data.get("provenance") or {}
    doc = _u(iris.source_document(_source_key(prov.get("source", ""), ed)))
    t: list[Triple] = []
    for row in data["rows"]:
        num = row["number"]
        node = _u(iris.matrix_row(ed, num))
        job = _u(iris.job(ed, num))
        t += [
            (node, RDF.type, NG.MatrixRow),
            (node, NG.job, job),
            (node, NG.matrixValues, _str(" ".join(row["values"]))),
            (node, NG.aligned, _bool(row["aligned"])),
            (node, PROV.wasDerivedFrom, doc),
            *_lines(node, row.get("lines")),
            *_corrections(node, row.get("corrections")),
        ]
        if row.get("note"):
            t.append((node, RDFS.comment, _lang(row["note"], "en")))
        for code, printed in sorted((row.get("levels") or {}).items()):
            cell = _u(iris.matrix_cell(ed, num, code))
            bounds = [int(x) for x in str(printed).replace("/", "-").split("-")]
            t += [
                (cell, RDF.type, NG.MatrixCell),
                (cell, NG.job, job),
                (cell, NG.competence, _u(iris.competence(version, code))),
                (cell, NG.minLevel, _u(iris.proficiency_level(min(bounds)))),
                (cell, NG.maxLevel, _u(iris.proficiency_level(max(bounds)))),
                (cell, NG.levelAsPrinted, _str(str(printed))),
            ]
    return t


# Dataset ---------------------------------------------------------------------------------------


def source_documents(keys: Iterable[str]) -> list[Triple]:
    """Descriptions of the source documents (title, publisher, rights, file, sha256)."""
    t: list[Triple] = []
    for key in sorted(set(keys)):
        doc = _u(iris.source_document(key))
        t += [(doc, RDF.type, PROV.Entity)]
        src = SOURCES.get(key)
        if src is None:
            continue
        t += [
            (doc, DCTERMS.title, _lang(src["title"], src["lang"])),
            (doc, DCTERMS.publisher, _str(src["publisher"])),
            (doc, DCTERMS.rights, _lang(src["rights"], src["lang"])),
            (doc, NG.sourceFile, _str(src["file"])),
            (doc, NG.sha256, _str(src["sha256"])),
        ]
    return t


def dataset_metadata(
    graphs: dict[str, GraphSummary],
    digest: str,
    own_editions: dict[str, dict[str, Any]] | None = None,
) -> list[Triple]:
    """The ``metadata`` graph: the dataset (VoID + DCAT), one subset per named graph with its
    triple count, the sources with their attribution.

    ``digest`` identifies the content (:class:`Digest`, independent of order), so that the
    description changes exactly when the data does; ``dcterms:created`` is the year of the
    newest edition, not the wall clock, to keep exports byte-stable.
    """
    root = _u(iris.dataset())
    t: list[Triple] = [
        (root, RDF.type, VOID.Dataset),
        (root, RDF.type, DCAT.Dataset),
        (root, DCTERMS.title, _lang(PROJECT["title_fr"], "fr")),
        (root, DCTERMS.title, _lang(PROJECT["title_en"], "en")),
        (root, DCTERMS.description, _lang(PROJECT["description_fr"], "fr")),
        (root, DCTERMS.description, _lang(PROJECT["description_en"], "en")),
        (root, DCTERMS.license, _u(PROJECT["license"])),
        (root, DCTERMS.identifier, _str(f"sha256:{digest}")),
        (root, VOID.vocabulary, _u(iris.DEF)),
        (root, VOID.uriSpace, _str(iris.ID)),
    ]
    years = [m["issued"] for name, m in EDITIONS.items() if name in graphs and m["issued"]]
    if years:
        t.append((root, DCTERMS.created, Literal(max(years), datatype=XSD.gYear)))
    used_sources: set[str] = set()
    for name, graph in sorted(graphs.items()):
        sub = _u(iris.graph(name))
        t += [
            (root, VOID.subset, sub),
            (sub, RDF.type, VOID.Dataset),
            (sub, VOID.triples, _int(graph.triples)),
        ]
        titles = GRAPH_TITLES.get(name)
        if titles:
            t += [
                (sub, DCTERMS.title, _fr(titles[0])),
                (sub, DCTERMS.title, _lang(titles[1], "en")),
            ]
        t += [(sub, VOID.rootResource, s) for s in sorted(graph.schemes)]
        meta = EDITIONS.get(name)
        if meta:
            src = SOURCES[meta["source"]]
            t += [
                (sub, DCTERMS.publisher, _str(meta["publisher"])),
                (sub, DCTERMS.rights, _lang(src["rights"], src["lang"])),
            ]
            if meta["version"]:
                t.append((sub, OWL.versionInfo, _str(meta["version"])))
        own = (own_editions or {}).get(name)
        if own:  # an organisation's edition: as its edition.yaml says
            said = (DCTERMS.title, DCTERMS.publisher, DCTERMS.license, OWL.versionInfo)
            t += [(sub, p, o) for _, p, o in own_edition_metadata(own) if p in said]
        if name == "ontology":
            t.append((sub, DCTERMS.license, _u(PROJECT["license"])))
        for doc in sorted(graph.sources):
            if str(doc).startswith(iris.ID + "source/"):
                t.append((sub, DCTERMS.source, doc))
                used_sources.add(str(doc)[len(iris.ID + "source/") :])
        if name == "ecf":
            t.append((sub, DCTERMS.rights, _lang("e-CF (EN 16234-1, CWA 16234) © CEN.", "en")))
    for key in sorted(used_sources):
        t.append((root, DCTERMS.source, _u(iris.source_document(key))))
    t += source_documents(used_sources)
    return t


@dataclass
class GraphSummary:
    """What the ``metadata`` graph says of a named graph, gathered while its quads go by."""

    triples: int = 0
    schemes: set[URIRef] = field(default_factory=set)  # its root resources (VoID)
    sources: set[URIRef] = field(default_factory=set)  # objects of prov:wasDerivedFrom


class Digest:
    """sha256 of a set of quads, independent of their order: the sum, modulo 2**256, of the
    sha256 of each quad's N-Quads line. Equal sets give equal digests, and any change of the
    set changes it, without sorting (or even keeping) the quads."""

    def __init__(self) -> None:
        self.value = 0

    def add(self, line_hash: bytes) -> None:
        self.value = (self.value + int.from_bytes(line_hash, "big")) % (1 << 256)

    def hexdigest(self) -> str:
        return f"{self.value:064x}"


PROGRESS_EVERY = 10_000  # cards between two progress messages of a long conversion


def _card_sources(
    cards_dir: Path,
    progress: Callable[[str], None] | None = None,
    own_editions: Sequence[Path] = (),
    loaded: dict[str, dict[str, Any]] | None = None,
) -> Iterator[tuple[str, Iterable[Triple]]]:
    """(graph name, triples) for each card and data file under ``cards_dir``, one at a time,
    then for the organisations' edition folders ``own_editions`` (each with its
    ``edition.yaml``); each edition read is put in ``loaded`` (by id).

    Card problems of every file are collected and raised together at the end (as a CardError),
    after the good cards went by: a consumer that writes somewhere discards its work then."""
    cards_dir = Path(cards_dir)
    problems: list[CardProblem] = []
    editions: set[str] = set()
    done = 0
    for folder in sorted(p for p in cards_dir.iterdir() if p.is_dir()):
        if folder.name in (ECF_DIR, MATRIX_DIR):
            continue
        for card, problem in scan_cards(iter_card_files(folder)):
            if problem is not None:
                problems.append(problem)
                continue
            if card["edition"] not in editions:
                editions.add(card["edition"])
                yield card["edition"], edition_metadata(card["edition"])
            yield card["edition"], convert_card(card)
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(Said("convert.cards", n=whole(done)))
    versions = {p.stem.removeprefix("ecf-") for p in (cards_dir / ECF_DIR).glob("*.yaml")}
    for folder in own_editions:
        try:
            edition = load_edition(folder)
        except CardError as exc:
            problems.extend(exc.problems)
            continue
        where = str(Path(folder) / EDITION_FILE)
        if edition["id"] in editions or edition["id"] in EDITIONS:
            problems.append(CardProblem.of(where, 1, "id", "edition.taken", edition=edition["id"]))
            continue
        if edition["ecf"] not in versions:
            known = ", ".join(sorted(versions))
            problem = CardProblem.of(
                where, None, "ecf", "edition.framework", version=edition["ecf"], known=known
            )
            problems.append(problem)
            continue
        cards, found = load_edition_cards(folder, edition)
        problems.extend(found)
        editions.add(edition["id"])
        if loaded is not None:
            loaded[edition["id"]] = edition
        yield edition["id"], own_edition_metadata(edition)
        for card in cards:
            yield edition["id"], convert_card(card, ecf_version=edition["ecf"])
    if problems:
        raise CardError(problems)
    for path in sorted((cards_dir / ECF_DIR).glob("*.yaml")):
        yield "ecf", convert_ecf(load_data_file(path, ECF_SCHEMA))
    for path in sorted((cards_dir / MATRIX_DIR).glob("*.yaml")):
        data = load_data_file(path, MATRIX_SCHEMA)
        yield data["edition"], convert_matrix(data)


def iter_quads(
    cards_dir: Path,
    ontology: Path | None = ONTOLOGY_FILE,
    keep: dict[str, set[Triple]] | None = None,
    progress: Callable[[str], None] | None = None,
    editions: Sequence[Path] = (),
) -> Iterator[ox.Quad]:
    """Convert the cards and data files of ``cards_dir`` (plus the ontology) into pyoxigraph
    quads, streamed card by card: every edition, ``ecf``, ``ontology``, then ``metadata``
    (which describes the others). Memory stays bounded by the number of distinct quads (a
    16-byte key each, to drop duplicates), not by the data.

    With ``keep``, the rdflib triples of each graph are also put in ``keep[graph name]`` (for
    validation). ``progress`` is told every ``PROGRESS_EVERY`` cards. ``editions``: folders of
    organisations' own editions, built next to the reference ones (graph = the edition's id)."""
    summaries: dict[str, GraphSummary] = defaultdict(GraphSummary)
    seen: dict[str, set[bytes]] = defaultdict(set)
    digest = Digest()
    term = _TermConverter()

    def quads(name: str, triples: Iterable[Triple], describe: bool = True) -> Iterator[ox.Quad]:
        target = ox.NamedNode(iris.graph(name))
        summary, keys = summaries[name], seen[name]
        kept = keep.setdefault(name, set()) if keep is not None else None
        for s, p, o in triples:
            if isinstance(s, BNode) or isinstance(o, BNode):
                raise ValueError(f"blank node in graph {name}: {(s, p, o)}")
            quad = ox.Quad(term(s), term(p), term(o), target)
            line_hash = hashlib.sha256(str(quad).encode()).digest()
            if line_hash[:16] in keys:
                continue
            keys.add(line_hash[:16])
            digest.add(line_hash)
            if describe:
                summary.triples += 1
                if p == RDF.type and o == SKOS.ConceptScheme and str(s).startswith(iris.ID):
                    summary.schemes.add(s)
                elif p == PROV.wasDerivedFrom:
                    summary.sources.add(o)
            if kept is not None:
                kept.add((s, p, o))
            yield quad

    own: dict[str, dict[str, Any]] = {}
    for name, triples in _card_sources(Path(cards_dir), progress, editions, own):
        yield from quads(name, triples)
    if ontology is not None:
        yield from quads("ontology", Graph().parse(ontology, format="turtle"))
    described = dict(sorted(summaries.items()))
    metadata = dataset_metadata(described, digest.hexdigest(), own)
    yield from quads("metadata", metadata, describe=False)


@dataclass
class Converted:
    """The converted dataset twice: as sets of rdflib triples per graph name (what validation
    and the tests read) and as pyoxigraph quads, unsorted (what a store loads)."""

    graphs: dict[str, set[Triple]]
    quads: list[ox.Quad]


def convert(
    cards_dir: Path,
    ontology: Path | None = ONTOLOGY_FILE,
    progress: Callable[[str], None] | None = None,
    editions: Sequence[Path] = (),
) -> Converted:
    """Convert the cards and data files of ``cards_dir`` (plus the ontology) and of the
    organisations' edition folders ``editions``, keeping both forms in memory (see
    :func:`iter_quads` to stream the quads instead)."""
    graphs: dict[str, set[Triple]] = {}
    quads = list(iter_quads(cards_dir, ontology, keep=graphs, progress=progress, editions=editions))
    return Converted(dict(sorted(graphs.items())), quads)


def to_dataset(graphs: dict[str, set[Triple]]) -> Dataset:
    """An rdflib Dataset of these graphs (what pyshacl validates)."""
    ds = Dataset()
    for name, content in graphs.items():
        target = ds.graph(_u(iris.graph(name)))
        target.addN((s, p, o, target) for s, p, o in content)
    return ds


def convert_all(cards_dir: Path, ontology: Path | None = ONTOLOGY_FILE) -> Dataset:
    """The whole dataset: one named graph per edition, ``ecf``, ``ontology`` and ``metadata``."""
    return to_dataset(convert(cards_dir, ontology).graphs)


def dataset_quads(ds: Dataset) -> Iterator[Quad]:
    """The quads of the named graphs (the default graph is left empty by :func:`convert_all`)."""
    for s, p, o, g in ds.quads():
        if g is None:
            continue
        graph = g.identifier if isinstance(g, Graph) else g
        yield s, p, o, graph


# Export ----------------------------------------------------------------------------------------


def to_oxigraph_term(term: Node) -> ox.NamedNode | ox.Literal:
    """An rdflib IRI or literal as a pyoxigraph term (datatype xsd:string when untyped)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = term.datatype or XSD.string
        return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))
    raise ValueError(f"not an IRI or literal: {term!r}")


def _rdflib_quad(quad: Quad) -> ox.Quad:
    s, p, o, g = quad
    return ox.Quad(
        to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), ox.NamedNode(str(g))
    )


def graph_ox_quads(graph: Graph, name: str) -> Iterator[ox.Quad]:
    """The triples of an rdflib graph as pyoxigraph quads in the named graph ``name``."""
    target = ox.NamedNode(iris.graph(name))
    term = _TermConverter()
    for s, p, o in graph:
        yield ox.Quad(term(s), term(p), term(o), target)


class _TermConverter:
    """:func:`to_oxigraph_term`, converting each IRI once (IRIs recur: predicates, classes,
    shared subjects); literals, mostly distinct, are converted each time."""

    def __init__(self) -> None:
        self.iris: dict[URIRef, ox.NamedNode] = {}

    def __call__(self, node: Node) -> ox.NamedNode | ox.Literal:
        if isinstance(node, URIRef):
            found = self.iris.get(node)
            if found is None:
                found = self.iris[node] = ox.NamedNode(str(node))
            return found
        return to_oxigraph_term(node)


def _ox_quads(quads: Iterable[Quad | ox.Quad]) -> list[ox.Quad]:
    """Quads as pyoxigraph quads, sorted by their N-Quads form (a stable, total order)."""
    out = [q if isinstance(q, ox.Quad) else _rdflib_quad(q) for q in quads]
    out.sort(key=str)
    return out


EXPORT_FILES = ("nomengraph.nq", "nomengraph.nt", "nomengraph.ttl", "nomengraph.jsonld")


def export(
    dataset: Dataset | Iterable[ox.Quad],
    out_dir: Path,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Write the dataset (or these pyoxigraph quads) to ``out_dir``; return ``{format: path}``.

    - ``nomengraph.nq``: N-Quads, one line per quad, sorted;
    - ``nomengraph.nt``: N-Triples of all graphs merged (duplicates removed), sorted;
    - ``nomengraph.ttl``: Turtle of all graphs merged, subjects in sorted order;
    - ``nomengraph.jsonld``: expanded JSON-LD with one ``@graph`` per named graph, sorted.

    Each file is a function of the set of quads only, so a rebuild with no change gives
    byte-identical files. The files are written aside (hidden temporary files in ``out_dir``,
    flushed to disk) and renamed into place once all four are complete: a failed or killed
    export leaves the previous files whole. Temporary files left by a killed export are removed
    (and reported through ``progress``).
    """
    say = progress or (lambda _m: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stale = _remove_stale_exports(out_dir)
    if stale:
        say(Said("export.stale", n=len(stale), folder=out_dir))
    quads = _ox_quads(dataset_quads(dataset) if isinstance(dataset, Dataset) else dataset)
    triples = sorted({q.triple for q in quads}, key=str)
    prefixes = dict(PREFIXES)
    paths = {
        "nq": out_dir / "nomengraph.nq",
        "nt": out_dir / "nomengraph.nt",
        "ttl": out_dir / "nomengraph.ttl",
        "jsonld": out_dir / "nomengraph.jsonld",
    }
    aside = {kind: _aside_name(path) for kind, path in paths.items()}
    try:
        ox.serialize(quads, str(_created(aside["nq"])), ox.RdfFormat.N_QUADS)
        ox.serialize(triples, str(_created(aside["nt"])), ox.RdfFormat.N_TRIPLES)
        ox.serialize(triples, str(_created(aside["ttl"])), ox.RdfFormat.TURTLE, prefixes=prefixes)
        by_graph = sorted(quads, key=lambda q: (str(q.graph_name), str(q.triple)))
        data = json.loads(ox.serialize(by_graph, format=ox.RdfFormat.JSON_LD))
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        _created(aside["jsonld"]).write_text(text, encoding="utf-8")
        for tmp in aside.values():
            _sync(tmp)
        for kind, path in paths.items():
            os.replace(aside[kind], path)
    except BaseException:
        for tmp in aside.values():
            tmp.unlink(missing_ok=True)
        raise
    _sync(out_dir)
    return paths


_ASIDE_SUFFIX = ".tmp"


def _aside_name(path: Path) -> Path:
    """A hidden temporary name beside ``path``: ``.nomengraph.nq.<random>.tmp``."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{_ASIDE_SUFFIX}")


def _created(path: Path) -> Path:
    """Create ``path`` empty (never an existing file), with the usual permissions (umask)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    return path


def _sync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_exports(out_dir: Path) -> list[Path]:
    """Remove the temporary files of an interrupted export (only the names it writes)."""
    stale = [
        p
        for name in EXPORT_FILES
        for p in out_dir.glob(f".{name}.*{_ASIDE_SUFFIX}")
        if p.is_file() and not p.is_symlink()
    ]
    for p in stale:
        p.unlink(missing_ok=True)
    return stale
