"""The job page."""

from __future__ import annotations

from typing import Any

from nomengraph.server.i18n import _
from nomengraph.server.pages.store import (
    NG,
    SKOS,
    Term,
    best_labels,
    first,
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
    for row in select("job-sub-items", iri=iri):
        subs.setdefault(row["x"].value, []).append((text_of(row, "pos"), text_of(row, "label")))

    def sub_items(node: str) -> list[str]:
        return [label for _, label in sorted(subs.get(node, []), key=lambda s: natural_key(s[0]))]

    activities: dict[str, dict[str, Any]] = {}
    for row in select("job-activities", iri=iri):
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

    listed: dict[str, list[dict[str, Any]]] = {}
    for r in select("job-list-items", iri=iri):
        listed.setdefault(r["kind"].value, []).append(
            {
                "position": text_of(r, "pos"),
                "label": text_of(r, "label"),
                "href": r["x"].href,
                "subs": sub_items(r["x"].value),
            }
        )

    def positioned(prop: str) -> list[dict[str, Any]]:
        return sorted(listed.get(prop, []), key=lambda i: natural_key(i["position"]))

    requirements = []
    for row in select("job-requirements", iri=iri):
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

    career = select("job-career", iri=iri)
    sources = select("job-sources", iri=iri)
    continued = select("job-continued-by", iri=iri)
    matrix = select("job-matrix-rows", iri=iri)
    more = best_labels(continued, "j")
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
        "deliverables": positioned(NG + "hasDeliverable"),
        "indicators": positioned(NG + "hasPerformanceIndicator"),
        "linked": linked_concepts(iri),
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


# Linked concepts: ESCO occupations (with their ISCO-08 group) and ROME fiches -----------------

MATCH_WORDS = {
    "exactMatch": "exact match",
    "closeMatch": "close match",
    "broadMatch": "broader concept",
    "narrowMatch": "narrower concept",
    "relatedMatch": "related concept",
}
"""How a person reads the SKOS relation from the job to a linked concept."""
_MATCH_ORDER = list(MATCH_WORDS)


def linked_concepts(iri: str) -> dict[str, list[dict[str, Any]]]:
    """The ESCO occupations and ROME fiches the job is mapped to, by label (the page's language,
    else the other), with the match type in words, the ISCO-08 group of each ESCO occupation,
    and where to read more: the concept's own IRI for ESCO (which dereferences), the page the
    data names (rdfs:seeAlso) otherwise, else no link."""
    rows = select("job-links", iri=iri)
    names = {**best_labels(rows, "concept", "mappedLabel"), **best_labels(rows, "concept")}
    isco_names = best_labels(rows, "isco", "iscoLabel")
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        concept, relation = r["concept"].value, r["match"].value.rsplit("#", 1)[-1]
        item = found.setdefault(
            (concept, relation),
            {
                "kind": text_of(r, "kind"),
                "iri": concept,
                "label": names.get(concept, ""),
                "code": text_of(r, "code"),
                "relation": relation,
                "match": _(MATCH_WORDS.get(relation, relation)),
                "href": _outside_link(r),
                "isco": {},
            },
        )
        if r.get("isco") is not None:
            group = r["isco"].value
            item["isco"][group] = {
                "code": text_of(r, "iscoCode"),
                "label": isco_names.get(group, ""),
                "href": group,
            }
    items = sorted(
        found.values(),
        key=lambda i: (
            _MATCH_ORDER.index(i["relation"]) if i["relation"] in _MATCH_ORDER else 9,
            i["label"] or i["code"],
        ),
    )
    for item in items:
        item["isco"] = sorted(item["isco"].values(), key=lambda g: g["code"])
    return {
        "esco": [i for i in items if i["kind"] == "esco"],
        "rome": [i for i in items if i["kind"] == "rome"],
    }


def _outside_link(row: dict[str, Term]) -> str | None:
    if row.get("page") is not None and row["page"].value.startswith(("https://", "http://")):
        return row["page"].value
    concept = row["concept"].value
    if concept.startswith("http://data.europa.eu/esco/"):
        return concept
    return None
