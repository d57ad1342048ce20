"""The SVG charts, read back with an XML parser: the bars and cells drawn, their labels and
levels, the chart's title and description, and texts of the data escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from nomengraph.server import charts
from nomengraph.server.charts import (
    AreaCoverage,
    Change,
    Competence,
    HeatRow,
    Level,
    Series,
)

NS = {"svg": charts.SVG_NS}
AREAS = {"A": "Plan", "B": "Build", "E": "Manage"}
HOSTILE = "<script>alert(\"x\")</script> & 'q'"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == f"{{{charts.SVG_NS}}}svg"
    return root


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{{{charts.SVG_NS}}}g") if cls in g.get("class", "").split()]


def texts(el: ET.Element) -> list[str]:
    return [t.text or "" for t in el.iter(f"{{{charts.SVG_NS}}}text")]


def child(el: ET.Element, tag: str) -> ET.Element:
    found = el.find(f"svg:{tag}", NS)
    assert found is not None, f"no <{tag}> in {el.get('class')}"
    return found


def assert_accessible(root: ET.Element, chart_id: str, title: str) -> None:
    assert root.get("role") == "img"
    assert root.get("id") == chart_id
    title_el, desc_el = child(root, "title"), child(root, "desc")
    assert title_el.text == title
    assert desc_el.text and len(desc_el.text) > 20
    assert root.get("aria-labelledby", "").split() == [title_el.get("id"), desc_el.get("id")]
    assert root.get("viewBox", "").startswith("0 0 ")
    assert not list(root.iter(f"{{{charts.SVG_NS}}}script")), "a script element in the chart"


PROFILE = [
    (Competence("E.2", "Project and Portfolio Management", "E"), Level(3, 4, "3-4")),
    (Competence("A.1", "IS and Business Strategy Alignment", "A"), Level(4, 4)),
    (Competence("B.1", "Application Development", "B"), Level(2, 4)),
    (Competence("A.3", "Business Plan Development", "A"), Level(1, 1)),
]


def test_profile_chart_draws_one_bar_per_competence_grouped_by_area():
    root = parse(charts.profile_chart("p", "Profile of Product Owner", PROFILE, AREAS))
    assert_accessible(root, "p", "Profile of Product Owner")
    bars = groups(root, "bar")
    # grouped by area, areas in e-CF order, codes in the given order within an area
    assert [b.get("data-code") for b in bars] == ["A.1", "A.3", "B.1", "E.2"]
    assert [g.get("data-area") for g in groups(root, "area")] == ["A", "B", "E"]
    assert [texts(g)[0] for g in groups(root, "area")] == ["A · Plan", "B · Build", "E · Manage"]
    by_code = {b.get("data-code"): b for b in bars}
    for competence, level in PROFILE:
        bar = by_code[competence.code]
        assert (int(bar.get("data-low")), int(bar.get("data-high"))) == (level.low, level.high)
        assert texts(bar) == [competence.label, level.text]
        assert child(bar, "title").text == f"{competence.label}: {level.text}"
    # a bar spans its range: e-2 to e-4 is three times as wide as e-1 alone, and starts later
    rect = {code: child(bar, "rect") for code, bar in by_code.items()}
    w = {code: float(r.get("width")) + 6 for code, r in rect.items()}  # 3 px margin each side
    assert w["B.1"] == pytest.approx(3 * w["A.3"])
    assert w["E.2"] == pytest.approx(2 * w["A.3"])
    assert float(rect["B.1"].get("x")) == pytest.approx(float(rect["A.3"].get("x")) + w["A.3"])
    # the level axis names the five levels
    axis = groups(root, "axis")[0]
    assert texts(axis) == ["e-1", "e-2", "e-3", "e-4", "e-5"]


def test_texts_of_the_data_are_escaped():
    rows = [(Competence("B.1", HOSTILE, "B"), Level(2, 3))]
    markup = str(charts.profile_chart("h", HOSTILE, rows, {"B": HOSTILE}))
    assert "<script>" not in markup
    root = parse(markup)  # well-formed despite the markup characters
    assert child(root, "title").text == HOSTILE
    bar = groups(root, "bar")[0]
    assert child(bar, "title").text == f"B.1 {HOSTILE}: e-2 – e-3"
    assert texts(groups(root, "area")[0]) == [f"B · {HOSTILE}"]
    heat = str(
        charts.heatmap_chart(
            "x",
            HOSTILE,
            [HeatRow("k", HOSTILE, {"B.1": Level(2, 3)}, group=HOSTILE)],
            [Competence("B.1", HOSTILE, "B")],
        )
    )
    assert "<script>" not in heat
    assert child(groups(parse(heat), "row")[0], "title").text == HOSTILE


def test_long_labels_are_cut_with_the_full_text_in_the_title():
    name = "A very long competence name that goes on and on beyond any reasonable width"
    root = parse(charts.profile_chart("l", "t", [(Competence("D.10", name, "D"), Level(3, 3))]))
    bar = groups(root, "bar")[0]
    label = texts(bar)[0]
    assert label.endswith("…") and len(label) <= 40
    assert name in child(bar, "title").text


def test_a_level_outside_e1_to_e5_is_refused():
    for low, high in ((0, 2), (3, 6), (4, 2)):
        with pytest.raises(ValueError, match="e-1 to e-5"):
            Level(low, high)
    assert Level(2, 4).text == "e-2 – e-4" and Level(3, 3).text == "e-3"
    assert Level(1, 3, "1/3").short == "1/3" and Level(2, 4).short == "2-4"


def test_overlay_gives_each_job_its_colour_pattern_and_marker():
    series = [
        Series("2.5 Chef de projet", {"A.1": Level(3, 3), "E.2": Level(4, 4)}),
        Series("2.6 Product Owner", {"A.1": Level(4, 4), "B.3": Level(3, 3)}),
        Series("8.1 Data Scientist", {"E.2": Level(2, 3)}),
    ]
    competences = [
        Competence("A.1", "", "A"),
        Competence("B.3", "", "B"),
        Competence("E.2", "", "E"),
    ]
    root = parse(charts.overlay_chart("o", "Three jobs", series, competences, AREAS))
    assert_accessible(root, "o", "Three jobs")
    bars = groups(root, "bar")
    drawn = {(int(b.get("data-series")), b.get("data-code")) for b in bars}
    expected = {(i, code) for i, s in enumerate(series) for code in s.levels}
    assert drawn == expected and len(bars) == len(expected)
    for b in bars:
        i, code = int(b.get("data-series")), b.get("data-code")
        level = series[i].levels[code]
        assert (int(b.get("data-low")), int(b.get("data-high"))) == (level.low, level.high)
        assert child(b, "title").text.startswith(series[i].name)
    # per job: one fill (colour or pattern) and one marker shape, different from the others'
    fills, shapes = {}, {}
    for b in bars:
        i = int(b.get("data-series"))
        rect = child(b, "rect")
        marker = next(e for e in b if e.get("class") == "marker")
        fills.setdefault(i, set()).add(rect.get("fill"))
        shapes.setdefault(i, set()).add((marker.tag, marker.get("fill")))
    assert all(len(f) == 1 for f in fills.values()) and len(set.union(*fills.values())) == 3
    assert all(len(s) == 1 for s in shapes.values()) and len(set.union(*shapes.values())) == 3
    patterns = root.findall(".//svg:defs/svg:pattern", NS)
    assert len({p.get("id") for p in patterns}) == 2  # the first job is solid, two patterned
    for fill in set.union(*fills.values()):
        if fill.startswith("url(#"):
            assert fill[5:-1] in {p.get("id") for p in patterns}
    legend = groups(root, "legend-item")
    assert [texts(item) for item in legend] == [[s.name] for s in series]


def test_overlay_takes_one_to_four_jobs():
    five = [Series(f"job {i}", {"A.1": Level(2, 2)}) for i in range(5)]
    with pytest.raises(ValueError, match="1 to 4 jobs"):
        charts.overlay_chart("o", "t", five, [Competence("A.1", "", "A")])


def test_heatmap_has_one_cell_per_required_level_with_the_level_written():
    competences = [
        Competence("E.1", "Forecast", "E"),
        Competence("A.1", "Alignment", "A"),
        Competence("A.2", "Service Levels", "A"),
        Competence("B.1", "Development", "B"),
    ]
    rows = [
        HeatRow("j1", "1.1 Consultant", {"A.1": Level(4, 4, "4"), "E.1": Level(2, 3, "2-3")}, "1"),
        HeatRow("j2", "1.2 Urbaniste", {"A.2": Level(5, 5)}, "1"),
        HeatRow("j3", "2.1 Directeur", {"B.1": Level(1, 3, "1/3"), "D.9": Level(3, 3)}, "2"),
        HeatRow("j4", "2.2 Sans fiche", {}, "2"),
    ]
    root = parse(charts.heatmap_chart("m", "Matrix", rows, competences, AREAS))
    assert_accessible(root, "m", "Matrix")
    columns = groups(root, "column")
    assert [c.get("data-code") for c in columns] == ["A.1", "A.2", "B.1", "E.1"]
    assert [texts(c) for c in columns] == [["A.1"], ["A.2"], ["B.1"], ["E.1"]]
    row_groups = groups(root, "row")
    assert [r.get("data-key") for r in row_groups] == ["j1", "j2", "j3", "j4"]
    assert [texts(g)[0] for g in groups(root, "group")] == ["1", "2"]
    cells = groups(root, "cell")
    # D.9 is not a column: not drawn
    assert {(c.get("data-key"), c.get("data-code")) for c in cells} == {
        ("j1", "A.1"),
        ("j1", "E.1"),
        ("j2", "A.2"),
        ("j3", "B.1"),
    }
    for cell in cells:
        row = next(r for r in rows if r.key == cell.get("data-key"))
        level = row.levels[cell.get("data-code")]
        assert texts(cell) == [level.short]
        assert child(cell, "rect").get("fill") == charts.HEAT_COLOURS[level.high - 1]
        assert child(cell, "title").text == f"{row.name} — {cell.get('data-code')}: {level.text}"
    # cells of one column share its x; a darker colour for a higher level
    xs = {c.get("data-code"): float(child(c, "rect").get("x")) for c in cells}
    assert xs["A.1"] < xs["A.2"] < xs["B.1"] < xs["E.1"]
    legend = groups(root, "legend")[0]
    assert [t for t in texts(legend) if t.startswith("e-")] == ["e-1", "e-2", "e-3", "e-4", "e-5"]


def test_change_kinds():
    c = Competence("B.1", "Development", "B")
    assert Change(c, None, Level(3, 3)).kind == "added"
    assert Change(c, Level(3, 3), None).kind == "removed"
    assert Change(c, Level(2, 3), Level(3, 4)).kind == "up"
    assert Change(c, Level(3, 3), Level(3, 4)).kind == "up"
    assert Change(c, Level(3, 4), Level(2, 4)).kind == "down"
    assert Change(c, Level(3, 3), Level(2, 4)).kind == "range"
    assert Change(c, Level(2, 4), Level(2, 4)).kind == "same"


def test_diff_chart_shows_each_change_distinctly_and_in_words():
    changes = [
        Change(Competence("A.1", "Alignment", "A"), None, Level(3, 3)),
        Change(Competence("A.3", "Business Plan", "A"), Level(2, 2), None),
        Change(Competence("B.1", "Development", "B"), Level(2, 3), Level(3, 4)),
        Change(Competence("E.2", "Projects", "E"), Level(4, 4), Level(3, 3)),
        Change(Competence("E.3", "Risk", "E"), Level(3, 3), Level(3, 3)),
    ]
    root = parse(charts.diff_chart("d", "Changes", changes, "2010 Chef", "2018 Chef", AREAS))
    assert_accessible(root, "d", "Changes")
    drawn = {g.get("data-code"): g for g in groups(root, "change")}
    assert list(drawn) == ["A.1", "A.3", "B.1", "E.2", "E.3"]
    styles = set()
    for ch in changes:
        g = drawn[ch.competence.code]
        assert g.get("data-change") == ch.kind
        assert texts(g)[-1] == charts.change_text(ch.kind)
        before = [r for r in g if r.get("class") == "before"]
        after = [r for r in g if r.get("class") == "after"]
        assert len(before) == (ch.before is not None) and len(after) == (ch.after is not None)
        styles.add((after[0].get("fill"), after[0].get("stroke")) if after else "none")
        if ch.kind == "removed":
            assert before[0].get("stroke-dasharray")
    assert len(styles) == len(changes)  # every kind looks different
    words = [charts.change_text(k) for k in ("added", "removed", "up", "down", "same")]
    assert len(set(words)) == 5 and all(any(ch.isalpha() for ch in w) for w in words)
    desc = child(root, "desc").text
    assert "2018 Chef" in desc and "2010 Chef" in desc and "B.1" in desc
    assert texts(groups(root, "legend")[0]) == ["2010 Chef", "2018 Chef"]


def test_coverage_chart_bar_lengths_are_the_shares_of_jobs():
    areas = [
        AreaCoverage("A", "Plan", 20, 40, 6, 8),
        AreaCoverage("B", "Build", 10, 40, 5, 6),
        AreaCoverage("E", "Manage", 40, 40, 9, 9),
    ]
    root = parse(charts.coverage_chart("c", "Coverage", areas))
    assert_accessible(root, "c", "Coverage")
    bars = groups(root, "bar")
    assert [b.get("data-area") for b in bars] == ["A", "B", "E"]
    widths = [float(child(b, "rect").get("width")) for b in bars]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == pytest.approx(2 * widths[0])
    assert texts(bars[0]) == ["A · Plan", "20 of 40 jobs · 6 of 8 competences"]


def frame_texts() -> set[str]:
    """Every text passed to ``_`` by the charts, the comparison, the heatmaps and the job
    page's pictures (modules and templates)."""
    import ast

    import jinja2

    from nomengraph import resources

    server = resources.PACKAGE / "server"
    texts: set[str] = set()
    modules = [server / f"{name}.py" for name in ("profiles", "compare", "heatmap")]
    for path in [*sorted((server / "charts").glob("*.py")), *modules]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                texts.add(node.args[0].value)
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    for name in ("compare", "heatmap", "heatmap_body", "heatmap_section", "job_profile"):
        source = (server / "templates" / f"{name}.html").read_text(encoding="utf-8")
        for _line, _function, message in env.extract_translations(source, gettext_functions=("_",)):
            # with keyword arguments, the text comes first in a tuple
            texts.add(message[0] if isinstance(message, tuple) else message)
    return texts


def test_every_frame_text_has_its_french():
    import json

    from nomengraph import resources

    catalog = json.loads((resources.I18N / "fr-charts.json").read_text(encoding="utf-8"))
    texts = frame_texts()
    assert len(texts) > 80
    assert sorted(texts - catalog.keys()) == []
    assert sorted(catalog.keys() - texts) == []  # nothing left over
    for english in texts:  # the same placeholders
        placeholders = sorted(re.findall(r"%\((\w+)\)s", english))
        assert sorted(re.findall(r"%\((\w+)\)s", catalog[english])) == placeholders, english
