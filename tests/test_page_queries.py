"""The queries behind the web pages: .rq files in the package, bound like the query library's.

Each page query runs here on the reference build and gives a real answer, bound both ways the
query library binds parameters (substitutions on the embedded store, a VALUES row elsewhere,
which is how the pages send them): the same rows. Every file of the folder has a case here, and
every module of the server is scanned for the queries it runs (whatever helper it calls them
through): each is a file, each file is run by the server. The server's code holds no SPARQL of
its own.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import yaml

from nomengraph import prefixes, resources
from nomengraph import query as library
from nomengraph.store import OxigraphStore

SERVER = Path(__file__).parents[1] / "src" / "nomengraph" / "server"
ID = "https://w3id.org/nomengraph/id/"
ESCO = "http://data.europa.eu/esco/"

JOB = ID + "cigref-2018/job/2.6"  # Data scientist... (any 2018 job with a card works)
JOB_2010 = ID + "cigref-2010/job/2.1"
B1 = ID + "ecf/3.0/competence/B.1"
SCHEME = ID + "scheme/"
JOBS = {"cigref-2010": 33, "cigref-2018": 50, "sic": 44}  # jobs of each reference edition

Rows = list[dict[str, object]]


def _codes(rows: Rows, key: str = "code") -> set[object]:
    return {r[key] for r in rows}


def _edition_of(iri: str) -> str:
    """cigref-2010 for .../id/cigref-2010/job/1.1 or .../id/scheme/cigref-2010."""
    return iri.removeprefix(SCHEME).removeprefix(ID).split("/")[0]


def _per_edition(rows: Iterable[dict[str, object]]) -> dict[str, int]:
    """How many rows each edition has (rows with an ``edition``)."""
    return dict(Counter(_edition_of(str(r["edition"])) for r in rows))


def _levels(rows: Rows) -> dict[object, tuple[object, object]]:
    """e-CF code -> (lowest, highest level) of a job's requirements."""
    return {r["code"]: (r["levelMin"], r["levelMax"]) for r in rows}


@cache
def _annex() -> dict:
    """Annex 1 of CIGREF 2010 as the package holds it (codes, one row per job, levels)."""
    path = resources.CARDS / "matrix" / "cigref-2010-annex1.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# The requirements of CIGREF 2018 job 2.6 (Product Owner) as its card prints them
PROFILE_2_6 = {
    **dict.fromkeys(("A.4", "B.3", "B.5", "E.2", "E.5"), (3, 3)),
    **dict.fromkeys(("A.1", "E.1", "E.4"), (4, 4)),
    **dict.fromkeys(("D.11", "E.7"), (5, 5)),
}


# case -> (parameters, check of the rows as the pages get them: value per variable, plus
# "<variable>@lang" for a text with a language). A case is named by its query, then, when a query
# has more than one, a word in brackets: "job-visual-profile (5.1)". Every file has a case.
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
    # The charts, comparisons and heatmaps (server/profiles.py, server/heatmap.py)
    "chart-areas": (
        {},
        lambda rows: (
            {r["area"]: (r["nameFr"], r["nameEn"]) for r in rows}
            == {
                "A": ("PLANIFIER", "PLAN"),
                "B": ("DEVELOPPER", "BUILD"),
                "C": ("UTILISER", "RUN"),
                "D": ("FACILITER", "ENABLE"),
                "E": ("GERER", "MANAGE"),
            }
        ),
    ),
    "chart-editions": (
        {},
        lambda rows: (
            {r["edition"]: (r["publisher"], r["version"]) for r in rows}
            == {
                SCHEME + "cigref-2010": ("CIGREF", "2010"),
                SCHEME + "cigref-2018": ("CIGREF", "2018"),
                SCHEME + "sic": ("DINSIC", None),
            }
            and all(r["title"] for r in rows)
        ),
    ),
    "compare-job-index": (
        {},
        lambda rows: (
            _per_edition(rows) == JOBS
            and (JOB, SCHEME + "cigref-2018", "2.6", "Product Owner")
            in [(r["job"], r["edition"], r["number"], r["title"]) for r in rows]
        ),
    ),
    "job-visual-job": (
        {"job": "cigref-2018/2.6"},
        lambda rows: (
            rows
            == [
                {
                    "job": JOB,
                    "edition": SCHEME + "cigref-2018",
                    "number": "2.6",
                    "title": "Product Owner",
                    "title@lang": "fr",
                    "card": True,
                }
            ]
        ),
    ),
    "job-visual-profile": (
        {"job": JOB},
        lambda rows: (
            _levels(rows) == PROFILE_2_6
            and {(r["code"], r["area"], r["nameEn"]) for r in rows}
            >= {("A.1", "A", "IS and Business Strategy Alignment")}
            and all(r["nameFr"] and r["level"] == str(r["levelMin"]) for r in rows)
        ),
    ),
    "job-visual-profile (5.1)": (
        {"job": "cigref-2018/5.1"},
        lambda rows: (
            _levels(rows)
            == {
                **dict.fromkeys(("C.1", "C.3", "D.3"), (2, 2)),
                **dict.fromkeys(("B.4", "C.2", "D.10", "D.11"), (3, 3)),
            }
        ),
    ),
    "job-visual-profiles": (
        {},
        lambda rows: (
            # every 2010 job (all have cards) and the 37 of 2018 that have one; none of SIC
            _per_edition(
                [{"edition": _edition_of(r["job"])} for r in {r["job"]: r for r in rows}.values()]
            )
            == {"cigref-2010": 33, "cigref-2018": 37}
            and {(r["code"], r["levelMin"], r["levelMax"]) for r in rows if r["job"] == JOB}
            == {(c, lo, hi) for c, (lo, hi) in PROFILE_2_6.items()}
        ),
    ),
    "job-visual-continues": (
        {"job": "cigref-2018/5.1"},
        lambda rows: (
            rows == [{"job": ID + "cigref-2018/job/5.1", "earlier": ID + "cigref-2010/job/5.1"}]
        ),
    ),
    "job-visual-continues (none)": ({"job": JOB}, lambda rows: rows == []),
    "heatmap-families": (
        {},
        lambda rows: (
            _per_edition(rows) == {"cigref-2010": 7, "cigref-2018": 9}
            and (ID + "cigref-2018/family/2", "2", "Management de projets")
            in [(r["family"], r["familyNumber"], r["familyTitle"]) for r in rows]
        ),
    ),
    "heatmap-jobs": (
        {"edition": "cigref-2010"},
        lambda rows: (
            sorted(r["number"] for r in rows) == sorted(r["number"] for r in _annex()["rows"])
            and all(r["card"] and r["familyNumber"] == r["number"].split(".")[0] for r in rows)
        ),
    ),
    "heatmap-jobs (2018)": (
        {"edition": "cigref-2018"},
        lambda rows: len(rows) == 50 and sum(1 for r in rows if r["card"]) == 37,
    ),
    "heatmap-competences": (
        {"edition": "cigref-2010"},
        lambda rows: (
            sorted(r["code"] for r in rows) == sorted(_annex()["codes"])
            and all(r["area"] == r["code"][0] and r["nameEn"] for r in rows)
        ),
    ),
    "heatmap-competences (2018)": (
        {"edition": "cigref-2018"},
        lambda rows: (
            len({r["code"] for r in rows}) == 40
            and all(r["nameEn"] for r in rows)
            and {r["code"]: r["nameFr"] for r in rows}["A.1"]
            == "Système d'information et alignement stratégique métier"
        ),
    ),
    "heatmap-requirements": (
        {"edition": "cigref-2010"},
        lambda rows: all(
            {
                r["code"]: r["level"]
                for r in rows
                if r["job"] == ID + f"cigref-2010/job/{a['number']}"
            }
            == a["levels"]
            for a in _annex()["rows"]
            if a["aligned"]
        ),
    ),
    # The search index (server/search.py)
    "search-jobs": (
        {},
        lambda rows: (
            _per_edition({r["item"]: r for r in rows}.values()) == JOBS
            and (JOB, "Product Owner", "fr", "pref", "2018")
            in [(r["item"], r["name"], r.get("name@lang"), r["kind"], r["issued"]) for r in rows]
            and ("Field Analyst", "alt")
            in [(r["name"], r["kind"]) for r in rows if r["item"] == ID + "cigref-2010/job/5.1"]
            and {r["kind"] for r in rows} == {"pref", "alt", "hidden"}
        ),
    ),
    "search-competences": (
        {},
        lambda rows: (
            {v: len({r["item"] for r in rows if r["version"] == v}) for v in ("2.0", "3.0", "4.0")}
            == {"2.0": 36, "3.0": 40, "4.0": 41}
            and {(r["name"], r.get("name@lang")) for r in rows if r["item"] == B1}
            == {
                ("Application Development", "en"),
                ("Conception et développement d'applications", "fr"),
            }
        ),
    ),
    "search-linked": (
        {},
        lambda rows: (
            {(r["name"], r["kind"]) for r in rows if r["item"] == ID + "rome/M1864"}
            == {("Product Owner", "pref"), ("Product Owner", "mapped")}
            and ("ICT product manager", "1330.6")
            in [
                (r["name"], r["notation"])
                for r in rows
                if r["item"].startswith(ESCO + "occupation/")
            ]
            and not any(
                r["item"].startswith(ID + "cigref-") or r["item"].startswith(ID + "sic/")
                for r in rows
            )
        ),
    ),
    # The query page's edition fields (server/pages/query.py)
    "query-editions": (
        {},
        lambda rows: (
            [(r["edition"], r["jobs"]) for r in rows]
            == [(SCHEME + k, n) for k, n in sorted(JOBS.items())]
            and {r["edition"]: r["label"] for r in rows}[SCHEME + "cigref-2010"]
            == "Nomenclature 2010 : premier pas vers l'Europe des compétences IT"
            and all(r["label"] for r in rows)
        ),
    ),
}
ASKS = {
    "entity-exists": ({"iri": JOB}, True),
    "entity-exists (absent)": ({"iri": ID + "nothing"}, False),
}
CONSTRUCTS = {"entity-description": {"iri": JOB}}


@pytest.fixture(scope="module")
def store(reference_store: Path) -> OxigraphStore:
    return OxigraphStore.open(reference_store)


def query_name(case: str) -> str:
    """The query a case runs: "job-visual-profile (5.1)" runs job-visual-profile."""
    return case.split(" ", 1)[0]


def page_query(case: str) -> library.NamedQuery:
    return library.load_query(query_name(case), resources.PAGE_QUERIES)


def run_values(store: OxigraphStore, query: library.NamedQuery, params: dict[str, str]) -> Rows:
    """The rows as the pages get them: parameters in a VALUES row; a text's language beside
    it as ``<variable>@lang``."""
    solutions = store.store.query(
        library.bound_text(query, params), use_default_graph_as_union=True
    )
    columns = [v.value for v in solutions.variables]
    rows = []
    for s in solutions:
        row = {c: library._value(s[c]) for c in columns}
        row |= {f"{c}@lang": s[c].language for c in columns if getattr(s[c], "language", None)}
        rows.append(row)
    return rows


@pytest.mark.parametrize("case", sorted(CASES))
def test_page_query_answers(store, case):
    params, check = CASES[case]
    query = page_query(case)
    substituted = library.run_query(store, query, params).records()
    values = run_values(store, query, params)
    plain = [{k: v for k, v in row.items() if "@" not in k} for row in values]
    assert sorted(map(repr, substituted)) == sorted(map(repr, plain))  # both bindings agree
    assert values or case.endswith("(none)"), f"{case}: no rows"
    assert check(values), f"{case}: unexpected answer {values[:5]}"


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


def test_compared_jobs_share_a_competence(store):
    """The comparison of 2.6 and 5.1 (CIGREF 2018) has one competence both require."""
    query = page_query("job-visual-profile")
    jobs = ("cigref-2018/2.6", "cigref-2018/5.1")
    first, second = ({r["code"] for r in run_values(store, query, {"job": j})} for j in jobs)
    assert first & second == {"D.11"}


def test_many_rows_bind_at_once(store):
    rows = library.bound_rows(page_query("labels"), [{"iri": JOB}, {"iri": B1}])
    found = {s["iri"].value for s in store.store.query(rows, use_default_graph_as_union=True)}
    assert found == {JOB, B1}
    with pytest.raises(library.ParamError):
        library.bound_rows(page_query("labels"), [{"iri": "not an iri"}])


# The queries the server runs ----------------------------------------------------------------

OWN = {query_name(case) for case in (*CASES, *ASKS, *CONSTRUCTS)}
FILES = {p.stem for p in resources.PAGE_QUERIES.glob("*.rq")}
ROOT_HELPER = "page_query"  # server/pages/store.py: the one reader of data/queries/pages/


def _params(node: ast.AST) -> set[str]:
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        return set()
    a = node.args
    return {p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)}


def _helpers(trees: dict[str, ast.Module]) -> set[str]:
    """The functions that take a page query's name: ``page_query`` and, over and over, every
    function passing one of its own parameters on as the name to one of them (select, ask,
    construct, select_many, run_page, the search's _run...)."""
    helpers = {ROOT_HELPER}
    while True:
        found = {
            fn.name
            for tree in trees.values()
            for fn in ast.walk(tree)
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
            for call in ast.walk(fn)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id in helpers
            and call.args
            and isinstance(call.args[0], ast.Name)
            and call.args[0].id in _params(fn)
        }
        if found <= helpers:
            return helpers
        helpers |= found


@dataclass
class _Scan:
    helpers: set[str]
    loops: dict[str, list[str]]  # loop variable -> the strings of the constant it runs over
    module: str
    names: dict[str, set[str]] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)
    calls: set[int] = field(default_factory=set)

    def visit(self, node: ast.AST, params: set[str]) -> None:
        params = params | _params(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in self.helpers:
                self.calls.add(id(node.func))
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    self.names.setdefault(first.value, set()).add(self.module)
                elif isinstance(first, ast.Name) and first.id in self.loops:
                    for name in self.loops[first.id]:
                        self.names.setdefault(name, set()).add(self.module)
                elif not (isinstance(first, ast.Name) and first.id in params):
                    self.unread.append(f"{self.module}:{node.lineno} {node.func.id}(...)")
        elif isinstance(node, ast.Name) and node.id in self.helpers and id(node) not in self.calls:
            self.unread.append(f"{self.module}:{node.lineno} {node.id} used without a call")
        for child in ast.iter_child_nodes(node):
            self.visit(child, params)


def _scan(trees: dict[str, ast.Module]) -> tuple[dict[str, set[str]], list[str]]:
    """(query name -> modules that run it, calls whose query name cannot be told).

    A name is a string passed to a helper, or each string of a module constant (a tuple or list
    of strings, like search.py's QUERIES) that a loop passes to one. A helper given its caller's
    own parameter forwards it (the caller is a helper, scanned where it is called); a helper
    given anything else, or used other than by calling it, is a call the scan cannot read."""
    helpers = _helpers(trees)
    names: dict[str, set[str]] = {}
    unread: list[str] = []
    for module, tree in trees.items():
        constants = {
            target.id: [e.value for e in node.value.elts]
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Tuple | ast.List)
            and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.value.elts
            )
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        loops = {
            node.target.id: constants[node.iter.id]
            for node in ast.walk(tree)
            if isinstance(node, ast.For | ast.comprehension)
            and isinstance(node.target, ast.Name)
            and isinstance(node.iter, ast.Name)
            and node.iter.id in constants
        }
        scan = _Scan(helpers, loops, module)
        scan.visit(tree, set())
        for name, where in scan.names.items():
            names.setdefault(name, set()).update(where)
        unread += scan.unread
    return names, unread


def _server_trees() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(SERVER)): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(SERVER.rglob("*.py"))
    }


def test_the_scan_reads_every_page_query_call_of_the_server():
    """Every module of the server is scanned, whatever its helper (select, run_page, the
    search's _run over its QUERIES, page_query): no call is left that the scan cannot read."""
    names, unread = _scan(_server_trees())
    assert not unread, f"page query calls the scan cannot read: {unread}"
    modules = set().union(*names.values())
    assert {"pages/job.py", "pages/query.py", "search.py", "heatmap.py", "profiles.py"} <= modules
    assert names["search-jobs"] == {"search.py"} and names["heatmap-jobs"] == {"heatmap.py"}


def test_page_query_files_are_read_in_one_place():
    """Only page_query reads the folder, so the helpers the scan follows are every way in."""
    readers = []
    for module, tree in _server_trees().items():
        functions = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)]
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "PAGE_QUERIES":
                inside = [f.name for f in functions if node in ast.walk(f)]
                readers.append((module, inside))
    assert readers == [("pages/store.py", [ROOT_HELPER])]


def test_the_scan_is_not_blind():
    """Forwarding helpers, constants looped over, and calls it cannot read are all seen."""
    source = """
QUERIES = ("a-query", "b-query")
def page_query(name): ...
def fetch(name, **params):
    return page_query(name)
def index():
    return [fetch(q) for q in QUERIES] + [fetch("c-query", x=1)]
def guess(kind):
    other = kind + "-list"
    return fetch(other)
RUNNER = fetch
"""
    names, unread = _scan({"mod.py": ast.parse(source)})
    assert names == {q: {"mod.py"} for q in ("a-query", "b-query", "c-query")}
    assert unread == ["mod.py:10 fetch(...)", "mod.py:11 fetch used without a call"]


def test_every_query_the_server_runs_is_a_file_tested_here():
    called = set(_scan(_server_trees())[0])
    missing = sorted(called - FILES)
    assert not missing, f"page queries without a .rq file: {missing}"
    untested = sorted(called - OWN)
    assert not untested, f"page queries not run by this test: {untested}"


def test_every_page_query_file_is_run_by_the_server_and_has_a_case():
    orphans = sorted(FILES - set(_scan(_server_trees())[0]))
    assert not orphans, f"page query files the server never runs: {orphans}"
    assert sorted(FILES - OWN) == [], "page query files without a case here"
    assert sorted(OWN - FILES) == [], "cases of queries that have no file"


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
