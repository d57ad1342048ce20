"""The home page."""

from __future__ import annotations

from flask import Response

from nomengraph import iris
from nomengraph.server.executor import QueryError
from nomengraph.server.pages import bp
from nomengraph.server.pages.responses import html_page, query_failure
from nomengraph.server.pages.store import (
    best_labels,
    link,
    local_path,
    natural_key,
    pick,
    preferred_langs,
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
    editions = select("home-editions")
    frameworks = select("home-frameworks")
    levels = select("home-levels")
    scheme_labels = {
        **best_labels(editions, "s", "title"),
        **best_labels(frameworks, "s", "title"),
    }
    level_labels = best_labels(levels, "l")
    en = preferred_langs()
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
                    "key": r["s"].value.rsplit("/", 1)[-1],
                    "version": text_of(r, "version") or text_of(r, "issued")[:4],
                    "jobs": text_of(r, "jobs"),
                    "cards": text_of(r, "cards"),
                    "families": text_of(r, "families") or "0",
                    "requirements": text_of(r, "requirements") or "0",
                }
                for r in {r["s"].value: r for r in editions}.values()
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
                for r in {r["s"].value: r for r in frameworks}.values()
            ),
            key=lambda f: natural_key(f["version"]),
        ),
        "levels": sorted(
            (link(lv, level_labels) for lv in {r["l"].value for r in levels}),
            key=lambda lk: natural_key(lk.text),
        ),
    }
