"""nomengraph.validate: reports, tracing results to card files, validating a folder of cards."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import SH

from nomengraph import iris
from nomengraph.validate import (
    CardIndex,
    Report,
    Result,
    load_shapes,
    map_to_cards,
    run_validate,
    validate_cards,
    validate_graph,
)
from test_shapes import named_shapes

FIXTURES = Path(__file__).parent / "fixtures"
SHAPES_FIX = FIXTURES / "shapes"
EVERY_FIELD = FIXTURES / "cards" / "valid" / "every-field.yaml"

ECF_30 = {
    "framework": "e-CF",
    "version": "3.0",
    "areas": [{"code": "B", "name": {"en": "BUILD"}}, {"code": "E", "name": {"en": "MANAGE"}}],
    "levels": [{"level": n, "eqf": [n + 2]} for n in range(1, 6)],
    "competences": [
        {
            "code": "B.1",
            "area": "B",
            "name": {"en": "Application Development"},
            "levels": [1, 2, 3],
        },
        {
            "code": "E.8",
            "area": "E",
            "name": {"en": "Information Security Management"},
            "levels": [2, 3, 4],
        },
    ],
    "provenance": [],
}


def test_load_shapes_names_every_topic() -> None:
    shapes = load_shapes()
    names = {str(s).rsplit("/", 1)[-1] for s in named_shapes(shapes)}
    assert {
        "JobPrefLabelShape",
        "RequirementFrameworkShape",
        "MatrixCellLevelShape",
        "CompetenceShape",
        "LanguageTagShape",
    } <= names


def _fixture(name: str) -> Graph:
    g = Graph().parse(SHAPES_FIX / "base.ttl", format="turtle")
    return g.parse(SHAPES_FIX / name, format="turtle")


def test_dataset_named_graphs_are_validated_together() -> None:
    # The job and its requirement in one graph, the e-CF in another: validated as one union,
    # the requirement's competence is found (no unknown-competence warning).
    base = Graph().parse(SHAPES_FIX / "base.ttl", format="turtle")
    job = Graph().parse(SHAPES_FIX / "valid" / "job-cigref-2018-with-card.ttl", format="turtle")
    ds = Dataset()
    ecf, jobs = ds.graph(URIRef(iris.graph("ecf"))), ds.graph(URIRef(iris.graph("cigref-2018")))
    for t in base:
        ecf.add(t)
    for t in job:
        jobs.add(t)
    report = validate_graph(ds)
    assert report.conforms and report.results == []


def test_report_severities_turtle_and_table() -> None:
    report = validate_graph(_fixture("invalid/requirement-level-six.ttl"))
    assert not report.conforms
    assert {r.severity for r in report.results} == {"Violation", "Warning"}
    assert report.counts() == {"Violation": 1, "Warning": 1, "Info": 0}
    back = Graph().parse(data=report.to_turtle(), format="turtle")
    assert len(list(back.subjects(None, SH.ValidationReport))) == 1
    assert len(list(back.subjects(None, SH.ValidationResult))) == 2
    table = report.to_table()
    assert table.splitlines()[0].split(" | ")[0].strip() == "severity"
    rows = [[cell.strip() for cell in line.split(" | ")] for line in table.splitlines()[2:4]]
    assert rows == [  # no card file holds them: the entity and the field, named
        [
            "Violation",
            "cigref-2010/9.1 Développeur, requirement B.1",
            "maximum level",
            "A requirement has exactly one highest level, among e-1 to e-5.",
        ],
        [
            "Warning",
            "cigref-2010/9.1 Développeur, requirement B.1",
            "",
            "B.1 at level 6: e-CF 2.0 defines B.1 at levels 1–3 (level printed by the source)",
        ],
    ]
    assert "does not conform" in table


def test_warnings_alone_conform() -> None:
    report = validate_graph(_fixture("invalid/requirement-level-not-admitted.ttl"))
    assert report.conforms
    assert [r.severity for r in report.results] == ["Warning"]


def _cards_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "cards" / "acme"
    folder.mkdir(parents=True)
    shutil.copy(EVERY_FIELD, folder / "1.1.yaml")
    return tmp_path / "cards"


def test_map_to_cards_points_at_the_requirement_field(tmp_path: Path) -> None:
    cards = _cards_dir(tmp_path)
    req = iris.requirement("acme", "1.1", "E.8")
    result = Result("Violation", req, iris.DEF + "minLevel", None, "m", iris.SHAPES + "X", "c")
    job = Result("Violation", iris.job("acme", "1.1"), iris.DEF + "mission", None, "m", "s", "c")
    located = map_to_cards(Report([result, job], Graph()), cards).results
    assert [r.focus for r in located] == [job.focus, req]  # in line order: mission first
    located.reverse()
    card = cards / "acme" / "1.1.yaml"
    text = card.read_text(encoding="utf-8").splitlines()
    loc = located[0].location
    assert loc is not None and loc.file == str(card) and loc.field == "competences[1].level_min"
    assert text[loc.line - 1].strip() == "level_min: 2"
    loc = located[1].location
    assert loc is not None and loc.field == "mission" and text[loc.line - 1].startswith("mission:")


def test_map_to_cards_leaves_unknown_focus_unlocated(tmp_path: Path) -> None:
    index = CardIndex.scan(_cards_dir(tmp_path))
    result = Result("Warning", iris.job("other", "1"), None, None, "m", "s", "c")
    assert index.locate(result) is None


def _own_card(tmp_path: Path, card_changes: dict) -> Path:
    """A card file of one's own, and the e-CF 3.0 it refers to in ``tmp_path/ecf``."""
    (tmp_path / "ecf").mkdir(parents=True, exist_ok=True)
    (tmp_path / "ecf" / "ecf-3.0.yaml").write_text(yaml.safe_dump(ECF_30), encoding="utf-8")
    card = yaml.safe_load(EVERY_FIELD.read_text(encoding="utf-8"))
    card.update(card_changes)
    path = tmp_path / "1.1.yaml"
    path.write_text(yaml.safe_dump(card, allow_unicode=True), encoding="utf-8")
    return path


def test_validate_a_card_file(tmp_path: Path) -> None:
    report = validate_cards(_own_card(tmp_path, {}), reference=tmp_path)
    assert report.problems == []
    assert report.conforms, report.to_table()
    # every-field.yaml: E.8 at levels 2-4 (admitted), doubtful -> one info, located in the card
    assert [(r.severity, r.location.field) for r in report.results] == [
        ("Info", "competences[1].doubtful")
    ]


def test_validate_a_card_file_reports_shacl_results_in_the_card(tmp_path: Path) -> None:
    card = yaml.safe_load(EVERY_FIELD.read_text(encoding="utf-8"))
    competences = card["competences"]
    competences[0].update(code="B.9", level="3", level_min=3, level_max=3)  # not in our e-CF 3.0
    report = validate_cards(_own_card(tmp_path, {"competences": competences}), tmp_path)
    assert report.problems == []
    assert [(r.shape.rsplit("/", 1)[-1], r.location.field) for r in report.warnings] == [
        ("RequirementUnknownCompetenceShape", "competences[0].code")
    ]


def test_validate_a_card_file_without_provenance(tmp_path: Path) -> None:
    path = _own_card(tmp_path, {})
    card = yaml.safe_load(path.read_text(encoding="utf-8"))
    del card["provenance"]
    path.write_text(yaml.safe_dump(card, allow_unicode=True), encoding="utf-8")
    assert validate_cards(path, reference=tmp_path).conforms


def test_a_card_format_error_stops_before_the_shapes(tmp_path: Path) -> None:
    path = _own_card(tmp_path, {"title": "x", "has_card": "yes"})
    report = validate_cards(path, reference=tmp_path)
    assert [(p.field, p.line) for p in report.problems] == [("has_card", 56)]
    assert report.results == [] and not report.conforms
    assert report.to_table().splitlines()[-1] == (
        "1 card format error(s), 0 violation(s), 0 warning(s), 0 info(s): the data does not conform"
    )


def test_run_validate_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOMENGRAPH_CARDS", str(tmp_path))  # the e-CF of _own_card
    assert run_validate(_own_card(tmp_path, {}), "table") == 0
    assert "the data conforms" in capsys.readouterr().out
    assert run_validate(_own_card(tmp_path / "b", {"title": "x", "has_card": "yes"})) == 1
    assert run_validate(tmp_path / "missing", "table") == 2
    assert "missing: no such folder" in capsys.readouterr().err
    assert run_validate(tmp_path, "table") == 2  # a folder without edition.yaml
    assert "no edition.yaml" in capsys.readouterr().err
    assert run_validate(_own_card(tmp_path / "c", {}), "ttl") == 0
    out = capsys.readouterr().out
    assert "sh:ValidationReport" in out
    assert run_validate(_own_card(tmp_path / "d", {}), "json") == 2
