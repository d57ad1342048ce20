"""/heatmap: the job × competence matrix of an edition or a family, checked against the cards
and the 2010 annex-1 matrix card; the coverage of the e-CF areas; bad requests."""

from __future__ import annotations

import pytest
import yaml

from html_dom import Node, chart_name, dom, table_rows
from nomengraph import resources


@pytest.fixture(scope="module")
def client(reference_app):
    return reference_app.test_client()


def cards(edition: str) -> dict[str, dict]:
    found = {}
    for path in sorted((resources.CARDS / edition).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[data["number"]] = data
    return found


def matrix_card() -> dict:
    path = resources.CARDS / "matrix" / "cigref-2010-annex1.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def matrix_table(page: Node) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The column codes, and job number -> code -> the level written in the cell."""
    table = page.one("table", id="matrix-table")
    codes = [th.text() for th in table.one("thead").all("th")[1:]]
    rows = {}
    for cells in table_rows(table):
        number = cells[0].text().split()[0]
        assert number not in rows, f"job {number} twice"
        rows[number] = {code: c.text() for code, c in zip(codes, cells[1:], strict=True)}
    return codes, rows


def test_the_2010_matrix_as_the_annex_prints_it(client):
    page = dom(client.get("/heatmap?edition=cigref-2010"))
    codes, rows = matrix_table(page)
    annex = matrix_card()
    assert codes == annex["codes"]  # every e-CF 2.0 competence, in the annex's order
    jobs = cards("cigref-2010")
    assert sorted(rows) == sorted(jobs) and len(rows) == 33  # one row per 2010 job
    aligned = [r for r in annex["rows"] if r["aligned"]]
    assert len(aligned) >= 25
    for row in aligned:  # where the annex reads against the card, the same levels
        cells = rows[row["number"]]
        assert {c: v for c, v in cells.items() if v} == row["levels"], row["number"]
    for number, job in jobs.items():  # every row: the card's printed levels, nothing else
        expected = {c["code"]: c["level"] for c in job["competences"]}
        assert {c: v for c, v in rows[number].items() if v} == expected, number


def test_the_heatmap_chart_draws_one_cell_per_requirement(client):
    page = dom(client.get("/heatmap?edition=cigref-2010"))
    svg = page.one("svg", class_="chart-heatmap")
    assert all(chart_name(svg))
    jobs = cards("cigref-2010")
    assert len(svg.all("g", class_="row")) == len(jobs)
    cells = svg.all("g", class_="cell")
    assert len(cells) == sum(len(j["competences"]) for j in jobs.values())
    by_iri = {
        (c.attrs["data-key"].rsplit("/", 1)[-1], c.attrs["data-code"]): c.one("text").text()
        for c in cells
    }
    for number, job in jobs.items():
        for c in job["competences"]:
            assert by_iri[(number, c["code"])] == c["level"]
    # the families of the edition as bands, in order
    bands = [g.text() for g in svg.all("g", class_="group")]
    assert [b.split(" · ")[0] for b in bands] == ["1", "2", "3", "4", "5", "6", "7"]


def test_2018_has_every_job_including_those_without_a_card(client):
    page = dom(client.get("/heatmap?edition=cigref-2018"))
    codes, rows = matrix_table(page)
    jobs = cards("cigref-2018")
    assert sorted(rows) == sorted(jobs) and len(rows) == 50
    without = {n for n, j in jobs.items() if not j["has_card"]}
    assert without and all(not any(rows[n].values()) for n in without)
    table = page.one("table", id="matrix-table")
    marked = {
        cells[0].text().split()[0]
        for cells in table_rows(table)
        if cells[0].all("span", class_="note")
    }
    assert marked == without
    for number, job in jobs.items():
        expected = {c["code"]: c["level"] for c in job["competences"]}
        assert {c: v for c, v in rows[number].items() if v} == expected, number


def test_a_family_heatmap(client):
    page = dom(client.get("/heatmap?family=cigref-2018/2"))
    codes, rows = matrix_table(page)
    family = {n: j for n, j in cards("cigref-2018").items() if j["family"]["number"] == "2"}
    assert sorted(rows) == sorted(family)
    used = {c["code"] for j in family.values() for c in j["competences"]}
    assert set(codes) == used  # a family shows the competences its jobs require
    assert "Management de projets" in page.one("h1").text()
    # the family IRI names it too
    same = dom(client.get("/heatmap?family=https://w3id.org/nomengraph/id/cigref-2018/family/2"))
    assert matrix_table(same) == (codes, rows)


def test_coverage_of_the_areas(client):
    page = dom(client.get("/heatmap?edition=cigref-2018"))
    table = page.one("table", id="coverage-table")
    assert table.one("caption").text()
    jobs = [j for j in cards("cigref-2018").values() if j["competences"]]
    got = {cells[0].text()[0]: (cells[1].text(), cells[2].text()) for cells in table_rows(table)}
    assert sorted(got) == ["A", "B", "C", "D", "E"]
    for area, (job_text, competence_text) in got.items():
        requiring = [j for j in jobs if any(c["code"][0] == area for c in j["competences"])]
        used = {c["code"] for j in jobs for c in j["competences"] if c["code"][0] == area}
        assert job_text == f"{len(requiring)} of {len(jobs)}"
        assert competence_text.startswith(f"{len(used)} of ")
    chart = page.one("svg", class_="chart-coverage")
    bars = chart.all("g", class_="bar")
    assert [b.attrs["data-area"] for b in bars] == ["A", "B", "C", "D", "E"]
    assert all(b.attrs["data-total"] == str(len(jobs)) for b in bars)


def test_an_edition_without_competences(client):
    page = dom(client.get("/heatmap?edition=sic"))
    assert "nothing to draw" in page.one("p", class_="note").text()
    assert not page.all("svg")


def test_the_list_of_heatmaps(client):
    page = dom(client.get("/heatmap"))
    links = {a.text(): a.attrs["href"] for a in page.one("ul", class_="heatmap-index").all("a")}
    assert links["CIGREF 2010"] == "/heatmap?edition=cigref-2010"
    assert links["2 · Management de projets"] == "/heatmap?family=cigref-2018/2"


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?edition=cigref-2019", 404, "No edition cigref-2019 in the graph."),
        ("?edition=%3Cb%3E", 400, "“<b>” is not an edition key (lower case, e.g. cigref-2018)."),
        (
            "?edition=cigref-2018&family=cigref-2018/2",
            400,
            "Give an edition or a family, not both.",
        ),
        ("?family=cigref-2018/12", 404, "No family 12 in CIGREF 2018."),
        ("?family=cigref-2018", 400, None),
        ("?family=nope/2", 404, "No edition nope in the graph."),
        ("?edition=" + "x" * 400, 400, None),
    ],
)
def test_bad_requests(client, query, status, message):
    page = dom(client.get("/heatmap" + query), status)
    text = page.one("div", class_="error-box").one("p", class_="error").text()
    if message:
        assert text == message
    if query == "?edition=cigref-2019":
        links = [a.attrs["href"] for a in page.one("div", class_="error-box").all("a")]
        assert "/heatmap?edition=cigref-2018" in links


def test_errors_in_plain_text(client):
    response = client.get("/heatmap?edition=cigref-2019", headers={"Accept": "text/plain"})
    assert response.status_code == 404 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("404 No edition cigref-2019 in the graph.")


def test_french_frame(reference_app):
    client = reference_app.test_client()  # its own: ?lang=fr is remembered in a cookie
    page = dom(client.get("/heatmap?edition=cigref-2018&lang=fr"))
    assert page.one("section", id="coverage").one("h2").text() == "Couverture des domaines e-CF"
    table = page.one("table", id="coverage-table")
    profiled = [j for j in cards("cigref-2018").values() if j["competences"]]
    assert table_rows(table)[0][1].text().endswith(f" sur {len(profiled)}")


def test_family_and_edition_pages_show_their_heatmap(client):
    page = dom(client.get("/id/cigref-2018/family/2"))
    section = page.one("section", id="heatmap")
    codes, rows = matrix_table(section)
    family = {n: j for n, j in cards("cigref-2018").items() if j["family"]["number"] == "2"}
    assert sorted(rows) == sorted(family)
    assert section.one("svg", class_="chart-heatmap") and section.one(
        "svg", class_="chart-coverage"
    )
    assert [a.attrs["href"] for a in section.one("p").all("a")] == ["/heatmap?family=cigref-2018/2"]
    page = dom(client.get("/id/scheme/cigref-2010"))
    codes, rows = matrix_table(page.one("section", id="heatmap"))
    assert codes == matrix_card()["codes"] and len(rows) == 33
    # an edition without competences shows no heatmap
    assert not dom(client.get("/id/scheme/sic")).all("section", id="heatmap")


def test_the_heatmap_as_json(client):
    response = client.get("/heatmap?edition=cigref-2010", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    doc = response.get_json()
    assert [c["code"] for c in doc["competences"]] == matrix_card()["codes"]
    jobs = cards("cigref-2010")
    assert sorted(j["number"] for j in doc["jobs"]) == sorted(jobs)
    for job in doc["jobs"]:
        expected = {c["code"]: c["level"] for c in jobs[job["number"]]["competences"]}
        assert {code: lv["printed"] for code, lv in job["levels"].items()} == expected
    assert [a["area"] for a in doc["coverage"]] == ["A", "B", "C", "D", "E"]
    response = client.get("/heatmap?edition=cigref-2019", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "No edition cigref-2019 in the graph.",
        "closest": response.get_json()["closest"],
    }
    assert "cigref-2018" in response.get_json()["closest"]
