"""Validation messages a person reads: one language per run, codes and levels instead of IRIs."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

import nomengraph
from nomengraph import iris
from nomengraph.cards import check_card, load_card
from nomengraph.messages import Namer, named_shape, templates
from nomengraph.texts import TEXTS
from nomengraph.validate import check_dataset, load_shapes, validate_graph
from test_cards import FIXTURES as CARDS
from test_cards import _mutations
from test_editions import FAULTS, foreign, reference  # noqa: F401 - the module's fixture

SHAPES = Path(__file__).parent / "fixtures" / "shapes"
INVALID = sorted((SHAPES / "invalid").glob("*.ttl"))


def _run(path: Path, lang: str):
    graph = Graph().parse(SHAPES / "base.ttl", format="turtle").parse(path, format="turtle")
    return validate_graph(graph, shapes=load_shapes(), lang=lang)


# What a message a person reads never shows: an IRI, a prefixed name (id:ecf/2.0, ng:family,
# xsd:integer), or a piece of regular expression.
IRI = re.compile(r"[a-z]+://|urn:")
PREFIXED = re.compile(r"(?<![\w/.])[a-z][a-z0-9-]*:[A-Za-z0-9_]")
REGEX = re.compile(r"[\^$\\]|\[[^\]]*-[^\]]*\]|\(\?|\.[*+]|\{\d+,?\d*\}")


def _unreadable(text: str) -> list[str]:
    return [what.pattern for what in (IRI, PREFIXED, REGEX) if what.search(text)]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_messages_name_things_as_a_person_knows_them(path: Path) -> None:
    """Every result of every invalid fixture, in English and in French: the message, the
    entity and the field (the table's columns when no card file holds the result) show no IRI,
    no prefixed name and no regular expression; one language per run, the same on every run."""
    en, fr = _run(path, "en"), _run(path, "fr")
    assert en.results and len(en.results) == len(fr.results)
    for report in (en, fr):
        for r in report.results:
            for text in (r.message, r.subject, r.field):
                assert not _unreadable(text), (text, _unreadable(text))
        table = report.to_table() + report.to_text()
        assert not _unreadable(table.replace("-+-", "")), table
    assert [r.message for r in en.results] == [r.message for r in _run(path, "en").results]
    for r_en, r_fr in zip(en.results, fr.results, strict=True):
        assert (r_en.focus, r_en.shape) == (r_fr.focus, r_fr.shape)
        assert r_en.message != r_fr.message  # each said in its own language


def test_the_checks_of_unreadable_text_catch_what_they_should() -> None:
    for text in (
        "https://w3id.org/nomengraph/id/acme/job/1.2",
        "the framework id:ecf/2.0",
        "a ng:family",
        "an xsd:integer",
        "^[0-9]+$",
        "matches [A-E]",
        "a{1,2}",
    ):
        assert _unreadable(text), text
    for text in (
        "B.1 at level 4: e-CF 3.0 defines B.1 at levels 1–3",
        "B.1 au niveau 4 : l'e-CF 3.0 définit B.1 aux niveaux 1–3",
        "acme/1.2 Analyste de données, deliverable 2",
        "Job IRI does not have the shape id/<edition>/job/<number>.",
    ):
        assert not _unreadable(text), text


def test_every_shape_says_its_results_in_english_and_in_french() -> None:
    """Every part of a shape that can report a result (node shape, property shape, SPARQL
    constraint) has a message in each language, its own or the shape's it hangs from."""
    shapes = load_shapes()
    parts = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    parts |= set(shapes.objects(None, SH.property))
    not_constraints = {
        SH[name]
        for name in (
            "targetClass targetNode targetSubjectsOf targetObjectsOf name description severity "
            "message property path order group deactivated"
        ).split()
    }
    for part in parts:
        if not {p for p in shapes.predicates(part) if p.startswith(SH)} - not_constraints:
            continue  # no constraint of its own (only property shapes): it reports nothing
        constraints = list(shapes.objects(part, SH.sparql)) or [None]
        for constraint in constraints:
            forms = templates(shapes, constraint, part, named_shape(shapes, part))
            assert {"en", "fr"} <= {f.language for f in forms}, (part, constraint)


def test_requirement_messages_say_codes_versions_and_levels(reference: Path) -> None:  # noqa: F811
    for lang, expected in (
        (
            "en",
            [
                "B.1 at level 4: e-CF 3.0 defines B.1 at levels 1–3",
                "B.9 is not an e-CF 3.0 competence",
            ],
        ),
        (
            "fr",
            [
                "B.1 au niveau 4 : l'e-CF 3.0 définit B.1 aux niveaux 1–3",
                "B.9 n'est pas une compétence de l'e-CF 3.0",
            ],
        ),
    ):
        _converted, report = check_dataset(reference, [FAULTS], lang=lang)
        found = [(str(r.location), r.location.field, r.message) for r in report.violations]
        assert found == [
            (f"{FAULTS / '1.1.yaml'}:13", "competences[0].level", expected[0]),
            (f"{FAULTS / '1.1.yaml'}:16", "competences[1].code", expected[1]),
        ]


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        validate_graph(Graph(), lang="de")


def test_terms_are_named_as_a_person_knows_them() -> None:
    job = iris.job("acme", "1.2")
    en = Namer("en", titles={job: "Analyste de données"})
    fr = Namer("fr", titles={job: "Analyste de données"})
    assert en(iris.competence("3.0", "B.1")) == "B.1"
    assert en(iris.proficiency_level(4)) == "e-4"
    assert en(job) == "acme/1.2 Analyste de données"
    assert en(iris.job("acme", "9")) == "acme/9"
    assert en(iris.deliverable("acme", "1.2", 2)) == "acme/1.2 Analyste de données, deliverable 2"
    assert fr(iris.deliverable("acme", "1.2", 2)) == "acme/1.2 Analyste de données, livrable 2"
    assert en(iris.requirement("acme", "1.2", "B.1")) == (
        "acme/1.2 Analyste de données, requirement B.1"
    )
    assert en(iris.family("cigref-2010", "1")) == "family 1 of cigref-2010"
    assert fr(iris.family("cigref-2010", "1")) == "famille 1 de cigref-2010"
    assert en(iris.framework("2.0")) == "e-CF 2.0"
    assert fr(iris.area("3.0", "B")) == "domaine B de l'e-CF 3.0"
    assert en(iris.edition("acme")) == "acme"
    assert en(iris.matrix_row("cigref-2010", "1.1")) == "cigref-2010/1.1 in the matrix"
    labels = {iris.DEF + "family": {"en": "family", "fr": "famille"}}
    assert Namer("fr", labels=labels)(iris.DEF + "family") == "famille"
    assert en("http://www.w3.org/2004/02/skos/core#prefLabel") == "prefLabel"
    with pytest.raises(ValueError, match="unknown language"):
        Namer("de")


def test_validate_lang_fr(reference: Path, capsys, monkeypatch) -> None:  # noqa: F811
    from nomengraph.cli import main

    monkeypatch.setenv("NOMENGRAPH_CARDS", str(reference))  # validate --cards sets it

    assert main(["validate", str(FAULTS), "--cards", str(reference), "--lang", "fr"]) == 1
    out = capsys.readouterr().out
    assert "B.9 n'est pas une compétence de l'e-CF 3.0" in out
    assert "is not an e-CF" not in out and "https://" not in out


def test_validate_dir_shows_the_edition_s_results_at_their_cards(
    reference: Path,  # noqa: F811
    capsys,
    monkeypatch,
) -> None:
    from nomengraph.cli import main

    monkeypatch.setenv("NOMENGRAPH_CARDS", str(reference))  # validate --cards sets it
    monkeypatch.chdir(FAULTS.parent)
    assert main(["validate", "acme-faults", "--cards", str(reference)]) == 1
    captured = capsys.readouterr()
    lines = [line for line in captured.out.splitlines() if line.startswith("Violation")]
    assert [line.split(" | ")[1].strip() for line in lines] == [
        "acme-faults/1.1.yaml:13",
        "acme-faults/1.1.yaml:16",
    ]
    assert "Warning" not in captured.out and "matrix" not in captured.out


def test_validate_text_format_one_line_per_problem(
    reference: Path,  # noqa: F811
    capsys,
    monkeypatch,
) -> None:
    from nomengraph.cli import main

    monkeypatch.setenv("NOMENGRAPH_CARDS", str(reference))  # validate --cards sets it
    monkeypatch.chdir(FAULTS.parent)
    args = ["validate", "acme-faults", "--cards", str(reference), "--format", "text"]
    assert main(args) == 1
    assert capsys.readouterr().out.splitlines() == [
        "acme-faults/1.1.yaml:13: [competences[0].level] violation: "
        "B.1 at level 4: e-CF 3.0 defines B.1 at levels 1–3",
        "acme-faults/1.1.yaml:16: [competences[1].code] violation: "
        "B.9 is not an e-CF 3.0 competence",
        "2 violation(s), 0 warning(s), 0 info(s): the data does not conform",
    ]


def test_a_competence_of_another_framework_is_named_with_its_version() -> None:
    path = SHAPES / "invalid" / "requirement-competence-of-other-framework.ttl"
    messages = [r.message for r in _run(path, "en").violations]
    assert messages and all(" of e-CF " in m for m in messages), messages


# The program's own texts (nomengraph.texts): the catalog, and the card format's problems.


def test_every_text_of_the_catalog_is_said_in_both_languages() -> None:
    """Each text has its English and its French form, with the same values to fill; the two
    differ (a word both languages share excepted), and no form shows a regular expression."""
    same = {"header.message"}  # "message" is French too
    for key, (en, fr) in TEXTS.items():
        fields = [{name for _, name, *_ in Formatter().parse(text) if name} for text in (en, fr)]
        assert fields[0] == fields[1], key
        assert (en == fr) == (key in same), key
        assert not _unreadable(en) and not _unreadable(fr), key


def test_every_text_of_the_catalog_is_used() -> None:
    """A key of the catalog is written in the source as is, or made from its family
    (``severity.{...}`` and the like), or is ``schema.<the schema keyword it explains>``."""
    source = "".join(
        path.read_text(encoding="utf-8") for path in Path(nomengraph.__file__).parent.rglob("*.py")
    )
    made = ("severity.", "count.", "type.", "header.")
    unused = [
        key
        for key in TEXTS
        if f'"{key}"' not in source
        and not key.startswith(made)
        and not (key.startswith("schema.") and f'"{key.removeprefix("schema.")}"' in source)
    ]
    assert unused == []


# What jsonschema's own messages say, which no problem may show.
JSONSCHEMA = re.compile(
    r"is not of type|should be non-empty|is a required property|is greater than|is less than|"
    r"is not valid under|does not match|Additional properties|is too (short|long)|"
    r"is not one of|was expected|expected to be|should not be"
)


def test_every_schema_problem_names_field_and_value_in_words_in_both_languages() -> None:
    """Every single-field change of a card that uses every field: each problem names its field
    (and the value, when there is one to show), says what is expected in plain words (no
    regular expression, no schema keyword, none of jsonschema's phrases), in English and in
    French, each free of the other's words."""
    card = load_card(CARDS / "valid" / "every-field.yaml")
    seen = 0
    kinds = set()
    for _where, mutated in _mutations(card):
        for problem in check_card(mutated, "card.yaml"):
            en, fr = problem.message_in("en"), problem.message_in("fr")
            assert en == problem.message and en != fr, problem
            name = next(
                (p for p in reversed(re.split(r"[.\[\]]", problem.field)) if p and not p.isdigit()),
                "",
            )
            for text, lang in ((en, "en"), (fr, "fr")):
                assert not JSONSCHEMA.search(text), text
                assert not _unreadable(text), text
                assert not foreign(text, lang), (text, foreign(text, lang))
                assert name in text or "le fichier" in text or "the file" in text, (problem, text)
            kinds.add(re.sub(r"'[^']*'|\d+|\[.*\]|\{.*\}", "_", en)[:24])
            seen += 1
    assert seen > 400 and len(kinds) > 15, (seen, sorted(kinds))


@pytest.mark.parametrize(
    "path",
    [*sorted((CARDS / "invalid").glob("*.yaml")), CARDS / "valid" / "every-field.yaml"],
    ids=lambda p: p.stem,
)
def test_validate_a_card_file_speaks_one_language_per_run(path: Path, capsys) -> None:
    """``validate FILE`` on every card-format fixture, twice in each language: the same exit
    code in both (1 for an invalid card, 0 for the card that uses every field), the same
    output on every run, no word of the other language."""
    from nomengraph.cli import main

    codes = set()
    for lang in ("en", "fr"):
        outputs = []
        for _ in range(2):
            code = main(["validate", str(path), "--lang", lang, "--format", "text"])
            captured = capsys.readouterr()
            outputs.append((code, captured.out, re.sub(r"\d+[.,]\d s", "", captured.err)))
        assert outputs[0] == outputs[1]
        code, out, err = outputs[0]
        assert out.strip() and not foreign(out + err, lang), (lang, foreign(out + err, lang), out)
        codes.add(code)
    assert codes == {1 if path.parent.name == "invalid" else 0}


def test_every_pattern_of_the_schemas_is_said_in_words() -> None:
    """No pattern falls back to 'not in the expected form': each has its meaning."""
    import json

    from nomengraph import resources
    from nomengraph.cards import PATTERN_MEANINGS

    def patterns(node: object) -> set[str]:
        if isinstance(node, dict):
            own = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
            return own.union(*(patterns(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(patterns(v) for v in node))
        return set()

    schemas = Path(resources.schema("card.schema.json")).parent.glob("*.schema.json")
    found = set().union(*(patterns(json.loads(p.read_text(encoding="utf-8"))) for p in schemas))
    assert len(found) > 5 and found <= set(PATTERN_MEANINGS)
    assert all(meaning in TEXTS for meaning in PATTERN_MEANINGS.values())
