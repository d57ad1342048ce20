"""Job cards → triples: the job, its family, activities, requirements and provenance, and the
concept scheme of each edition (reference editions and organisations' own)."""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef

from nomengraph import iris
from nomengraph.cards import item_text, sub_items
from nomengraph.rdf.catalogue import (
    DEFAULT_DESCRIPTOR_LANG,
    EDITIONS,
    ecf_version_of,
    source_key,
)
from nomengraph.rdf.terms import (
    Triple,
    applied_corrections,
    boolean,
    fr,
    integer,
    line_range,
    plain,
    tagged,
    uri,
)
from nomengraph.vocab import DCTERMS, NG, OWL, PROV, RDF, RDFS, SKOS, XSD

_STATUS = {
    "new": NG.NewJob,
    "modified": NG.ModifiedJob,
    "renumbered": NG.RenumberedJob,
    "unchanged": NG.UnchangedJob,
}


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
    scheme = uri(iris.edition(ed))
    job = uri(iris.job(ed, num))
    title = card["title"]
    t: list[Triple] = [
        (job, RDF.type, NG.Job),
        (job, RDF.type, SKOS.Concept),
        (job, SKOS.prefLabel, fr(title)),
        (job, SKOS.notation, plain(num)),
        (job, DCTERMS.identifier, plain(card["id"])),
        (job, SKOS.inScheme, scheme),
        (job, NG.hasCard, boolean(card["has_card"])),
    ]
    if card.get("printed_title"):  # the title as printed: found by search, never displayed
        t.append((job, SKOS.hiddenLabel, fr(card["printed_title"])))
    for lang in ("fr", "en"):
        for name in (card.get("other_names") or {}).get(lang) or []:
            if not (lang == "fr" and name == title):  # SKOS: prefLabel and altLabel disjoint
                t.append((job, SKOS.altLabel, tagged(name, lang)))

    family = card.get("family")
    if family:
        fam = uri(iris.family(ed, family["number"]))
        t += [
            (job, NG.family, fam),
            (job, SKOS.broader, fam),
            (fam, RDF.type, NG.JobFamily),
            (fam, RDF.type, SKOS.Concept),
            (fam, SKOS.prefLabel, fr(family["title"])),
            (fam, SKOS.notation, plain(family["number"])),
            (fam, SKOS.inScheme, scheme),
            (fam, SKOS.topConceptOf, scheme),
            (scheme, SKOS.hasTopConcept, fam),
        ]
    else:  # no families (SIC): the jobs are the scheme's top concepts
        t += [(job, SKOS.topConceptOf, scheme), (scheme, SKOS.hasTopConcept, job)]

    if card.get("description"):
        t.append((job, DCTERMS.description, fr(card["description"])))
    if card.get("mission"):
        t.append((job, NG.mission, fr(card["mission"])))
    if card.get("trends"):
        t.append((job, NG.trends, fr(card["trends"])))

    for pos, group in enumerate(card["activities"], start=1):
        node = uri(iris.activity_group(ed, num, pos))
        t += [
            (job, NG.hasActivityGroup, node),
            (node, RDF.type, NG.ActivityGroup),
            (node, NG.position, integer(pos)),
        ]
        if group.get("heading"):
            t.append((node, RDFS.label, fr(group["heading"])))
        if group.get("note"):
            t.append((node, NG.note, fr(group["note"])))
        for k, task in enumerate(group["tasks"], start=1):
            t += _item(node, NG.hasTask, uri(iris.task(ed, num, pos, k)), NG.Task, k, task)

    for pos, item in enumerate(card.get("deliverables") or [], start=1):
        node = uri(iris.deliverable(ed, num, pos))
        t += _item(job, NG.hasDeliverable, node, NG.Deliverable, pos, item)
    for pos, item in enumerate(card.get("performance_indicators") or [], start=1):
        node = uri(iris.indicator(ed, num, pos))
        t += _item(job, NG.hasPerformanceIndicator, node, NG.PerformanceIndicator, pos, item)

    path = card.get("career_path") or {}
    if path.get("education") or path.get("experience"):
        node = uri(iris.career_path(ed, num))
        t += [(job, NG.hasCareerPath, node), (node, RDF.type, NG.CareerPath)]
        if path.get("education"):
            t.append((node, NG.education, fr(path["education"])))
        if path.get("experience"):
            t.append((node, NG.experience, fr(item_text(path["experience"]))))
            t += _sub_items(node, path["experience"])

    changes = card.get("changes")
    if changes:
        t.append((job, NG.changeStatus, _STATUS[changes["status"]]))
        if changes.get("previous_number"):
            t.append((job, NG.previousNumber, plain(changes["previous_number"])))
        if changes.get("previous_title"):
            t.append((job, NG.previousTitle, fr(changes["previous_title"])))
        t += [(job, NG.changeNote, fr(note)) for note in changes.get("notes") or []]

    t += applied_corrections(job, card.get("corrections"))

    prov = card["provenance"]
    extract = uri(iris.source_extract(ed, num))
    document = uri(iris.source_document(source_key(prov["source"], meta.get("source") or ed)))
    t += [
        (job, PROV.wasDerivedFrom, extract),
        (extract, RDF.type, NG.SourceExtract),
        (extract, RDF.type, PROV.Entity),
        (extract, NG.sourceFile, plain(prov["source"])),
        (extract, PROV.wasDerivedFrom, document),
        *line_range(extract, prov.get("lines")),
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
        (node, RDFS.label, fr(item_text(item))),
        (node, NG.position, integer(pos)),
        *_sub_items(node, item),
    ]


def _sub_items(node: URIRef, item: str | dict[str, Any]) -> list[Triple]:
    t: list[Triple] = []
    for k, text in enumerate(sub_items(item), start=1):
        sub = uri(iris.sub_item(str(node), k))
        t += [
            (node, NG.hasSubItem, sub),
            (sub, RDF.type, NG.SubItem),
            (sub, RDFS.label, fr(text)),
            (sub, NG.position, integer(k)),
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
    node = uri(iris.requirement(ed, num, req["code"]))
    t: list[Triple] = [
        (job, NG.hasRequirement, node),
        (node, RDF.type, NG.CompetenceRequirement),
        (node, NG.job, job),
        (node, NG.competence, uri(iris.competence(version, req["code"]))),
        (node, NG.minLevel, uri(iris.proficiency_level(req["level_min"]))),
        (node, NG.maxLevel, uri(iris.proficiency_level(req["level_max"]))),
        (node, NG.levelAsPrinted, plain(req["level"])),
        (node, PROV.wasDerivedFrom, extract),
        *line_range(node, req.get("lines")),
        *applied_corrections(node, req.get("corrections")),
    ]
    if req.get("printed_code"):
        t.append((node, NG.printedCode, plain(req["printed_code"])))
    if req.get("descriptor"):
        t.append((node, NG.descriptorAsPrinted, tagged(req["descriptor"], dlang)))
    if "doubtful" in req:
        t.append((node, NG.doubtful, boolean(req["doubtful"])))
    if req.get("note"):
        t.append((node, RDFS.comment, tagged(req["note"], "en")))
    return t


def edition_metadata(edition: str) -> list[Triple]:
    """The concept scheme of one edition: type, title, version, year, publisher, source, and the
    e-CF version its cards cite (families and top concepts come with the cards)."""
    scheme = uri(iris.edition(edition))
    t: list[Triple] = [(scheme, RDF.type, NG.Nomenclature), (scheme, RDF.type, SKOS.ConceptScheme)]
    meta = EDITIONS.get(edition)
    if meta is None:
        return t
    t += [
        (scheme, DCTERMS.title, fr(meta["title"])),
        (scheme, DCTERMS.publisher, plain(meta["publisher"])),
        (scheme, DCTERMS.source, uri(iris.source_document(meta["source"]))),
    ]
    if meta["version"]:
        t.append((scheme, OWL.versionInfo, plain(meta["version"])))
    if meta["issued"]:
        t.append((scheme, DCTERMS.issued, Literal(meta["issued"], datatype=XSD.gYear)))
    if meta["ecf"]:
        t.append((scheme, NG.usesFramework, uri(iris.framework(meta["ecf"]))))
    return t


def own_edition_metadata(edition: dict[str, Any]) -> list[Triple]:
    """The concept scheme of an organisation's edition, from its ``edition.yaml``: title,
    version, publisher, licence and the e-CF version its cards use. It is an
    ``ng:OrganisationNomenclature``, held to its own word by the shapes."""
    scheme = uri(iris.edition(edition["id"]))
    lang = edition.get("language") or "fr"
    t: list[Triple] = [
        (scheme, RDF.type, NG.Nomenclature),
        (scheme, RDF.type, NG.OrganisationNomenclature),
        (scheme, RDF.type, SKOS.ConceptScheme),
        (scheme, DCTERMS.title, tagged(edition["title"], lang)),
        (scheme, NG.usesFramework, uri(iris.framework(edition["ecf"]))),
    ]
    if edition.get("version"):
        t.append((scheme, OWL.versionInfo, plain(edition["version"])))
    if edition.get("publisher"):
        t.append((scheme, DCTERMS.publisher, plain(edition["publisher"])))
    licence = edition.get("licence")
    if licence:
        is_url = licence.startswith(("http://", "https://"))
        t.append((scheme, DCTERMS.license, uri(licence) if is_url else plain(licence)))
    return t
