"""Pages of the schemes: job families, editions, e-CF versions (frameworks) and proficiency
levels."""

from __future__ import annotations

from typing import Any

from nomengraph.server.pages.competence import area_name
from nomengraph.server.pages.store import (
    NG,
    SKOS,
    Term,
    best_labels,
    first,
    lang_values,
    link,
    natural_key,
    select,
    text_of,
)


def family_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    jobs = select("family-jobs", iri=iri)
    return {
        "notation": first(props, SKOS + "notation"),
        "schemes": [link(t.value, label_map) for t in props.get(SKOS + "inScheme", [])],
        "jobs": sorted(
            (
                {
                    "href": j["job"].href,
                    "number": text_of(j, "no"),
                    "title": text_of(j, "label"),
                    "has_card": text_of(j, "card") != "false",
                }
                for j in jobs
            ),
            key=lambda j: natural_key(j["number"]),
        ),
    }


def edition_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    families = select("edition-families", iri=iri)
    jobs = select("edition-jobs", iri=iri)
    groups: dict[str, dict[str, Any]] = {
        f["f"].value: {
            "href": f["f"].href,
            "number": text_of(f, "no"),
            "title": text_of(f, "label"),
            "jobs": [],
        }
        for f in families
    }
    loose: list[dict[str, Any]] = []
    for j in jobs:
        item = {
            "href": j["job"].href,
            "number": text_of(j, "no"),
            "title": text_of(j, "label"),
            "has_card": text_of(j, "card") != "false",
            "requirements": text_of(j, "reqs"),
        }
        family = text_of(j, "family")
        (groups[family]["jobs"] if family in groups else loose).append(item)
    for g in groups.values():
        g["jobs"].sort(key=lambda j: natural_key(j["number"]))
    loose.sort(key=lambda j: natural_key(j["number"]))
    return {
        "titles": lang_values(props, "http://purl.org/dc/terms/title"),
        "version": first(props, "http://www.w3.org/2002/07/owl#versionInfo"),
        "issued": first(props, "http://purl.org/dc/terms/issued"),
        "publishers": [t.value for t in props.get("http://purl.org/dc/terms/publisher", [])],
        "frameworks": [link(t.value, label_map) for t in props.get(NG + "usesFramework", [])],
        "sources": [
            link(t.value, label_map) for t in props.get("http://purl.org/dc/terms/source", [])
        ],
        "families": sorted(groups.values(), key=lambda g: natural_key(g["number"])),
        "loose_jobs": loose,
        "job_count": len({j["job"].value for j in jobs}),
    }


def framework_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    rows = select("framework-competences", iri=iri)
    area_rows = select("framework-areas", iri=iri)
    area_labels = best_labels(area_rows, "a")
    areas = {
        a["a"].value: {
            "href": a["a"].href,
            "code": text_of(a, "code"),
            "title": area_name(area_labels.get(a["a"].value, "")),
            "competences": {},
        }
        for a in area_rows
    }
    for r in rows:
        area = areas.setdefault(
            text_of(r, "area"), {"href": None, "code": "", "title": "", "competences": {}}
        )
        area["competences"].setdefault(
            r["c"].value,
            {
                "href": r["c"].href,
                "code": text_of(r, "code"),
                "name": text_of(r, "nameFr"),
                "name_en": text_of(r, "nameEn"),
                "used": text_of(r, "used") == "true",
            },
        )
    ordered = []
    for a in sorted(areas.values(), key=lambda a: natural_key(a["code"])):
        a["competences"] = sorted(a["competences"].values(), key=lambda c: natural_key(c["code"]))
        ordered.append(a)
    return {
        "titles": lang_values(props, "http://purl.org/dc/terms/title"),
        "version": first(props, "http://www.w3.org/2002/07/owl#versionInfo"),
        "previous": [link(t.value, label_map) for t in props.get(NG + "previousVersion", [])],
        "areas": ordered,
    }


def level_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    rows = select("level-competences", iri=iri)
    counts = select("level-requirements", iri=iri)
    versions: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        versions.setdefault(text_of(r, "version"), []).append(
            {"href": r["c"].href, "code": text_of(r, "code")}
        )
    return {
        "notation": first(props, SKOS + "notation"),
        "number": first(props, NG + "levelNumber"),
        "eqf": sorted((t.value for t in props.get(NG + "eqfLevel", [])), key=natural_key),
        "schemes": [link(t.value, label_map) for t in props.get(SKOS + "inScheme", [])],
        "versions": [
            (v, sorted(cs, key=lambda c: natural_key(c["code"])))
            for v, cs in sorted(versions.items())
        ],
        "requirement_count": text_of(counts[0], "n") if counts else "0",
    }
