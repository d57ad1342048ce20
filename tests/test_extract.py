"""The extract stage end to end: all sources -> cards, reproducibility, atomicity, content rules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from nomengraph import resources
from nomengraph.cards import ECF_SCHEMA, load_cards, load_data_file
from nomengraph.extract import ExtractError, run_extract
from nomengraph.repair import STRONG

ROOT = Path(__file__).parents[1]
SOURCES = ROOT / "sources"
CARDS = resources.CARDS
CORRECTIONS = SOURCES / "corrections.yaml"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A cards folder freshly extracted from the project's sources."""
    out = tmp_path_factory.mktemp("extract") / "cards"
    run_extract(SOURCES, out, CORRECTIONS)
    return out


@pytest.fixture(scope="module")
def cards(fresh) -> dict[str, list[dict]]:
    return {ed: load_cards(fresh / ed) for ed in ("cigref-2010", "cigref-2018", "sic")}


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_rerunning_extract_reproduces_the_committed_cards_exactly(fresh):
    committed, regenerated = tree(CARDS), tree(fresh)
    assert sorted(committed) == sorted(regenerated)
    changed = [name for name in committed if committed[name] != regenerated[name]]
    assert changed == [], f"committed cards differ from a fresh extraction: {changed[:10]}"


def test_job_counts_per_edition(cards):
    assert len(cards["cigref-2010"]) == 33
    assert len(cards["cigref-2018"]) == 50
    assert sum(c["has_card"] for c in cards["cigref-2018"]) == 37
    assert len(cards["sic"]) == 44


def test_competence_requirement_counts(cards):
    assert sum(len(c["competences"]) for c in cards["cigref-2010"]) == 311
    assert sum(len(c["competences"]) for c in cards["cigref-2018"]) == 399
    assert all(c["competences"] == [] for c in cards["sic"])


def test_every_card_has_title_family_mission_and_activities(cards):
    for edition in ("cigref-2010", "cigref-2018"):
        for c in cards[edition]:
            assert c["title"] and c["family"], c["id"]
            if c["has_card"]:
                assert c["mission"] and c["activities"], c["id"]
                assert all(g["tasks"] for g in c["activities"]), c["id"]
                assert c["competences"], c["id"]
    for c in cards["sic"]:
        assert c["title"] and c["activities"], c["id"]
        assert c["family"] is None


def test_jobs_without_a_card_in_2018_are_the_13_after_7_3(cards):
    missing = sorted(c["number"] for c in cards["cigref-2018"] if not c["has_card"])
    assert missing == [
        "7.4", "7.5", "7.6", "7.7", "8.1", "8.2", "8.3", "8.4", "8.5", "9.1", "9.2", "9.3", "9.4",
    ]  # fmt: skip
    for c in cards["cigref-2018"]:
        if not c["has_card"]:
            assert c["competences"] == [] and c["activities"] == [], c["id"]


@pytest.mark.parametrize(("edition", "version"), [("cigref-2010", "2.0"), ("cigref-2018", "3.0")])
def test_competence_codes_belong_to_the_edition_ecf_version(fresh, cards, edition, version):
    ecf = load_data_file(fresh / "ecf" / f"ecf-{version}.yaml", ECF_SCHEMA)
    assert ecf["version"] == version
    codes = {c["code"] for c in ecf["competences"]}
    assert len(codes) == (36 if version == "2.0" else 40)
    for card in cards[edition]:
        for req in card["competences"]:
            assert req["code"] in codes, (card["id"], req["code"])
            assert 1 <= req["level_min"] <= req["level_max"] <= 5


DEBRIS = [
    (re.compile(f"[{re.escape(''.join(sorted(STRONG)))}]"), "garbled character"),
    (re.compile(r"\(suite\)", re.I), "(suite) marker"),
    (re.compile(r"</?[ip]>"), "HTML tag"),
    (re.compile(r"\s{2,}"), "double space"),
    (re.compile(r"^[-•·ω¶]\s"), "leading bullet"),
    (re.compile(r"La liste des (knowledge|connaissances)"), "competence page footer"),
    (re.compile(r"Nomenclature RH . version 2018"), "page banner"),
    (re.compile(r"\bNiveau [1-5]\b|\bLevel [1-5]\b"), "level label"),
]


def strings(value, path=""):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from strings(v, f"{path}[{i}]")


def test_text_fields_are_clean(cards):
    found = []
    for edition_cards in cards.values():
        for card in edition_cards:
            for path, text in strings(card):
                if path.startswith(("provenance", "id", "corrections")) or path.endswith("note"):
                    continue
                body = text.replace("\n\n", " ")  # paragraph breaks are allowed in prose
                for pattern, what in DEBRIS:
                    if pattern.search(body):
                        found.append(f"{card['id']} {path}: {what}: {text[:80]!r}")
    assert found == [], "\n".join(found[:30])


def test_words_are_not_split_by_line_breaks(cards):
    split = []
    for edition_cards in cards.values():
        for card in edition_cards:
            for path, text in strings(card):
                if re.search(r"\w-\n\w|\w\n\w", text.replace("\n\n", "  ")):
                    split.append(f"{card['id']} {path}")
    assert split == []


def test_failed_extraction_leaves_the_cards_untouched(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    path = sources / "cigref-2010-nomenclature.txt"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:2000]), encoding="utf-8")  # truncated inside the cards
    cards = tmp_path / "cards"
    (cards / "cigref-2010").mkdir(parents=True)
    sentinel = cards / "cigref-2010" / "1.1.yaml"
    sentinel.write_text("reviewed: true\n", encoding="utf-8")
    with pytest.raises(ExtractError, match="cigref-2010-nomenclature.txt"):
        run_extract(sources, cards, sources / "corrections.yaml")
    assert sentinel.read_text(encoding="utf-8") == "reviewed: true\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards", "sources"]


def test_non_utf8_source_is_reported_with_its_line(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    path = sources / "sic-referentiel-metiers.txt"
    data = path.read_bytes().replace(b"Testeur", b"Testeur" + b"\xe9", 1)
    path.write_bytes(data)
    line = data[: data.index(b"\xe9")].count(b"\n") + 1
    with pytest.raises(ExtractError, match=rf"sic-referentiel-metiers.txt:{line}: not valid UTF-8"):
        run_extract(sources, tmp_path / "cards", sources / "corrections.yaml")
    assert not (tmp_path / "cards").exists()


def test_stale_correction_stops_the_extraction(tmp_path):
    corrections = tmp_path / "corrections.yaml"
    corrections.write_text(
        CORRECTIONS.read_text(encoding="utf-8")
        + "- id: stale\n  target: cigref-2010-1.1\n  field: competences[Z.9].level\n"
        "  value: '3'\n  reason: an entry that matches nothing any more\n",
        encoding="utf-8",
    )
    with pytest.raises(ExtractError, match="stale"):
        run_extract(SOURCES, tmp_path / "cards", corrections)
    assert not (tmp_path / "cards").exists()


def _extract_imports() -> dict[str, set[str]]:
    """Module -> the nomengraph.extract modules it imports (anywhere in its body)."""
    import ast

    package = Path(resources.PACKAGE) / "extract"
    graph: dict[str, set[str]] = {}
    for path in sorted(package.glob("*.py")):
        name = path.stem
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level == 1:
                    base = node.module or ""
                elif node.level == 0 and (node.module or "").startswith("nomengraph.extract"):
                    base = (node.module or "").removeprefix("nomengraph.extract").lstrip(".")
                else:
                    continue
                targets = [base] if base else [a.name for a in node.names]
                found |= {t.split(".")[0] for t in targets if (package / f"{t}.py").is_file()}
        graph[name] = found - {name}
    return graph


def test_the_extract_modules_import_each_other_without_a_cycle():
    graph = _extract_imports()
    assert "cigref2018_text" in graph["cigref2018_changes"]
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, "import cycle: " + " -> ".join((*path, name))
        if name in done:
            return
        for target in graph.get(name, ()):
            visit(target, (*path, name))
        done.add(name)

    for module in graph:
        visit(module, ())
