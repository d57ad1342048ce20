"""Pages of the schemes: job families, editions, e-CF versions (frameworks) and proficiency
levels."""

from __future__ import annotations

from typing import Any

from nomengraph.server.pages.store import (
    NG,
    SKOS,
    Term,
    first,
    labels,
    lang_values,
    link,
    natural_key,
    select,
    text_of,
)


def family_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    jobs = select(
        f"SELECT DISTINCT ?job ?no ?label ?card WHERE {{ GRAPH ?g {{ ?job ng:family <{iri}> "
        "OPTIONAL { ?job skos:notation ?no } OPTIONAL { ?job skos:prefLabel ?label } "
        "OPTIONAL { ?job ng:hasCard ?card } } }"
    )
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
    families = select(
        f"SELECT DISTINCT ?f ?no ?label WHERE {{ GRAPH ?g {{ ?f a ng:JobFamily ; "
        f"skos:inScheme <{iri}> OPTIONAL {{ ?f skos:notation ?no }} "
        "OPTIONAL { ?f skos:prefLabel ?label } } }"
    )
    jobs = select(
        f"SELECT ?job ?no ?label ?card ?family (COUNT(DISTINCT ?r) AS ?reqs) WHERE {{ GRAPH ?g {{ "
        f"?job a ng:Job ; skos:inScheme <{iri}> OPTIONAL {{ ?job skos:notation ?no }} "
        "OPTIONAL { ?job skos:prefLabel ?label } OPTIONAL { ?job ng:hasCard ?card } "
        "OPTIONAL { ?job ng:family ?family } OPTIONAL { ?job ng:hasRequirement ?r } } } "
        "GROUP BY ?job ?no ?label ?card ?family"
    )
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
    rows = select(
        f"SELECT DISTINCT ?c ?code ?nameFr ?nameEn ?area ?used WHERE {{ GRAPH ?g {{ "
        f"?c a ng:Competence ; skos:inScheme <{iri}> OPTIONAL {{ ?c skos:notation ?code }} "
        "OPTIONAL { ?c ng:area ?area } OPTIONAL { ?c ng:usedByCards ?used } "
        'OPTIONAL { ?c skos:prefLabel ?nameFr FILTER(LANG(?nameFr) = "fr") } '
        'OPTIONAL { ?c skos:prefLabel ?nameEn FILTER(LANG(?nameEn) = "en") } } }'
    )
    area_rows = select(
        f"SELECT DISTINCT ?a ?code WHERE {{ GRAPH ?g {{ ?a a ng:CompetenceArea ; "
        f"skos:inScheme <{iri}> OPTIONAL {{ ?a skos:notation ?code }} }} }}"
    )
    area_labels = labels([a["a"].value for a in area_rows])
    areas = {
        a["a"].value: {
            "href": a["a"].href,
            "code": text_of(a, "code"),
            "title": area_labels.get(a["a"].value, ""),
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
    rows = select(
        f"SELECT DISTINCT ?c ?code ?version WHERE {{ GRAPH ?g {{ ?c ng:admissibleLevel <{iri}> "
        "OPTIONAL { ?c skos:notation ?code } OPTIONAL { ?c skos:inScheme ?s } } "
        "OPTIONAL { GRAPH ?g2 { ?s owl:versionInfo ?version } } }"
    )
    counts = select(
        f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ GRAPH ?g {{ ?r a ng:CompetenceRequirement "
        f"{{ ?r ng:minLevel <{iri}> }} UNION {{ ?r ng:maxLevel <{iri}> }} }} }}"
    )
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
