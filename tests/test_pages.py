"""The HTML pages of the server: linked-data pages, content negotiation, home and query pages."""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest
import rdflib
import yaml

from html_dom import dom, table_rows
from nomengraph import resources
from nomengraph.build import run_build
from nomengraph.server import create_app
from nomengraph.server.errors import QueryTimeout, QueryTooLarge
from nomengraph.server.pages import store, valid_rest

ROOT = Path(__file__).parents[1]
CARDS = resources.CARDS
SERVER = ROOT / "src" / "nomengraph" / "server"
ACME = ROOT / "tests" / "fixtures" / "editions" / "acme"  # an organisation's own edition
ID = "https://w3id.org/nomengraph/id/"
XSS = "<script>alert('pwned')</script>"

EXAMPLE_A = """\
#+ summary: The jobs of each edition, with <b>their</b> title.
#+ param: edition (edition, optional) one edition

PREFIX ng: <https://w3id.org/nomengraph/def/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?job ?title WHERE { ?job a ng:Job ; skos:prefLabel ?title } ORDER BY ?job
"""
EXAMPLE_B = """\
# no summary here
ASK { ?s ?p ?o }
"""


def small_cards(tmp_path: Path) -> Path:
    """The e-CF data, two 2010 cards, two 2018 cards and a 2018 card with a hostile title."""
    cards = tmp_path / "cards"
    shutil.copytree(CARDS / "ecf", cards / "ecf")
    for edition, numbers in (("cigref-2010", ("1.1", "2.3")), ("cigref-2018", ("2.6", "5.1"))):
        (cards / edition).mkdir(parents=True, exist_ok=True)
        for n in numbers:
            shutil.copy(CARDS / edition / f"{n}.yaml", cards / edition / f"{n}.yaml")
    card = yaml.safe_load((CARDS / "cigref-2018" / "8.3.yaml").read_text(encoding="utf-8"))
    card["title"] = f"Hacker {XSS} & co"
    (cards / "cigref-2018" / "8.3.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return cards


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    run_build(small_cards(root), root / "store", editions=[ACME])
    queries = root / "queries"
    queries.mkdir()
    (queries / "jobs.rq").write_text(EXAMPLE_A, encoding="utf-8")
    (queries / "anything.rq").write_text(EXAMPLE_B, encoding="utf-8")
    application = create_app(store=root / "store")
    application.config["NOMENGRAPH_QUERIES"] = str(queries)
    yield application
    application.extensions["nomengraph"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


def html(response) -> str:
    assert response.mimetype == "text/html", response.data[:300]
    return response.get_data(as_text=True)


# Linked-data pages --------------------------------------------------------------------------


def vary(r) -> set[str]:
    return {v.strip() for v in r.headers["Vary"].split(",")}


def test_job_page_shows_the_card(client):
    r = client.get("/id/cigref-2018/job/2.6", headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert vary(r) == {"Accept", "Accept-Language", "Cookie"}
    page = html(r)
    assert "<h1>2.6 · Product Owner</h1>" in page
    # edition and family link to their local pages
    assert 'href="/id/scheme/cigref-2018"' in page
    assert 'href="/id/cigref-2018/family/2"' in page
    # competence table: code links to the competence page, level as printed
    assert '<a href="/id/ecf/3.0/competence/A.1">A.1</a>' in page
    row = page[page.index('href="/id/ecf/3.0/competence/A.1"') :].split("</tr>")[0]
    assert "e-4" in row and ">4</a>" in row
    assert "Conduit la construction et l&#39;implémentation" in row
    for heading in ("Mission", "Activities and tasks", "Deliverables", "Performance indicators"):
        assert f"<h2>{heading}</h2>" in page
    assert "Élabore la vision du produit" in page
    assert "sources/cigref-2018-nomenclature.txt" in page
    assert re.search(r"lines \d+–\d+", page)


def test_job_page_lists_in_printed_order_with_sub_items(client):
    card = yaml.safe_load((CARDS / "cigref-2018" / "5.1.yaml").read_text(encoding="utf-8"))
    page = html(client.get("/id/cigref-2018/job/5.1"))
    # every task and sub-item, in the card's order (the store returns them in its own order)
    texts = [
        text
        for group in card["activities"]
        for task in group["tasks"]
        for text in ([task] if isinstance(task, str) else [task["text"], *task["items"]])
    ]
    escaped = [t.replace("'", "&#39;") for t in texts]
    found = [page.index(f">{t}<") for t in escaped]
    assert found == sorted(found)
    # a lead-in's items are a list inside its own item
    lead = page.index("En régime de croisière :")
    assert page[lead:].split("</li>")[0].count('<ul class="sub">') == 1
    # the experience printed as a lead-in and its list
    career = page[page.index('id="career"') :]
    assert "Deux profils (origines) possibles :" in career
    assert "<li>Utilisateur expérimenté intéressé par les technologies</li>" in career


def test_job_page_of_2010_prints_level_ranges_as_printed(client):
    page = html(client.get("/id/cigref-2010/job/2.3"))
    row = page[page.index('href="/id/ecf/2.0/competence/B.2"') :].split("</tr>")[0]
    assert "e-3 – e-4" in row
    assert ">3-4</a>" in row
    page = html(client.get("/id/cigref-2010/job/1.1"))
    assert "Consultant en systèmes d&#39;information" in page
    assert "Project Integrator" in page  # other names, in English too
    assert '<a href="/id/ecf/2.0/competence/A.3">A.3</a>' in page


def test_competence_page_lists_the_jobs_that_need_it(client):
    page = html(client.get("/id/ecf/3.0/competence/A.1"))
    assert "A.1" in page and "IS and Business Strategy Alignment" in page
    assert "Admissible levels" in page and 'href="/id/ecf/level/e-5"' in page
    assert "Levels and their descriptors" in page
    jobs = page[page.index("Jobs that need it") :]
    assert 'href="/id/cigref-2018/job/2.6"' in jobs
    # the 2010 jobs citing the matching e-CF 2.0 competence are listed too
    page = html(client.get("/id/ecf/3.0/competence/A.3"))
    jobs = page[page.index("Jobs that need it") :]
    assert 'href="/id/cigref-2010/job/1.1"' in jobs
    assert 'href="/id/ecf/2.0/competence/A.3"' in jobs


def test_competence_page_of_ecf_2_shows_knowledge_and_skills(client):
    page = html(client.get("/id/ecf/2.0/competence/A.3"))
    assert "Knowledge" in page and "K1" in page and "Skills" in page
    assert "business plan elements and milestones" in page


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/id/cigref-2018/family/2", 'href="/id/cigref-2018/job/2.6"'),
        ("/id/scheme/cigref-2018", 'href="/id/cigref-2018/job/5.1"'),
        ("/id/scheme/cigref-2010", 'href="/id/cigref-2010/family/1"'),
        ("/id/ecf/3.0", 'href="/id/ecf/3.0/competence/A.1"'),
        ("/id/ecf/level/e-2", "EQF level"),
        ("/id/cigref-2018/job/2.6/competence/A.1", "ng:levelAsPrinted"),
        ("/id/cigref-2018/job/2.6/competence/A.1", '<p class="kind">competence requirement</p>'),
        ("/id/ecf/3.0/area/A", "Referenced by"),
        ("/id/dataset", "void:subset"),
    ],
)
def test_other_entity_pages(client, path, expected):
    r = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200
    assert expected in html(r)


def _home(client, lang: str = "en"):
    return dom(client.get("/", headers={"Accept-Language": lang}))


def test_home_page_says_what_it_is_for_with_the_search_first(client):
    page = _home(client)
    main = page.one("main")
    assert "competence profile" in main.one("p", id="purpose").text()
    assert "ESCO and ROME" in main.one("p", id="purpose").text()
    # the first form of the page's main part is the search, a GET to /search with the box's field
    form = main.all("form")[0]
    assert form.attrs["id"] == "home-search" and form.attrs["action"] == "/search"
    assert form.attrs.get("method") == "get" and form.attrs.get("role") == "search"
    field = form.one("input", name="q")
    assert "data-search-suggest" in field.attrs and field.attrs["type"] == "search"
    assert form.one("label").attrs["for"] == field.attrs["id"]
    # compare: two job pickers sending job=... to /compare
    compare = main.one("form", id="home-compare")
    assert compare.attrs["action"] == "/compare"
    pickers = compare.all("input", name="job")
    assert len(pickers) == 2 and all(p.attrs["data-search-pick"] == "job" for p in pickers)
    # the engineers' part comes after the editions, in its own section
    ids = [n.attrs["id"] for n in main.all("section")]
    assert ids.index("data-access") > ids.index("editions") > ids.index("tasks")
    access = main.one("section", id="data-access").text()
    for said in ("SPARQL", "Turtle", "IRI", "/id/", "content negotiation".capitalize()):
        assert said in access, said
    above = " ".join(n.text() for n in main.all("section") if n.attrs["id"] != "data-access")
    assert "Turtle" not in above and "https://w3id.org" not in above
    assert {a.attrs["href"] for a in main.all("a")} >= {"/query", "/sparql", "/heatmap"}


def _edition_rows(page) -> dict[str, dict[str, str]]:
    table = page.one("section", id="editions").one("table")
    heads = [th.text() for th in table.one("thead").all("th")]
    return {
        cells[0].all("a")[0].text(): dict(zip(heads, (c.text() for c in cells), strict=True))
        | {"links": [a.attrs["href"] for a in cells[-1].all("a")]}
        for cells in table_rows(table)
    }


def test_home_page_lists_every_edition_with_every_column(client):
    rows = _edition_rows(_home(client))
    assert list(rows) == ["CIGREF 2018", "CIGREF 2010", "ACME 2025"]
    cigref = rows["CIGREF 2018"]
    assert cigref["version or year"] == "2018"
    assert cigref["families"] == "3"  # families 2, 5 and 8 of the small store
    assert cigref["jobs"] == "3" and cigref["with a card"] == "2"  # 8.3 has no printed card
    assert cigref["e-CF"] == "e-CF 3.0"
    assert int(cigref["competence requirements"]) > 10
    assert cigref["links"] == ["/heatmap?edition=cigref-2018"]
    assert rows["CIGREF 2010"]["e-CF"] == "e-CF 2.0" and rows["CIGREF 2010"]["jobs"] == "2"
    acme = rows["ACME 2025"]
    assert "an organisation's own edition" in acme["edition"]
    assert acme["version or year"] == "2025" and acme["families"] == "2"
    assert acme["e-CF"] == "e-CF 3.0" and acme["links"] == ["/heatmap?edition=acme"]
    frameworks = table_rows(_home(client).one("section", id="frameworks").one("table"))
    assert [cells[1].text() for cells in frameworks] == ["2.0", "3.0", "4.0"]
    french = _edition_rows(_home(client, "fr"))
    assert french["ACME 2025"]["familles"] == "2"
    assert french["CIGREF 2018"]["links"] == ["/heatmap?edition=cigref-2018"]


def test_home_page_texts_are_french_in_the_french_frame(client):
    page = _home(client, "fr")
    assert page.one("section", id="editions").one("h2").text() == "Nomenclatures de métiers"
    assert page.one("section", id="data-access").one("h2").text().startswith("Pour les ingénieurs")
    assert "métier" in page.one("p", id="purpose").text()


# Failures of the store -------------------------------------------------------------------------


class _FailingExecutor:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def run(self, *args, **kwargs):
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "status"),
    [(QueryTimeout("the query ran out of time (1 s)"), 503), (QueryTooLarge("too many rows"), 422)],
)
def test_a_failing_page_query_is_an_error_page_with_the_store_status(
    client, monkeypatch, exc, status
):
    monkeypatch.setattr(store, "executor", lambda: _FailingExecutor(exc))
    for path in ("/id/cigref-2018/job/2.6", "/"):
        page = dom(client.get(path, headers={"Accept": "text/html"}), status)
        assert page.one("h1").text() == "The page could not be built"
        assert page.one("p", id="error-message").text() == str(exc)
        assert page.one("p", class_="kind").text() == f"Error {status}"
        assert any(a.attrs["href"] == "/" for a in page.one("article").all("a"))
    french = dom(client.get("/id/cigref-2018/job/2.6", headers={"Accept-Language": "fr"}), status)
    assert french.one("h1").text() == "La page n'a pas pu être construite"
    r = client.get("/id/cigref-2018/job/2.6", headers={"Accept": "text/turtle"})
    assert r.status_code == status and r.mimetype == "text/plain"
    assert str(exc) in r.get_data(as_text=True)


# Content negotiation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml;q=0.9, text/html;q=0.1", "application/rdf+xml", "xml"),
    ],
)
def test_rdf_clients_get_the_description(client, accept, media, fmt):
    r = client.get("/id/cigref-2018/job/2.6", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.mimetype == media
    assert r.headers["Vary"] == "Accept"
    with warnings.catch_warnings():
        # rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph internally
        warnings.simplefilter("ignore", DeprecationWarning)
        g = rdflib.Graph().parse(data=r.data, format=fmt)
    job = rdflib.URIRef(ID + "cigref-2018/job/2.6")
    assert (job, rdflib.namespace.SKOS.prefLabel, rdflib.Literal("Product Owner", lang="fr")) in g
    # one level of the nodes the job owns: its activity groups, requirements, career path
    activity = rdflib.URIRef(ID + "cigref-2018/job/2.6/activity/1")
    assert (
        activity,
        rdflib.RDF.type,
        rdflib.URIRef("https://w3id.org/nomengraph/def/ActivityGroup"),
    ) in g
    requirement = rdflib.URIRef(ID + "cigref-2018/job/2.6/competence/A.1")
    assert any(g.triples((requirement, None, None)))
    # but not the nodes it only points to
    assert not any(g.triples((rdflib.URIRef(ID + "ecf/3.0/competence/A.1"), None, None)))


def test_format_parameter_overrides_accept(client):
    r = client.get("/id/ecf/level/e-3?format=ttl", headers={"Accept": "text/html"})
    assert r.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    assert (None, rdflib.namespace.SKOS.notation, rdflib.Literal("e-3")) in g
    assert client.get("/id/ecf/level/e-3?format=bogus").status_code == 400


def test_unknown_entity_is_404(client):
    r = client.get("/id/cigref-2018/job/99.9")
    assert r.status_code == 404
    assert vary(r) == {"Accept", "Accept-Language", "Cookie"}
    assert "No such entity" in html(r)
    r = client.get("/id/cigref-2018/job/99.9", headers={"Accept": "text/turtle"})
    assert r.status_code == 404
    assert r.mimetype == "text/plain"


def test_nothing_acceptable_is_406(client):
    r = client.get("/id/cigref-2018/job/2.6", headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert r.headers["Vary"] == "Accept"
    assert "text/turtle" in r.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/id/../../etc/passwd",
        "/id/..%2F..%2Fetc%2Fpasswd",
        "/id/cigref-2018/job/./2.6",
        "/id/cigref-2018//job",
        "/id/" + "a/" * 3000 + "b",
        "/id/" + quote("métier/é"),
        "/id/" + quote("日本語"),
        "/id/x%00y",
        "/id/" + quote("a>b<c") + "%22%7D",
        "/id/" + quote("job/2.6> ?p ?o } #"),
        "/id/" + quote(XSS),
    ],
)
def test_odd_paths_are_refused_cleanly(client, path):
    for accept in ("text/html", "text/turtle"):
        r = client.get(path, headers={"Accept": accept})
        assert r.status_code in (400, 404), (path, r.status_code)
        assert "<script>" not in r.get_data(as_text=True)


def test_valid_rest():
    assert valid_rest("cigref-2018/job/2.6")
    assert valid_rest("ecf/3.0/competence/A.1/K1")
    for bad in ("", "..", "a/../b", "a//b", "/a", "a/", "a b", "é", "a>b", "a/./b", "x" * 500):
        assert not valid_rest(bad), bad


# Escaping -----------------------------------------------------------------------------------


def test_labels_are_escaped(client):
    page = html(client.get("/id/cigref-2018/job/8.3"))
    assert "<script>alert" not in page
    assert "Hacker &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; &amp; co" in page
    for path in ("/id/cigref-2018/family/8", "/id/scheme/cigref-2018"):
        page = html(client.get(path))
        assert "&lt;script&gt;" in page and "<script>alert" not in page
    query = (
        "SELECT ?t WHERE { ?j <http://www.w3.org/2004/02/skos/core#prefLabel> ?t "
        'FILTER(CONTAINS(?t, "Hacker")) }'
    )
    page = html(client.get("/query?query=" + quote(query)))
    assert "&lt;script&gt;" in page and "<script>alert" not in page


def test_static_files_are_served(client):
    for name, media in (("style.css", "text/css"), ("query.js", "text/javascript")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and r.mimetype == media
        r.close()


# No external resources ----------------------------------------------------------------------

_EXTERNAL = re.compile(
    r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|"""
    r"""@import|fetch\(\s*["'](?:https?:)?//""",
    re.IGNORECASE,
)


def test_templates_and_static_files_load_nothing_from_other_hosts():
    files = sorted((SERVER / "templates").glob("*.html")) + sorted((SERVER / "static").glob("*"))
    assert len(files) >= 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not _EXTERNAL.search(text), f"{path.name}: {_EXTERNAL.search(text).group(0)}"
        assert "|safe" not in text.replace(" ", ""), path.name


@pytest.mark.parametrize(
    "path", ["/", "/query", "/id/cigref-2018/job/2.6", "/id/ecf/3.0/competence/A.1", "/id/dataset"]
)
def test_rendered_pages_link_only_to_this_server(client, path):
    page = html(client.get(path))
    for match in re.finditer(r"""(?:src|href|action)\s*=\s*["']([^"']*)["']""", page):
        target = match.group(1)
        assert target.startswith(("/", "#", "?")) and not target.startswith("//"), target
