"""``link match`` and MELO's metrics: the metric against hand-computed values (ties by id,
descending, as trec_eval), the command on a MELO-format fixture and on a folder of cards in each
output format, and bad input (exit 2, one line naming the file and the line)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nomengraph import iris, link, resources
from nomengraph.cli import main
from nomengraph.link import run as link_run

ROOT = Path(__file__).resolve().parents[1]
MELO = ROOT / "tests" / "fixtures" / "melo"
ESCO = ROOT / "tests" / "fixtures" / "esco" / "v1.2.0"
CORPUS = [
    "--corpus",
    str(MELO / "corpus_elements.tsv"),
    "--concepts",
    str(MELO / "concept_mapping.tsv"),
]


def test_trec_order_breaks_ties_by_id_descending() -> None:
    scored = [("C1", 0.5), ("C3", 0.9), ("C2", 0.9), ("C10", 0.9), ("C0", 0.1)]
    # equal scores: the ids compared as strings, the greater first ("C3" > "C2" > "C10")
    assert link.trec_order(scored) == ["C3", "C2", "C10", "C1", "C0"]
    assert link.trec_order(scored, depth=2) == ["C3", "C2"]


def test_rank_metrics_by_hand() -> None:
    qrels = {"q1": {"a"}, "q2": {"b", "c"}, "q3": {"z"}, "q4": {"d"}}
    run = {
        "q1": ["a", "x"],  # first relevant at rank 1
        "q2": ["x", "y", "c", "b"],  # rank 3
        "q3": ["x"] * 5 + ["z"],  # rank 6 (in the first 10, not the first 5)
        # q4 unanswered: 0
    }
    m = link.rank_metrics(qrels, run)
    assert m.queries == 4
    assert m.mrr == pytest.approx((1 + 1 / 3 + 1 / 6 + 0) / 4)
    assert (m.a1, m.a5, m.a10) == (0.25, 0.5, 0.75)
    # beyond the cut of 100 a relevant element does not count
    deep = link.rank_metrics({"q": {"r"}}, {"q": [f"d{i:03d}" for i in range(100)] + ["r"]})
    assert deep.mrr == 0.0


def test_read_qrels(tmp_path: Path) -> None:
    qrels = link.read_qrels(MELO / "annotations.tsv")
    assert set(qrels) == {"Q000001", "Q000010", "Q000012", "Q000016", "Q000044"}
    assert "C001295_fr_001" in qrels["Q000001"]
    bad = tmp_path / "qrels.tsv"
    bad.write_text("q1 0 d1 1\nq1 0 d2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{bad}:2: expected"):
        link.read_qrels(bad)


def test_gender_forms_of_titles() -> None:
    assert link_run.read_pairs(MELO / "queries.tsv", "title")[0] == ("Q000001", "Boucher (h/f/x)")
    from nomengraph.link.text import key, variants

    assert variants("Développeur / Développeuse informatique") == [
        "Développeur / Développeuse informatique",
        "Développeur informatique",
        "Développeuse informatique",
    ]
    assert variants("Boucher (h/f/x)") == ["Boucher"]
    # a colon typed for a slash ("(h/f:x)", as in a Belgian title) is a gender mark too
    assert variants("Monteur-câbleur (h/f:x)") == ["Monteur-câbleur"]
    assert key("bouchère") == key("boucher") == key("Bouchers")
    assert key("Chargée d'études") == key("chargé d’études")


def run_match(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(["link", "match", *argv]) == 0
    return capsys.readouterr().out


def test_match_a_melo_corpus_as_trec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_match(capsys, str(MELO / "queries.tsv"), *CORPUS, "-k", "100", "--format", "trec")
    lines = [line.split() for line in out.splitlines()]
    corpus_text = (MELO / "corpus_elements.tsv").read_text(encoding="utf-8")
    corpus_ids = {line.split("\t")[0] for line in corpus_text.splitlines()}
    assert {cells[0] for cells in lines} == {"Q000001", "Q000010", "Q000012", "Q000016", "Q000044"}
    assert all(c[1] == "Q0" and c[2] in corpus_ids and c[5] == "nomengraph" for c in lines)
    by_query: dict[str, list[list[str]]] = {}
    for cells in lines:
        by_query.setdefault(cells[0], []).append(cells)
    for rows in by_query.values():
        assert [int(c[3]) for c in rows] == list(range(1, len(rows) + 1))
        scores = [float(c[4]) for c in rows]
        assert scores == sorted(scores, reverse=True)
    qrels = link.read_qrels(MELO / "annotations.tsv")
    firsts = {q: rows[0][2] for q, rows in by_query.items()}
    for q in ("Q000001", "Q000012"):  # "Boucher", "Conducteur de grue à tour": the same title
        assert firsts[q] in qrels[q], (q, firsts[q])
    # the gold of "Administrateur système informatique" is the database administrator:
    # a title match ranks the systems administrator first, so MRR < 1
    assert not firsts["Q000044"].startswith("C002304")
    run = tmp_path / "run.trec"
    run.write_text(out, encoding="utf-8")
    capsys.readouterr()
    assert main(["link", "evaluate", str(run), str(MELO / "annotations.tsv")]) == 0
    text = capsys.readouterr().out
    ranked = {q: [c[2] for c in rows] for q, rows in by_query.items()}
    expected = link.rank_metrics(qrels, ranked)
    assert f"MRR {expected.mrr:.4f}" in text
    assert 0.5 < expected.mrr < 1.0


def test_match_a_melo_corpus_as_tsv_and_sssom(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_match(capsys, str(MELO / "queries.tsv"), *CORPUS, "-k", "3")
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows[0] == ["query_id", "query", "rank", "id", "label", "concept", "score"]
    assert len(rows) == 1 + 5 * 3
    first = rows[1]
    assert first[:3] == ["Q000001", "Boucher (h/f/x)", "1"]
    assert first[5] == "http://data.europa.eu/esco/occupation/" + first[5].rsplit("/", 1)[1]
    path = tmp_path / "candidates.sssom.tsv"
    argv = [str(MELO / "queries.tsv"), *CORPUS, "-k", "3", "--format", "sssom"]
    assert main(["link", "match", *argv, "--out", str(path)]) == 0
    mset = link.read_sssom(path)
    assert {r.mapping_justification for r in mset.rows} == {link.LEXICAL}
    assert {r.predicate_id for r in mset.rows} == {"skos:closeMatch"}
    assert all(r.object_id.startswith("esco:") and 0 <= r.confidence <= 1 for r in mset.rows)  # type: ignore[operator]
    assert mset.rows[0].subject_label == "Boucher (h/f/x)"
    assert mset.expand(mset.rows[0].subject_id).endswith("#Q000001")


@pytest.fixture
def card_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "cards"
    folder.mkdir()
    for number in ("4.5", "8.1"):  # database administrator, data scientist (CIGREF 2018)
        shutil.copy(resources.CARDS / "cigref-2018" / f"{number}.yaml", folder)
    return folder


@pytest.mark.parametrize("prior", ["it", "none"])
@pytest.mark.parametrize("fmt", ["trec", "tsv", "sssom"])
def test_match_a_card_folder(
    card_folder: Path, fmt: str, prior: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--esco", str(ESCO), "-k", "2", "--format", fmt, "--prior", prior]
    out = run_match(capsys, str(card_folder), *argv)
    dba = "http://data.europa.eu/esco/occupation/8c57af09-719c-42b3-be40-6ed4946236cc"
    scientist = "http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30"
    job = iris.job("cigref-2018", "4.5")
    if fmt == "trec":
        first = {c[0]: c[2] for c in (line.split() for line in out.splitlines()) if c[3] == "1"}
        assert first == {job: dba, iris.job("cigref-2018", "8.1"): scientist}
    elif fmt == "tsv":
        rows = [line.split("\t") for line in out.splitlines()[1:]]
        assert [r[4] for r in rows if r[0] == job and r[2] == "1"] == ["database administrator"]
    else:
        path = card_folder.parent / "out.sssom.tsv"
        path.write_text(out, encoding="utf-8")
        mset = link.read_sssom(path)
        firsts = [r for r in mset.rows if r.subject_id == "ng2018:4.5"]
        # a card that says more than its title (mission, tasks, e-CF profile): composite;
        # 8.1 has no card in the 2018 edition (title only): lexical
        assert {r.mapping_justification for r in firsts} == {"semapv:CompositeMatching"}
        others = [r for r in mset.rows if r.subject_id == "ng2018:8.1"]
        assert {r.mapping_justification for r in others} == {link.LEXICAL}
        assert firsts[0].object_id == "esco:8c57af09-719c-42b3-be40-6ed4946236cc"


def test_cards_carry_their_ecf_profile_as_esco_skills(card_folder: Path) -> None:
    queries = {q.id: q for q in link_run.card_queries(card_folder)}
    dba = queries[iris.job("cigref-2018", "4.5")]
    assert "Administrateur de bases de données" in dba.titles
    assert dba.text and dba.skills
    assert all(s.startswith("http://data.europa.eu/esco/skill/") for s in dba.skills)


def test_ecf_2_cards_reach_esco_skills_through_the_3_0_links(tmp_path: Path) -> None:
    # ecf-2.0-3.0 goes from 3.0 (subject) to 2.0 (object): a 2.0 competence gets the ESCO
    # skills of the 3.0 competence it continues
    v3, v2 = link_run.ecf_skill_links("3.0"), link_run.ecf_skill_links("2.0")
    a1 = iris.competence("2.0", "A.1")
    assert v2[a1] == v3[iris.competence("3.0", "A.1")]
    prefix = a1.removesuffix("A.1")
    assert len(v2) >= 30 and all(c.startswith(prefix) for c in v2)
    folder = tmp_path / "cards2010"
    folder.mkdir()
    card = sorted((resources.CARDS / "cigref-2010").glob("*.yaml"))[0]
    shutil.copy(card, folder)
    (query,) = link_run.card_queries(folder)
    assert query.skills
    assert all(s.startswith("http://data.europa.eu/esco/skill/") for s in query.skills)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--target", "isco"], "unknown target 'isco'"),
        (["--esco", "/nonexistent/esco"], "/nonexistent/esco: no such ESCO folder"),
        (["--target", "rome"], "--target rome needs --rome DIR"),
        (["--corpus", str(MELO / "corpus_elements.tsv")], "--corpus needs --concepts"),
    ],
)
def test_bad_options_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["link", "match", str(MELO / "queries.tsv"), *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and message in err[-1]  # the progress line, then the error


def test_malformed_tsv_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = tmp_path / "queries.tsv"
    queries.write_text("q1\tBoucher\n\nq2\tFleuriste\textra\n", encoding="utf-8")
    assert main(["link", "match", str(queries), *CORPUS]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"nomengraph: error: {queries}:3: expected 'id<TAB>title'")
    assert main(["link", "match", str(tmp_path / "missing.tsv"), *CORPUS]) == 2
    assert "missing.tsv: no such title file" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["link", "match", str(empty), *CORPUS]) == 2
    assert "no card (*.yaml) in the folder" in capsys.readouterr().err


def test_tfidf_vectors_are_cosines_of_words_and_character_ngrams() -> None:
    from nomengraph.link.vectors import char_grams, char_vectorizer, word_vectorizer

    assert char_grams("dev") == [" d", "de", "ev", "v ", " de", "dev", "ev ", " dev", "dev "]
    labels = ["Développeur informatique", "boulanger", "chef de projet informatique"]
    words = word_vectorizer()
    index = words.fit_transform(labels)
    scores = (words.transform(["développeuse informatique", "maçon"]) @ index.T).toarray()
    assert scores[0, 0] == pytest.approx(1.0, abs=1e-6)  # same stemmed words
    assert scores[0, 1] == 0.0 and 0.0 < scores[0, 2] < 1.0  # "informatique" shared, not all
    assert not scores[1].any()  # no word in common
    chars = char_vectorizer()
    index = chars.fit_transform(labels)
    # a word never seen still matches by the character n-grams it shares
    scores = (chars.transform(["boulangère"]) @ index.T).toarray()[0]
    assert scores.argmax() == 1 and 0.5 < scores[1] < 1.0


def test_concepts_named_by_a_title_of_the_query_fiche_gain() -> None:
    """A query matching a ROME fiche's appellation lifts the concepts that carry one of the
    fiche's other appellations as a label (shared among them), and only with the fiche weight."""
    from nomengraph.link.matcher import Concept, Element, Matcher, Query, Weights

    elements = [Element("e1", "plâtrier", "c:1"), Element("e2", "poseur de plafonds", "c:2")]
    fiche = Concept("rome:F1", ("Plâtrier / Plâtrière", "Plafonneur / Plafonneuse", "Gypsier"))
    other = Concept("rome:F2", ("Poseur de plafonds suspendus",))
    query = [Query("q", ("Plafonneur (h/f/x)",))]
    plain = Matcher(elements, weights=Weights(fiche=0.0), context=[fiche, other])
    lifted = Matcher(elements, weights=Weights(fiche=1.0), context=[fiche, other])
    before, after = plain.concept_scores(query)[0], lifted.concept_scores(query)[0]
    assert after[1] == pytest.approx(before[1])  # "poseur de plafonds" is no title of F1
    assert after[0] > before[0] + 0.5  # "plâtrier" is, the only concept carrying one
    assert lifted.rank(query, 1)["q"][0][0].concept == "c:1"
