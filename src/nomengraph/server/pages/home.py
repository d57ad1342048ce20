"""The home page: what the graph is for, a search, the editions and e-CF versions it holds, and
how engineers reach the data."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, url_for

from nomengraph import iris
from nomengraph.server.executor import QueryError
from nomengraph.server.pages import bp
from nomengraph.server.pages.query import queries_dir, read_library
from nomengraph.server.pages.responses import html_page, query_failure
from nomengraph.server.pages.store import (
    Link,
    Term,
    best_labels,
    link,
    local_path,
    natural_key,
    pick,
    properties,
    select,
    text_of,
)
from nomengraph.server.profiles import edition_key, edition_names

DCTERMS = "http://purl.org/dc/terms/"

# Library queries the home page points to, when the library has them (name -> what they answer).
QUERY_LINKS = ("job-matches-2010-2018", "job-changes-2010-2018", "jobs-of-isco-group", "job-rome")


@bp.route("/")
def home() -> Response:
    try:
        context = home_context()
    except QueryError as exc:
        return query_failure(exc, rdf=False)
    return html_page("home.html", **context)


def home_context() -> dict[str, Any]:
    dataset = iris.dataset()
    props = properties(dataset)
    title = pick(props.get(DCTERMS + "title", []))
    description = pick(props.get(DCTERMS + "description", []))
    frameworks = framework_rows(select("home-frameworks"))
    editions = edition_rows(select("home-editions"), frameworks)
    levels = select("home-levels")
    level_labels = best_labels(levels, "l")
    library = {q.name for q in read_library(queries_dir())}
    return {
        "dataset_title": title.value if title else "nomengraph",
        "dataset_description": description.value if description else "",
        "dataset_href": local_path(dataset) if props else None,
        "editions": editions,
        "frameworks": frameworks,
        "levels": sorted(
            (link(lv, level_labels) for lv in {r["l"].value for r in levels}),
            key=lambda lk: natural_key(lk.text),
        ),
        "query_links": {
            name: url_for("pages.library_query", name=name)
            for name in QUERY_LINKS
            if name in library
        },
        "id_space": iris.ID,
    }


def _count(row: dict[str, Term], key: str) -> int:
    try:
        return int(text_of(row, key) or 0)
    except ValueError:
        return 0


def edition_rows(rows: list[dict[str, Term]], frameworks: list[dict[str, Any]]) -> list[dict]:
    """One row per edition, for the table: names, year, counts, e-CF version, heatmap. The
    reference nomenclatures come first, newest first (undated last), then the organisations'."""
    titles = best_labels(rows, "s", "title")
    short = edition_names()
    framework_links = {
        f["link"].iri: Link(f["link"].iri, f"e-CF {f['version']}", f["link"].href, labelled=True)
        for f in frameworks
        if f["version"]
    }
    out = []
    for r in {r["s"].value: r for r in rows}.values():
        iri = r["s"].value
        key = edition_key(iri)
        issued = text_of(r, "issued")[:4]
        requirements = _count(r, "requirements")
        framework = text_of(r, "framework")
        out.append(
            {
                "iri": iri,
                "key": key,
                "href": local_path(iri),
                "name": short.get(iri) or key,
                "title": titles.get(iri, ""),
                "publisher": text_of(r, "publisher"),
                "version": text_of(r, "version"),
                "year": issued,
                "organisation": text_of(r, "organisation") == "true",
                "families": _count(r, "families"),
                "jobs": _count(r, "jobs"),
                "cards": _count(r, "cards"),
                "requirements": requirements,
                "framework": framework_links.get(framework) if framework else None,
                "heatmap": url_for("visuals.heatmap", edition=key) if requirements else None,
            }
        )
    return sorted(out, key=lambda e: (e["organisation"], -_year(e), e["name"].casefold()))


def _year(edition: dict[str, Any]) -> int:
    """The edition's year (its version when that is a year), 0 when it has none."""
    found = re.match(r"^(1[89]|20)[0-9]{2}\b", edition["version"] or edition["year"])
    return int(found.group(0)) if found else 0


def framework_rows(rows: list[dict[str, Term]]) -> list[dict[str, Any]]:
    """One row per e-CF version: its link, version and number of competences, by version."""
    labels = best_labels(rows, "s", "title")
    return sorted(
        (
            {
                "link": link(r["s"].value, labels),
                "version": text_of(r, "version"),
                "competences": _count(r, "competences"),
            }
            for r in {r["s"].value: r for r in rows}.values()
        ),
        key=lambda f: natural_key(f["version"]),
    )
