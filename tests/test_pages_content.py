"""What a person reads on the pages of the reference build: e-CF competences (levels with their
descriptors, the area by name, the other e-CF versions apart from the ESCO skills) and the
concepts a job is mapped to, by label, never as a raw IRI."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from html_dom import dom, table_rows
from nomengraph import resources

ID = "https://w3id.org/nomengraph/id/"
LINKED_IRI = re.compile(
    r"^\s*https?://(data\.europa\.eu/esco/|w3id\.org/nomengraph/id/(rome|onet)/)"
)
ANY_LINKED_IRI = re.compile(
    r"https?://(data\.europa\.eu/esco/|w3id\.org/nomengraph/id/(rome|onet)/)"
)  # anywhere in a text: an ESCO occupation or skill, an ISCO-08 group, a ROME fiche, O*NET


class Page(HTMLParser):
    """The elements of a page with their text: each element's id and class, the text inside it,
    the links (href, text); every visible text node."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.stack: list[dict] = []
        self.elements: list[dict] = []
        self.texts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr", "source"):
            return
        parent = self.stack[-1] if self.stack else None
        element = {"tag": tag, "attrs": dict(attrs), "text": [], "parent": parent}
        self.stack.append(element)
        self.elements.append(element)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._skip -= 1
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                element = self.stack.pop(i)
                del self.stack[i:]
                if tag == "a" and "href" in element["attrs"]:
                    self.links.append((element["attrs"]["href"], "".join(element["text"]).strip()))
                return

    def handle_data(self, data):
        if self._skip:
            return
        if data.strip():
            self.texts.append(data.strip())
        for element in self.stack:
            element["text"].append(data)

    def by_id(self, ident: str) -> dict:
        found = [e for e in self.elements if e["attrs"].get("id") == ident]
        assert found, f"no element #{ident}"
        return found[0]

    def inside(self, ident: str, tag: str) -> list[str]:
        """The texts of the ``tag`` elements inside the element #ident."""
        target = self.by_id(ident)
        out = []
        for e in self.elements:
            if e["tag"] != tag:
                continue
            up = e["parent"]
            while up is not None and up is not target:
                up = up["parent"]
            if up is target:
                out.append(text_of(e))
        return out


def text_of(element: dict) -> str:
    return " ".join("".join(element["text"]).split())


@pytest.fixture(scope="module")
def client(reference_app):
    return reference_app.test_client()


def page(client, path: str, lang: str = "en") -> Page:
    response = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
    assert response.status_code == 200, (path, response.status_code)
    return Page(response.get_data(as_text=True))


def ecf_data(version: str) -> dict[str, dict]:
    """The competences of the e-CF data file the reference build is made from, by code."""
    path = resources.CARDS / "ecf" / f"ecf-{version}.yaml"
    return {c["code"]: c for c in yaml.safe_load(path.read_text(encoding="utf-8"))["competences"]}


def descriptor_rows(client, path: str, lang: str) -> list[tuple[str, str, str | None]]:
    """(level, descriptor text, its lang attribute) of each row of the levels table."""
    response = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
    table = dom(response).one("section", id="levels").one("table")
    return [(th.text(), td.text(), td.attrs.get("lang")) for th, td in table_rows(table)]


# The e-CF 3.0 B.1 level descriptors (sources/ecf-3.0-levels.csv, lines 24-26; e-CF CWA 16234-1
# © CEN) and e-3 as the CIGREF 2018 cards print it (© CIGREF).
B1_EN = {
    "e-1": "Acts under guidance to develop, test and document applications.",
    "e-2": "Systematically develops and validates applications.",
    "e-3": "Acts creatively to develop applications and to select appropriate technical options. "
    "Accounts for others development activities. Optimizes application development, maintenance "
    "and performance by employing design patterns and by reusing proved solutions.",
}
B1_FR_3 = (
    "Développe des applications et choisit les options techniques appropriées, de manière "
    "créative. Prend part à d'autres activités de développement."
)


def test_b1_lists_every_admissible_level_with_its_e_cf_3_descriptor(client):
    rows = descriptor_rows(client, "/id/ecf/3.0/competence/B.1", "en")
    assert rows == [(n, text, "en") for n, text in B1_EN.items()]


def test_b1_in_french_prints_the_card_text_where_a_card_prints_one_else_the_english(client):
    rows = descriptor_rows(client, "/id/ecf/3.0/competence/B.1", "fr")
    assert rows == [
        ("e-1", B1_EN["e-1"], "en"),
        ("e-2", B1_EN["e-2"], "en"),
        ("e-3", B1_FR_3, "fr"),
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_e_cf_3_competence_page_gives_each_admissible_level_its_own_descriptor(client, lang):
    """No level of an e-CF 3.0 competence without a descriptor, none from e-CF 4.0: the text is
    the 3.0 one in the page's language where there is one, else the other language's."""
    for code, comp in ecf_data("3.0").items():
        rows = descriptor_rows(client, f"/id/ecf/3.0/competence/{code}", lang)
        assert [level for level, _t, _l in rows] == [f"e-{n}" for n in comp["levels"]], code
        for (_level, text, tag), d in zip(rows, comp["level_descriptors"], strict=True):
            want = lang if lang in d["text"] else "en"
            assert (text, tag) == (d["text"][want], want), (code, d["level"])
            assert "e-CF 4.0" not in text


def test_e_cf_4_competence_pages_give_their_own_4_0_descriptors(client):
    """In English only (no French e-CF 4.0), also on a French page; D.7 is new in 4.0."""
    four = ecf_data("4.0")
    for code in ("B.1", "E.1", "D.7"):
        rows = descriptor_rows(client, f"/id/ecf/4.0/competence/{code}", "fr")
        expected = [
            (f"e-{d['level']}", d["text"]["en"], "en") for d in four[code]["level_descriptors"]
        ]
        assert rows == expected, code


def test_area_by_name_in_sentence_case(client):
    def facts(lang: str) -> str:
        p = page(client, "/id/ecf/3.0/competence/B.1", lang)
        return " ".join(text_of(e) for e in p.elements if e["attrs"].get("class") == "facts")

    assert "Build" in facts("en") and "BUILD" not in facts("en")
    assert "Développer" in facts("fr") and "DEVELOPPER" not in facts("fr")
    framework = [text_of(e) for e in page(client, "/id/ecf/3.0").elements if e["tag"] == "h2"]
    assert any("Plan" in h for h in framework) and not any("PLAN" in h for h in framework)


def test_other_versions_are_e_cf_only_and_esco_skills_have_their_own_section(client):
    p = page(client, "/id/ecf/3.0/competence/B.1")
    others = text_of(p.by_id("other-versions"))
    assert "B.1 (e-CF 2.0)" in others
    assert "esco" not in others.lower()
    skills = p.inside("esco-skills", "li")
    assert skills and all(not LINKED_IRI.match(s) for s in skills)
    assert all(re.search(r"(exact|close|broader|narrower|related)", s) for s in skills)
    hrefs = [h for h, _ in p.links if h.startswith("http://data.europa.eu/esco/skill/")]
    assert hrefs and all(text and not text.startswith("http") for h, text in p.links if h in hrefs)


def test_job_page_names_its_esco_occupation_isco_group_and_rome_fiche(client):
    p = page(client, "/id/cigref-2018/job/2.6")
    section = p.by_id("linked")
    text = text_of(section)
    assert "ESCO occupations" in text and "ROME fiches" in text and "ISCO-08 group" in text
    rows = p.inside("linked", "tr")[1:]
    assert any(re.search(r"\b(exact|close) match\b", r) for r in rows)
    esco_links = [(h, t) for h, t in p.links if h.startswith("http://data.europa.eu/esco/")]
    assert esco_links and all(t and not t.startswith("http") for _, t in esco_links)
    assert any(re.match(r"^[0-9]{4} ", t) for h, t in esco_links if "/isco/" in h)
    fr = text_of(page(client, "/id/cigref-2018/job/2.6", "fr").by_id("linked"))
    assert "Professions ESCO" in fr and "correspondance" in fr


def _jobs(client) -> list[str]:
    home = page(client, "/id/scheme/cigref-2018")
    paths = set()
    for edition in ("cigref-2010", "cigref-2018", "sic"):
        for href, _ in page(client, f"/id/scheme/{edition}").links:
            if re.match(rf"^/id/{edition}/job/[0-9.]+$", href):
                paths.add(href)
    assert home.links
    return sorted(paths)


def test_no_job_page_shows_a_linked_concept_as_a_raw_iri(client):
    jobs = _jobs(client)
    assert len(jobs) > 100  # every job of the three reference editions
    for path in jobs:
        raw = [t for t in page(client, path).texts if LINKED_IRI.match(t)]
        assert not raw, (path, raw[:3])


def test_labels_follow_the_page_language_then_the_other_then_any(reference_app):
    from nomengraph.server.pages import store

    both = "http://data.europa.eu/esco/occupation/9e2e6e1e-363b-4e1b-a673-7bc0f7343300"
    english_only = "http://data.europa.eu/esco/occupation/1619d7f3-7d95-407c-a20e-47745bfcde73"
    french_only = ID + "cigref-2010/job/4.5"
    found = {}
    for lang in ("en", "fr"):
        with reference_app.test_request_context("/", headers={"Accept-Language": lang}):
            found[lang] = store.labels([both, english_only, french_only])
    assert found["en"][both] == "ICT system administrator"
    assert found["fr"][both].startswith("administrateur de systèmes informatiques")
    for lang in ("en", "fr"):
        assert found[lang][english_only] == "data protection officer"
        assert found[lang][french_only] == "Administrateur de bases de données"


# Families, editions, e-CF versions, home and search ------------------------------------------


def _paths(client, path: str, pattern: str) -> list[str]:
    return sorted({h for h, _ in page(client, path).links if re.match(pattern, h)})


def test_no_other_page_shows_a_linked_concept_as_a_raw_iri(client):
    editions = _paths(client, "/", r"^/id/scheme/[a-z0-9-]+$")
    assert {"/id/scheme/cigref-2010", "/id/scheme/cigref-2018", "/id/scheme/sic"} <= set(editions)
    families = sorted(
        {f for e in editions for f in _paths(client, e, r"^/id/[a-z0-9-]+/family/[0-9.]+$")}
    )
    assert len(families) == 16  # 7 families in 2010, 9 in 2018, none in SIC
    frameworks = [
        f for f in ("/id/ecf/3.0", "/id/ecf/4.0") if f in _paths(client, "/", "^/id/ecf/")
    ]
    assert "/id/ecf/3.0" in frameworks
    competences = sorted(
        {c for f in frameworks for c in _paths(client, f, rf"^{f}/competence/[A-E]\.[0-9]+$")}
    )
    assert len(competences) >= 40
    searches = ["/search?q=developpeur", "/search?q=data+sci", "/search?q=architecte+entreprise"]
    for path in ["/", *editions, *families, *competences, *searches]:
        for lang in ("en", "fr"):
            raw = [t for t in page(client, path, lang).texts if ANY_LINKED_IRI.search(t)]
            assert not raw, (path, lang, raw[:3])


def test_family_page_lists_its_jobs_with_title_and_mission(client):
    p = page_dom(client, "/id/cigref-2018/family/2")
    assert p.one("dd", id="job-count").text() == "7"
    rows = table_rows(p.one("section", id="family-jobs").one("table"))
    assert [r[0].text() for r in rows] == ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"]
    product_owner = {r[0].text(): r for r in rows}["2.6"]
    assert product_owner[1].text() == "Product Owner"
    assert product_owner[1].one("a").attrs["href"] == "/id/cigref-2018/job/2.6"
    mission = product_owner[2].text()
    assert 20 < len(mission) <= 221 and "produit" in mission
    assert all(r[2].text() for r in rows)  # every job of the family has a card with a mission
    links = [a.attrs["href"] for a in p.one("dd", id="family-pictures").all("a")]
    assert links[0] == "/heatmap?family=cigref-2018/2"
    compare = parse_qs(urlsplit(links[1]).query)
    assert urlsplit(links[1]).path == "/compare"
    assert compare["job"] == [
        "cigref-2018/2.1",
        "cigref-2018/2.2",
        "cigref-2018/2.3",
        "cigref-2018/2.4",
    ]
    french = page_dom(client, "/id/cigref-2018/family/2", "fr")
    assert french.one("section", id="family-jobs").one("h2").text() == "Métiers de cette famille"


def test_family_without_competences_offers_no_pictures(client):
    p = page_dom(client, "/id/cigref-2018/family/8")  # the data jobs are known without a card
    rows = table_rows(p.one("section", id="family-jobs").one("table"))
    assert "Data Scientist" in [r[1].all("a")[0].text() for r in rows]
    assert not p.all("dd", id="family-pictures")
    assert any("no card" in r[1].text() for r in rows)


def test_edition_page_lists_families_with_their_job_counts_and_its_pictures(client):
    p = page_dom(client, "/id/scheme/cigref-2018")
    toc = p.one("nav", id="edition-families").all("li")
    assert len(toc) == 9
    counted = 0
    for i, item in enumerate(toc, 1):
        n = int(re.search(r"([0-9]+) jobs$", item.text()).group(1))
        section = p.one("section", id=f"family-{i}")
        assert len(table_rows(section.one("table"))) == n
        counted += n
    assert counted == 50
    assert p.one("dd", id="edition-counts").text() == "9 families, 50 jobs"
    links = [a.attrs["href"] for a in p.one("dd", id="edition-pictures").all("a")]
    assert links == ["/heatmap?edition=cigref-2018", "/heatmap?edition=cigref-2018#coverage"]
    sic = page_dom(client, "/id/scheme/sic")
    assert sic.one("dd", id="edition-counts").text() == "not grouped into families, 44 jobs"
    assert not sic.one("dd", id="edition-pictures").all("a")
    assert len(table_rows(sic.one("section", id="edition-jobs").one("table"))) == 44
    french = page_dom(client, "/id/scheme/sic", "fr")
    assert french.one("dd", id="edition-counts").text() == "pas de familles, 44 métiers"


def test_home_page_of_the_reference_build(client):
    p = page_dom(client, "/")
    rows = {
        r[0].all("a")[0].text(): r for r in table_rows(p.one("section", id="editions").one("table"))
    }
    assert list(rows) == ["CIGREF 2018", "CIGREF 2010", "SIC"]
    sic = [c.text() for c in rows["SIC"]]
    assert sic[1] == "not dated in the source"
    assert sic[2] == "not grouped into families"
    assert sic[3] == "44" and sic[5] == "none"
    assert [c.text() for c in rows["CIGREF 2010"]][1:4] == ["2010", "7", "33"]
    fr = {
        r[0].all("a")[0].text(): r
        for r in table_rows(page_dom(client, "/", "fr").one("section", id="editions").one("table"))
    }
    assert fr["SIC"][2].text() == "pas de familles"


def page_dom(client, path: str, lang: str = "en"):
    return dom(client.get(path, headers={"Accept": "text/html", "Accept-Language": lang}))
