"""Charts of bars on the e-1 to e-5 axis: a job's profile, 2 to 4 profiles overlaid, the changes
of a job against the job it continues."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from markupsafe import Markup

from nomengraph.server.charts.base import (
    AREA_COLOURS,
    CHANGE_STYLE,
    INK,
    MUTED,
    SERIES_COLOURS,
    SERIES_MARKERS,
    SERIES_PATTERNS,
    Change,
    Competence,
    Level,
    Series,
    _area_title,
    _by_area,
    _clip,
    _el,
    _level_axis,
    _markup,
    _n,
    _svg,
    change_text,
)
from nomengraph.server.i18n import _

# (a) A job's profile --------------------------------------------------------------------------


def profile_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[Competence, Level]],
    area_names: Mapping[str, str] | None = None,
) -> Markup:
    """A job's competence profile: one horizontal bar per competence spanning its level range
    (e-1 to e-5), grouped by e-CF area."""
    names = area_names or {}
    width, label_w, right = 640.0, 270.0, 80.0
    x0, cw = label_w, (width - label_w - right) / 5
    row_h, head_h, top = 22.0, 24.0, 30.0
    groups = _by_area(c for c, _ in rows)
    levels = {c.code: lv for c, lv in rows}
    height = top + sum(head_h + row_h * len(cs) for _, cs in groups) + 8
    desc = _(
        "Level range required for each of %(n)s competences, grouped by e-CF area: ", n=len(rows)
    )
    desc += "; ".join(f"{c.code} {levels[c.code].text}" for _, cs in groups for c in cs) + "."
    svg = _svg(chart_id, "profile", width, height, title, desc)
    _level_axis(svg, x0, cw, top, height - 8)
    y = top
    for area, competences in groups:
        _area_heading(svg, area, names, y)
        y += head_h
        for c in competences:
            lv = levels[c.code]
            g = _el(svg, "g", class_="bar", data_code=c.code, data_low=lv.low, data_high=lv.high)
            _el(g, "title", f"{c.label}: {lv.text}")
            _el(g, "text", _clip(c.label, 40), x="12", y=_n(y + 15), class_="label", fill=INK)
            x = x0 + (lv.low - 1) * cw + 3
            w = (lv.high - lv.low + 1) * cw - 6
            _el(
                g,
                "rect",
                x=_n(x),
                y=_n(y + 4),
                width=_n(w),
                height="14",
                rx="3",
                fill=AREA_COLOURS.get(area, MUTED),
            )
            _el(g, "text", lv.text, x=_n(x + w + 6), y=_n(y + 15), class_="level", fill=INK)
            y += row_h
    return _markup(svg)


# (b) Overlaid profiles ------------------------------------------------------------------------


def _patterns(svg: ET.Element, chart_id: str, count: int) -> list[str]:
    """Fills for the series: a colour with its own pattern each."""
    defs = _el(svg, "defs")
    fills = []
    for i in range(count):
        colour, kind = SERIES_COLOURS[i], SERIES_PATTERNS[i]
        if kind == "solid":
            fills.append(colour)
            continue
        pid = f"{chart_id}-p{i}"
        p = _el(defs, "pattern", id=pid, width="6", height="6", patternUnits="userSpaceOnUse")
        _el(p, "rect", width="6", height="6", fill="#ffffff")
        if kind == "stripes":
            _el(p, "path", d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5", stroke=colour, stroke_width="2")
        elif kind == "dots":
            _el(p, "circle", cx="3", cy="3", r="1.8", fill=colour)
        else:
            _el(p, "path", d="M0,0 L6,6 M6,0 L0,6", stroke=colour, stroke_width="1.4")
        fills.append(f"url(#{pid})")
    return fills


def _marker(parent: ET.Element, kind: str, x: float, y: float, colour: str) -> None:
    r = 4.5
    if kind == "circle":
        _el(parent, "circle", cx=_n(x), cy=_n(y), r=_n(r), fill=colour, class_="marker")
    elif kind == "square":
        _el(
            parent,
            "rect",
            x=_n(x - r),
            y=_n(y - r),
            width=_n(2 * r),
            height=_n(2 * r),
            fill=colour,
            class_="marker",
        )
    elif kind == "triangle":
        pts = f"{_n(x)},{_n(y - r)} {_n(x + r)},{_n(y + r)} {_n(x - r)},{_n(y + r)}"
        _el(parent, "polygon", points=pts, fill=colour, class_="marker")
    else:
        pts = f"{_n(x)},{_n(y - r)} {_n(x + r)},{_n(y)} {_n(x)},{_n(y + r)} {_n(x - r)},{_n(y)}"
        _el(parent, "polygon", points=pts, fill=colour, class_="marker")


def overlay_chart(
    chart_id: str,
    title: str,
    series: Sequence[Series],
    competences: Sequence[Competence],
    area_names: Mapping[str, str] | None = None,
) -> Markup:
    """The profiles of 2 to 4 jobs on one chart: per competence one bar per job that requires
    it, each job with its colour, pattern and end marker (named in the legend)."""
    if not 1 <= len(series) <= len(SERIES_COLOURS):
        raise ValueError(f"an overlay shows 1 to {len(SERIES_COLOURS)} jobs, not {len(series)}")
    names = area_names or {}
    width, label_w, right = 720.0, 270.0, 30.0
    x0, cw = label_w, (width - label_w - right) / 5
    bar_h, gap, head_h = 7.0, 2.0, 24.0
    row_h = len(series) * (bar_h + gap) + 8
    legend_h = 20.0 * len(series) + 10
    top = legend_h + 26
    groups = _by_area(competences)
    height = top + sum(head_h + row_h * len(cs) for _, cs in groups) + 8
    desc = _(
        "Level ranges of %(n)s jobs for %(m)s competences, grouped by e-CF area. ",
        n=len(series),
        m=len(competences),
    )
    desc += " ".join(
        f"{s.name}: " + ", ".join(f"{c} {lv.text}" for c, lv in s.levels.items()) + "."
        for s in series
    )
    svg = _svg(chart_id, "overlay", width, height, title, desc)
    fills = _patterns(svg, chart_id, len(series))
    legend = _el(svg, "g", class_="legend")
    for i, s in enumerate(series):
        y = 8 + i * 20
        item = _el(legend, "g", class_="legend-item", data_series=i)
        _el(
            item,
            "rect",
            x="4",
            y=_n(y),
            width="28",
            height="12",
            fill=fills[i],
            stroke=SERIES_COLOURS[i],
        )
        _marker(item, SERIES_MARKERS[i], 40, y + 6, SERIES_COLOURS[i])
        _el(item, "text", _clip(s.name, 90), x="52", y=_n(y + 10), fill=INK)
    _level_axis(svg, x0, cw, top, height - 8)
    y = top
    for area, cs in groups:
        _area_heading(svg, area, names, y)
        y += head_h
        for c in cs:
            row = _el(svg, "g", class_="row", data_code=c.code)
            _el(
                row,
                "text",
                _clip(c.label, 40),
                x="12",
                y=_n(y + row_h / 2 + 2),
                class_="label",
                fill=INK,
            )
            for i, s in enumerate(series):
                lv = s.levels.get(c.code)
                if lv is None:
                    continue
                by = y + 4 + i * (bar_h + gap)
                g = _el(
                    row,
                    "g",
                    class_="bar",
                    data_code=c.code,
                    data_series=i,
                    data_low=lv.low,
                    data_high=lv.high,
                )
                _el(g, "title", f"{s.name} — {c.label}: {lv.text}")
                x = x0 + (lv.low - 1) * cw + 3
                w = (lv.high - lv.low + 1) * cw - 6
                _el(
                    g,
                    "rect",
                    x=_n(x),
                    y=_n(by),
                    width=_n(w),
                    height=_n(bar_h),
                    fill=fills[i],
                    stroke=SERIES_COLOURS[i],
                    stroke_width="0.8",
                )
                _marker(g, SERIES_MARKERS[i], x + w, by + bar_h / 2, SERIES_COLOURS[i])
            y += row_h
    return _markup(svg)


# (d) Changes between editions -----------------------------------------------------------------


def diff_chart(
    chart_id: str,
    title: str,
    changes: Sequence[Change],
    before_name: str,
    after_name: str,
    area_names: Mapping[str, str] | None = None,
) -> Markup:
    """A job against the job it continues: per competence the earlier range (outlined) above
    the later one (filled), and the change in words: added, removed, level up or down."""
    names = area_names or {}
    width, label_w, right = 720.0, 250.0, 150.0
    x0, cw = label_w, (width - label_w - right) / 5
    row_h, head_h = 30.0, 24.0
    legend_h = 48.0
    top = legend_h + 20
    by_code = {ch.competence.code: ch for ch in changes}
    groups = _by_area(ch.competence for ch in changes)
    height = top + sum(head_h + row_h * len(cs) for _, cs in groups) + 8
    counts: dict[str, int] = {}
    for ch in changes:
        counts[ch.kind] = counts.get(ch.kind, 0) + 1
    summary = ", ".join(f"{change_text(k)} {n}" for k, n in counts.items())
    desc = _(
        "The competences of %(after)s against %(before)s: %(summary)s. ",
        after=after_name,
        before=before_name,
        summary=summary,
    )
    desc += "; ".join(
        f"{ch.competence.code} {change_text(ch.kind)}"
        f" ({ch.before.text if ch.before else '—'} → {ch.after.text if ch.after else '—'})"
        for ch in changes
    )
    svg = _svg(chart_id, "diff", width, height, title, desc)
    legend = _el(svg, "g", class_="legend")
    _el(
        legend,
        "rect",
        x="4",
        y="6",
        width="28",
        height="10",
        fill="none",
        stroke=MUTED,
        stroke_width="1.5",
    )
    _el(legend, "text", _clip(before_name, 80), x="40", y="15", fill=INK)
    _el(legend, "rect", x="4", y="26", width="28", height="10", fill="#2166ac")
    _el(legend, "text", _clip(after_name, 80), x="40", y="35", fill=INK)
    _level_axis(svg, x0, cw, top, height - 8)
    y = top
    for area, cs in groups:
        _area_heading(svg, area, names, y)
        y += head_h
        for c in cs:
            ch = by_code[c.code]
            fill, stroke, dash = CHANGE_STYLE[ch.kind]
            g = _el(
                svg, "g", class_=f"change change-{ch.kind}", data_code=c.code, data_change=ch.kind
            )
            _el(
                g,
                "title",
                f"{c.label}: {change_text(ch.kind)} "
                f"({ch.before.text if ch.before else '—'} → {ch.after.text if ch.after else '—'})",
            )
            _el(g, "text", _clip(c.label, 36), x="12", y=_n(y + 19), class_="label", fill=INK)
            if ch.before is not None:
                x = x0 + (ch.before.low - 1) * cw + 3
                w = (ch.before.high - ch.before.low + 1) * cw - 6
                _el(
                    g,
                    "rect",
                    x=_n(x),
                    y=_n(y + 4),
                    width=_n(w),
                    height="9",
                    fill="none",
                    stroke=MUTED,
                    stroke_width="1.5",
                    class_="before",
                    **({"stroke_dasharray": dash} if ch.kind == "removed" else {}),
                )
            if ch.after is not None:
                x = x0 + (ch.after.low - 1) * cw + 3
                w = (ch.after.high - ch.after.low + 1) * cw - 6
                _el(
                    g,
                    "rect",
                    x=_n(x),
                    y=_n(y + 15),
                    width=_n(w),
                    height="9",
                    fill=fill,
                    stroke=stroke,
                    class_="after",
                )
            _el(
                g,
                "text",
                change_text(ch.kind),
                x=_n(width - right + 8),
                y=_n(y + 19),
                class_="status",
                fill=stroke,
                font_weight="600",
            )
            y += row_h
    return _markup(svg)


def _area_heading(svg: ET.Element, area: str, names: Mapping[str, str], y: float) -> None:
    """The heading of an e-CF area's group of bars, at ``y``."""
    head = _el(svg, "g", class_="area", data_area=area)
    _el(
        head,
        "text",
        _area_title(area, names),
        x="4",
        y=_n(y + 16),
        font_weight="600",
        fill=AREA_COLOURS.get(area, INK),
    )
