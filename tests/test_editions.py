"""An organisation's own edition: a folder with its edition.yaml and cards in the card format,
built next to the reference nomenclatures and held to its own word."""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path
from string import Formatter

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, VOID

from nomengraph import iris, resources
from nomengraph.cards import CardError, load_edition, load_edition_cards
from nomengraph.cli import main
from nomengraph.convert import convert
from nomengraph.texts import LANGUAGES, TEXTS
from nomengraph.validate import check_dataset
from nomengraph.vocab import NG

EDITIONS = Path(__file__).parent / "fixtures" / "editions"
ACME = EDITIONS / "acme"
FAULTS = EDITIONS / "acme-faults"
CARDS = resources.CARDS


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """A small reference folder: three 2018 jobs and the e-CF data (fast to build)."""
    cards = tmp_path_factory.mktemp("ref") / "cards"
    (cards / "cigref-2018").mkdir(parents=True)
    shutil.copytree(CARDS / "ecf", cards / "ecf")
    for n in ("2.6", "5.1", "8.3"):
        shutil.copy(CARDS / "cigref-2018" / f"{n}.yaml", cards / "cigref-2018" / f"{n}.yaml")
    return cards


def test_edition_file_is_read_and_checked(tmp_path: Path) -> None:
    assert load_edition(ACME)["title"] == "Métiers du numérique d'ACME"
    (tmp_path / "edition.yaml").write_text("id: acme\necf: '3.0'\ntitel: ACME\n", encoding="utf-8")
    with pytest.raises(CardError) as exc:
        load_edition(tmp_path)
    fields = {p.field for p in exc.value.problems}
    assert "title" in fields


def test_a_folder_without_edition_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CardError, match="no edition.yaml"):
        load_edition(tmp_path)


def test_provenance_defaults_to_the_card_file() -> None:
    cards, problems = load_edition_cards(ACME)
    assert problems == []
    by_id = {c["id"]: c for c in cards}
    assert by_id["acme-1.1"]["provenance"] == {"source": "acme/data/1.1.yaml"}
    assert by_id["acme-1.2"]["provenance"]["source"] == "docs/acme-jobs.pdf"
    assert sorted(by_id) == ["acme-1.1", "acme-1.2", "acme-2.1"]


def test_a_card_of_another_edition_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    shutil.copytree(ACME, folder)
    card = folder / "2.1.yaml"
    text = card.read_text(encoding="utf-8").replace("acme", "acne")
    card.write_text(text, encoding="utf-8")
    _cards, problems = load_edition_cards(folder)
    assert [(p.line, p.field) for p in problems] == [(3, "edition")]


def test_the_edition_is_converted_with_its_title_and_framework(reference: Path) -> None:
    graphs = convert(reference, editions=[ACME]).graphs
    acme = graphs["acme"]
    scheme = URIRef(iris.edition("acme"))
    assert (scheme, RDF.type, NG.OrganisationNomenclature) in acme
    assert (scheme, DCTERMS.title, Literal("Métiers du numérique d'ACME", lang="fr")) in acme
    assert (scheme, NG.usesFramework, URIRef(iris.framework("3.0"))) in acme
    job = URIRef(iris.job("acme", "1.1"))
    extract = next(o for s, p, o in acme if s == job and p == PROV.wasDerivedFrom)
    assert (extract, NG.sourceFile, Literal("acme/data/1.1.yaml")) in acme


def test_the_metadata_graph_describes_the_edition_s_graph(reference: Path) -> None:
    metadata = convert(reference, editions=[ACME]).graphs["metadata"]
    sub = URIRef(iris.graph("acme"))
    assert (sub, DCTERMS.title, Literal("Métiers du numérique d'ACME", lang="fr")) in metadata
    assert (sub, DCTERMS.publisher, Literal("ACME")) in metadata
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert (sub, DCTERMS.license, licence) in metadata
    assert (sub, VOID.rootResource, URIRef(iris.edition("acme"))) in metadata


def test_a_reference_edition_id_cannot_be_taken(tmp_path: Path, reference: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "edition.yaml").write_text("id: sic\ntitle: Mine\necf: '3.0'\n", encoding="utf-8")
    with pytest.raises(CardError, match="already built"):
        convert(reference, editions=[folder])


def test_the_example_organisation_conforms(reference: Path) -> None:
    _converted, report = check_dataset(reference, [ACME])
    assert report.conforms, report.to_table()
    assert not [r for r in report.results if "/acme/" in r.focus]


def test_an_organisation_is_held_to_its_own_word(reference: Path) -> None:
    _converted, report = check_dataset(reference, [FAULTS])
    assert not report.conforms
    found = sorted(
        (r.shape.rsplit("/", 1)[-1], r.location.field if r.location else None)
        for r in report.violations
    )
    assert found == [
        ("OwnRequirementAdmissibleLevelShape", "competences[0].level"),
        ("OwnRequirementUnknownCompetenceShape", "competences[1].code"),
    ]
    assert all(str(r.location).startswith(str(FAULTS)) for r in report.violations)


FORMAT_FAULTS = EDITIONS / "acme-format-faults"


def _errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("nomengraph: error:")]


@pytest.mark.parametrize(
    ("folder", "code", "lines"),
    [
        (ACME, 0, []),
        (
            FAULTS,
            1,
            [
                "Violation | acme-faults/1.1.yaml:13 | competences[0].level | "
                "B.1 at level 4: e-CF 3.0 defines B.1 at levels 1–3",
                "Violation | acme-faults/1.1.yaml:16 | competences[1].code | "
                "B.9 is not an e-CF 3.0 competence",
            ],
        ),
        (
            FORMAT_FAULTS,
            1,
            [
                "Error | acme-format-faults/1.1.yaml:7 |  | "
                "YAML syntax: expected ',' or ']', but got ':'",
                "Error | acme-format-faults/1.2.yaml:7 | misson | "
                "unknown field 'misson'; did you mean 'mission'?",
                "Error | acme-format-faults/1.3.yaml:3 | edition | "
                "'acme': the cards of this folder are of edition 'acme-format-faults' "
                "(its edition.yaml)",
                "Error | acme-format-faults/1.4.yaml:11 | competences[0].level | "
                "printed level '3' does not match level_min/level_max 4/3",
                "Error | acme-format-faults/1.4.yaml:12 | competences[0].level_min | "
                "level_min 4 is above level_max 3",
            ],
        ),
        (
            EDITIONS / "acme-bad-edition",
            1,
            [
                "Error | acme-bad-edition/edition.yaml:2 | title | the field 'title' is required",
                "Error | acme-bad-edition/edition.yaml:3 | titel | "
                "unknown field 'titel'; did you mean 'title'?",
            ],
        ),
        (
            EDITIONS / "acme-no-edition",
            2,
            [
                "nomengraph: error: acme-no-edition: no edition.yaml "
                "(docs/card-format.md: an organisation's edition)"
            ],
        ),
        (
            EDITIONS / "acme-missing",
            2,
            ["nomengraph: error: acme-missing: no such folder"],
        ),
    ],
    ids=["valid", "violations", "card-format", "edition-file", "no-edition-file", "no-folder"],
)
def test_validate_gives_the_verdict_of_build(
    folder: Path,
    code: int,
    lines: list[str],
    reference: Path,
    tmp_path: Path,
    capsys,
    monkeypatch,
) -> None:
    """The exit code (exitcodes: 1 for cards that do not conform, format or shapes; 2 when the
    folder cannot be read as an edition) and the problem lines are the same."""
    monkeypatch.chdir(EDITIONS)
    monkeypatch.setenv("NOMENGRAPH_CARDS", str(reference))  # validate --cards sets it
    args = ["--cards", str(reference)]
    assert main(["validate", folder.name, *args]) == code
    validated = capsys.readouterr()
    store = tmp_path / "store"
    out = ["--store", str(store), "--out", str(tmp_path / "dist")]
    assert main(["build", folder.name, *args, *out]) == code
    built = capsys.readouterr()
    assert (store / "CURRENT").exists() == (code == 0)
    if code == 2:
        assert _errors(validated.err) == _errors(built.err) == lines
        assert validated.out == built.out == ""
    elif code == 1:
        assert validated.out == built.out  # the same table, line for line
        rows = [line.split(" | ") for line in built.out.splitlines() if " | " in line][1:]
        assert [" | ".join(cell.strip() for cell in row) for row in rows] == lines
        assert "does not conform" in built.out.splitlines()[-1]
    else:  # the edition's jobs are in the exports like any other
        assert "the data conforms" in validated.out
        exported = (tmp_path / "dist" / "nomengraph.nq").read_text(encoding="utf-8")
        assert f"<{iris.job('acme', '2.1')}>" in exported


def test_an_edition_folder_is_not_a_reference_folder(tmp_path: Path, capsys) -> None:
    assert main(["build", "--cards", str(ACME), "--store", str(tmp_path / "s")]) == 2
    assert f"nomengraph build {ACME}" in capsys.readouterr().err
    assert main(["build", str(tmp_path), "--store", str(tmp_path / "s")]) == 2
    assert "no edition.yaml" in capsys.readouterr().err


@pytest.fixture(scope="module")
def acme_store(reference: Path, tmp_path_factory) -> Path:
    from nomengraph.build import run_build

    store = tmp_path_factory.mktemp("acme") / "store"
    result = run_build(reference, store, editions=[ACME])
    assert result.report.conforms
    return store


def test_the_edition_s_jobs_get_pages_titled_by_the_edition(acme_store: Path) -> None:
    from nomengraph.server import create_app

    app = create_app(store=acme_store)
    try:
        client = app.test_client()
        html = {"Accept": "text/html"}
        page = client.get("/id/scheme/acme", headers=html).get_data(as_text=True)
        assert "Métiers du numérique d&#39;ACME" in page
        assert "id:scheme/acme" not in page
        job = client.get("/id/acme/job/1.2", headers=html)
        assert job.status_code == 200
        text = job.get_data(as_text=True)
        assert "Analyste de données" in text and "Métiers du numérique d&#39;ACME" in text
        assert '<a href="/id/ecf/3.0/competence/D.10">D.10</a>' in text
    finally:
        app.extensions["nomengraph"].close()


def test_the_edition_s_jobs_answer_the_queries(acme_store: Path, capsys) -> None:
    args = ["query", "job-profile", "--param", "job=acme/1.2", "--store", str(acme_store)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Analyste de données" in out and "D.10" in out and "(2 rows)" in out


def test_check_reads_the_edition_file_too(tmp_path: Path, capsys) -> None:
    assert main(["check", str(ACME)]) == 0
    assert "3 card(s) conform" in capsys.readouterr().out
    (tmp_path / "edition.yaml").write_text("id: e2\ntitel: x\necf: '3.0'\n", encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{tmp_path / 'edition.yaml'}:1: [title] the field 'title' is required",
        f"{tmp_path / 'edition.yaml'}:2: [titel] unknown field 'titel'; did you mean 'title'?",
    ]


# One language per run: the whole output of validate, build and check in English or French.


@cache
def _fragments(lang: str) -> frozenset[str]:
    """The fixed phrases (two words or more) of the catalog's texts in ``lang`` that no text of
    the other language has: what an output in the other language must never show."""
    index = LANGUAGES.index(lang)
    others = [pair[1 - index] for pair in TEXTS.values()]
    found = set()
    for pair in TEXTS.values():
        for literal, *_ in Formatter().parse(pair[index]):
            words = literal.strip(" :;,.()?'`")
            if " " in words and re.search(r"[^\W\d_]{3}", words):
                if not any(words in other for other in others):
                    found.add(words)
    return frozenset(found)


# Words of the shapes' messages and severities, besides the catalog's (as whole words).
_WORDS = {
    "en": ["Violation", "Warning", "Info", "Error", "severity", "field", "card/entity", "is not"],
    "fr": ["Non-conformité", "Avertissement", "Remarque", "Erreur", "gravité", "champ", "n'est"],
}


def foreign(text: str, lang: str) -> list[str]:
    """The fixed words of the other language that ``text``, an output in ``lang``, shows."""
    other = LANGUAGES[1 - LANGUAGES.index(lang)]
    words = _fragments(other) | set(_WORDS[other])
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


def test_the_foreign_words_check_finds_what_it_should() -> None:
    assert {"unknown field", "did you mean", "the data does not conform"} <= _fragments("en")
    assert {"champ inconnu", "vouliez-vous dire", "les données ne sont pas conformes"} <= (
        _fragments("fr")
    )
    english = "Error | a.yaml:7 | misson | unknown field 'misson'; did you mean 'mission'?"
    assert foreign(english, "fr") and not foreign(english, "en")
    french = "Erreur | a.yaml:7 | misson | champ inconnu 'misson' ; vouliez-vous dire 'mission' ?"
    assert foreign(french, "en") and not foreign(french, "fr")
    assert foreign("2 violation(s), 0 warning(s): the data does not conform", "fr")
    assert set(foreign("Violation | B.9 is not an e-CF 3.0 competence", "fr")) == {
        "Violation",
        "is not",
    }
    assert not foreign("syntaxe YAML : expected ',' or ']', but got ':'", "fr")  # PyYAML's detail


@cache
def _templates(lang: str) -> tuple[re.Pattern[str], ...]:
    """The catalog's texts in ``lang`` as patterns of a whole line, each value any text; only
    texts with a word of their own (not ``{severity} : {message}``, which any line matches)."""
    found = []
    for pair in TEXTS.values():
        parsed = list(Formatter().parse(pair[LANGUAGES.index(lang)]))
        if re.search(r"[^\W\d_]{3}", "".join(literal for literal, *_ in parsed)):
            found.append(
                re.compile(
                    "".join(
                        re.escape(lit) + (".*?" if name is not None else "")
                        for lit, name, *_ in parsed
                    )
                )
            )
    return tuple(found)


def unsaid(text: str, lang: str) -> list[str]:
    """The lines of ``text`` that no text of the catalog in ``lang`` says, as it is or as a
    sentence (a capital first, a full stop last)."""

    def said(line: str) -> bool:
        sentence = line[:1].lower() + line[1:].removesuffix(".")
        return any(t.fullmatch(line) or t.fullmatch(sentence) for t in _templates(lang))

    return [line for line in text.splitlines() if line and not said(line)]


def test_the_catalog_check_finds_what_it_should() -> None:
    assert not unsaid("  total : 40\u202f073 triplets\nmagasin construit dans store", "fr")
    assert unsaid("  total: 40,073 triples", "fr") == ["  total: 40,073 triples"]
    assert unsaid("load: store ready at store (generation 1)", "fr")
    assert unsaid("quelque chose : autre chose", "fr")  # the bare "{severity} : {message}"
    assert not unsaid("load: store ready at store (generation 1)", "en")


def _steady(err: str) -> str:
    """Standard error without the time validation took (the one figure that may change)."""
    return re.sub(r"\d+[.,]\d s$", "… s", err, flags=re.M)


EDITION_FIXTURES = sorted(p for p in EDITIONS.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", EDITION_FIXTURES, ids=lambda p: p.name)
def test_validate_and_build_speak_one_language_per_run(
    folder: Path, reference: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """Every edition fixture, validated twice and built in each language: the same exit code in
    both languages, the same output on every run, and no fixed word of the other language
    anywhere, table, summary, problems and errors alike; the whole output of the build (a
    successful one, one stopped by the data, one refused) said in the run's language, every line
    of it a text of the catalog (the table excepted: it is validate's, checked above)."""
    monkeypatch.chdir(EDITIONS)
    monkeypatch.setenv("NOMENGRAPH_CARDS", str(reference))
    codes = {}
    for lang in LANGUAGES:
        runs = []
        for _ in range(2):
            code = main(["validate", folder.name, "--cards", str(reference), "--lang", lang])
            runs.append((code, capsys.readouterr()))
        (code, first), (again, second) = runs
        assert code == again and first.out == second.out
        assert _steady(first.err) == _steady(second.err)
        for text in (first.out, first.err):
            assert not foreign(text, lang), (lang, foreign(text, lang), text)
        # The build, in the same language all through: progress, summary, table, stop, errors.
        out = ["--store", str(tmp_path / lang / "store"), "--out", str(tmp_path / lang / "dist")]
        assert main(["build", folder.name, "--cards", str(reference), f"--lang={lang}", *out]) == (
            code
        )
        built = capsys.readouterr()
        whole = built.out + built.err
        assert not foreign(whole, lang), (lang, foreign(whole, lang), whole)
        if code == 1:
            assert built.out == first.out  # the same table, in the same language
        else:  # nothing but the catalog's texts: the progress, the summary, the error
            assert built.out or code
            assert not unsaid(built.out, lang), (lang, unsaid(built.out, lang))
        assert not unsaid(built.err, lang), (lang, unsaid(built.err, lang))
        if code:
            ends = {
                "en": ("build stopped:", "nomengraph: error:"),
                "fr": ("construction arrêtée :", "nomengraph : erreur :"),
            }
            assert [line for line in built.err.splitlines() if line.startswith(ends[lang])]
        assert first.out or first.err
        codes[lang] = code
    assert codes["en"] == codes["fr"] == {"acme": 0, "acme-no-edition": 2}.get(folder.name, 1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_build_that_cannot_write_its_exports_stops_before_the_store(
    lang: str, reference: Path, tmp_path: Path, capsys
) -> None:
    """An exports folder that cannot be made stops the build before the store is written: exit
    2, one error naming the folder and the system's reason, in the run's language, no
    traceback; the store is left as it was (here: none)."""
    (tmp_path / "file").write_text("", encoding="utf-8")
    out = ["--store", str(tmp_path / "store"), "--out", str(tmp_path / "file" / "dist")]
    assert main(["build", "--cards", str(reference), "--lang", lang, *out]) == 2
    built = capsys.readouterr()
    assert built.out == "" and not (tmp_path / "store").exists()
    errors = [line for line in built.err.splitlines() if "erreur" in line or "error" in line]
    lead = {
        "en": "nomengraph: error: cannot write the exports: ",
        "fr": ("nomengraph : erreur : impossible d'écrire les exports : "),
    }[lang]
    assert len(errors) == 1 and errors[0].startswith(lead), built.err
    assert str(tmp_path / "file" / "dist") in errors[0]
    assert not foreign(built.err, lang) and not unsaid(built.err, lang), built.err


def test_the_card_format_problems_in_french(reference: Path, capsys, monkeypatch) -> None:
    """The problems of the card-format fixtures, said in French, the value and the field
    named; only the YAML parser's own detail stays as it says it."""
    monkeypatch.chdir(EDITIONS)
    monkeypatch.setenv("NOMENGRAPH_LANG", "fr")  # the setting, as --lang gives it
    assert main(["validate", FORMAT_FAULTS.name, "--cards", str(reference)]) == 1
    captured = capsys.readouterr()
    rows = [line.split(" | ") for line in captured.out.splitlines() if " | " in line]
    assert [" | ".join(cell.strip() for cell in row) for row in rows] == [
        "gravité | carte/entité | champ | message",
        "Erreur | acme-format-faults/1.1.yaml:7 |  | "
        "syntaxe YAML : expected ',' or ']', but got ':'",
        "Erreur | acme-format-faults/1.2.yaml:7 | misson | "
        "champ inconnu 'misson' ; vouliez-vous dire 'mission' ?",
        "Erreur | acme-format-faults/1.3.yaml:3 | edition | "
        "'acme' : les cartes de ce dossier sont de l'édition 'acme-format-faults' "
        "(selon son edition.yaml)",
        "Erreur | acme-format-faults/1.4.yaml:11 | competences[0].level | "
        "le niveau imprimé '3' ne correspond pas à level_min/level_max 4/3",
        "Erreur | acme-format-faults/1.4.yaml:12 | competences[0].level_min | "
        "level_min 4 est au-dessus de level_max 3",
    ]
    assert captured.out.splitlines()[-1] == (
        "5 erreur(s) de format des cartes, 0 non-conformité(s), 0 avertissement(s), "
        "0 remarque(s) : les données ne sont pas conformes"
    )
    assert re.fullmatch(r"la validation a pris \d+,\d s\n", captured.err)
    assert main(["validate", "acme-no-edition", "--cards", str(reference)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "nomengraph : erreur : acme-no-edition : pas de fichier edition.yaml "
        "(docs/card-format.md : l'édition d'une organisation)"
    ]
