"""What the charts share: their data (levels, competences, jobs, changes, coverage), palettes and
the building of SVG with :mod:`xml.etree.ElementTree` (which escapes every text)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
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
