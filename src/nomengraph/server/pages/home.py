"""The home page."""

from __future__ import annotations

from flask import Response

from nomengraph import iris
from nomengraph.server.executor import QueryError
from nomengraph.server.pages import bp
from nomengraph.server.pages.responses import html_page, query_failure
from nomengraph.server.pages.store import (
    labels,
    link,
    local_path,
    natural_key,
    pick,
    properties,
    select,
    text_of,
)

# Home -----------------------------------------------------------------------------------------


@bp.route("/")
def home() -> Response:
    try:
        context = home_context()
    except QueryError as exc:
        return query_failure(exc, rdf=False)
    return html_page("home.html", **context)


def home_context() -> dict:
    dataset = iris.dataset()
    props = properties(dataset)
    editions = select(
        "SELECT ?s (SAMPLE(?v) AS ?version) (COUNT(DISTINCT ?job) AS ?jobs) "
        "(COUNT(DISTINCT ?card) AS ?cards) WHERE { GRAPH ?g { ?s a ng:Nomenclature "
        "OPTIONAL { ?s owl:versionInfo ?v } "
        "OPTIONAL { ?job a ng:Job ; skos:inScheme ?s "
        "OPTIONAL { ?job ng:hasCard true BIND(?job AS ?card) } } } } GROUP BY ?s"
    )
    families = {
        r["s"].value: text_of(r, "n")
        for r in select(
            "SELECT ?s (COUNT(DISTINCT ?f) AS ?n) WHERE { GRAPH ?g { ?f a ng:JobFamily ; "
            "skos:inScheme ?s } } GROUP BY ?s"
        )
    }
    requirements = {
        r["s"].value: text_of(r, "n")
        for r in select(
            "SELECT ?s (COUNT(DISTINCT ?r) AS ?n) WHERE { GRAPH ?g { ?job skos:inScheme ?s ; "
            "ng:hasRequirement ?r } } GROUP BY ?s"
        )
    }
    frameworks = select(
        "SELECT ?s (SAMPLE(?v) AS ?version) (COUNT(DISTINCT ?c) AS ?competences) WHERE { "
        "GRAPH ?g { ?s a ng:CompetenceFramework OPTIONAL { ?s owl:versionInfo ?v } "
        "OPTIONAL { ?c a ng:Competence ; skos:inScheme ?s } } } GROUP BY ?s"
    )
    levels = select(
        "SELECT ?l ?n WHERE { GRAPH ?g { ?l a ng:ProficiencyLevel "
        "OPTIONAL { ?l ng:levelNumber ?n } } }"
    )
    scheme_labels = labels([r["s"].value for r in editions] + [r["s"].value for r in frameworks])
    level_labels = labels([r["l"].value for r in levels])
    en = ("en", "", "fr")
    title = pick(props.get("http://purl.org/dc/terms/title", []), en)
    description = pick(props.get("http://purl.org/dc/terms/description", []), en)
    return {
        "dataset_title": title.value if title else "nomengraph",
        "dataset_description": description.value if description else "",
        "dataset_href": local_path(dataset) if props else None,
        "editions": sorted(
            (
                {
                    "link": link(r["s"].value, scheme_labels),
                    "version": text_of(r, "version"),
                    "jobs": text_of(r, "jobs"),
                    "cards": text_of(r, "cards"),
                    "families": families.get(r["s"].value, "0"),
                    "requirements": requirements.get(r["s"].value, "0"),
                }
                for r in editions
            ),
            key=lambda e: e["link"].iri,
        ),
        "frameworks": sorted(
            (
                {
                    "link": link(r["s"].value, scheme_labels),
                    "version": text_of(r, "version"),
                    "competences": text_of(r, "competences"),
                }
                for r in frameworks
            ),
            key=lambda f: natural_key(f["version"]),
        ),
        "levels": sorted(
            (link(r["l"].value, level_labels) for r in levels), key=lambda lk: natural_key(lk.text)
        ),
    }
