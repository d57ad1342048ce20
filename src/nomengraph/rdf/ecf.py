"""e-CF data files → triples: a framework version with its areas, competences, level
descriptors, knowledge and skill examples, the correspondence to the previous version, and the
proficiency levels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import URIRef

from nomengraph import iris
from nomengraph.rdf.catalogue import source_key
from nomengraph.rdf.terms import (
    Triple,
    applied_corrections,
    boolean,
    integer,
    lang_texts,
    line_range,
    plain,
    tagged,
    uri,
)
from nomengraph.vocab import DCTERMS, NG, OWL, PROV, RDF, SKOS

_ECF_MATCH = {"same": SKOS.exactMatch, "renamed": SKOS.closeMatch, "changed": SKOS.closeMatch}


def proficiency_levels(levels: Iterable[dict[str, Any]]) -> list[Triple]:
    """The e-1..e-5 proficiency levels (shared by the e-CF versions) and their scheme."""
    scheme = uri(iris.proficiency_scheme())
    t: list[Triple] = [
        (scheme, RDF.type, SKOS.ConceptScheme),
        (scheme, DCTERMS.title, tagged("Niveaux de maîtrise e-CF", "fr")),
        (scheme, DCTERMS.title, tagged("e-CF proficiency levels", "en")),
    ]
    for lvl in levels:
        n = lvl["level"]
        node = uri(iris.proficiency_level(n))
        t += [
            (node, RDF.type, NG.ProficiencyLevel),
            (node, RDF.type, SKOS.Concept),
            (node, SKOS.notation, plain(f"e-{n}")),
            (node, SKOS.inScheme, scheme),
            (node, SKOS.topConceptOf, scheme),
            (scheme, SKOS.hasTopConcept, node),
            (node, NG.levelNumber, integer(n)),
            *[(node, NG.eqfLevel, integer(e)) for e in lvl["eqf"]],
            *lang_texts(node, SKOS.prefLabel, lvl.get("name") or {"en": f"e-{n}"}),
        ]
    return t


def convert_ecf(data: dict[str, Any]) -> list[Triple]:
    """Triples of one e-CF version (``ecf/ecf-2.0.yaml``): framework, areas, competences with
    their levels, descriptors and K/S examples, the correspondence to the previous version, and
    the proficiency levels."""
    v = data["version"]
    fw = uri(iris.framework(v))
    t: list[Triple] = [
        (fw, RDF.type, NG.CompetenceFramework),
        (fw, RDF.type, SKOS.ConceptScheme),
        (fw, OWL.versionInfo, plain(v)),
        *lang_texts(fw, DCTERMS.title, data.get("title")),
    ]
    for prov in data["provenance"]:
        doc = uri(iris.source_document(source_key(prov["source"], f"ecf-{v.replace('.', '-')}")))
        t += [(fw, DCTERMS.source, doc), (fw, PROV.wasDerivedFrom, doc)]
    for area in data["areas"]:
        node = uri(iris.area(v, area["code"]))
        t += [
            (node, RDF.type, NG.CompetenceArea),
            (node, RDF.type, SKOS.Concept),
            (node, SKOS.notation, plain(area["code"])),
            (node, SKOS.inScheme, fw),
            (node, SKOS.topConceptOf, fw),
            (fw, SKOS.hasTopConcept, node),
            *lang_texts(node, SKOS.prefLabel, area["name"]),
        ]
    t += proficiency_levels(data["levels"])
    previous_versions = set()
    for comp in data["competences"]:
        t += _competence(v, comp)
        if comp.get("previous"):
            previous_versions.add(comp["previous"]["version"])
    t += [(fw, NG.previousVersion, uri(iris.framework(p))) for p in sorted(previous_versions)]
    return t


def _competence(v: str, comp: dict[str, Any]) -> list[Triple]:
    code = comp["code"]
    node = uri(iris.competence(v, code))
    area = uri(iris.area(v, comp["area"]))
    t: list[Triple] = [
        (node, RDF.type, NG.Competence),
        (node, RDF.type, SKOS.Concept),
        (node, SKOS.notation, plain(code)),
        (node, SKOS.inScheme, uri(iris.framework(v))),
        (node, NG.area, area),
        (node, SKOS.broader, area),
        *lang_texts(node, SKOS.prefLabel, comp["name"]),
        *lang_texts(node, SKOS.definition, comp.get("description")),
        *applied_corrections(node, comp.get("corrections")),
    ]
    for pred, key in (
        (NG.admissibleLevel, "levels"),
        (NG.printedLevel, "printed_levels"),
        (NG.notApplicableLevel, "not_applicable"),
    ):
        t += [(node, pred, uri(iris.proficiency_level(n))) for n in comp.get(key) or []]
    for desc in comp.get("level_descriptors") or []:
        d = uri(iris.level_descriptor(v, code, desc["level"]))
        t += [
            (node, NG.hasLevelDescriptor, d),
            (d, RDF.type, NG.LevelDescriptor),
            (d, NG.ofCompetence, node),
            (d, NG.level, uri(iris.proficiency_level(desc["level"]))),
            *lang_texts(d, NG.text, desc["text"]),
            *_descriptor_provenance(d, desc.get("provenance"), f"ecf-{v.replace('.', '-')}"),
        ]
    for key, cls, pred in (
        ("knowledge", NG.KnowledgeExample, NG.hasKnowledge),
        ("skills", NG.SkillExample, NG.hasSkill),
    ):
        for item in comp.get(key) or []:
            k = uri(iris.ks_item(v, code, item["id"]))
            t += [
                (node, pred, k),
                (k, RDF.type, cls),
                (k, SKOS.notation, plain(item["id"])),
                *lang_texts(k, NG.text, item["text"]),
            ]
    if "used_by_cards" in comp:
        t.append((node, NG.usedByCards, boolean(comp["used_by_cards"])))
    previous = comp.get("previous")
    if previous:
        if previous["relation"] == "new" or not previous.get("code"):
            t.append((node, NG.newInVersion, boolean(True)))
        else:
            other = uri(iris.competence(previous["version"], previous["code"]))
            t.append((node, _ECF_MATCH[previous["relation"]], other))
    prov = comp.get("provenance")
    if prov:
        fallback = f"ecf-{v.replace('.', '-')}"
        doc = uri(iris.source_document(source_key(prov["source"], fallback)))
        t += [(node, PROV.wasDerivedFrom, doc), *line_range(node, prov.get("lines"))]
        if prov.get("note"):
            t.append((node, SKOS.editorialNote, tagged(prov["note"], "en")))
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
                uri(iris.source_document(source_key(prov["source"], fallback))),
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
            (
                d,
                SKOS.editorialNote,
                tagged(f"{_LANGUAGE_NAMES.get(lang, lang)} text: {where}", "en"),
            )
        )
    return t
