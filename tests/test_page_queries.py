"""The queries behind the web pages: .rq files in the package, bound like the query library's.

Each page query runs here on the reference build and gives a real answer, bound both ways the
query library binds parameters (substitutions on the embedded store, a VALUES row elsewhere,
which is how the pages send them): the same rows. The server's code holds no SPARQL of its own.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from nomengraph import prefixes, resources
from nomengraph import query as library
from nomengraph.store import OxigraphStore

SERVER = Path(__file__).parents[1] / "src" / "nomengraph" / "server"
ID = "https://w3id.org/nomengraph/id/"
ESCO = "http://data.europa.eu/esco/"

JOB = ID + "cigref-2018/job/2.6"  # Data scientist... (any 2018 job with a card works)
JOB_2010 = ID + "cigref-2010/job/2.1"
B1 = ID + "ecf/3.0/competence/B.1"

Rows = list[dict[str, object]]


def _codes(rows: Rows, key: str = "code") -> set[object]:
    return {r[key] for r in rows}


# query name -> (parameters, check of the rows); every page query of the pages listed here
CASES: dict[str, tuple[dict[str, str], Callable[[Rows], bool]]] = {
    "entity-properties": (
        {"iri": JOB},
        lambda rows: (
            {"p": "http://www.w3.org/2004/02/skos/core#notation", "o": "2.6"}
            in [{"p": r["p"], "o": r["o"]} for r in rows]
        ),
    ),
    "entity-labels": (
        {"iri": JOB},
        lambda rows: any(r["s"] == ID + "scheme/cigref-2018" and r["rank"] == 3 for r in rows),
    ),
    "entity-kind": (
        {"iri": JOB},
        lambda rows: any(r["class"] == "https://w3id.org/nomengraph/def/Job" for r in rows),
    ),
    "entity-incoming": (
        {"iri": ID + "scheme/cigref-2018"},
        lambda rows: any(r["s"] == JOB for r in rows),
    ),
    "labels": ({"iri": B1}, lambda rows: "Application Development" in _codes(rows, "label")),
    "job-sub-items": (
        {"iri": ID + "cigref-2010/job/1.1"},
        lambda rows: all(r["x"].startswith(ID + "cigref-2010/job/1.1/") for r in rows) and rows,
    ),
    "job-activities": ({"iri": JOB}, lambda rows: len({r["a"] for r in rows}) >= 2),
    "job-list-items": (
        {"iri": JOB},
        lambda rows: (
            {r["kind"].rsplit("/", 1)[-1] for r in rows}
            == {"hasDeliverable", "hasPerformanceIndicator"}
        ),
    ),
    "job-requirements": (
        {"iri": JOB},
        lambda rows: all(re.match(r"^[A-E]\.[0-9]+$", str(r["code"])) for r in rows) and rows,
    ),
    "job-career": ({"iri": JOB}, lambda rows: len(rows) == 1),
    "job-sources": (
        {"iri": JOB},
        lambda rows: rows and rows[0]["file"] == "sources/cigref-2018-nomenclature.txt",
    ),
    "job-continued-by": (
        {"iri": JOB_2010},
        lambda rows: any("/cigref-2018/" in r["j"] for r in rows),
    ),
    "job-matrix-rows": ({"iri": ID + "cigref-2010/job/1.1"}, lambda rows: len(rows) >= 1),
    "job-links": (
        {"iri": JOB},
        lambda rows: (
            {r["kind"] for r in rows} == {"esco", "rome"}
            and all(r["label"] or r["mappedLabel"] for r in rows)
        ),
    ),
    "competence-descriptors": (
        {"iri": B1},
        lambda rows: (
            sorted({r["n"] for r in rows}) == [1, 2, 3]
            and all(r["d"].startswith(B1 + "/level/") for r in rows)
        ),
    ),
    "competence-examples": (
        {"iri": ID + "ecf/2.0/competence/A.1"},
        lambda rows: {r["kind"] for r in rows} <= {"K", "S"},
    ),
    "competence-matches": (
        {"iri": B1},
        lambda rows: (
            ("B.1", "2.0") in [(r["code"], r["version"]) for r in rows]
            and not any(str(r["m"]).startswith(ESCO) for r in rows)
        ),
    ),
    "competence-esco-skills": (
        {"iri": B1},
        lambda rows: rows and all(r["skill"].startswith(ESCO + "skill/") for r in rows),
    ),
    "competence-jobs": (
        {"iri": B1},
        lambda rows: {r["version"] for r in rows} == {"2.0", "3.0"},
    ),
    "family-jobs": (
        {"iri": ID + "cigref-2018/family/2"},
        lambda rows: JOB in {r["job"] for r in rows},
    ),
    "edition-families": (
        {"iri": ID + "scheme/cigref-2018"},
        lambda rows: len({r["f"] for r in rows}) >= 8,
    ),
    "edition-jobs": (
        {"iri": ID + "scheme/sic"},
        lambda rows: len({r["job"] for r in rows}) == 44,
    ),
    "framework-competences": (
        {"iri": ID + "ecf/3.0"},
        lambda rows: len({r["c"] for r in rows}) == 40,
    ),
    "framework-areas": (
        {"iri": ID + "ecf/3.0"},
        lambda rows: {r["code"] for r in rows} == set("ABCDE"),
    ),
    "level-competences": (
        {"iri": ID + "ecf/level/e-5"},
        lambda rows: ("A.1", "3.0") in [(r["code"], r["version"]) for r in rows],
    ),
    "level-requirements": ({"iri": ID + "ecf/level/e-3"}, lambda rows: rows[0]["n"] > 100),
    "home-editions": (
        {},
        lambda rows: (
            {r["s"].rsplit("/", 1)[-1]: r["families"] for r in rows}["sic"] == 0
            and {r["s"].rsplit("/", 1)[-1]: r["jobs"] for r in rows}["sic"] == 44
        ),
    ),
    "home-frameworks": (
        {},
        lambda rows: {r["version"]: r["competences"] for r in rows}["3.0"] == 40,
    ),
    "home-levels": ({}, lambda rows: {r["n"] for r in rows} == {1, 2, 3, 4, 5}),
}
ASKS = {"entity-exists": ({"iri": JOB}, True), "entity-exists ": ({"iri": ID + "nothing"}, False)}
CONSTRUCTS = {"entity-description": {"iri": JOB}}


@pytest.fixture(scope="module")
def store(reference_store: Path) -> OxigraphStore:
    return OxigraphStore.open(reference_store)


def page_query(name: str) -> library.NamedQuery:
    return library.load_query(name.strip(), resources.PAGE_QUERIES)


def run_values(store: OxigraphStore, query: library.NamedQuery, params: dict[str, str]) -> Rows:
    """The rows as the pages get them: parameters in a VALUES row."""
    solutions = store.store.query(
        library.bound_text(query, params), use_default_graph_as_union=True
    )
    columns = [v.value for v in solutions.variables]
    return [{c: library._value(s[c]) for c in columns} for s in solutions]


@pytest.mark.parametrize("name", sorted(CASES))
def test_page_query_answers(store, name):
    params, check = CASES[name]
    query = page_query(name)
    substituted = library.run_query(store, query, params).records()
    values = run_values(store, query, params)
    key = sorted
    assert key(map(repr, substituted)) == key(map(repr, values))  # both bindings agree
    assert substituted, f"{name}: no rows"
    assert check(substituted), f"{name}: unexpected answer {substituted[:5]}"


@pytest.mark.parametrize("name", sorted(ASKS))
def test_page_ask_queries(store, name):
    params, expected = ASKS[name]
    text = library.bound_text(page_query(name), params)
    assert bool(store.store.query(text, use_default_graph_as_union=True)) is expected


def test_entity_description_is_the_entity_and_what_it_owns(store):
    text = library.bound_text(page_query("entity-description"), CONSTRUCTS["entity-description"])
    triples = list(store.store.query(text, use_default_graph_as_union=True))
    subjects = {t.subject.value for t in triples}
    assert JOB in subjects and len(subjects) > 1
    assert all(s == JOB or s.startswith(JOB + "/") for s in subjects)


def test_many_rows_bind_at_once(store):
    rows = library.bound_rows(page_query("labels"), [{"iri": JOB}, {"iri": B1}])
    found = {s["iri"].value for s in store.store.query(rows, use_default_graph_as_union=True)}
    assert found == {JOB, B1}
    with pytest.raises(library.ParamError):
        library.bound_rows(page_query("labels"), [{"iri": "not an iri"}])


# The pages' own queries ---------------------------------------------------------------------

OWN = set(CASES) | {n.strip() for n in ASKS} | set(CONSTRUCTS)


def _called_queries() -> set[str]:
    """Names passed to select/ask/construct/select_many in the page modules."""
    names = set()
    for path in (SERVER / "pages").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("select", "ask", "construct", "select_many")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
    return names


def test_every_query_the_pages_run_is_a_file_tested_here():
    called = _called_queries()
    assert called, "no page query found in the page modules"
    missing = sorted(n for n in called if not (resources.PAGE_QUERIES / f"{n}.rq").is_file())
    assert not missing, f"page queries without a .rq file: {missing}"
    untested = sorted((called & {p.stem for p in resources.PAGE_QUERIES.glob("*.rq")}) - OWN)
    assert not untested, f"page queries not run by this test: {untested}"


def test_page_query_files_parse_and_use_the_prefix_table():
    for path in sorted(resources.PAGE_QUERIES.glob("*.rq")):
        query = library.parse_query(path)
        assert "GRAPH" not in re.sub(r"#.*", "", query.text), path.name
        for prefix, namespace in re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", query.text):
            assert prefixes.PREFIXES.get(prefix) == namespace, (path.name, prefix)


def test_library_queries_use_the_prefix_table():
    paths = sorted(resources.QUERIES.glob("*.rq"))
    assert len(paths) > 10
    for path in paths:
        text = library.parse_query(path).text
        for prefix, namespace in re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", text):
            assert prefixes.PREFIXES.get(prefix) == namespace, (path.name, prefix)


def _sparql_like(text: str) -> bool:
    return bool(re.search(r"(?is)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b.*\{.*\?\w", text))


# The SPARQL protocol's own parameters, written into the client's query as the protocol says
# (using-graph-uri as USING <g>, a base IRI as BASE <iri>): not queries of the server.
PROTOCOL = {"lexer.py", "remote_executor.py"}


def test_no_sparql_is_built_in_the_server_code():
    """No f-string pastes a value between < and > (an IRI into query text), and no string in the
    server's code is a SPARQL query (docstrings and the query page's starting text aside)."""
    faults = []
    for path in sorted(SERVER.rglob("*.py")):
        if str(path.relative_to(SERVER)) in PROTOCOL:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        starting_texts = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "DEFAULT_QUERY" for t in node.targets)
        }
        for node in ast.walk(tree):
            where = f"{path.relative_to(SERVER)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.JoinedStr):
                parts = node.values
                for before, after in zip(parts, parts[1:], strict=False):
                    if (
                        isinstance(before, ast.Constant)
                        and str(before.value).endswith("<")
                        and isinstance(after, ast.FormattedValue)
                    ):
                        faults.append(f"{where}: an f-string pastes a value into <...>")
                text = "".join(str(p.value) for p in parts if isinstance(p, ast.Constant))
                if _sparql_like(text):
                    faults.append(f"{where}: SPARQL built in an f-string")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings | starting_texts
                and _sparql_like(node.value)
            ):
                faults.append(f"{where}: SPARQL in a string")
    assert not faults, "\n".join(faults)


def test_the_check_finds_pasted_iris():
    """The scan above is not blind: the old way of writing a page query is caught."""
    tree = ast.parse('q = f"SELECT ?p WHERE {{ <{iri}> ?p ?o }}"')
    joined = next(n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr))
    assert any(isinstance(a, ast.Constant) and str(a.value).endswith("<") for a in joined.values)
    assert _sparql_like("SELECT ?p WHERE { <x> ?p ?o }")


# The prefix table -----------------------------------------------------------------------------


def test_one_prefix_table():
    from nomengraph.server import _prefixes
    from nomengraph.vocab import PREFIXES as EXPORT

    assert EXPORT == prefixes.subset(prefixes.EXPORTED)
    assert _prefixes() == EXPORT
    from nomengraph.vocabularies import OUTPUT_PREFIXES

    assert OUTPUT_PREFIXES == prefixes.subset(prefixes.IMPORTED)
    assert OUTPUT_PREFIXES["esco"] == "http://data.europa.eu/esco/occupation/"
    assert prefixes.shorten("http://data.europa.eu/esco/model#ISCOGroup") == "escomodel:ISCOGroup"
    assert prefixes.shorten(JOB) == "id:cigref-2018/job/2.6"
    assert prefixes.shorten(JOB, prefixes.MAPPING) == "ng2018:2.6"
    assert prefixes.shorten("https://w3id.org/nomengraph/def/Job") == "ng:Job"
    assert prefixes.shorten("http://example.org/x") == "http://example.org/x"
    assert prefixes.expand("skos:prefLabel") == "http://www.w3.org/2004/02/skos/core#prefLabel"
    with pytest.raises(ValueError, match="unknown prefix 'nope'"):
        prefixes.expand("nope:x")
    namespaces = list(prefixes.PREFIXES.values())
    assert len(namespaces) == len(set(namespaces))  # each namespace once
