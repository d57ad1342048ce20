"""Search: the index and its ranking on the reference build, GET /search in JSON and HTML, bad
input, and the index following a new store generation."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from nomengraph import iris, resources
from nomengraph.server.acronyms import acronyms
from nomengraph.server.search_index import SearchIndex, fold, words

ID = iris.ID
JSON = {"Accept": "application/json"}

# Each query with the answer a person expects first, decided from the reference data (the
# cards' labels) before the ranking was run on it. "key" is the item's key: <edition>/<number>
# for a job, the e-CF code for a competence, the IRI otherwise.
RANKING = [
    # the examples of the issue
    ("developeur", "cigref-2018/3.2"),  # Concepteur-Développeur, with a typo
    ("data sci", "cigref-2018/8.1"),  # Data Scientist, typed halfway
    ("architecte entreprise", "cigref-2018/1.6"),  # Architecte d'Entreprise
    ("B.1", "B.1"),  # the e-CF competence
    ("2.6", "cigref-2018/2.6"),
    ("cigref-2018/2.6", "cigref-2018/2.6"),
    # more, French and English
    ("scrum", "cigref-2018/2.5"),
    ("product owner", "cigref-2018/2.6"),
    ("RSSI", "cigref-2018/6.3"),
    ("M1805", iris.rome("M1805")),  # a ROME fiche by its code
    ("administrateur base de donnees", "cigref-2018/4.5"),
    ("DBA", "cigref-2010/4.5"),  # an English other name of the 2010 job
    ("Chief Data", "cigref-2018/8.3"),
    ("testeur", "cigref-2018/3.3"),
    ("project manager", "cigref-2010/2.3"),  # an English other name
    ("E.8", "E.8"),
    ("gestion de la securite", "E.8"),  # Gestion de la sécurité de l'information
    ("urbaniste", "cigref-2018/1.2"),
    # acronyms of titles, which no card prints (server/acronyms.py)
    ("DSI", "cigref-2018/7.1"),  # Directeur des systèmes d'information, not "... de la DSI"
    ("DPD", "cigref-2018/8.5"),  # Délégué à la protection des données
    ("CIO", "cigref-2010/7.1"),  # Chief Information Officer, an English other name
]
# Checked once the ranking was settled, and never used to tune it (see the report in
# docs/pages.md): how the ranking does on queries it was not fitted to.
HELD_OUT = [
    ("webmaster", "sic/44"),  # Webmestre
    ("green it", "cigref-2018/1.7"),
    ("coach agile", "cigref-2018/2.4"),
    ("acheteur", "cigref-2018/9.2"),
    ("technicien support", "cigref-2018/5.2"),
    ("protection des donnees", "cigref-2018/8.5"),
    ("cybersecurite", "cigref-2018/6.1"),
    ("data engineer", "cigref-2018/8.4"),
    ("D.10", "D.10"),
    ("sic/19", "sic/19"),
    ("integrateur d'applications", "cigref-2018/3.4"),
    ("Systems Administrator", "cigref-2010/4.7"),
    ("paramétreur progiciel", "cigref-2018/3.5"),
    ("pilote exploitation", "cigref-2018/4.7"),
    ("software asset", "cigref-2018/9.3"),
]


@pytest.fixture(scope="module")
def client(reference_app):
    return reference_app.test_client()


def ask(client, q: str, **params) -> list[dict]:
    response = client.get("/search", query_string={"q": q, **params}, headers=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


# Folding and the index on its own ---------------------------------------------------------------


def test_folding_drops_accents_case_ligatures_and_punctuation():
    assert fold("Maîtrise d'Œuvre") == "maitrise d'oeuvre"
    assert words("Concepteur-Développeur") == ["concepteur", "developpeur"]
    assert words("Architecte d’entreprise") == ["architecte", "d", "entreprise"]


def test_an_index_of_rows_ranks_exact_before_prefix_before_words_before_typos():
    names = {"1": "Analyst", "2": "Analyst Lead", "3": "Data Analyst", "4": "Analist", "5": "Dota"}
    index = SearchIndex.from_rows(
        jobs=[
            {"item": ID + f"e/job/{n}", "edition": ID + "scheme/e", "notation": n, "name": name}
            for n, name in sorted(names.items(), reverse=True)
        ]
    )
    assert [h.item.key for h in index.search("analyst")] == ["e/1", "e/2", "e/3", "e/4"]
    assert [h.tier for h in index.search("analyst")] == [4, 3, 2, 1]
    assert [h.item.key for h in index.search("data ana")][:1] == ["e/3"]
    assert [h.item.key for h in index.search("e/5")] == ["e/5"]
    assert index.search("") == [] and index.search("zzzz") == []


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Responsable de la sécurité des systèmes d'information", ["RSSI"]),
        ("Directeur des systèmes d’information", ["DSI"]),
        ("Chief Information Officer", ["CIO"]),
        ("Chef de projet maîtrise d'œuvre", ["CPMO"]),
        ("Assistant support 1er niveau", ["ASN"]),  # a number is not a word
        ("Responsable sécurité des Systèmes d'Information RSSI", ["RSSI"]),  # its own, once
        ("Software Asset Manager - SAM", ["SAM"]),  # printed after a dash
        ("Chef de projet utilisateur (CPU)", ["CPU"]),  # in brackets
        ("Chargé de pilotage SI (PMO)", ["PMO"]),  # "CP": too short
        ("Auditeur SSI", []),  # what the job deals with, not its name
        ("Responsable marketing de la DSI", []),
        ("Product Owner", []),  # two letters stand for too many things
        ("Concepteur-Développeur", []),
    ],
)
def test_acronyms_are_the_initials_of_the_significant_words(title, expected):
    assert acronyms(title) == expected


def test_an_acronym_is_a_name_of_the_job_matched_whole_never_with_a_typo():
    titles = {
        "1": "Responsable de la sécurité des systèmes d'information",
        "2": "Auditeur RSSI",
        "3": "Directeur des systèmes d'information front office",  # DSIFO
    }
    index = SearchIndex.from_rows(
        jobs=[
            {"item": ID + f"e/job/{n}", "edition": ID + "scheme/e", "notation": n, "name": name}
            for n, name in titles.items()
        ]
    )
    hits = index.search("rssi")
    assert [(h.item.key, h.tier, h.matched) for h in hits] == [
        ("e/1", 4, "RSSI"),  # the acronym, an exact name
        ("e/2", 2, "Auditeur RSSI"),  # a word of the name
    ]
    assert [h.item.key for h in index.search("rss")] == ["e/1", "e/2"]  # typed halfway
    assert [h.item.key for h in index.search("dsif")] == ["e/3"]
    assert index.search("dsifa") == []  # one letter off: a word would match, not an acronym
    assert [h.item.key for h in index.search("directeur front ofice")] == ["e/3"]  # words do


def test_jobs_come_before_mapped_concepts_of_the_same_name():
    rome = iris.rome("M1405")
    index = SearchIndex.from_rows(
        jobs=[
            {"item": ID + "e/job/1", "edition": ID + "scheme/e", "notation": "1", "name": "Data"}
        ],
        linked=[{"item": rome, "name": "Data", "kind": "mapped"}],
    )
    hits = index.search("data")
    assert [(h.item.type, h.item.edition) for h in hits] == [("job", "e"), ("rome-fiche", "rome")]
    assert hits[1].item.key == rome and hits[1].item.notation == "M1405"


# Ranking on the reference build -------------------------------------------------------------------


@pytest.mark.parametrize(("q", "expected"), RANKING)
def test_the_expected_answer_comes_first(client, q, expected):
    found = ask(client, q)
    assert found, f"nothing found for {q!r}"
    assert found[0]["key"] == expected, [(r["key"], r["label"]) for r in found[:5]]


def test_the_held_out_queries_mostly_find_the_expected_answer_first(client):
    missed = {q: ask(client, q)[:1] for q, expected in HELD_OUT}
    missed = {
        q: found
        for (q, expected), found in zip(HELD_OUT, missed.values(), strict=True)
        if [r["key"] for r in found] != [expected]
    }
    # found first instead: "webmaster" -> the ESCO occupation "webmaster" (an exact name)
    # before the SIC job "Webmestre" (a name with a typo)
    assert set(missed) <= {"webmaster"}, missed


def test_a_typo_finds_the_developer_jobs_of_every_edition(client):
    found = ask(client, "developeur")
    jobs = [r for r in found if r["type"] == "job"]
    assert {r["edition"] for r in jobs} >= {"cigref-2018", "cigref-2010", "sic"}
    assert all("veloppeur" in fold(r["label"]) for r in jobs[:3])


def test_security_of_information_finds_security_jobs_first(client):
    found = ask(client, "securite information")
    assert found[0]["type"] == "job" and "securite" in fold(found[0]["label"])
    assert "cigref-2018/6.3" in [r["key"] for r in found[:3]]  # the RSSI


def test_a_competence_code_gives_every_e_cf_version_newest_first(client):
    found = [r for r in ask(client, "b1") if r["key"] == "B.1"]  # without its dot
    versions = [float(r["edition"].removeprefix("ecf-")) for r in found]
    assert {2.0, 3.0} <= set(versions) and versions == sorted(versions, reverse=True)
    assert all(r["type"] == "competence" for r in found)
    assert ask(client, "b1")[: len(found)] == found  # before anything else


def test_the_same_name_in_several_editions_lists_the_newest_first(client):
    keys = [r["key"] for r in ask(client, "testeur")]
    assert keys.index("cigref-2018/3.3") < keys.index("cigref-2010/3.3")
    assert "sic/07" in keys


def test_an_other_name_finds_its_job_and_the_page_says_so(client):
    found = ask(client, "Data Scientist")
    assert [r["key"] for r in found[:2]] == ["cigref-2018/8.1", "sic/36"]  # sic/36: altLabel
    page = results_page(client, "Data Scientist")
    assert page.items[1]["also"] == "found as “Data Scientist”"


def test_linked_esco_occupations_and_rome_fiches_are_found(client):
    found = ask(client, "data scientist", limit=10)
    types = {r["type"]: r for r in found}
    assert types["rome-fiche"]["href"] == "/id/rome/M1405"
    esco = types["esco-occupation"]
    assert esco["iri"].startswith("http://data.europa.eu/esco/occupation/")
    assert esco["href"] == esco["iri"] and esco["edition"] == "esco"


def test_an_organisation_s_edition_is_searched_like_the_reference(tmp_path):
    from nomengraph.build import run_build
    from nomengraph.server import create_app

    cards = tmp_path / "cards"
    (cards / "cigref-2018").mkdir(parents=True)
    shutil.copytree(resources.CARDS / "ecf", cards / "ecf")
    shutil.copy(resources.CARDS / "cigref-2018" / "8.3.yaml", cards / "cigref-2018")
    acme = Path(__file__).parent / "fixtures" / "editions" / "acme"
    assert run_build(cards, tmp_path / "store", editions=[acme]).report.conforms
    app = create_app(store=tmp_path / "store", processes=1)
    try:
        client = app.test_client()
        found = ask(client, "administrateur systemes")
        assert found[0]["key"] == "acme/2.1" and found[0]["edition"] == "acme"
        assert found[0]["href"] == "/id/acme/job/2.1"
        assert ask(client, "acme/1.2")[0]["label"] == "Analyste de données"
        assert [r["key"] for r in ask(client, "chief data")][:1] == ["cigref-2018/8.3"]
    finally:
        app.extensions["nomengraph"].close()


# The JSON answer ----------------------------------------------------------------------------------


def test_json_is_a_ranked_list_of_items_with_their_pages(client):
    found = ask(client, "product owner")
    assert set(found[0]) == {"iri", "label", "type", "edition", "key", "href"}
    assert found[0] == {
        "iri": ID + "cigref-2018/job/2.6",
        "label": "Product Owner",
        "type": "job",
        "edition": "cigref-2018",
        "key": "cigref-2018/2.6",
        "href": "/id/cigref-2018/job/2.6",
    }
    assert client.get(found[0]["href"]).status_code == 200


def test_labels_follow_the_language_of_the_request(client):
    def e8(headers):
        found = client.get("/search", query_string={"q": "E.8"}, headers=headers).get_json()
        return next(r for r in found if r["edition"] == "ecf-3.0")

    english = e8(JSON)
    french = e8({**JSON, "Accept-Language": "fr"})
    assert english["label"] == "Information Security Management"
    assert fold(french["label"]) == "gestion de la securite de l'information"


def test_limit_is_bounded_and_type_filters(client):
    assert len(ask(client, "a")) == 10  # the default
    assert len(ask(client, "a", limit=3)) == 3
    assert len(ask(client, "e", limit=1000)) == 50  # at most 50
    competences = ask(client, "securite", type="competence")
    assert competences and {r["type"] for r in competences} == {"competence"}
    both = ask(client, "data", type="job,rome-fiche", limit=50)
    assert {r["type"] for r in both} == {"job", "rome-fiche"}


@pytest.mark.parametrize("q", ["", "   ", "\t"])
def test_an_empty_query_has_no_result(client, q):
    assert ask(client, q) == []
    page = results_page(client, q)
    assert page.items == [] and page.h1 == "Search"


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"q": "x" * 201}, "q"),
        ({"q": "data", "limit": "ten"}, "limit"),
        ({"q": "data", "limit": "0"}, "limit"),
        ({"q": "data", "type": "person"}, "type"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, params, named):
    response = client.get("/search", query_string=params, headers=JSON)
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(named)
    page = client.get("/search", query_string=params)
    assert page.status_code == 400 and page.mimetype == "text/html"
    parsed = SearchPage()
    parsed.feed(page.get_data(as_text=True))
    assert parsed.alert.startswith(named)


def test_odd_queries_never_fail(client):
    for q in [
        "*",
        "?",
        "'",
        '"',
        "<script>",
        "é",
        "ÿ" * 200,
        "\u200b",
        "1/2/3",
        "a/",
        "...",
        "http://",
    ]:
        assert client.get("/search", query_string={"q": q}, headers=JSON).status_code == 200
        assert client.get("/search", query_string={"q": q}).status_code == 200


def test_other_media_types_are_refused(client):
    response = client.get("/search", query_string={"q": "data"}, headers={"Accept": "text/turtle"})
    assert response.status_code == 406


# The HTML page ---------------------------------------------------------------------------------


class SearchPage(HTMLParser):
    """The page's h1, its results (text of the link, href, type, edition, other name), its
    alert, and the header's search form (action, input attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.h1 = ""
        self.items: list[dict[str, str]] = []
        self.alert = ""
        self.status = ""
        self.forms: list[dict[str, str]] = []
        self.inputs: list[dict[str, str]] = []
        self.scripts: list[str] = []
        self._field: str | None = None
        self._in_results = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "h1":
            self._field = "h1"
        elif tag == "ol" and "search-results" in classes:
            self._in_results = True
        elif tag == "li" and self._in_results:
            self.items.append({"text": "", "href": "", "type": "", "edition": "", "also": ""})
        elif tag == "a" and self._in_results and self.items:
            self.items[-1]["href"] = a.get("href", "")
            self._field = "text"
        elif tag == "span" and self._in_results and self.items:
            for name in ("type", "edition", "also"):
                if f"search-{name}" in classes:
                    self._field = name
        elif tag == "p" and a.get("role") in ("alert", "status"):
            self._field = a["role"]
        elif tag == "form":
            self.forms.append(a)
        elif tag == "input":
            self.inputs.append(a)
        elif tag == "script":
            self.scripts.append(a.get("src", ""))

    def handle_endtag(self, tag):
        if tag in ("h1", "a", "p") or (tag == "span" and self._field != "text"):
            self._field = None
        if tag == "ol":
            self._in_results = False

    def handle_data(self, data):
        if self._field == "h1":
            self.h1 += data.strip()
        elif self._field in ("alert", "status"):
            setattr(self, self._field, (getattr(self, self._field) + " " + data).strip())
        elif self._field and self.items:
            item = self.items[-1]
            item[self._field] = " ".join((item[self._field] + " " + data).split())


def results_page(client, q: str, **headers) -> SearchPage:
    response = client.get("/search", query_string={"q": q}, headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = SearchPage()
    page.feed(response.get_data(as_text=True))
    return page


def test_the_results_page_lists_answers_with_type_edition_and_link(client):
    page = results_page(client, "data sci")
    first = page.items[0]
    assert first == {
        "text": "8.1 Data Scientist",
        "href": "/id/cigref-2018/job/8.1",
        "type": "Job",
        "edition": "cigref-2018",
        "also": "",
    }
    kinds = {item["type"] for item in page.items}
    assert {"Job", "ESCO occupation", "ROME fiche"} <= kinds
    assert page.status.startswith(f"{len(page.items)} results")


def test_the_results_page_in_french(client):
    page = results_page(client, "B.1", **{"Accept-Language": "fr"})
    assert page.h1 == "Rechercher"
    assert page.items[0]["type"] == "Compétence e-CF"
    assert page.items[0]["edition"].startswith("e-CF ")
    assert page.items[0]["text"].startswith("B.1 ")
    e3 = next(item for item in page.items if item["edition"] == "e-CF 3.0")
    assert e3["text"] == "B.1 Conception et développement d'applications"


def test_no_result_is_said(client):
    page = results_page(client, "qqqqqqqq")
    assert page.items == [] and page.status == "No result for “qqqqqqqq”."


def test_every_page_has_the_search_box_in_its_header(client):
    for path in ["/", "/id/cigref-2018/job/2.6", "/search", "/query"]:
        response = client.get(path)
        assert response.status_code == 200, path
        page = SearchPage()
        page.feed(response.get_data(as_text=True))
        box = next(f for f in page.forms if "search-box" in f.get("class", ""))
        assert box["action"] == "/search" and box["method"] == "get" and box["role"] == "search"
        assert json.loads(box["data-search-texts"])["job"] in ("Job", "Métier")
        field = next(i for i in page.inputs if i.get("id") == "site-search")
        assert field["name"] == "q" and "data-search-suggest" in field
        assert "/static/search.js" in page.scripts
    with client.get("/static/search.js") as script:
        assert script.status_code == 200 and "role" in script.get_data(as_text=True)


def test_the_query_is_escaped_on_the_page(client):
    response = client.get("/search", query_string={"q": "<b>x</b>"})
    page = SearchPage()
    page.feed(response.get_data(as_text=True))
    search_field = next(i for i in page.inputs if i.get("id") == "search-page-q")
    assert search_field["value"] == "<b>x</b>"
    assert "<b>x</b>" not in response.get_data(as_text=True)


# The index follows the store's generation -------------------------------------------------------


def test_the_index_follows_a_new_store_generation(small_store, tmp_path):
    from nomengraph.build import run_build
    from nomengraph.server import create_app
    from nomengraph.store import current_generation

    store = tmp_path / "store"
    shutil.copytree(small_store, store, symlinks=True)
    app = create_app(store=store, processes=1)
    try:
        client = app.test_client()
        assert ask(client, "2.6")[0]["key"] == "cigref-2018/2.6"  # builds the first index
        assert "cigref-2018/8.1" not in [r["key"] for r in ask(client, "data scientist")]
        first = current_generation(store)

        cards = tmp_path / "cards"
        (cards / "cigref-2018").mkdir(parents=True)
        shutil.copytree(resources.CARDS / "ecf", cards / "ecf")
        shutil.copy(resources.CARDS / "cigref-2018" / "8.1.yaml", cards / "cigref-2018")
        assert run_build(cards, store).report.conforms  # a new generation, flipped in
        assert current_generation(store) != first

        assert ask(client, "data scientist")[0]["key"] == "cigref-2018/8.1"
        assert ask(client, "2.6") == []  # 2.6 is not in the new generation
        held = app.extensions["nomengraph.search"].generations()
        assert held[-1] == current_generation(store) and len(held) <= 2
    finally:
        app.extensions["nomengraph"].close()
