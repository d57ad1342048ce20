"""The query library (queries/*.rq): every query runs on the project's graph and gives the answer
worked out from the sources.

Expected answers are in tests/fixtures/queries/<name>.yaml: ``params``, then ``rows`` (the exact
rows in order, each restricted to the columns it lists), ``contains`` (rows that must be among
the answer), ``count``, and ``computed: true`` when this module recomputes the answer from the
cards' YAML with plain Python (functions ``expect_<name>`` below), independently of the query.

The store and the checks are shared with tests/test_virtuoso.py, which runs the same queries on
Virtuoso through ``nomengraph serve --store URL`` (:func:`query_store_path`,
:func:`check_answer`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from conftest import memory_copy
from nomengraph import resources
from nomengraph.build import run_build
from nomengraph.cli import main
from nomengraph.query import (
    ParamError,
    QueryError,
    UnknownQuery,
    _value,
    bind,
    bound_text,
    format_result,
    list_queries,
    load_query,
    parse_query,
    run_query,
)
from nomengraph.store import OxigraphStore

ROOT = Path(__file__).parents[1]
CARDS = resources.CARDS
QUERIES = resources.QUERIES
FIXTURES = ROOT / "tests" / "fixtures" / "queries"
ID = "https://w3id.org/nomengraph/id/"
NAMES = sorted(p.stem for p in QUERIES.glob("*.rq"))
VIOLATIONS = [n for n in NAMES if n.endswith("-violation")]


_BUILT: list[Path] = []


def query_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's whole graph with the ESCO and ROME test fixtures, built once per session.

    Read-only: open it with ``OxigraphStore.open`` (read-only) or copy it."""
    if not _BUILT:
        path = tmp_path_factory.mktemp("queries") / "store"
        result = run_build(
            CARDS,
            path,
            mappings_dir=resources.MAPPINGS,
            esco_dir=ROOT / "tests" / "fixtures" / "esco" / "v1.2.0",
            rome_dir=ROOT / "tests" / "fixtures" / "rome",
        )
        assert result.report.conforms
        _BUILT.append(path)
    return _BUILT[0]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    """The project's whole graph (see :func:`query_store_path`)."""
    return query_store_path(tmp_path_factory)


@pytest.fixture(scope="module")
def store(store_dir) -> OxigraphStore:
    return OxigraphStore.open(store_dir)


# The cards, read with plain YAML -----------------------------------------------------------


def _cards(edition: str) -> dict[str, dict]:
    cards = {}
    for path in (CARDS / edition).glob("*.yaml"):
        card = yaml.safe_load(path.read_text(encoding="utf-8"))
        cards[card["number"]] = card
    return cards


CIGREF = ("cigref-2010", "cigref-2018")
CARD_DATA = {e: _cards(e) for e in (*CIGREF, "sic")}


def job_iri(edition: str, number: str) -> str:
    return f"{ID}{edition}/job/{number}"


def scheme(edition: str) -> str:
    return f"{ID}scheme/{edition}"


def norm(text: str) -> str:
    """The title normalisation the queries document, written independently in Python."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("œ", "oe").replace("æ", "ae")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"s( |$)", r"\1", text)
    return text.strip()


def levels(card: dict) -> dict[str, dict]:
    return {c["code"]: c for c in card["competences"]}


# Independent computations of the expected answers ------------------------------------------


def expect_jobs_needing_competence(params):
    code, least = params["competence"], int(params["level"])
    return {
        (scheme(e), n, c["level_max"])
        for e in CIGREF
        for n, card in CARD_DATA[e].items()
        for c in card["competences"]
        if c["code"] == code and c["level_max"] >= least
    }, lambda r: (r["edition"], r["number"], r["levelMax"])


def expect_compare_jobs(params):
    def card(ref):
        edition, number = ref.split("/")
        return levels(CARD_DATA[edition][number])

    a, b = card(params["job"]), card(params["other"])
    rows = set()
    for code in a.keys() | b.keys():
        status = "shared" if code in a and code in b else "only-job" if code in a else "only-other"
        rows.add(
            (
                code,
                status,
                a[code]["level"] if code in a else None,
                b[code]["level"] if code in b else None,
            )
        )
    return rows, lambda r: (r["code"], r["status"], r["jobLevel"], r["otherLevel"])


def _vectors() -> dict[str, dict[str, int]]:
    return {
        job_iri(e, n): {c["code"]: c["level_max"] for c in card["competences"]}
        for e in CARD_DATA
        for n, card in CARD_DATA[e].items()
        if card["competences"]
    }


def expect_similar_jobs(params):
    edition, number = params["job"].split("/")
    target = job_iri(edition, number)
    vectors = _vectors()
    a = vectors[target]
    scored = []
    for other, b in vectors.items():
        shared = a.keys() & b.keys()
        if other == target or not shared:
            continue
        codes = a.keys() | b.keys()
        weighted = sum(min(a.get(c, 0), b.get(c, 0)) for c in codes) / sum(
            max(a.get(c, 0), b.get(c, 0)) for c in codes
        )
        scored.append((-weighted, -len(shared) / len(codes), other, len(shared)))
    scored.sort()
    rows = [(o, s, round(-j, 9), round(-w, 9)) for w, j, o, s in scored[:10]]
    return rows, lambda r: (
        r["other"],
        r["shared"],
        round(r["jaccard"], 9),
        round(r["weighted"], 9),
    )


def _matches() -> list[tuple[str, str, str]]:
    pairs = []
    for n18, c18 in CARD_DATA["cigref-2018"].items():
        changes = c18.get("changes") or {}
        for n10, c10 in CARD_DATA["cigref-2010"].items():
            if norm(c18["title"]) == norm(c10["title"]):
                how = "title"
            elif changes.get("previous_title") and norm(changes["previous_title"]) == norm(
                c10["title"]
            ):
                how = "previous-title"
            elif changes.get("status") == "unchanged" and n18 == n10:
                how = "unchanged-number"
            else:
                continue
            pairs.append((n18, n10, how))
    return pairs


def expect_job_matches_2010_2018(params):
    return set(_matches()), lambda r: (r["number"], r["number2010"], r["matchedBy"])


def expect_job_changes_2010_2018(params):
    only = params.get("job", "").split("/")[-1] or None
    rows = set()
    for n18, n10, _how in _matches():
        c18, c10 = CARD_DATA["cigref-2018"][n18], CARD_DATA["cigref-2010"][n10]
        if (only and n18 != only) or not (c18["has_card"] and c10["has_card"]):
            continue
        new, old = levels(c18), levels(c10)
        for code in new.keys() | old.keys():
            if code not in old:
                change = "added"
            elif code not in new:
                change = "removed"
            elif (old[code]["level_min"], old[code]["level_max"]) != (
                new[code]["level_min"],
                new[code]["level_max"],
            ):
                change = "level-changed"
            else:
                continue
            rows.add(
                (
                    job_iri("cigref-2018", n18),
                    job_iri("cigref-2010", n10),
                    code,
                    change,
                    old[code]["level"] if code in old else None,
                    new[code]["level"] if code in new else None,
                )
            )
    return rows, lambda r: (
        r["job"],
        r["job2010"],
        r["code"],
        r["change"],
        r["level2010"],
        r["level2018"],
    )


def expect_jobs_without_area(params):
    area = params["area"]
    return {
        (scheme(e), n, len(card["competences"]))
        for e in CARD_DATA
        for n, card in CARD_DATA[e].items()
        if card["competences"]
        and not any(c["code"].startswith(area + ".") for c in card["competences"])
    }, lambda r: (r["edition"], r["number"], r["requirements"])


def _names(card: dict) -> list[tuple[str, str]]:
    other = card.get("other_names") or {}
    return [(card["title"], "title")] + [
        (name, "other name") for lang in ("fr", "en") for name in other.get(lang) or []
    ]


def expect_sic_cigref_equivalents(params):
    rows = set()
    for sn, sic in CARD_DATA["sic"].items():
        for e in CIGREF:
            for n, card in CARD_DATA[e].items():
                kinds = frozenset(
                    f"{k1} = {k2}"
                    for a, k1 in _names(sic)
                    for b, k2 in _names(card)
                    if norm(a) == norm(b)
                )
                if kinds:
                    rows.add((sn, scheme(e), n, kinds))
    return rows, lambda r: (
        r["sicNumber"],
        r["edition"],
        r["number"],
        frozenset(r["matchedBy"].split(", ")),
    )


def expect_competence_usage(params):
    edition = params["edition"]
    per_code: dict[str, list[int]] = {}
    for card in CARD_DATA[edition].values():
        for c in card["competences"]:
            per_code.setdefault(c["code"], []).append(c["level_max"])
    return {(c, len(v), round(sum(v) / len(v), 9)) for c, v in per_code.items()}, lambda r: (
        r["code"],
        r["jobs"],
        round(r["meanLevel"], 9),
    )


def expect_competences_of_area(params):
    ecf = yaml.safe_load((CARDS / "ecf" / "ecf-3.0.yaml").read_text(encoding="utf-8"))
    rows = set()
    for comp in ecf["competences"]:
        if comp["area"] != params["area"]:
            continue
        jobs = sum(1 for card in CARD_DATA["cigref-2018"].values() if comp["code"] in levels(card))
        lv = comp.get("levels") or [None]
        rows.add((comp["code"], min(lv), max(lv), jobs))
    return rows, lambda r: (r["code"], r["lowestLevel"], r["highestLevel"], r["jobs"])


# The library -------------------------------------------------------------------------------


def fixture(name: str) -> dict:
    path = FIXTURES / f"{name}.yaml"
    assert path.is_file(), f"no expected answer for query {name}: write {path}"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


# The reviewed mappings and the ESCO fixture, read with plain csv ---------------------------


def _sssom(name: str) -> list[dict[str, str]]:
    """Rows of mappings/<name>.sssom.tsv with subject and object expanded to IRIs."""
    text = (resources.MAPPINGS / f"{name}.sssom.tsv").read_text(encoding="utf-8")
    header = yaml.safe_load("\n".join(line[1:] for line in text.splitlines() if line[:1] == "#"))
    prefixes = header["curie_map"]
    body = "\n".join(line for line in text.splitlines() if line[:1] != "#")
    rows = []
    for row in csv.DictReader(io.StringIO(body), delimiter="\t"):
        if row["object_id"] == "sssom:NoTermFound":
            continue
        for col in ("subject_id", "object_id"):
            prefix, _, local = row[col].partition(":")
            row[col] = prefixes[prefix] + local
        rows.append(row)
    return rows


ESCO_FIXTURE = ROOT / "tests" / "fixtures" / "esco" / "v1.2.0"


def _essential_skills() -> dict[str, set[str]]:
    path = ESCO_FIXTURE / "occupationSkillRelations_en.csv"
    out: dict[str, set[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["relationType"] == "essential":
                out.setdefault(row["occupationUri"], set()).add(row["skillUri"])
    return out


def _job_from_param(ref: str) -> str:
    edition, number = ref.split("/")
    return job_iri(edition, number)


def expect_job_esco_occupation(params):
    job = _job_from_param(params["job"])
    skills = _essential_skills()
    expected = set()
    for name in ("cigref-2010-esco", "cigref-2018-esco", "sic-esco"):
        for row in _sssom(name):
            if row["subject_id"] == job:
                occupation = row["object_id"]
                for skill in skills.get(occupation) or {None}:
                    expected.add((occupation, skill))
    return expected, lambda r: (r["occupation"], r["skill"])


def expect_job_competences_as_esco_skills(params):
    edition, number = params["job"].split("/")
    assert edition == "cigref-2018", "this expectation reads e-CF 3.0 codes straight off the card"
    codes = set(levels(CARD_DATA[edition][number]))
    return {
        (row["subject_id"].rsplit("/", 1)[1], row["object_id"])
        for row in _sssom("ecf-3.0-esco")
        if row["subject_id"].rsplit("/", 1)[1] in codes
    }, lambda r: (r["code"], r["skill"])


def expect_job_rome(params):
    job = _job_from_param(params["job"])
    return {
        (row["object_id"], row["object_id"].rsplit("/", 1)[1])
        for name in ("cigref-2010-rome", "cigref-2018-rome", "sic-rome")
        for row in _sssom(name)
        if row["subject_id"] == job
    }, lambda r: (r["rome"], r["code"])


def expect_same_esco_occupation(params):
    close = {"skos:exactMatch", "skos:closeMatch"}

    def by_occupation(name):
        out: dict[str, set[str]] = {}
        for row in _sssom(name):
            if row["predicate_id"] in close:
                out.setdefault(row["object_id"], set()).add(row["subject_id"])
        return out

    first = by_occupation(f"{params['edition']}-esco")
    second = by_occupation(f"{params['other']}-esco")
    return {
        (occupation, a, b)
        for occupation in first.keys() & second.keys()
        for a in first[occupation]
        for b in second[occupation]
    }, lambda r: (r["occupation"], r["job"], r["otherJob"])


SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
EDITIONS = ("cigref-2010", "cigref-2018", "sic")


def expect_jobs_of_isco_group(params):
    """Jobs whose chained ISCO-08 unit group (mappings/<edition>-isco) is the group or below it."""
    code = params.get("isco", "2512")
    editions = [params["edition"]] if params.get("edition") else EDITIONS
    expected = set()
    for edition in editions:
        for row in _sssom(f"{edition}-isco"):
            unit = row["object_id"].rsplit("/C", 1)[1]
            if unit.startswith(code):
                expected.add((row["subject_id"], unit, SKOS_NS + row["predicate_id"][5:]))
    return expected, lambda r: (r["job"], r["unitGroup"], r["match"])


def expect_job_onet(params):
    job = _job_from_param(params.get("job", "cigref-2018/3.2"))
    return {
        (row["object_id"].rsplit("/", 1)[1], SKOS_NS + row["predicate_id"][5:], row["confidence"])
        for edition in EDITIONS
        for row in _sssom(f"{edition}-onet")
        if row["subject_id"] == job
    }, lambda r: (r["code"], r["match"], f"{r['confidence']:g}")


def expect_job_competences_in_ecf_4(params):
    """The card's e-CF 3.0 codes and levels, each with the 4.0 competences of ecf-3.0-4.0 that
    continue it; fitsLevels: every printed level is one the 4.0 competence admits."""
    edition, number = params.get("job", "cigref-2018/3.2").split("/")
    ecf4 = yaml.safe_load((CARDS / "ecf" / "ecf-4.0.yaml").read_text(encoding="utf-8"))
    admits = {c["code"]: set(c["levels"]) for c in ecf4["competences"]}
    successors: dict[str, set[tuple[str, str]]] = {}
    for row in _sssom("ecf-3.0-4.0"):
        old, new = row["object_id"].rsplit("/", 1)[1], row["subject_id"].rsplit("/", 1)[1]
        successors.setdefault(old, set()).add((new, SKOS_NS + row["predicate_id"][5:]))
    expected = set()
    for code, req in levels(CARD_DATA[edition][number]).items():
        printed = set(range(req["level_min"], req["level_max"] + 1))
        for new, match in successors.get(code) or {(None, None)}:
            fits = None if new is None else printed <= admits[new]
            expected.add((code, new, match, fits))
    return expected, lambda r: (r["code"], r.get("code4"), r.get("match"), r.get("fitsLevels"))


def test_a_2018_profile_in_ecf_4_names_the_dropped_competences_successor(store):
    """Card 1.5 requires e-CF 3.0 D.7 Sales Management at level 5: e-CF 4.0 dropped it, D.5
    Sales Development took it over (relatedMatch), and D.5 admits levels 2-4 only."""
    rows = run_query(
        store, load_query("job-competences-in-ecf-4", QUERIES), {"job": "cigref-2018/1.5"}
    )
    by_code = {r["code"]: r for r in rows.records()}
    assert by_code["D.7"]["code4"] == "D.5"
    assert by_code["D.7"]["match"] == SKOS_NS + "relatedMatch"
    assert by_code["D.7"]["fitsLevels"] is False
    assert by_code["D.5"]["match"] == SKOS_NS + "closeMatch"
    assert by_code["D.5"]["name4"] == "Sales Development"


def test_jobs_of_a_higher_isco_group_include_its_unit_groups(store):
    rows = run_query(
        store,
        load_query("jobs-of-isco-group", QUERIES),
        {"isco": "25", "edition": "cigref-2018", "lang": "fr"},
    ).records()
    units = {r["unitGroup"] for r in rows}
    assert {"2511", "2512", "2529"} <= units and all(u.startswith("25") for u in units)
    assert {r["groupLabel"] for r in rows} == {
        "Spécialistes des technologies de l’information et des communications"
    }
    assert all(r["edition"] == scheme("cigref-2018") for r in rows)


def _project(row: dict, expected: dict) -> dict:
    return {k: row.get(k) for k in expected}


def fixture_params(name: str) -> dict[str, str]:
    """The parameters of the expected answer of query ``name``."""
    return {k: str(v) for k, v in (fixture(name).get("params") or {}).items()}


def check_answer(name: str, records: list[dict]) -> None:
    """Assert that ``records`` (a run of query ``name`` with :func:`fixture_params`) is the
    expected answer of tests/fixtures/queries/<name>.yaml."""
    spec = fixture(name)
    params = fixture_params(name)
    checked = False
    if "rows" in spec:
        assert [_project(r, e) for r, e in zip(records, spec["rows"], strict=False)] == spec[
            "rows"
        ] and len(records) == len(spec["rows"]), records
        checked = True
    for expected in spec.get("contains") or []:
        assert expected in [_project(r, expected) for r in records], expected
        checked = True
    if "count" in spec:
        assert len(records) == spec["count"]
        checked = True
    if spec.get("computed"):
        expected, key = globals()[f"expect_{name.replace('-', '_')}"](params)
        got = [key(r) for r in records]
        if isinstance(expected, list):
            assert got == expected
        else:
            assert len(got) == len(set(got)), "duplicate rows"
            assert set(got) == expected
            assert expected, "the computed answer should not be empty"
        checked = True
    assert checked, f"{name}.yaml checks nothing"


@pytest.mark.parametrize("name", NAMES)
def test_query_gives_the_answer_worked_out_from_the_sources(store, name):
    result = run_query(store, load_query(name, QUERIES), fixture_params(name))
    check_answer(name, result.records())


@pytest.mark.parametrize("name", NAMES)
def test_the_text_sent_to_a_remote_store_gives_the_same_answer(store, name):
    """The parameters bound by VALUES (as sent to a remote store) or by substitutions: the
    embedded store gives the same rows, in the same order."""
    query = load_query(name, QUERIES)
    params = fixture_params(name)
    text = bound_text(query, params)
    assert (text == query.text) == (not bind(query, params)[1])
    plain = store.store.query(text, use_default_graph_as_union=True)
    substituted = run_query(store, query, params)
    assert [v.value for v in plain.variables] == substituted.columns
    rows = [[_value(sol[c]) for c in substituted.columns] for sol in plain]
    assert rows == substituted.rows


def test_bound_text_puts_values_first_in_the_outer_where():
    query = load_query("similar-jobs", QUERIES)
    text = bound_text(query, {"job": "cigref-2018/2.6", "edition": "sic"})
    outer = text.index("WHERE {")
    values = text.index("VALUES (?job ?edition)")
    assert outer < values < text.index("SELECT ?job ?other")  # before the first subquery
    assert f"(<{job_iri('cigref-2018', '2.6')}> <{scheme('sic')}>)" in text
    with pytest.raises(ParamError, match="not a job"):
        bound_text(query, {"job": "cigref-2018/2.6> } } DROP ALL #"})
    assert bound_text(query, {"job": "cigref-2018/2.6"}).count("VALUES") == 1


def test_bound_text_escapes_strings_and_needs_a_where(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text(
        "#+ summary: s\n#+ param: text (string, required) t\n"
        "SELECT ?text # WHERE { in a comment\nWHERE { BIND (STRLEN(?text) AS ?n) }\n",
        encoding="utf-8",
    )
    nasty = 'a" } } DROP ALL # \\ \n b'
    text = bound_text(parse_query(path), {"text": nasty})
    solutions = ox.Store().query(text)
    assert [sol["text"].value for sol in solutions] == [nasty]
    path.write_text("#+ summary: s\n#+ param: text (string, required) t\nSELECT ?text {}\n")
    with pytest.raises(QueryError, match="no WHERE"):
        bound_text(parse_query(path), {"text": "x"})


def test_job_changes_for_every_matched_job(store):
    """The 2010 -> 2018 changes of every matched job, recomputed from the cards."""
    result = run_query(store, load_query("job-changes-2010-2018", QUERIES), {})
    expected, key = expect_job_changes_2010_2018({})
    got = [key(r) for r in result.records()]
    assert len(got) == len(set(got)) and set(got) == expected


def test_every_query_has_a_summary_and_uses_its_params():
    queries = list_queries(QUERIES)
    assert [q.name for q in queries] == NAMES
    assert len(NAMES) >= 12 and len(VIOLATIONS) >= 4
    for q in queries:
        assert q.summary, q.name
        body = "\n".join(line for line in q.text.splitlines() if not line.startswith("#"))
        assert "GRAPH" not in body, f"{q.name}: queries run on the union default graph"
        for p in q.params:
            assert re.search(rf"\?{p.name}\b", body), f"{q.name}: ?{p.name} not used"
            select = body.split("WHERE", 1)[0]
            assert f"?{p.name}" in select, f"{q.name}: ?{p.name} must be projected"


def test_every_query_parses_without_parameters():
    for q in list_queries(QUERIES):
        ox.Store().query(q.text)  # raises SyntaxError on a bad query


# Parameters --------------------------------------------------------------------------------


def test_params_are_typed_and_bound_as_terms():
    q = load_query("jobs-needing-competence", QUERIES)
    text, subs = bind(q, {"competence": "E.8", "level": "4", "edition": "cigref-2018"})
    assert text == q.text  # the text is never changed
    assert subs[ox.Variable("competence")] == ox.Literal("E.8")
    assert subs[ox.Variable("level")] == ox.Literal(4)
    assert subs[ox.Variable("edition")] == ox.NamedNode(scheme("cigref-2018"))
    _, subs = bind(q, {"competence": "E.8"})
    assert subs[ox.Variable("level")] == ox.Literal(1)  # default
    assert ox.Variable("edition") not in subs  # optional: unbound
    job = load_query("job-profile", QUERIES)
    for value in (
        "cigref-2018/2.6",
        "cigref-2018:2.6",
        "cigref-2018-2.6",
        job_iri("cigref-2018", "2.6"),
    ):
        assert bind(job, {"job": value})[1][ox.Variable("job")] == ox.NamedNode(
            job_iri("cigref-2018", "2.6")
        )


@pytest.mark.parametrize(
    "name, params, message",
    [
        ("jobs-needing-competence", {"competence": "E8"}, "e-CF competence code"),
        ("jobs-needing-competence", {"competence": "E.8", "level": "6"}, "level 1 to 5"),
        ("jobs-needing-competence", {"competence": "E.8", "level": "four"}, "integer"),
        ("jobs-needing-competence", {"level": "3"}, "needs the parameter 'competence'"),
        ("jobs-needing-competence", {"competence": "E.8", "colour": "red"}, "no parameter"),
        ("job-profile", {"job": '2.6" } DELETE WHERE { ?s ?p ?o'}, "not a job"),
        ("job-profile", {"job": "https://example.org/x"}, "not a job"),
        ("jobs-of-family", {"family": "8", "edition": "CIGREF 2018"}, "edition key"),
        ("competences-of-area", {"area": "F"}, "area"),
        ("competences-of-area", {"area": "A", "framework": "not an iri"}, "IRI"),
    ],
)
def test_bad_params_are_refused_with_a_clear_message(name, params, message):
    with pytest.raises(ParamError, match=re.escape(message)):
        bind(load_query(name, QUERIES), params)


def test_unknown_query_and_bad_header(tmp_path):
    with pytest.raises(UnknownQuery, match="no query named"):
        load_query("jobs-of-famly", QUERIES)
    with pytest.raises(UnknownQuery):
        load_query("../etc/passwd", QUERIES)
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ param: x (colour, red) what\nSELECT * WHERE {}\n", encoding="utf-8")
    with pytest.raises(QueryError, match="unknown parameter type"):
        parse_query(bad)
    bad.write_text("SELECT * WHERE {}\n", encoding="utf-8")
    with pytest.raises(QueryError, match="summary"):
        parse_query(bad)


# Data checks can fail ----------------------------------------------------------------------

G18 = "<https://w3id.org/nomengraph/graph/cigref-2018>"
R = "<https://w3id.org/nomengraph/id/cigref-2018/job/2.6/competence/A.1>"
J = "<https://w3id.org/nomengraph/id/cigref-2018/job/2.6>"
NG = "PREFIX ng: <https://w3id.org/nomengraph/def/>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
LEVEL = "<https://w3id.org/nomengraph/id/ecf/level/e-{}>"


def _swap(subject: str, prop: str, new: str) -> str:
    return (
        f"{NG}DELETE {{ GRAPH {G18} {{ {subject} {prop} ?o }} }} "
        f"INSERT {{ GRAPH {G18} {{ {subject} {prop} {new} }} }} "
        f"WHERE {{ GRAPH {G18} {{ {subject} {prop} ?o }} }}"
    )


# One defect per data check, injected into the valid graph.
DEFECTS = {
    "requirement-level-order-violation": _swap(R, "ng:minLevel", LEVEL.format(5)),
    "job-without-label-violation": (
        f"{NG}DELETE WHERE {{ GRAPH {G18} {{ {J} skos:prefLabel ?l }} }}"
    ),
    "duplicate-requirement-violation": (
        f"{NG}INSERT DATA {{ GRAPH {G18} {{ {J} ng:hasRequirement <{ID}x/job/1/competence/A.1> . "
        f"<{ID}x/job/1/competence/A.1> a ng:CompetenceRequirement ; ng:job {J} ; "
        f"ng:competence <{ID}ecf/3.0/competence/A.1> }} }}"
    ),
    "requirement-unknown-competence-violation": _swap(
        R, "ng:competence", f"<{ID}ecf/2.0/competence/A.1>"
    ),
    "requirement-level-not-admissible-violation": _swap(R, "ng:maxLevel", LEVEL.format(1)),
    "level-as-printed-mismatch-violation": _swap(R, "ng:levelAsPrinted", '"3-4"'),
    "job-family-violation": _swap(J, "ng:family", f"<{ID}cigref-2010/family/2>"),
    "requirement-job-mismatch-violation": _swap(R, "ng:job", f"<{ID}cigref-2018/job/2.5>"),
}


def test_every_data_check_has_a_defect():
    assert sorted(DEFECTS) == VIOLATIONS


@pytest.mark.parametrize("name", VIOLATIONS)
def test_data_check_finds_an_injected_defect(store_dir, name):
    memory = memory_copy(store_dir)
    query = load_query(name, QUERIES)
    assert run_query(memory, query).rows == []
    memory.store.update(DEFECTS[name])
    assert run_query(memory, query).rows, f"{name} misses its defect"


# Output and CLI ----------------------------------------------------------------------------


def test_format_result():
    from nomengraph.query import Result

    result = Result(["job", "n", "ok"], [[ID + "a/job/1", 3, True], ["x, y", None, False]], "q")
    table = format_result(result, "table").splitlines()
    assert table[0].split() == ["job", "n", "ok"] and table[2].startswith("id:a/job/1")
    assert table[-1] == "(2 rows)"
    assert list(csv.reader(io.StringIO(format_result(result, "csv")))) == [
        ["job", "n", "ok"],
        [ID + "a/job/1", "3", "true"],
        ["x, y", "", "false"],
    ]
    doc = json.loads(format_result(result, "json"))
    assert doc["columns"] == ["job", "n", "ok"]
    assert doc["rows"][1] == {"job": "x, y", "n": None, "ok": False}


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["query", *args, "--queries", str(QUERIES)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_query_formats(capsys, store_dir):
    base = ("jobs-of-family", "--param", "family=8", "--store", str(store_dir))
    code, out, _ = cli(capsys, *base)
    assert code == 0 and "Data Engineer" in out and out.rstrip().endswith("(5 rows)")
    code, out, _ = cli(capsys, *base, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["number"] for r in rows] == ["8.1", "8.2", "8.3", "8.4", "8.5"]
    code, out, _ = cli(capsys, *base, "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["query"] == "jobs-of-family" and doc["params"] == {"family": "8"}
    assert doc["rows"][0]["title"] == "Data Scientist" and doc["rows"][0]["hasCard"] is False


def test_cli_query_list(capsys):
    code, out, _ = cli(capsys, "--list")
    assert code == 0
    for name in NAMES:
        assert name in out
    assert "job=<job>" in out and "[edition=<edition>]" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (("job-profile", "--param", "job=2.6"), "not a job"),
        (("job-profile",), "needs the parameter 'job'"),
        (("job-profile", "--param", "job"), "NAME=VALUE"),
        (("no-such-query",), "no query named"),
        ((), "give a query name"),
    ],
)
def test_cli_query_errors_exit_2(capsys, store_dir, args, message):
    code, out, err = cli(capsys, *args, "--store", str(store_dir))
    assert code == 2 and message in err and out == ""


def test_cli_query_missing_store(capsys, tmp_path):
    code, _, err = cli(capsys, "edition-summary", "--store", str(tmp_path / "none"))
    assert code == 2 and "no store here" in err
