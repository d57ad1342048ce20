"""Validation messages a person reads: one language per run, codes and levels instead of IRIs."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from nomengraph.validate import check_dataset, load_shapes, readable, validate_graph
from test_editions import FAULTS, reference  # noqa: F401 - the module's fixture

SHAPES = Path(__file__).parent / "fixtures" / "shapes"
INVALID = sorted((SHAPES / "invalid").glob("*.ttl"))


def _run(path: Path, lang: str):
    graph = Graph().parse(SHAPES / "base.ttl", format="turtle").parse(path, format="turtle")
    return validate_graph(graph, shapes=load_shapes(), lang=lang)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_messages_name_no_iri_and_stay_in_one_language(path: Path) -> None:
    en = [r.message for r in _run(path, "en").results]
    fr = [r.message for r in _run(path, "fr").results]
    assert en and fr
    assert not any("https://" in m for m in en + fr), en + fr
    assert en == [r.message for r in _run(path, "en").results]  # the same on every run
    assert en != fr


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


def test_readable_values() -> None:
    assert readable("https://w3id.org/nomengraph/id/ecf/3.0/competence/B.1") == "B.1"
    assert readable("https://w3id.org/nomengraph/id/ecf/level/e-4") == "4"
    assert readable("https://w3id.org/nomengraph/id/acme/job/1.2") == "acme/1.2"
    assert readable("https://w3id.org/nomengraph/def/family") == "ng:family"


def test_every_message_is_in_english_and_french() -> None:
    from rdflib.namespace import SH

    shapes = load_shapes()
    for part in set(shapes.subjects(SH.message, None)):
        langs = {m.language for m in shapes.objects(part, SH.message)}
        assert {"en", "fr"} <= langs, [str(m) for m in shapes.objects(part, SH.message)]


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
