"""The query page: the query library as forms, results with labels, downloads, the SPARQL box.

Pages are read with an HTML parser: the checks are about elements and their text (the form's
fields and labels, the table's headers, what a link says), not about fragments of markup.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest

from nomengraph import query as library
from nomengraph import resources
from nomengraph.server.pages.query import CHECK_LEADS, read_library

ID = "https://w3id.org/nomengraph/id/"
QUERIES = library.list_queries()
QUESTIONS = [q for q in QUERIES if not q.name.endswith("-violation")]
CHECKS = [q for q in QUERIES if q.name.endswith("-violation")]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


# A small DOM --------------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def all(self, tag: str, **attrs: str | bool) -> list[Node]:
        """Descendants with this tag whose attributes have these values (True: present;
        ``class_``: one of the classes)."""
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if child.tag == tag and all(child._has(k, v) for k, v in attrs.items()):
                found.append(child)
            found += child.all(tag, **attrs)
        return found

    def one(self, tag: str, **attrs: str | bool) -> Node:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag} {attrs}>"
        return found[0]

    def _has(self, key: str, value: str | bool) -> bool:
        key = key.rstrip("_").replace("_", "-")
        if value is True:
            return key in self.attrs
        if key == "class":
            return value in self.attrs.get("class", "").split()
        return self.attrs.get(key) == value


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v if v is not None else "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def dom(response, status: int = 200) -> Node:
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    builder = _Builder()
    builder.feed(response.get_data(as_text=True))
    return builder.root


def results_table(page: Node) -> tuple[list[str], list[list[Node]]]:
    table = page.one("table", class_="results-table")
    headers = [th.text() for th in table.all("th")]
    rows = [tr.all("td") for tr in table.one("tbody").all("tr")]
    return headers, rows


def form_fields(page: Node) -> dict[str, Node]:
    form = page.one("form", id="library-form")
    fields = {}
    for tag in ("input", "select"):
        for node in form.all(tag):
            if node.attrs.get("type") != "checkbox":
                fields[node.attrs["name"]] = node
    return fields


def field_error(page: Node, name: str) -> str:
    form = page.one("form", id="library-form")
    control = next(n for t in ("input", "select") for n in form.all(t, name=name))
    assert control.attrs.get("aria-invalid") == "true"
    error_id = control.attrs["aria-describedby"].split()[-1]
    return form.one("span", id=error_id).text()


@pytest.fixture(scope="module")
def client(reference_app):
    return reference_app.test_client()


# Every query of the library -------------------------------------------------------------------


@pytest.mark.parametrize("named", QUESTIONS, ids=lambda q: q.name)
def test_every_question_runs_as_it_opens_and_gives_rows(client, named):
    page = dom(client.get(f"/query/{named.name}"))
    assert page.one("h1").text() == named.summary
    headers, rows = results_table(page)
    assert rows, f"{named.name} gives no rows with its defaults and examples"
    assert headers and all(len(r) == len(headers) for r in rows)


@pytest.mark.parametrize("named", CHECKS, ids=lambda q: q.name)
def test_every_data_check_runs_and_passes_on_the_reference_build(client, named):
    page = dom(client.get(f"/query/{named.name}"))
    assert not page.all("table", class_="results-table")
    assert "the data passes it" in page.one("section", id="results").text()


def test_the_page_opens_on_a_question_that_runs(client):
    page = dom(client.get("/query"))
    first = QUESTIONS[0]
    assert page.one("h1").text() == first.summary
    _, rows = results_table(page)
    assert rows
    # the library is listed: questions, then data checks, each linking to its form
    aside = page.one("aside")
    links = {a.attrs["href"]: a.text() for a in aside.all("a")}
    assert links == {f"/query/{q.name}": q.summary.removeprefix("Data check: ") for q in QUERIES}
    assert aside.one("a", aria_current="page").attrs["href"] == f"/query/{first.name}"


def test_every_required_parameter_has_an_example():
    for named in QUERIES:
        example = dict(named.example)
        for p in named.params:
            if p.required:
                assert p.name in example, f"{named.name}: no '#+ example:' for {p.name}"


# The form -----------------------------------------------------------------------------------


def test_form_has_a_field_for_each_parameter_with_its_label(client):
    page = dom(client.get("/query/jobs-needing-competence"))
    form = page.one("form", id="library-form")
    assert form.attrs["method"] == "get"
    assert form.attrs["action"] == "/query/jobs-needing-competence"
    fields = form_fields(page)
    assert set(fields) == {"competence", "level", "edition"}
    labels = {lab.attrs["for"]: lab.text() for lab in form.all("label") if "for" in lab.attrs}
    for name, control in fields.items():
        assert labels[control.attrs["id"]].startswith(name)
    assert "optional" in labels[fields["edition"].attrs["id"]]
    # a competence is picked with the search; the example is filled in
    assert fields["competence"].attrs["data-search-pick"] == "competence"
    assert fields["competence"].attrs["value"] == "E.8"
    # levels and editions are chosen from lists; an optional edition can be left to all
    levels = [o.attrs["value"] for o in fields["level"].all("option")]
    assert levels == ["1", "2", "3", "4", "5"]
    assert fields["level"].one("option", selected=True).attrs["value"] == "1"
    editions = {o.attrs["value"]: o.text() for o in fields["edition"].all("option")}
    assert editions[""] == "every edition"
    assert {"cigref-2010", "cigref-2018", "sic"} <= set(editions)
    assert editions["cigref-2018"].endswith("jobs")
    # the hint is the parameter's description
    hint = form.one("span", id=fields["competence"].attrs["aria-describedby"])
    assert "the e-CF code" in hint.text()


def test_jobs_are_picked_with_the_search(client):
    page = dom(client.get("/query/compare-jobs"))
    fields = form_fields(page)
    assert fields["job"].attrs["data-search-pick"] == "job"
    assert fields["other"].attrs["data-search-pick"] == "job"
    assert (fields["job"].attrs["value"], fields["other"].attrs["value"]) == (
        "cigref-2018/2.5",
        "cigref-2018/2.6",
    )


@pytest.mark.parametrize(
    "job", ["cigref-2018/2.6", ID + "cigref-2018/job/2.6", " cigref-2018/2.6 "]
)
def test_results_show_labels_linked_with_the_iri_on_hover(client, job):
    r = client.get("/query/job-profile?" + urlencode({"job": job}))
    page = dom(r)
    headers, rows = results_table(page)
    assert headers == [
        "job",
        "title",
        "code",
        "name",
        "levelMin",
        "levelMax",
        "level",
        "descriptor",
    ]
    assert len(rows) == 10
    job_cell = rows[0][0].one("a")
    assert job_cell.text() == "Product Owner"  # the label, not the IRI
    assert job_cell.attrs["href"] == "/id/cigref-2018/job/2.6"
    assert job_cell.attrs["title"] == ID + "cigref-2018/job/2.6"
    assert [r[2].text() for r in rows][:3] == ["A.1", "A.4", "B.3"]
    # no datatype or language badge unless asked
    text = page.one("table", class_="results-table").text()
    assert "xsd:" not in text and not page.all("span", class_="dt")
    assert rows[0][4].attrs.get("class") == "num"  # numbers to the right


def test_badges_are_shown_when_asked(client):
    page = dom(client.get("/query/job-profile?job=cigref-2018/2.6&datatypes=1"))
    badges = {s.text() for s in page.all("span", class_="dt")}
    assert "xsd:integer" in badges and "fr" in badges
    box = page.one("form", id="library-form").one("input", name="datatypes")
    assert "checked" in box.attrs


def test_results_of_linked_concepts_show_their_labels(client):
    page = dom(client.get("/query/job-esco-occupation"))
    headers, rows = results_table(page)
    column = headers.index("occupation")
    cell = rows[0][column].one("a")
    assert cell.attrs["title"].startswith("http://data.europa.eu/esco/occupation/")
    assert not cell.text().startswith("http"), cell.text()


def test_competence_as_iri_or_lower_case_code(client):
    iri = ID + "ecf/3.0/competence/E.8"
    for given in (iri, "e.8"):
        page = dom(client.get("/query/jobs-needing-competence?" + urlencode({"competence": given})))
        assert form_fields(page)["competence"].attrs["value"] == "E.8"
        assert results_table(page)[1]


def test_an_empty_optional_field_ranges_over_every_value(client):
    one = results_table(dom(client.get("/query/families?edition=cigref-2010")))[1]
    every = results_table(dom(client.get("/query/families?edition=")))[1]
    assert len(every) > len(one) > 0


# Bad values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name", "expected"),
    [
        ("/query/job-profile?job=cigref-2018/99.9", "job", "no job cigref-2018/99.9"),
        ("/query/job-profile?job=hello", "job", "not a job"),
        ("/query/job-profile?job=", "job", "required"),
        ("/query/jobs-needing-competence?competence=Z.1&level=1", "competence", "E.8"),
        (
            "/query/jobs-needing-competence?competence=E.99&level=1",
            "competence",
            "no e-CF competence E.99",
        ),
        ("/query/jobs-needing-competence?competence=E.8&level=9", "level", "level 1 to 5"),
        ("/query/families?edition=nowhere", "edition", "no edition nowhere"),
        ("/query/jobs-of-family?edition=cigref-2018&family=x", "family", "not a number"),
        ("/query/job-profile?job=" + "9" * 600, "job", "Too long"),
    ],
)
def test_a_bad_value_is_said_next_to_its_field(client, path, name, expected):
    page = dom(client.get(path), 400)
    assert expected in field_error(page, name)
    assert not page.all("table", class_="results-table")
    # the value is kept in the form, to correct it
    given = parse_qs(urlsplit(path).query, keep_blank_values=True)[name][0]
    control = form_fields(page)[name]
    if control.tag == "input":
        assert control.attrs["value"] == given.strip()


def test_an_unknown_job_names_the_closest(client):
    page = dom(client.get("/query/job-profile?job=cigref-2018/2.66"), 400)
    assert "cigref-2018/2.6 (Product Owner)" in field_error(page, "job")


def test_unknown_query_is_404(client):
    page = dom(client.get("/query/no-such-query"), 404)
    assert "no-such-query" in page.one("main").text()


# Downloads ----------------------------------------------------------------------------------


def test_downloads_are_offered_with_the_values_of_the_form(client):
    page = dom(client.get("/query/job-profile?job=cigref-2018/2.6"))
    links = {a.text(): a.attrs["href"] for a in page.one("p", class_="downloads").all("a")}
    assert set(links) == {"CSV", "JSON"}
    for fmt, href in (("csv", links["CSV"]), ("json", links["JSON"])):
        parts = urlsplit(href)
        assert parts.path == "/query/job-profile"
        assert parse_qs(parts.query) == {"job": ["cigref-2018/2.6"], "format": [fmt]}


def test_csv_download(client):
    r = client.get("/query/job-profile?job=cigref-2018/2.6&format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == 'attachment; filename="job-profile.csv"'
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0] == [
        "job",
        "title",
        "code",
        "name",
        "levelMin",
        "levelMax",
        "level",
        "descriptor",
    ]
    assert len(rows) == 11 and rows[1][0] == ID + "cigref-2018/job/2.6"


def test_json_download(client):
    r = client.get("/query/compare-jobs?job=cigref-2018/2.5&other=cigref-2018/2.6&format=json")
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+json"
    assert r.headers["Content-Disposition"] == 'attachment; filename="compare-jobs.json"'
    data = json.loads(r.data)
    assert data["head"]["vars"][:2] == ["job", "other"]
    assert data["results"]["bindings"]


def test_bad_downloads_are_400(client):
    r = client.get("/query/job-profile?job=cigref-2018/2.6&format=xml")
    assert r.status_code == 400 and b"csv" in r.data
    r = client.get("/query/job-profile?job=nobody&format=csv")
    assert r.status_code == 400 and r.mimetype == "text/plain" and b"job" in r.data


# The SPARQL box -----------------------------------------------------------------------------

SELECT_JOBS = (
    "PREFIX ng: <https://w3id.org/nomengraph/def/>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "SELECT ?job ?number WHERE { ?job a ng:Job ; skos:notation ?number ; "
    'skos:inScheme <https://w3id.org/nomengraph/id/scheme/cigref-2018> FILTER(?number = "2.6") }'
)


def test_the_sparql_box_shows_the_library_query_bound(client):
    page = dom(client.get("/query/job-profile?job=cigref-2018/3.2"))
    editor = page.one("details", id="sparql-editor")
    assert "open" not in editor.attrs
    text = editor.one("textarea").text()
    assert "<https://w3id.org/nomengraph/id/cigref-2018/job/3.2>" in text  # the bound value


def test_any_sparql_query_runs_with_labelled_results(client):
    page = dom(client.get("/query?query=" + quote(SELECT_JOBS)))
    assert "open" in page.one("details", id="sparql-editor").attrs
    headers, rows = results_table(page)
    assert headers == ["job", "number"] and len(rows) == 1
    assert rows[0][0].one("a").text() == "Product Owner"
    assert page.one("textarea", id="query").text() == " ".join(SELECT_JOBS.split())


def test_sparql_box_ask_construct_and_errors(client):
    page = dom(client.get("/query?query=" + quote("ASK { ?s ?p ?o }")))
    assert page.one("p", class_="status").text() == "ASK: yes"
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
    page = dom(client.get("/query?query=" + quote(construct)))
    assert page.one("pre", class_="rdf").text()
    page = dom(client.get("/query?query=" + quote("SELECT ?x WHERE { ?x ?y")), 400)
    assert "The query failed." in page.one("section", id="results").text()
    assert page.one("textarea", id="query").text() == "SELECT ?x WHERE { ?x ?y"
    dom(client.get("/query?query=%20"), 400)
    dom(client.get("/query?query=" + "x" * 200_001), 413)


def test_example_argument_opens_the_query(client):
    r = client.get("/query?example=job-rome")
    assert r.status_code == 302 and r.headers["Location"].endswith("/query/job-rome")


# Another library folder -------------------------------------------------------------------


def test_a_library_folder_without_queries(reference_app, tmp_path):
    reference_app.config["NOMENGRAPH_QUERIES"] = str(tmp_path / "missing")
    try:
        page = dom(reference_app.test_client().get("/query"))
    finally:
        del reference_app.config["NOMENGRAPH_QUERIES"]
    assert "No example queries are installed." in page.one("aside").text()
    assert page.one("textarea", id="query").text().startswith("PREFIX")


def test_read_library_leaves_out_what_is_not_a_query(tmp_path):
    assert read_library(None) == [] and read_library(tmp_path / "nowhere") == []
    (tmp_path / "b-violation.rq").write_text("#+ summary: a check\nASK {}\n", encoding="utf-8")
    (tmp_path / "a.rq").write_text("#+ summary: a question\nASK {}\n", encoding="utf-8")
    (tmp_path / "c.rq").write_text("# no summary\nASK {}\n", encoding="utf-8")
    (tmp_path / "d.rq").write_bytes(b"\xff\xfe not utf-8")
    assert [q.name for q in read_library(tmp_path)] == ["a", "b-violation"]


def test_example_lines_are_checked(tmp_path):
    path = tmp_path / "q.rq"
    head = "#+ summary: s\n#+ param: job (job, required) a job\n"
    path.write_text(head + "#+ example: job=cigref-2018/2.6\nASK {}\n", encoding="utf-8")
    assert library.parse_query(path).example == (("job", "cigref-2018/2.6"),)
    for bad, message in (
        ("job", "name=value"),
        ("job=nobody", "not a job"),
        ("other=cigref-2018/2.6", "no parameter 'other'"),
    ):
        path.write_text(head + f"#+ example: {bad}\nASK {{}}\n", encoding="utf-8")
        with pytest.raises(library.QueryError, match=message):
            library.parse_query(path)


# French --------------------------------------------------------------------------------------


def test_french_frame(client):
    page = dom(client.get("/query/job-profile?job=cigref-2018/2.6&lang=fr"))
    assert page.one("html").attrs["lang"] == "fr"
    form = page.one("form", id="library-form")
    assert form.one("button").text() == "Exécuter"
    assert page.one("p", class_="downloads").text().startswith("Télécharger")
    page = dom(client.get("/query/job-profile?job=&lang=fr"), 400)
    assert field_error(page, "job") == "Donnez une valeur : ce paramètre est obligatoire."


# what a translation keeps as it is: edition keys and job numbers, e-CF codes, quoted values,
# prefixed names, IRIs of the e-CF versions, numbers, and the names of sources and standards
_KEPT = re.compile(
    r"cigref-\d{4}(?:/\d+\.\d+)?|\b[A-E]\.\d+\b|\"[^\"]*\"|\b[a-z]+:[A-Za-z]+\b"
    r"|\S*/id/ecf/\d\.\d|\bISCO-08\b|O\*NET-SOC|\b\d+(?:\.\d+)?\b"
    r"|\b(?:IRI|ESCO|ROME|SIC|CIGREF|e-CF|min/max)\b"
)


def _kept(text: str) -> set[str]:
    return set(_KEPT.findall(text))


def test_the_token_check_finds_what_a_translation_keeps():
    found = _kept('the first job: IRI, e.g. cigref-2018/2.5 or E.8, "3-4", ng:job, 1 to 5')
    assert found == {"IRI", "cigref-2018/2.5", "E.8", '"3-4"', "ng:job", "1", "5"}


@pytest.mark.parametrize("named", QUERIES, ids=lambda q: q.name)
def test_every_query_has_its_summary_description_and_parameter_help_in_french(named):
    french = named.summary_in("fr")
    assert french and french != named.summary, f"{named.name}: no '#+ summary@fr:' line"
    assert _kept(french) == _kept(named.summary), named.name
    english_lead = [lead for lead in CHECK_LEADS if named.summary.startswith(lead)]
    french_lead = [lead for lead in CHECK_LEADS if french.startswith(lead)]
    assert named.name.endswith("-violation") == bool(english_lead) == bool(french_lead)
    for param in named.params:
        help_fr = param.description_in("fr")
        assert help_fr and help_fr != param.description, f"{named.name}: {param.name}"
        assert _kept(help_fr) == _kept(param.description), (named.name, param.name)
    if named.description:
        description = named.description_in("fr")
        assert description != named.description, f"{named.name}: no '#+ description@fr:' line"
        assert _kept(description) == _kept(named.description), named.name
    else:
        assert not named.descriptions, named.name
    assert named.summary_in("en") == named.summary
    assert named.description_in("en") == named.description
    assert all(p.description_in("en") == p.description for p in named.params)


def _hints(page: Node) -> dict[str, str]:
    """Parameter name (the field's label) -> the help shown under its field."""
    form = page.one("form", id="library-form")
    hints = {}
    for label in form.all("label"):
        target = label.attrs.get("for", "")
        if target.startswith("field-"):
            name = next(c for c in label.children if isinstance(c, str)).strip()
            hints[name] = form.one("span", id=f"{target}-hint").text()
    return hints


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("name", ["jobs-needing-competence", "compare-jobs"])
def test_the_query_page_shows_the_summary_and_help_in_its_language(client, lang, name):
    named = library.load_query(name)
    page = dom(client.get(f"/query/{name}?lang={lang}"))
    assert page.one("html").attrs["lang"] == lang
    assert page.one("h1").text() == named.summary_in(lang)
    description = page.one("p", class_="description").text()
    assert description == " ".join(named.description_in(lang).split())
    hints = _hints(page)
    assert sorted(hints) == sorted(p.name for p in named.params)
    for param in named.params:
        shown = hints[param.name]
        expected = " ".join(param.description_in(lang).split())
        assert shown == expected or shown.startswith(expected + " — "), (param.name, shown)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_library_list_is_in_the_language_of_the_page(client, lang):
    page = dom(client.get(f"/query/similar-jobs?lang={lang}"))
    aside = page.one("aside")
    listed = {a.attrs["href"].rsplit("/", 1)[-1]: a.text() for a in aside.all("a")}
    assert sorted(listed) == sorted(q.name for q in QUERIES)
    for q in QUESTIONS:
        assert listed[q.name] == " ".join(q.summary_in(lang).split())
    for q in CHECKS:
        summary = q.summary_in(lang)
        lead = next(lead for lead in CHECK_LEADS if summary.startswith(lead))
        assert listed[q.name] == " ".join(summary[len(lead) :].split())
    if lang == "fr":  # nothing of the English list is left
        english = {" ".join(q.summary.split()) for q in QUERIES}
        assert not english & set(listed.values())


def test_french_header_lines_are_checked(tmp_path):
    path = tmp_path / "q.rq"
    head = "#+ summary: s\n#+ param: job (job, required) a job\n"
    path.write_text(
        head + "#+ summary@fr: un résumé\n#+ summary@fr: sur deux lignes\n"
        "#+ description: d\n#+ description@fr: une description\n"
        "#+ param@fr: job un métier\nASK {}\n",
        encoding="utf-8",
    )
    named = library.parse_query(path)
    assert named.summary_in("fr") == "un résumé sur deux lignes"
    assert named.description_in("fr") == "une description" and named.description_in("en") == "d"
    assert named.summary_in("de") == "s" and named.param("job").description_in("fr") == "un métier"
    for bad, message in (
        ("#+ param@fr: other un autre", "'other', not a parameter"),
        ("#+ param@fr: job", "'name help'"),
        ("#+ param@fr: job un\n#+ param@fr: job deux", "given twice"),
        ("#+ example@fr: job=cigref-2018/2.6", "not a header field"),
        ("#+ summary@en: text", "not a header field"),
    ):
        path.write_text(head + bad + "\nASK {}\n", encoding="utf-8")
        with pytest.raises(library.QueryError, match=message):
            library.parse_query(path)


def test_every_french_text_is_used():
    catalog = json.loads((resources.I18N / "fr-query.json").read_text(encoding="utf-8"))
    sources = Path(__file__).parents[1] / "src" / "nomengraph" / "server"
    used = (sources / "templates" / "query.html").read_text(encoding="utf-8")
    used += (sources / "pages" / "query.py").read_text(encoding="utf-8")
    for english in catalog:
        assert english in used, english


def test_the_page_loads_its_own_style_and_script(client):
    page = dom(client.get("/query"))
    head = page.one("head")
    assert "/static/query.css" in [link.attrs.get("href") for link in head.all("link")]
    assert "/static/query.js" in [s.attrs.get("src") for s in head.all("script")]
    for name, media in (("query.css", "text/css"), ("query.js", "text/javascript")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and r.mimetype == media
        r.close()
