"""The job page."""

from __future__ import annotations

from typing import Any

from nomengraph.server.pages.store import (
    NG,
    SKOS,
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


def job_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    # Printed order: every list item has its rank under its parent (ng:position).
    subs: dict[str, list[tuple[str, str]]] = {}
    for row in select(
        f"SELECT DISTINCT ?x ?s ?pos ?label WHERE {{ GRAPH ?g {{ <{iri}> (ng:hasActivityGroup/"
        "ng:hasTask|ng:hasDeliverable|ng:hasPerformanceIndicator|ng:hasCareerPath) ?x . "
        "?x ng:hasSubItem ?s OPTIONAL { ?s ng:position ?pos } OPTIONAL { ?s rdfs:label ?label } } }"
    ):
        subs.setdefault(row["x"].value, []).append((text_of(row, "pos"), text_of(row, "label")))

    def sub_items(node: str) -> list[str]:
        return [label for _, label in sorted(subs.get(node, []), key=lambda s: natural_key(s[0]))]

    activities: dict[str, dict[str, Any]] = {}
    for row in select(
        f"SELECT ?a ?pos ?heading ?note ?t ?tpos ?task WHERE {{ GRAPH ?g {{ <{iri}> "
        "ng:hasActivityGroup ?a OPTIONAL { ?a ng:position ?pos } "
        "OPTIONAL { ?a rdfs:label ?heading } OPTIONAL { ?a ng:note ?note } "
        "OPTIONAL { ?a ng:hasTask ?t OPTIONAL { ?t ng:position ?tpos } "
        "OPTIONAL { ?t rdfs:label ?task } } } }"
    ):
        group = activities.setdefault(
            row["a"].value,
            {
                "iri": row["a"].value,
                "href": row["a"].href,
                "position": text_of(row, "pos"),
                "heading": text_of(row, "heading"),
                "note": text_of(row, "note"),
                "tasks": {},
            },
        )
        if row.get("t") is not None:
            group["tasks"][row["t"].value] = (text_of(row, "tpos"), text_of(row, "task"))
    ordered_activities = sorted(activities.values(), key=lambda g: natural_key(g["position"]))
    for group in ordered_activities:
        tasks = sorted(group["tasks"].items(), key=lambda t: natural_key(t[1][0]))
        group["tasks"] = [{"text": text, "subs": sub_items(t)} for t, (_, text) in tasks]

    def positioned(prop: str) -> list[dict[str, Any]]:
        rows = select(
            f"SELECT DISTINCT ?x ?pos ?label WHERE {{ GRAPH ?g {{ <{iri}> {prop} ?x "
            "OPTIONAL { ?x ng:position ?pos } OPTIONAL { ?x rdfs:label ?label } } }"
        )
        items = [
            {
                "position": text_of(r, "pos"),
                "label": text_of(r, "label"),
                "href": r["x"].href,
                "subs": sub_items(r["x"].value),
            }
            for r in rows
        ]
        return sorted(items, key=lambda i: natural_key(i["position"]))

    requirements = []
    for row in select(
        f"SELECT ?r ?c ?code ?nameFr ?nameEn ?minN ?maxN ?printed ?desc ?doubtful ?comment "
        f"WHERE {{ GRAPH ?g {{ <{iri}> ng:hasRequirement ?r . "
        "OPTIONAL { ?r ng:competence ?c } OPTIONAL { ?r ng:levelAsPrinted ?printed } "
        "OPTIONAL { ?r ng:descriptorAsPrinted ?desc } OPTIONAL { ?r ng:doubtful ?doubtful } "
        "OPTIONAL { ?r rdfs:comment ?comment } "
        "OPTIONAL { ?r ng:minLevel ?min } OPTIONAL { ?r ng:maxLevel ?max } } "
        "OPTIONAL { GRAPH ?g1 { ?c skos:notation ?code } } "
        'OPTIONAL { GRAPH ?g2 { ?c skos:prefLabel ?nameFr FILTER(LANG(?nameFr) = "fr") } } '
        'OPTIONAL { GRAPH ?g3 { ?c skos:prefLabel ?nameEn FILTER(LANG(?nameEn) = "en") } } '
        "OPTIONAL { GRAPH ?g4 { ?min ng:levelNumber ?minN } } "
        "OPTIONAL { GRAPH ?g5 { ?max ng:levelNumber ?maxN } } }"
    ):
        competence = row.get("c")
        code = text_of(row, "code") or (shorten(competence.value) if competence else "")
        requirements.append(
            {
                "href": row["r"].href,
                "competence_href": competence.href if competence else None,
                "code": code,
                "name": text_of(row, "nameFr") or text_of(row, "nameEn"),
                "name_en": text_of(row, "nameEn") if text_of(row, "nameFr") else "",
                "levels": level_text(row),
                "printed": text_of(row, "printed"),
                "descriptor": text_of(row, "desc"),
                "doubtful": text_of(row, "doubtful") == "true",
                "comment": text_of(row, "comment"),
            }
        )
    unique = {(r["href"], r["code"]): r for r in requirements}
    requirements = sorted(unique.values(), key=lambda r: natural_key(r["code"]))

    career = select(
        f"SELECT ?c ?education ?experience WHERE {{ GRAPH ?g {{ <{iri}> ng:hasCareerPath ?c "
        "OPTIONAL { ?c ng:education ?education } OPTIONAL { ?c ng:experience ?experience } } }"
    )
    sources = select(
        f"SELECT ?s ?file ?first ?last WHERE {{ GRAPH ?g {{ <{iri}> prov:wasDerivedFrom ?s }} "
        "GRAPH ?g2 { ?s ng:sourceFile ?file OPTIONAL { ?s ng:firstLine ?first } "
        "OPTIONAL { ?s ng:lastLine ?last } } }"
    )
    continued = select(f"SELECT ?j WHERE {{ GRAPH ?g {{ ?j ng:continues <{iri}> }} }}")
    matrix = select(f"SELECT ?m WHERE {{ GRAPH ?g {{ ?m a ng:MatrixRow ; ng:job <{iri}> }} }}")
    more = labels([r["j"].value for r in continued])
    return {
        "notation": first(props, SKOS + "notation"),
        "alt_labels": lang_values(props, SKOS + "altLabel"),
        "schemes": [link(t.value, label_map) for t in props.get(SKOS + "inScheme", [])],
        "families": [link(t.value, label_map) for t in props.get(NG + "family", [])],
        "has_card": (first(props, NG + "hasCard") or Term("literal", "true")).value == "true",
        "descriptions": lang_values(props, "http://purl.org/dc/terms/description"),
        "missions": lang_values(props, NG + "mission"),
        "activities": ordered_activities,
        "requirements": requirements,
        "deliverables": positioned("ng:hasDeliverable"),
        "indicators": positioned("ng:hasPerformanceIndicator"),
        "career": [
            {
                "education": text_of(r, "education"),
                "experience": text_of(r, "experience"),
                "experience_subs": sub_items(r["c"].value),
            }
            for r in career
        ],
        "trends": lang_values(props, NG + "trends"),
        "change_status": [link(t.value, label_map) for t in props.get(NG + "changeStatus", [])],
        "previous_number": first(props, NG + "previousNumber"),
        "previous_titles": lang_values(props, NG + "previousTitle"),
        "change_notes": lang_values(props, NG + "changeNote"),
        "continues": [link(t.value, label_map) for t in props.get(NG + "continues", [])],
        "continued_by": [link(r["j"].value, more) for r in continued],
        "matrix_rows": [link(r["m"].value) for r in matrix],
        "sources": [
            {
                "file": text_of(r, "file"),
                "first": text_of(r, "first"),
                "last": text_of(r, "last"),
                "href": r["s"].href,
            }
            for r in sources
        ],
        "corrections": [t.value for t in props.get(NG + "appliedCorrection", [])],
    }
