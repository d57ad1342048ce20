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

from nomengraph.server.charts.bars import diff_chart, overlay_chart, profile_chart
from nomengraph.server.charts.base import (
    AREA_COLOURS,
    AREAS,
    CHANGE_STYLE,
    HEAT_COLOURS,
    HEAT_TEXT,
    LEVELS,
    SERIES_COLOURS,
    SERIES_MARKERS,
    SERIES_PATTERNS,
    SVG_NS,
    AreaCoverage,
    Change,
    Competence,
    HeatRow,
    Level,
    Series,
    change_text,
)
from nomengraph.server.charts.grid import coverage_chart, heatmap_chart

__all__ = [
    "AREAS",
    "AREA_COLOURS",
    "CHANGE_STYLE",
    "HEAT_COLOURS",
    "HEAT_TEXT",
    "LEVELS",
    "SERIES_COLOURS",
    "SERIES_MARKERS",
    "SERIES_PATTERNS",
    "SVG_NS",
    "AreaCoverage",
    "Change",
    "Competence",
    "HeatRow",
    "Level",
    "Series",
    "change_text",
    "coverage_chart",
    "diff_chart",
    "heatmap_chart",
    "overlay_chart",
    "profile_chart",
]
