"""The e-CF competence page."""

from __future__ import annotations

from typing import Any

from nomengraph.server.i18n import _
from nomengraph.server.pages.store import (
    NG,
    SKOS,
    Link,
    Term,
    best_labels,
    first,
    lang_values,
    level_text,
    link,
    natural_key,
    pick,
    preferred_langs,
    select,
    shorten,
    text_of,
)


def _level_links(props: dict[str, list[Term]], prop: str, label_map: dict[str, str]) -> list[Link]:
    levels = [link(t.value, label_map) for t in props.get(prop, [])]
    return sorted(levels, key=lambda lk: natural_key(lk.text))


def competence_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    descriptors = select("competence-descriptors", iri=iri)
    examples = select("competence-examples", iri=iri)
    matches = select("competence-matches", iri=iri)
    esco = select("competence-esco-skills", iri=iri)
    jobs = select("competence-jobs", iri=iri)
    scheme_labels = best_labels(jobs, "scheme", "schemeLabel")
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
        "areas": [
            Link(a.iri, area_name(a.text), a.href, labelled=a.labelled)
            for a in (link(t.value, label_map) for t in props.get(NG + "area", []))
        ],
        "schemes": [link(t.value, label_map) for t in props.get(SKOS + "inScheme", [])],
        "admissible": _level_links(props, NG + "admissibleLevel", label_map),
        "printed_levels": _level_links(props, NG + "printedLevel", label_map),
        "not_applicable": _level_links(props, NG + "notApplicableLevel", label_map),
        "descriptors": level_descriptors(props, descriptors),
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
                    "relation": _(VERSION_RELATIONS.get(_local(m["rel"].value), "related")),
                }
                for m in matches
            ),
            key=lambda m: (m["version"], natural_key(m["code"])),
        ),
        "esco_skills": esco_skills(esco),
        "new_in_version": (first(props, NG + "newInVersion") or Term("literal", "")).value
        == "true",
        "notes": lang_values(props, SKOS + "editorialNote"),
        "editions": by_edition,
        "job_count": sum(len(e["jobs"]) for e in by_edition),
    }


VERSION_RELATIONS = {
    "exactMatch": "same competence",
    "closeMatch": "renamed or changed",
    "broadMatch": "broader in that version",
    "narrowMatch": "narrower in that version",
    "relatedMatch": "related",
}
"""How a person reads the correspondence between two e-CF versions' competences."""

SKILL_RELATIONS = {
    "exactMatch": "exact match",
    "closeMatch": "close match",
    "broadMatch": "broader skill",
    "narrowMatch": "narrower skill",
    "relatedMatch": "related skill",
}

# French prints capitals without accents (the e-CF area names are printed vertically in
# capitals: DEVELOPPER, GERER); in running text the words take their accents back.
_FRENCH_ACCENTS = {"developper": "développer", "gerer": "gérer"}


def area_name(text: str) -> str:
    """An e-CF area name as printed in capitals ("BUILD", "DEVELOPPER"), in sentence case
    ("Build", "Développer"); a name not all in capitals is left as it is."""
    if not text or text != text.upper():
        return text
    lower = text.lower()
    lower = _FRENCH_ACCENTS.get(lower, lower)
    return lower[:1].upper() + lower[1:]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def level_descriptors(
    props: dict[str, list[Term]], rows: list[dict[str, Term]]
) -> list[dict[str, Any]]:
    """Every admissible level (and any level with a descriptor) with the competence's own
    descriptor, from its own e-CF version only: in the page's language when the descriptor has
    that text, else in the other language (``lang`` says which); none when the sources give no
    descriptor for the level."""
    langs = preferred_langs()
    own: dict[str, list[tuple[Term, str | None]]] = {}
    for r in rows:
        if r.get("text") is None:
            continue
        own.setdefault(text_of(r, "n"), []).append((r["text"], r["d"].href))
    numbers = {_local(t.value).removeprefix("e-") for t in props.get(NG + "admissibleLevel", [])}
    numbers |= set(own)
    out = []
    for n in sorted(numbers, key=natural_key):
        item: dict[str, Any] = {"level": n, "text": "", "lang": "", "href": None}
        if n in own:
            term = pick([t for t, _h in own[n]], langs)
            item.update(text=term.value, lang=term.lang, href=own[n][0][1])
        out.append(item)
    return out


def esco_skills(rows: list[dict[str, Term]]) -> list[dict[str, Any]]:
    """The ESCO skills the competence is mapped to: label in the page's language (else the
    other), match type in words, the skill's own IRI as the link (ESCO IRIs dereference)."""
    names = best_labels(rows, "skill")
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        skill, relation = r["skill"].value, _local(r["rel"].value)
        found.setdefault(
            (skill, relation),
            {
                "href": skill,
                "label": names.get(skill, ""),
                "relation": relation,
                "match": _(SKILL_RELATIONS.get(relation, relation)),
            },
        )
    order = list(SKILL_RELATIONS)
    return sorted(
        found.values(),
        key=lambda s: (order.index(s["relation"]) if s["relation"] in order else 9, s["label"]),
    )
