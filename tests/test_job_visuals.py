"""The job page's pictures: the competence profile (chart and table), the closest jobs by
profile, the changes since the 2010 job a 2018 job continues, and "compare with…"."""

from __future__ import annotations

import pytest
import yaml

from html_dom import Node, chart_name, dom, table_rows
from nomengraph import iris, resources
from nomengraph.server import profiles
from nomengraph.server.charts import Level


@pytest.fixture(scope="module")
def client(reference_app):
    return reference_app.test_client()


def card(edition: str, number: str) -> dict:
    path = resources.CARDS / edition / f"{number}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def levels(edition: str, number: str) -> dict[str, tuple[int, int]]:
    return {
        c["code"]: (c["level_min"], c["level_max"]) for c in card(edition, number)["competences"]
    }


def visuals(app, edition: str, number: str, lang: str = "en") -> dict:
    with app.test_request_context(f"/?lang={lang}"):
        return profiles.job_visuals(iris.job(edition, number))


# Similarity -------------------------------------------------------------------------------------


def test_similarity_is_a_weighted_jaccard_on_competences_and_levels():
    a = {"B.1": Level(3, 3), "E.2": Level(2, 4)}
    assert profiles.similarity(a, a) == 1.0
    assert profiles.similarity(a, {"A.1": Level(3, 3)}) == 0.0
    # B.1 at e-3 against e-4: 3 levels of 4 in common
    assert profiles.similarity({"B.1": Level(3, 3)}, {"B.1": Level(4, 4)}) == 0.75
    # a range counts its upper levels by half: e-2 to e-4 against e-3 is (1+1+½)/(1+1+1+½)
    assert profiles.similarity({"B.1": Level(2, 4)}, {"B.1": Level(3, 3)}) == pytest.approx(
        2.5 / 3.5
    )
    b = {"B.1": Level(3, 4), "C.1": Level(2, 2)}
    assert profiles.similarity(a, b) == profiles.similarity(b, a)
    assert 0 < profiles.similarity(a, b) < 1
    assert (
        profiles.closeness_words(0.8) == "very close" and profiles.closeness_words(0.1) == "distant"
    )


def test_closest_jobs_rank_every_edition_by_profile(reference_app):
    found = visuals(reference_app, "cigref-2018", "5.1")
    closest = found["closest"]
    assert len(closest) == profiles.CLOSEST
    assert all(c.job.iri != iris.job("cigref-2018", "5.1") for c in closest)
    scores = [c.score for c in closest]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    # the scores are the similarity of the cards' profiles
    mine = {k: Level(*v) for k, v in levels("cigref-2018", "5.1").items()}
    for c in closest:
        edition, number = c.job.id.split("/")
        other = {k: Level(*v) for k, v in levels(edition, number).items()}
        assert c.score == pytest.approx(profiles.similarity(mine, other))
        assert c.shared == len(mine.keys() & other.keys())
        assert c.compare_href == f"/compare?job=cigref-2018/5.1&job={c.job.id}"
    # no other job with a card is closer than the fifth
    fifth = scores[-1]
    for edition in ("cigref-2010", "cigref-2018"):
        for path in (resources.CARDS / edition).glob("*.yaml"):
            number = path.stem
            if (edition, number) == ("cigref-2018", "5.1"):
                continue
            other = {k: Level(*v) for k, v in levels(edition, number).items()}
            if other and f"{edition}/{number}" not in {c.job.id for c in closest}:
                assert profiles.similarity(mine, other) <= fifth + 1e-9


def test_the_changes_since_the_2010_job(reference_app):
    found = visuals(reference_app, "cigref-2018", "5.1")
    (diff,) = found["diffs"]
    assert diff["earlier"].id == "cigref-2010/5.1"
    before, after = levels("cigref-2010", "5.1"), levels("cigref-2018", "5.1")
    kinds = {ch.competence.code: ch.kind for ch in diff["changes"]}
    assert set(kinds) == before.keys() | after.keys()
    for code, kind in kinds.items():
        if code not in before:
            assert kind == "added"
        elif code not in after:
            assert kind == "removed"
        elif before[code] == after[code]:
            assert kind == "same"
        else:
            assert kind in ("up", "down", "range")
            lo, hi = after[code][0] - before[code][0], after[code][1] - before[code][1]
            assert kind == (
                "up" if lo >= 0 and hi >= 0 else "down" if lo <= 0 and hi <= 0 else "range"
            )
    # a new job of 2018 continues none
    assert visuals(reference_app, "cigref-2018", "2.6")["diffs"] == []


def test_no_such_job_gives_nothing(reference_app):
    with reference_app.test_request_context("/"):
        assert profiles.job_visuals(iris.job("cigref-2018", "99.9")) == {}


# The job page ---------------------------------------------------------------------------------


def profile_section(page: Node) -> Node:
    return page.one("section", id="profile")


def test_the_job_page_draws_the_profile_with_its_table(client):
    page = dom(client.get("/id/cigref-2018/job/2.6"))
    section = profile_section(page)
    svg = section.one("svg", role="img")
    assert chart_name(svg)[0] == "Competence profile of CIGREF 2018 2.6 · Product Owner"
    expected = levels("cigref-2018", "2.6")
    bars = svg.all("g", class_="bar")
    assert {
        b.attrs["data-code"]: (int(b.attrs["data-low"]), int(b.attrs["data-high"])) for b in bars
    } == expected
    table = section.one("table", id="profile-table")
    assert table.one("caption").text() == "Competence profile of CIGREF 2018 2.6 · Product Owner"
    rows = {
        cells[1].one("span", class_="code").text(): cells[2].text() for cells in table_rows(table)
    }
    assert rows == {
        code: f"e-{lo}" if lo == hi else f"e-{lo} – e-{hi}" for code, (lo, hi) in expected.items()
    }
    # grouped by e-CF area, in area order
    areas = [g.attrs["data-area"] for g in svg.all("g", class_="area")]
    assert areas == sorted(set(areas)) == sorted({c[0] for c in expected})


def test_the_job_page_lists_the_closest_jobs_and_compares(client):
    page = dom(client.get("/id/cigref-2018/job/2.6"))
    items = page.one("ol", class_="closest").all("li")
    assert len(items) == profiles.CLOSEST
    for item in items:
        job_link, compare_link = item.all("a")
        assert job_link.attrs["href"].startswith("/id/")
        assert compare_link.attrs["href"].startswith("/compare?job=cigref-2018/2.6&job=")
        assert item.one("span", class_="closeness").text().endswith("%)")
    form = page.one("form", class_="compare-form")
    assert form.attrs["action"] == "/compare"
    assert [i.attrs["value"] for i in form.all("input", type="hidden")] == ["cigref-2018/2.6"]
    assert form.one("input", type="text").attrs["data-search-pick"] == "job"


def test_the_job_page_shows_what_changed_since_2010(client):
    page = dom(client.get("/id/cigref-2018/job/5.1"))
    section = page.one("section", id="changes-since-1")
    assert section.one("h2").text() == "What changed since CIGREF 2010"
    svg = section.one("svg", role="img")
    assert "chart-diff" in svg.classes()
    table = section.one("table")
    before, after = levels("cigref-2010", "5.1"), levels("cigref-2018", "5.1")
    rows = {cells[0].one("span", class_="code").text(): cells for cells in table_rows(table)}
    assert set(rows) == before.keys() | after.keys()
    for code, cells in rows.items():
        assert (cells[1].text() == "—") == (code not in before)
        assert (cells[2].text() == "—") == (code not in after)
        change = {
            g.attrs["data-code"]: g.attrs["data-change"] for g in svg.all("g", class_="change")
        }
        assert f"change-{change[code]}" in cells[3].classes()
    # a job without requirements: the section says so, no chart, no closest jobs
    page = dom(client.get("/id/cigref-2018/job/9.4"))
    assert not profile_section(page).all("svg")
    assert profile_section(page).one("p", class_="note").text()
    assert not page.all("section", id="closest")


def test_the_job_page_in_french(reference_app):
    client = reference_app.test_client()  # its own: ?lang=fr is remembered in a cookie
    page = dom(client.get("/id/cigref-2018/job/5.1?lang=fr"))
    assert profile_section(page).one("h2").text() == "Profil de compétences"
    assert page.one("section", id="closest").one("h2").text() == "Métiers les plus proches"
    assert page.one("section", id="changes-since-1").one("h2").text() == (
        "Ce qui a changé depuis CIGREF 2010"
    )


def test_area_names_in_sentence_case_in_the_frames_language(reference_app):
    with reference_app.test_request_context("/?lang=fr"):
        names = profiles.area_names()
    assert names["B"] == "Développer" and names["E"] == "Gérer" and names["A"] == "Planifier"
    with reference_app.test_request_context("/?lang=en"):
        assert profiles.area_names() == {
            "A": "Plan",
            "B": "Build",
            "C": "Run",
            "D": "Enable",
            "E": "Manage",
        }
