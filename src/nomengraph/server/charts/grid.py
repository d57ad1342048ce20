"""Charts of a set of jobs: the job × competence heatmap and the coverage of the e-CF areas."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from nomengraph.server.charts.base import (
    AREA_COLOURS,
    HEAT_COLOURS,
    HEAT_TEXT,
    INK,
    LEVELS,
    LINE,
    MUTED,
    AreaCoverage,
    Competence,
    HeatRow,
    _area_title,
    _by_area,
    _clip,
    _el,
    _markup,
    _n,
    _svg,
)
from nomengraph.server.i18n import _

# (c) Heatmap ----------------------------------------------------------------------------------


def heatmap_chart(
    chart_id: str,
    title: str,
    rows: Sequence[HeatRow],
    competences: Sequence[Competence],
    area_names: Mapping[str, str] | None = None,
) -> Markup:
    """A job × competence matrix: one row per job (under its group's band), one column per
    competence (grouped by area), each required level a cell coloured from light (e-1) to dark
    (e-5) with its level written in it."""
    names = area_names or {}
    label_w, cell_w, cell_h, band_h = 250.0, 26.0, 22.0, 20.0
    columns = [c for _, cs in _by_area(competences) for c in cs]
    col_x = {c.code: label_w + i * cell_w for i, c in enumerate(columns)}
    width = label_w + cell_w * len(columns) + 10
    top = 44.0
    groups: list[tuple[str, list[HeatRow]]] = []
    for r in rows:
        if not groups or groups[-1][0] != r.group:
            groups.append((r.group, []))
        groups[-1][1].append(r)
    banded = any(g for g, _ in groups)
    body_h = sum((band_h if banded and g else 0) + cell_h * len(rs) for g, rs in groups)
    legend_y = top + body_h + 12
    height = legend_y + 50
    cells = sum(1 for r in rows for c in r.levels if c in col_x)
    desc = _(
        "%(rows)s jobs by %(cols)s competences grouped by e-CF area; each of the %(cells)s "
        "required levels is a cell, darker for a higher level, with the level written in it.",
        rows=len(rows),
        cols=len(columns),
        cells=cells,
    )
    svg = _svg(chart_id, "heatmap", width, height, title, desc)
    head = _el(svg, "g", class_="columns")
    for area, cs in _by_area(competences):
        x = col_x[cs[0].code]
        span = cell_w * len(cs)
        label = _area_title(area, names) if span >= 90 else area
        _el(
            head,
            "rect",
            x=_n(x + 1),
            y="2",
            width=_n(span - 2),
            height="16",
            fill=AREA_COLOURS.get(area, MUTED),
            opacity="0.15",
        )
        _el(
            head,
            "text",
            label,
            x=_n(x + span / 2),
            y="14",
            text_anchor="middle",
            font_weight="600",
            fill=INK,
            class_="area",
            data_area=area,
        )
        for c in cs:
            col = _el(head, "g", class_="column", data_code=c.code)
            _el(col, "title", c.label)
            _el(
                col,
                "text",
                c.code,
                x=_n(col_x[c.code] + cell_w / 2),
                y="36",
                text_anchor="middle",
                font_size="10.5" if len(c.code) < 4 else "9.5",
                fill=INK,
            )
    grid = _el(svg, "g", class_="grid", stroke=LINE)
    for x in [*col_x.values(), width - 10]:
        _el(grid, "line", x1=_n(x), x2=_n(x), y1=_n(top), y2=_n(top + body_h))
    y = top
    for group, members in groups:
        if banded and group:
            band = _el(svg, "g", class_="group")
            _el(
                band,
                "rect",
                x="0",
                y=_n(y),
                width=_n(width - 10),
                height=_n(band_h),
                fill="#f4f6f8",
            )
            _el(band, "text", _clip(group, 150), x="4", y=_n(y + 14), font_weight="600", fill=INK)
            y += band_h
        for r in members:
            row = _el(svg, "g", class_="row", data_key=r.key)
            _el(
                row,
                "line",
                x1="0",
                x2=_n(width - 10),
                y1=_n(y + cell_h),
                y2=_n(y + cell_h),
                stroke=LINE,
            )
            _el(row, "title", f"{r.name} ({r.note})" if r.note else r.name)
            label = f"{_clip(r.name, 36 - len(r.note))} ({r.note})" if r.note else _clip(r.name, 38)
            _el(
                row,
                "text",
                label,
                x="8",
                y=_n(y + 15),
                class_="label",
                fill=MUTED if r.note else INK,
            )
            for code, lv in r.levels.items():
                if code not in col_x:
                    continue
                x = col_x[code]
                cell = _el(
                    row,
                    "g",
                    class_="cell",
                    data_key=r.key,
                    data_code=code,
                    data_low=lv.low,
                    data_high=lv.high,
                )
                _el(cell, "title", f"{r.name} — {code}: {lv.text}")
                _el(
                    cell,
                    "rect",
                    x=_n(x + 1),
                    y=_n(y + 1),
                    width=_n(cell_w - 2),
                    height=_n(cell_h - 2),
                    fill=HEAT_COLOURS[lv.high - 1],
                )
                _el(
                    cell,
                    "text",
                    lv.short,
                    x=_n(x + cell_w / 2),
                    y=_n(y + 15),
                    text_anchor="middle",
                    font_size="10.5" if len(lv.short) > 2 else "12",
                    fill=HEAT_TEXT[lv.high - 1],
                )
            y += cell_h
    legend = _el(svg, "g", class_="legend")
    _el(
        legend,
        "text",
        _("Level (the highest of a range sets the colour):"),
        x="4",
        y=_n(legend_y + 15),
        fill=MUTED,
    )
    for i, level in enumerate(LEVELS):
        x = 8 + i * 56
        _el(
            legend,
            "rect",
            x=_n(x),
            y=_n(legend_y + 25),
            width="22",
            height="16",
            fill=HEAT_COLOURS[level - 1],
            stroke=LINE,
        )
        _el(legend, "text", f"e-{level}", x=_n(x + 26), y=_n(legend_y + 37), fill=INK)
    return _markup(svg)


# (e) Coverage of the e-CF areas ---------------------------------------------------------------


def coverage_chart(chart_id: str, title: str, areas: Sequence[AreaCoverage]) -> Markup:
    """Per e-CF area, the share of the jobs requiring at least one of its competences (the bar)
    and how many of its competences they use (in words)."""
    width, label_w, right = 680.0, 150.0, 260.0
    plot_w = width - label_w - right
    row_h, top = 28.0, 24.0
    height = top + row_h * len(areas) + 8
    desc = _("For each e-CF area, the jobs requiring at least one of its competences: ")
    desc += (
        "; ".join(
            _(
                "%(area)s %(jobs)s of %(total)s jobs, %(used)s of %(all)s competences",
                area=a.area,
                jobs=a.jobs,
                total=a.job_total,
                used=a.competences,
                all=a.competence_total,
            )
            for a in areas
        )
        + "."
    )
    svg = _svg(chart_id, "coverage", width, height, title, desc)
    axis = _el(svg, "g", class_="axis")
    for pct in (0, 25, 50, 75, 100):
        x = label_w + plot_w * pct / 100
        _el(axis, "line", x1=_n(x), x2=_n(x), y1=_n(top), y2=_n(height - 8), stroke=LINE)
        _el(axis, "text", f"{pct} %", x=_n(x), y=_n(top - 8), text_anchor="middle", fill=MUTED)
    y = top
    for a in areas:
        share = a.jobs / a.job_total if a.job_total else 0.0
        g = _el(svg, "g", class_="bar", data_area=a.area, data_jobs=a.jobs, data_total=a.job_total)
        words = _(
            "%(jobs)s of %(total)s jobs · %(used)s of %(all)s competences",
            jobs=a.jobs,
            total=a.job_total,
            used=a.competences,
            all=a.competence_total,
        )
        _el(g, "title", f"{_area_title(a.area, {a.area: a.name})}: {words}")
        _el(
            g,
            "text",
            _clip(_area_title(a.area, {a.area: a.name}), 22),
            x="4",
            y=_n(y + 18),
            class_="label",
            fill=AREA_COLOURS.get(a.area, INK),
            font_weight="600",
        )
        _el(
            g,
            "rect",
            x=_n(label_w),
            y=_n(y + 6),
            width=_n(max(plot_w * share, 1.5)),
            height="16",
            fill=AREA_COLOURS.get(a.area, MUTED),
        )
        _el(g, "text", words, x=_n(width - right + 8), y=_n(y + 18), class_="value", fill=INK)
        y += row_h
    return _markup(svg)
