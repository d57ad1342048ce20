"""The e-CF competence page."""

from __future__ import annotations

from typing import Any

from nomengraph.server.pages.store import (
    NG,
    SKOS,
    Link,
    Term,
    first,
    labels,
    lang_values,
    level_text,
    link,
    natural_key,
    select,
    shorten,
    text_of,
)


def _level_links(props: dict[str, list[Term]], prop: str, label_map: dict[str, str]) -> list[Link]:
    levels = [link(t.value, label_map) for t in props.get(prop, [])]
    return sorted(levels, key=lambda lk: natural_key(lk.text))


def competence_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    descriptors = select(
        f"SELECT DISTINCT ?d ?n ?text WHERE {{ GRAPH ?g {{ <{iri}> ng:hasLevelDescriptor ?d . "
        "?d ng:level ?l OPTIONAL { ?d ng:text ?text } } GRAPH ?g2 { ?l ng:levelNumber ?n } }"
    )
    examples = select(
        f"SELECT DISTINCT ?x ?kind ?code ?text WHERE {{ GRAPH ?g {{ "
        f'{{ <{iri}> ng:hasKnowledge ?x BIND("K" AS ?kind) }} UNION '
        f'{{ <{iri}> ng:hasSkill ?x BIND("S" AS ?kind) }} '
        "OPTIONAL { ?x skos:notation ?code } OPTIONAL { ?x ng:text ?text } } }"
    )
    matches = select(
        f"SELECT DISTINCT ?m ?rel ?code ?version WHERE {{ GRAPH ?g {{ "
        f"{{ <{iri}> ?rel ?m }} UNION {{ ?m ?rel <{iri}> }} "
        "FILTER(?rel IN (skos:exactMatch, skos:closeMatch)) } "
        "OPTIONAL { GRAPH ?g1 { ?m skos:notation ?code } } "
        "OPTIONAL { GRAPH ?g2 { ?m skos:inScheme ?s } GRAPH ?g3 { ?s owl:versionInfo ?version } } }"
    )
    jobs = select(
        "SELECT DISTINCT ?job ?jobNo ?jobLabel ?scheme ?c ?code ?version ?printed ?minN ?maxN "
        "?desc WHERE { "
        f"{{ BIND(<{iri}> AS ?c) }} UNION "
        f"{{ GRAPH ?g0 {{ <{iri}> skos:exactMatch|skos:closeMatch ?c }} }} UNION "
        f"{{ GRAPH ?g0 {{ ?c skos:exactMatch|skos:closeMatch <{iri}> }} }} "
        "GRAPH ?g { ?r a ng:CompetenceRequirement ; ng:competence ?c ; ng:job ?job "
        "OPTIONAL { ?r ng:levelAsPrinted ?printed } OPTIONAL { ?r ng:descriptorAsPrinted ?desc } "
        "OPTIONAL { ?r ng:minLevel ?min } OPTIONAL { ?r ng:maxLevel ?max } } "
        "GRAPH ?gj { ?job skos:inScheme ?scheme OPTIONAL { ?job skos:notation ?jobNo } "
        "OPTIONAL { ?job skos:prefLabel ?jobLabel } } "
        "OPTIONAL { GRAPH ?g1 { ?c skos:notation ?code } } "
        "OPTIONAL { GRAPH ?g2 { ?c skos:inScheme ?cs } "
        "GRAPH ?g3 { ?cs owl:versionInfo ?version } } "
        "OPTIONAL { GRAPH ?g4 { ?min ng:levelNumber ?minN } } "
        "OPTIONAL { GRAPH ?g5 { ?max ng:levelNumber ?maxN } } }"
    )
    scheme_labels = labels({r["scheme"].value for r in jobs})
    editions: dict[str, dict[str, Any]] = {}
    for r in jobs:
        scheme = r["scheme"].value
        group = editions.setdefault(scheme, {"link": link(scheme, scheme_labels), "jobs": {}})
        key = r["job"].value
        group["jobs"].setdefault(
            key,
            {
                "href": r["job"].href,
                "number": text_of(r, "jobNo"),
                "title": text_of(r, "jobLabel"),
                "code": text_of(r, "code"),
                "version": text_of(r, "version"),
                "via": r["c"].href if r["c"].value != iri else None,
                "levels": level_text(r),
                "printed": text_of(r, "printed"),
                "descriptor": text_of(r, "desc"),
            },
        )
    by_edition = [
        {
            "link": g["link"],
            "jobs": sorted(g["jobs"].values(), key=lambda j: natural_key(j["number"])),
        }
        for _, g in sorted(editions.items())
    ]
    return {
        "notation": first(props, SKOS + "notation"),
        "names": lang_values(props, SKOS + "prefLabel"),
        "definitions": lang_values(props, SKOS + "definition"),
        "areas": [link(t.value, label_map) for t in props.get(NG + "area", [])],
        "schemes": [link(t.value, label_map) for t in props.get(SKOS + "inScheme", [])],
        "admissible": _level_links(props, NG + "admissibleLevel", label_map),
        "printed_levels": _level_links(props, NG + "printedLevel", label_map),
        "not_applicable": _level_links(props, NG + "notApplicableLevel", label_map),
        "descriptors": sorted(
            (
                {"level": text_of(d, "n"), "text": text_of(d, "text"), "href": d["d"].href}
                for d in descriptors
            ),
            key=lambda d: natural_key(d["level"]),
        ),
        "knowledge": sorted(
            (
                {"code": text_of(x, "code"), "text": text_of(x, "text"), "href": x["x"].href}
                for x in examples
                if text_of(x, "kind") == "K"
            ),
            key=lambda x: natural_key(x["code"]),
        ),
        "skills": sorted(
            (
                {"code": text_of(x, "code"), "text": text_of(x, "text"), "href": x["x"].href}
                for x in examples
                if text_of(x, "kind") == "S"
            ),
            key=lambda x: natural_key(x["code"]),
        ),
        "matches": sorted(
            (
                {
                    "href": m["m"].href,
                    "code": text_of(m, "code") or shorten(m["m"].value),
                    "version": text_of(m, "version"),
                    "relation": "same competence"
                    if m["rel"].value.endswith("exactMatch")
                    else "renamed or changed",
                }
                for m in matches
            ),
            key=lambda m: (m["version"], natural_key(m["code"])),
        ),
        "new_in_version": (first(props, NG + "newInVersion") or Term("literal", "")).value
        == "true",
        "notes": lang_values(props, SKOS + "editorialNote"),
        "editions": by_edition,
        "job_count": sum(len(e["jobs"]) for e in by_edition),
    }
