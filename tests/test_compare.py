"""/compare: 2 to 4 jobs side by side, checked against the cards; bad requests are 400s that
say what is wrong, in HTML, JSON or plain text."""

from __future__ import annotations

import json

import pytest
import yaml

from html_dom import Node, chart_name, dom, parse_html, table_rows
from nomengraph import iris, resources


@pytest.fixture(scope="module")
def client(reference_app):
    return reference_app.test_client()


def card(edition: str, number: str) -> dict:
    path = resources.CARDS / edition / f"{number}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def level_text(low: int, high: int) -> str:
    return f"e-{low}" if low == high else f"e-{low} – e-{high}"


def card_levels(edition: str, number: str) -> dict[str, str]:
    return {
        c["code"]: level_text(c["level_min"], c["level_max"])
        for c in card(edition, number)["competences"]
    }


def compare_table(page: Node) -> tuple[list[Node], dict[str, list[str]], dict[str, list[str]]]:
    """The job column headings, and code -> levels of the shared and the differing rows."""
    table = page.one("table", id="compare-table")
    headings = table.one("thead").all("th")[1:]
    groups: dict[str, dict[str, list[str]]] = {}
    for body in table.all("tbody"):
        rows = {}
        for cells in table_rows(Node("table", children=[body])):
            if len(cells) == 1:  # the group's heading or its "none" line
                continue
            code = cells[0].one("span", class_="code").text()
            rows[code] = [c.text() for c in cells[1:]]
        groups[body.attrs["class"]] = rows
    return headings, groups["shared"], groups["differing"]


def test_two_jobs_side_by_side_match_their_cards(client):
    page = dom(client.get("/compare?job=cigref-2018/2.6&job=cigref-2018/5.1"))
    first, second = card("cigref-2018", "2.6"), card("cigref-2018", "5.1")
    headings, shared, differing = compare_table(page)
    assert [h.one("a").text() for h in headings] == [first["title"], second["title"]]
    assert [h.one("a").attrs["href"] for h in headings] == [
        "/id/cigref-2018/job/2.6",
        "/id/cigref-2018/job/5.1",
    ]
    a, b = card_levels("cigref-2018", "2.6"), card_levels("cigref-2018", "5.1")
    assert set(shared) == a.keys() & b.keys() and shared  # D.11 at least
    for code, levels in shared.items():
        assert levels == [a[code], b[code]]
    assert set(differing) == a.keys() ^ b.keys()
    for code, levels in differing.items():
        assert levels == [a.get(code, "—"), b.get(code, "—")]
    assert page.one("h1").text() == f"{first['title']} · {second['title']}"


def test_the_overlaid_profiles_chart_has_a_bar_per_requirement(client):
    page = dom(client.get("/compare?job=cigref-2018/2.6&job=cigref-2018/5.1"))
    svg = page.one("svg", role="img")
    assert "chart-overlay" in svg.classes()
    title, desc = chart_name(svg)
    assert title.startswith("Competence profiles of") and desc
    bars = svg.all("g", class_="bar")
    a, b = card_levels("cigref-2018", "2.6"), card_levels("cigref-2018", "5.1")
    assert len(bars) == len(a) + len(b)
    assert {(g.attrs["data-series"], g.attrs["data-code"]) for g in bars} == {
        *(("0", c) for c in a),
        *(("1", c) for c in b),
    }
    legend = [item.text() for item in svg.all("g", class_="legend-item")]
    assert legend == ["CIGREF 2018 2.6 · Product Owner", "CIGREF 2018 5.1 · Assistant fonctionnel"]
    # the chart's data table is on the page with a caption
    assert page.one("table", id="compare-table").one("caption").text()


def test_jobs_by_iri_title_and_across_editions(client):
    url = (
        f"/compare?job={iris.job('cigref-2018', '5.1')}&job=cigref-2010:5.1"
        "&job=product%20owner&job=Data%20Scientist"
    )
    page = dom(client.get(url))
    headings, shared, differing = compare_table(page)
    assert [h.one("span", class_="secondary").text() for h in headings] == [
        "CIGREF 2018 5.1",
        "CIGREF 2010 5.1",
        "CIGREF 2018 2.6",
        "CIGREF 2018 8.1",
    ]
    # 4 jobs: the form to add one more is gone; each job can be removed
    assert not page.all("form", class_="compare-form")
    removes = [h.one("a", class_="remove").attrs["href"] for h in headings]
    assert removes[0] == "/compare?job=cigref-2010/5.1&job=cigref-2018/2.6&job=cigref-2018/8.1"
    levels = [card_levels(*key) for key in (("cigref-2018", "5.1"), ("cigref-2010", "5.1"))]
    levels += [card_levels("cigref-2018", "2.6"), card_levels("cigref-2018", "8.1")]
    assert set(shared) | set(differing) == set().union(*levels)
    assert set(shared) == set.intersection(*(set(lv) for lv in levels))


def test_the_compare_form_adds_a_job(client):
    page = dom(client.get("/compare?job=cigref-2018/2.6&job=cigref-2018/5.1"))
    form = page.one("form", class_="compare-form")
    assert form.attrs["action"] == "/compare" and form.attrs.get("method") == "get"
    hidden = [i.attrs["value"] for i in form.all("input", type="hidden")]
    assert hidden == ["cigref-2018/2.6", "cigref-2018/5.1"]
    picker = form.one("input", type="text")
    assert picker.attrs["name"] == "job" and picker.attrs["data-search-pick"] == "job"
    label = form.one("label")
    assert label.attrs["for"] == picker.attrs["id"]


def test_json_comparison(client):
    response = client.get(
        "/compare?job=cigref-2018/2.6&job=cigref-2018/5.1", headers={"Accept": "application/json"}
    )
    assert response.status_code == 200 and response.mimetype == "application/json"
    doc = response.get_json()
    assert [j["id"] for j in doc["jobs"]] == ["cigref-2018/2.6", "cigref-2018/5.1"]
    d11 = next(c for c in doc["competences"] if c["code"] == "D.11")
    assert d11["shared"] is True
    assert (
        d11["levels"]["cigref-2018/2.6"]["max"] == 5
        and d11["levels"]["cigref-2018/5.1"]["max"] == 3
    )


def error_text(response, status: int = 400) -> tuple[Node, str]:
    page = dom(response, status)
    box = page.one("div", class_="error-box")
    return box, box.one("p", class_="error").text()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Compare 2 to 4 jobs: none was given."),
        ("?job=cigref-2018/2.6", "Compare 2 to 4 jobs: 1 was given."),
        ("?job=cigref-2018/2.6&job=cigref-2018/2.6", "Compare 2 to 4 jobs: 1 was given."),
        ("?job=cigref-2018/2.6&job=&job=%20", "Compare 2 to 4 jobs: 1 was given."),
        (
            "?job=cigref-2018/2.6&job=cigref-2018/5.1&job=cigref-2018/8.1&job=cigref-2018/8.2"
            "&job=cigref-2018/8.3",
            "Compare 2 to 4 jobs: 5 were given.",
        ),
    ],
)
def test_two_to_four_jobs(client, query, message):
    box, text = error_text(client.get("/compare" + query))
    assert text == message
    # the page still offers the form to choose the jobs
    page = dom(client.get("/compare" + query), 400)
    assert page.all("input", data_search_pick="job")


def test_an_unknown_job_gets_the_closest(client):
    box, text = error_text(client.get("/compare?job=cigref-2018/2.66&job=cigref-2018/5.1"))
    assert text == "No job cigref-2018/2.66 in the graph."
    offered = {a.text(): a.attrs["href"] for a in box.all("a")}
    assert offered["CIGREF 2018 2.6 · Product Owner"] == (
        "/compare?job=cigref-2018/2.6&job=cigref-2018/5.1"
    )
    # an organisation's job is a job like any other: unknown here, not malformed
    box, text = error_text(client.get("/compare?job=acme/2.1&job=cigref-2018/5.1"))
    assert text == "No job acme/2.1 in the graph."
    # a title nobody bears: the closest titles
    box, text = error_text(client.get("/compare?job=data%20scienist&job=cigref-2018/5.1"))
    assert text == "No job titled “data scienist”."
    assert "CIGREF 2018 8.1 · Data Scientist" in [a.text() for a in box.all("a")]


def test_the_form_keeps_only_the_jobs_given_rightly(client):
    page = dom(client.get("/compare?job=cigref-2018/2.6&job=nothing%20like%20it"), 400)
    form = page.one("form", class_="compare-form")
    assert [i.attrs["value"] for i in form.all("input", type="hidden")] == ["cigref-2018/2.6"]


def test_bad_values_are_400_and_escaped(client):
    hostile = "<script>alert(1)</script>"
    response = client.get("/compare", query_string={"job": [hostile, "cigref-2018/5.1"]})
    box, text = error_text(response)
    assert text == f"No job titled “{hostile}”."
    # the value is text on the page, never an element
    assert all(
        s.attrs.get("src") for s in parse_html(response.get_data(as_text=True)).all("script")
    )
    box, text = error_text(client.get("/compare", query_string={"job": ["x" * 1000, "y"]}))
    assert "too long" in text
    box, text = error_text(client.get(f"/compare?job={iris.ID}cigref-2018/job/&job=a"))
    assert text.startswith("No job titled")


def test_errors_as_json_and_plain_text(client):
    response = client.get(
        "/compare?job=cigref-2018/2.66&job=cigref-2018/5.1",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400 and response.mimetype == "application/json"
    doc = json.loads(response.get_data(as_text=True))
    assert doc["error"] == "No job cigref-2018/2.66 in the graph."
    assert "cigref-2018/2.6" in [c["id"] for c in doc["closest"]]
    response = client.get("/compare?job=cigref-2018/2.6", headers={"Accept": "text/plain"})
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("400 Compare 2 to 4 jobs: 1 was given.")


def test_french_frame(reference_app):
    client = reference_app.test_client()  # its own: ?lang=fr is remembered in a cookie
    page = dom(client.get("/compare?job=cigref-2018/2.6&job=cigref-2018/5.1&lang=fr"))
    table = page.one("table", id="compare-table")
    groups = [th.text() for th in table.all("th", scope="colgroup")]
    assert groups == ["Requises par tous les métiers (1)", "Requises par certains d'entre eux (15)"]
    assert page.one("h2").text() == "Comparer avec…"
    # competence names in the frame's language where the e-CF version has them
    rows = {
        cells[0].one("span", class_="code").text(): cells[0].text()
        for cells in table_rows(table)
        if len(cells) > 1
    }
    assert rows["D.11"] == "D.11 Identification des besoins"


# An organisation's edition ------------------------------------------------------------------


@pytest.fixture(scope="module")
def acme_client(tmp_path_factory):
    """The application over three 2018 jobs, the e-CF data and the example organisation's
    edition (tests/fixtures/editions/acme)."""
    import shutil
    from pathlib import Path

    from nomengraph.build import run_build
    from nomengraph.server import create_app

    root = tmp_path_factory.mktemp("acme-compare")
    cards = root / "cards"
    (cards / "cigref-2018").mkdir(parents=True)
    shutil.copytree(resources.CARDS / "ecf", cards / "ecf")
    for number in ("2.6", "5.1", "8.3"):
        shutil.copy(resources.CARDS / "cigref-2018" / f"{number}.yaml", cards / "cigref-2018")
    acme = Path(__file__).parent / "fixtures" / "editions" / "acme"
    assert run_build(cards, root / "store", editions=[acme]).report.conforms
    app = create_app(store=root / "store", processes=1)
    yield app.test_client()
    app.extensions["nomengraph"].close()


def acme_levels() -> dict[str, str]:
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "editions" / "acme" / "2.1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {c["code"]: level_text(c["level_min"], c["level_max"]) for c in data["competences"]}


def test_an_organisations_job_compares_with_the_reference(acme_client):
    page = dom(acme_client.get("/compare?job=acme/2.1&job=cigref-2018/5.1"))
    headings, shared, differing = compare_table(page)
    assert [h.one("a").text() for h in headings] == [
        "Administrateur systèmes",
        "Assistant fonctionnel",
    ]
    assert headings[0].one("a").attrs["href"] == "/id/acme/job/2.1"
    a, b = acme_levels(), card_levels("cigref-2018", "5.1")
    assert {code: levels for code, levels in shared.items()} == {
        code: [a[code], b[code]] for code in a.keys() & b.keys()
    }
    assert set(differing) == a.keys() ^ b.keys()
    # and its edition has a heatmap
    heat = dom(acme_client.get("/heatmap?edition=acme"))
    table = heat.one("table", id="matrix-table")
    rows = {cells[0].text().split()[0]: cells for cells in table_rows(table)}
    assert "2.1" in rows
