"""Pages of the schemes: job families, editions, e-CF versions (frameworks) and proficiency
levels."""

from __future__ import annotations

import re
from typing import Any

from flask import url_for

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
from nomengraph.server.profiles import edition_key

MAX_COMPARED = 4  # jobs a comparison holds at most


def family_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    """The family's jobs (number, title and a short mission, in the page's language where
    there is a choice), its heatmap and a comparison of its first jobs."""
    rows = select("family-jobs", iri=iri)
    titles = best_labels(rows, "job")
    missions = best_labels(rows, "job", "mission")
    descriptions = best_labels(rows, "job", "description")
    jobs: dict[str, dict[str, Any]] = {}
    for j in rows:
        job = j["job"].value
        if job in jobs:
            continue
        jobs[job] = {
            "href": j["job"].href,
            "number": text_of(j, "no"),
            "title": titles.get(job, ""),
            "mission": short_text(missions.get(job) or descriptions.get(job) or ""),
            "has_card": text_of(j, "card") != "false",
            "required": text_of(j, "required") == "true",
        }
    ordered = sorted(jobs.values(), key=lambda j: natural_key(j["number"]))
    notation = first(props, SKOS + "notation")
    schemes = props.get(SKOS + "inScheme", [])
    edition = edition_key(schemes[0].value) if schemes else ""
    profiled = [j for j in ordered if j["required"]]  # jobs with competences to compare
    compared = [f"{edition}/{j['number']}" for j in profiled[:MAX_COMPARED]]
    return {
        "notation": notation,
        "schemes": [link(t.value, label_map) for t in schemes],
        "jobs": ordered,
        "heatmap": (
            url_for("visuals.heatmap", family=f"{edition}/{notation.value}")
            if edition and notation and profiled
            else None
        ),
        "compare": (
            url_for("visuals.compare", job=compared) if edition and len(compared) >= 2 else None
        ),
        "compared": len(compared),
    }


def short_text(text: str, limit: int = 220) -> str:
    """The first sentence of ``text``, cut at a word before ``limit`` characters (with "…")."""
    text = " ".join(text.split())
    sentence = re.match(r"^(.+?[.!?])(\s|$)", text)
    if sentence and len(sentence.group(1)) <= limit:
        return sentence.group(1)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def edition_context(iri: str, props: dict[str, list[Term]], label_map: dict[str, str]) -> dict:
    """The edition's families with their jobs (titles in the page's language where there is a
    choice), the jobs outside any family, and its heatmap."""
    families = select("edition-families", iri=iri)
    jobs = select("edition-jobs", iri=iri)
    family_titles = best_labels(families, "f")
    job_titles = best_labels(jobs, "job")
    groups: dict[str, dict[str, Any]] = {
        f["f"].value: {
            "href": f["f"].href,
            "number": text_of(f, "no"),
            "title": family_titles.get(f["f"].value, ""),
            "jobs": [],
        }
        for f in families
    }
    loose: list[dict[str, Any]] = []
    seen: set[str] = set()
    requirements = 0
    for j in jobs:
        if j["job"].value in seen:
            continue
        seen.add(j["job"].value)
        count = text_of(j, "reqs")
        requirements += int(count or 0)
        item = {
            "href": j["job"].href,
            "number": text_of(j, "no"),
            "title": job_titles.get(j["job"].value, ""),
            "has_card": text_of(j, "card") != "false",
            "requirements": count,
        }
        family = text_of(j, "family")
        (groups[family]["jobs"] if family in groups else loose).append(item)
    for g in groups.values():
        g["jobs"].sort(key=lambda j: natural_key(j["number"]))
    loose.sort(key=lambda j: natural_key(j["number"]))
    key = edition_key(iri)
    heatmap = url_for("visuals.heatmap", edition=key) if requirements else None
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
        "job_count": len(seen),
        "requirement_count": requirements,
        "heatmap": heatmap,
        "coverage": f"{heatmap}#coverage" if heatmap else None,
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
