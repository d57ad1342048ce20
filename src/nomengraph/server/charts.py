"""Charts as SVG, drawn from plain data: a job's competence profile, overlaid profiles, a
job × competence heatmap, the changes of a job between two editions, the coverage of the e-CF
areas.

Every function takes plain values (codes, names, levels 1 to 5) and returns the SVG text of one
chart. The SVG is built with :mod:`xml.etree.ElementTree`, so every text of the data is escaped;
it needs no script to be seen, scales with its ``viewBox``, and is an image for assistive
technology (``role="img"``) named by its ``<title>`` and described by its ``<desc>``. A page
shows each chart with its data table. Colour never carries a meaning alone: levels are written
as numbers, the jobs of an overlay have their own pattern and marker, and the changes are said
in words.

The texts of the frame (axis names, legends) go through :func:`nomengraph.server.i18n._`, so a
chart drawn while answering a request is in that request's language (English elsewhere).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from nomengraph.server.i18n import _

SVG_NS = "http://www.w3.org/2000/svg"
LEVELS = (1, 2, 3, 4, 5)
AREAS = ("A", "B", "C", "D", "E")

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies)
AREA_COLOURS = {"A": "#0072B2", "B": "#009E73", "C": "#B07800", "D": "#CC79A7", "E": "#D55E00"}
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
SERIES_PATTERNS = ("solid", "stripes", "dots", "crosses")
SERIES_MARKERS = ("circle", "square", "triangle", "diamond")
# Sequential palette for levels e-1 (light) to e-5 (dark), with the text colour readable on it
HEAT_COLOURS = ("#deebf7", "#9ecae1", "#6baed6", "#2171b5", "#08306b")
HEAT_TEXT = ("#1d2329", "#1d2329", "#1d2329", "#ffffff", "#ffffff")
INK, MUTED, LINE = "#1d2329", "#5b6670", "#d7dde2"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif'


# Data -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """A level or a range of levels, as a card prints it (``3``, ``2-4``)."""

    low: int
    high: int
    printed: str = ""

    def __post_init__(self) -> None:
        if not (1 <= self.low <= self.high <= 5):
            raise ValueError(f"not a level range of e-1 to e-5: {self.low}-{self.high}")

    @property
    def text(self) -> str:
        """``e-3`` or ``e-2 – e-4``."""
        return f"e-{self.low}" if self.low == self.high else f"e-{self.low} – e-{self.high}"

    @property
    def short(self) -> str:
        """``3`` or ``2-4`` (the printed form when there is one)."""
        if self.printed:
            return self.printed
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class Competence:
    """An e-CF competence as a chart names it."""

    code: str
    name: str = ""
    area: str = ""  # area letter A to E

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip()


@dataclass(frozen=True)
class Series:
    """One job in a chart: its name and its level per competence code."""

    name: str
    levels: Mapping[str, Level] = field(default_factory=dict)


@dataclass(frozen=True)
class HeatRow:
    """One row of a heatmap: a job, its group (family) and its level per competence code."""

    key: str
    name: str
    levels: Mapping[str, Level] = field(default_factory=dict)
    group: str = ""
    note: str = ""  # said after the name, which is cut to leave room for it ("no card")


@dataclass(frozen=True)
class Change:
    """One competence of a job compared with the job it continues."""

    competence: Competence
    before: Level | None
    after: Level | None

    @property
    def kind(self) -> str:
        """``added``, ``removed``, ``up``, ``down``, ``range`` (one end up, the other down) or
        ``same``."""
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        lo = self.after.low - self.before.low
        hi = self.after.high - self.before.high
        if lo == 0 and hi == 0:
            return "same"
        if lo >= 0 and hi >= 0:
            return "up"
        if lo <= 0 and hi <= 0:
            return "down"
        return "range"


@dataclass(frozen=True)
class AreaCoverage:
    """How much of an e-CF area a set of jobs uses."""

    area: str
    name: str
    jobs: int  # jobs requiring at least one competence of the area
    job_total: int
    competences: int  # competences of the area required by at least one job
    competence_total: int


def change_text(kind: str) -> str:
    """The words (with their symbol) for a kind of :class:`Change`."""
    return {
        "added": _("+ added"),
        "removed": _("− removed"),
        "up": _("▲ level up"),
        "down": _("▼ level down"),
        "range": _("↔ range changed"),
        "same": _("= unchanged"),
    }[kind]


CHANGE_STYLE = {  # fill, stroke, dash of the later bar; colour of the words
    "added": ("#1b7837", "#1b7837", ""),
    "removed": ("none", "#b2182b", "4 3"),
    "up": ("#2166ac", "#2166ac", ""),
    "down": ("#b35806", "#b35806", ""),
    "range": ("#762a83", "#762a83", ""),
    "same": ("#8c959d", "#8c959d", ""),
}


# SVG building ---------------------------------------------------------------------------------


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    el = ET.SubElement(
        parent, tag, {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items()}
    )
    if text is not None:
        el.text = text
    return el


def _svg(
    chart_id: str, kind: str, width: float, height: float, title: str, desc: str
) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {_n(width)} {_n(height)}",
            "width": _n(width),
            "height": _n(height),
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": f"chart chart-{kind}",
            "id": chart_id,
            "font-family": FONT,
            "font-size": "12",
        },
    )
    _el(svg, "title", title, id=f"{chart_id}-title")
    _el(svg, "desc", desc, id=f"{chart_id}-desc")
    return svg


def _n(value: float) -> str:
    """A coordinate without useless decimals."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _markup(svg: ET.Element) -> Markup:
    # Built by ElementTree, which escapes every text and attribute value.
    return Markup(ET.tostring(svg, encoding="unicode"))


def _area_title(area: str, names: Mapping[str, str]) -> str:
    name = names.get(area, "")
    return f"{area} · {name}" if name else area


def _by_area(competences: Iterable[Competence]) -> list[tuple[str, list[Competence]]]:
    groups: dict[str, list[Competence]] = {}
    for c in competences:
        groups.setdefault(c.area or "?", []).append(c)
    order = {a: i for i, a in enumerate(AREAS)}
    return sorted(groups.items(), key=lambda g: (order.get(g[0], 9), g[0]))


def _level_axis(svg: ET.Element, x0: float, cw: float, top: float, bottom: float) -> None:
    axis = _el(svg, "g", class_="axis")
    for level in LEVELS:
        x = x0 + (level - 0.5) * cw
        _el(axis, "text", f"e-{level}", x=_n(x), y=_n(top - 6), text_anchor="middle", fill=MUTED)
    for level in range(0, 6):
        x = x0 + level * cw
        _el(axis, "line", x1=_n(x), x2=_n(x), y1=_n(top), y2=_n(bottom), stroke=LINE)


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
