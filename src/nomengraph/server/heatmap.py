"""Editions and families as pictures: ``GET /heatmap?edition=<edition>`` and
``GET /heatmap?family=<edition>/<family>``; ``GET /heatmap`` lists them.

The heatmap is the job × competence matrix as the 2010 nomenclature prints it in its annex 1:
one row per job (every job of the edition, under its family), one column per competence of the
e-CF version the edition uses (for a family, the competences its jobs require), the required
level in the cell. It is drawn from the cards' requirements, the same levels as the annex's
rows wherever the annex can be read against the cards. Beside it, the coverage of each e-CF
area: how many jobs require at least one of its competences, and how many of its competences
are required.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import Response, request, url_for
from rapidfuzz import fuzz, process

from nomengraph import iris, query
from nomengraph.server import charts
from nomengraph.server.charts import AreaCoverage, Competence, HeatRow, Level
from nomengraph.server.compare import json_response, wanted
from nomengraph.server.executor import QueryError
from nomengraph.server.i18n import _, current_locale
from nomengraph.server.pages.responses import html_page, plain_text, status_of
from nomengraph.server.pages.store import local_path, natural_key
from nomengraph.server.profiles import (
    area_names,
    code_key,
    competence_of,
    edition_key,
    edition_names,
    level_of,
    run_page,
)

_FAMILY = re.compile(r"^([a-z][a-z0-9-]*[a-z0-9])[/:]([0-9]+(?:\.[0-9]+)*)$")
_FAMILY_IRI = re.compile(r"^([a-z][a-z0-9-]*[a-z0-9])/family/([0-9]+(?:\.[0-9]+)*)$")
_EDITION = query.Param("edition", "edition", None, False, "an edition")
MAX_VALUE = 300


class HeatmapError(Exception):
    def __init__(self, message: str, status: int = 400, closest: list[tuple[str, str]] = ()):
        super().__init__(message)
        self.message = message
        self.status = status
        self.closest = list(closest)  # (text, href)


@dataclass
class JobRow:
    iri: str
    number: str
    title: str
    has_card: bool
    family: str  # family IRI ("" when none)
    levels: dict[str, Level] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def href(self) -> str | None:
        return local_path(self.iri)


@dataclass
class Matrix:
    edition: str  # edition IRI
    edition_name: str
    title: str
    family: str  # family IRI, "" for a whole edition
    family_number: str
    families: dict[str, str]  # family IRI -> "number · title"
    jobs: list[JobRow]
    competences: list[Competence]
    framework: list[Competence]  # every competence of the edition's e-CF version


# Reading the parameters -----------------------------------------------------------------------


def _edition_or_error(key: str) -> str:
    names = edition_names()
    try:
        iri = query.to_term(_EDITION, key).value
    except query.ParamError:
        raise HeatmapError(
            _("“%(value)s” is not an edition key (lower case, e.g. cigref-2018).", value=key)
        ) from None
    if iri not in names:
        found = process.extract(key, [edition_key(e) for e in names], scorer=fuzz.ratio, limit=5)
        raise HeatmapError(
            _("No edition %(value)s in the graph.", value=key),
            404,
            [(k, url_for("visuals.heatmap", edition=k)) for k, _s, _i in found],
        )
    return iri


def _family_or_error(value: str) -> tuple[str, str]:
    """(edition IRI, family number) of ``<edition>/<number>`` or a family IRI."""
    m = _FAMILY_IRI.match(value.removeprefix(iris.ID)) if value.startswith(iris.ID) else None
    m = m or _FAMILY.match(value)
    if not m:
        raise HeatmapError(
            _(
                "“%(value)s” is not a family: give <edition>/<number>, e.g. cigref-2018/2.",
                value=value,
            )
        )
    return _edition_or_error(m.group(1)), m.group(2)


# Building the matrix --------------------------------------------------------------------------


def read_matrix(edition: str, family_number: str | None) -> Matrix:
    key = edition_key(edition)
    locale = current_locale()
    jobs: dict[str, JobRow] = {}
    families: dict[str, str] = {}
    family_numbers: dict[str, str] = {}
    for row in run_page("heatmap-jobs", edition=key):
        job = jobs.get(row["job"])
        if job is None:
            job = jobs[row["job"]] = JobRow(
                row["job"],
                str(row.get("number", "")),
                row.get("title", ""),
                str(row.get("card", "true")) != "false",
                row.get("family", ""),
            )
        elif not job.title and row.get("title"):
            job.title = row["title"]
        if row.get("family"):
            number = str(row.get("familyNumber", ""))
            family_numbers[row["family"]] = number
            families.setdefault(row["family"], f"{number} · {row.get('familyTitle', '')}")
    title = edition_names().get(edition, key)
    chosen = ""
    if family_number is not None:
        chosen = next((f for f, n in family_numbers.items() if n == family_number), "")
        if not chosen:
            known = sorted(set(family_numbers.values()), key=natural_key)
            raise HeatmapError(
                _("No family %(number)s in %(edition)s.", number=family_number, edition=title),
                404,
                [(f"{key}/{n}", url_for("visuals.heatmap", family=f"{key}/{n}")) for n in known],
            )
        jobs = {i: j for i, j in jobs.items() if j.family == chosen}
        title = f"{title} — {families[chosen]}"
    for row in run_page("heatmap-requirements", edition=key):
        level = level_of(row)
        if row["job"] in jobs and level is not None:
            jobs[row["job"]].levels[row["code"]] = level
    framework = sorted(
        {c.code: c for c in (competence_of(r, locale) for r in _framework_rows(key))}.values(),
        key=lambda c: code_key(c.code),
    )
    used = {code for j in jobs.values() for code in j.levels}
    known = {c.code: c for c in framework}
    if chosen:
        columns = [known.get(code, Competence(code)) for code in used]
    else:
        columns = list(framework) + [Competence(c) for c in used if c not in known]
    ordered_families = sorted(families, key=lambda f: natural_key(family_numbers.get(f, "")))
    family_rank = {f: i for i, f in enumerate(ordered_families)}
    return Matrix(
        edition,
        edition_names().get(edition, key),
        title,
        chosen,
        family_number or "",
        families,
        sorted(
            jobs.values(),
            key=lambda j: (family_rank.get(j.family, len(family_rank)), natural_key(j.number)),
        ),
        sorted(columns, key=lambda c: code_key(c.code)),
        framework,
    )


def _framework_rows(key: str) -> list[dict[str, Any]]:
    return run_page("heatmap-competences", edition=key)


def coverage(matrix: Matrix, names: dict[str, str]) -> list[AreaCoverage]:
    """Per e-CF area of the edition's framework: the jobs requiring at least one of its
    competences (of the jobs with a profile) and its competences that are required."""
    profiled = [j for j in matrix.jobs if j.levels]
    areas = sorted({c.area for c in matrix.framework or matrix.competences if c.area})
    result = []
    for area in areas:
        codes = {c.code for c in matrix.framework or matrix.competences if c.area == area}
        result.append(
            AreaCoverage(
                area,
                names.get(area, ""),
                sum(1 for j in profiled if codes & j.levels.keys()),
                len(profiled),
                len({code for j in profiled for code in j.levels if code in codes}),
                len(codes),
            )
        )
    return result


# The pages ------------------------------------------------------------------------------------


def matrix_json(matrix: Matrix, areas: list[AreaCoverage]) -> dict[str, Any]:
    """The heatmap's data: its columns, its rows with their levels, the areas' coverage."""
    return {
        "edition": edition_key(matrix.edition),
        "family": matrix.family_number or None,
        "title": matrix.title,
        "competences": [
            {"code": c.code, "name": c.name, "area": c.area} for c in matrix.competences
        ],
        "jobs": [
            {
                "iri": j.iri,
                "number": j.number,
                "title": j.title,
                "has_card": j.has_card,
                "family": matrix.families.get(j.family, "") or None,
                "levels": {
                    code: {"min": lv.low, "max": lv.high, "printed": lv.short}
                    for code, lv in sorted(j.levels.items(), key=lambda i: code_key(i[0]))
                },
            }
            for j in matrix.jobs
        ],
        "coverage": [
            {
                "area": a.area,
                "name": a.name,
                "jobs": a.jobs,
                "job_total": a.job_total,
                "competences": a.competences,
                "competence_total": a.competence_total,
            }
            for a in areas
        ],
    }


def _error(exc: HeatmapError) -> Response:
    kind = wanted()
    if kind == "json":
        return json_response(
            {"error": exc.message, "closest": [t for t, _h in exc.closest]}, exc.status
        )
    if kind == "plain":
        lines = [f"{exc.status} {exc.message}"]
        if exc.closest:
            lines.append(_("The closest: %(list)s", list=", ".join(t for t, _h in exc.closest)))
        return plain_text("\n".join(lines), exc.status)
    return html_page(
        "heatmap.html", exc.status, error=exc.message, closest=exc.closest, heat=None, index=None
    )


def _index() -> list[dict[str, Any]]:
    """Every edition with its families, for the list of heatmaps."""
    families: dict[str, list[tuple[str, str]]] = {}
    for row in run_page("heatmap-families"):
        families.setdefault(row["edition"], []).append(
            (str(row.get("familyNumber", "")), row.get("familyTitle", ""))
        )
    editions = []
    for iri, name in sorted(edition_names().items(), key=lambda e: e[1]):
        key = edition_key(iri)
        editions.append(
            {
                "name": name,
                "href": url_for("visuals.heatmap", edition=key),
                "families": [
                    {
                        "number": n,
                        "title": t,
                        "href": url_for("visuals.heatmap", family=f"{key}/{n}"),
                    }
                    for n, t in sorted(set(families.get(iri, [])), key=lambda f: natural_key(f[0]))
                ],
            }
        )
    return editions


def pictures(matrix: Matrix) -> dict[str, Any]:
    """What the heatmap shows of a matrix (template ``heatmap_body.html``, as ``heat``)."""
    names = area_names()
    family_of = {j.iri: matrix.families.get(j.family, "") for j in matrix.jobs}
    no_card = _("no card")
    rows = [
        HeatRow(
            j.iri,
            j.name,
            j.levels,
            "" if matrix.family else family_of[j.iri],
            "" if j.has_card else no_card,
        )
        for j in matrix.jobs
    ]
    has_levels = any(j.levels for j in matrix.jobs)
    areas = coverage(matrix, names) if has_levels else []
    return {
        "matrix": matrix,
        "has_levels": has_levels,
        "chart": charts.heatmap_chart(
            "chart-heatmap",
            _("Competences of the jobs of %(what)s", what=matrix.title),
            rows,
            matrix.competences,
            names,
        )
        if has_levels
        else None,
        "coverage": areas,
        "coverage_chart": charts.coverage_chart(
            "chart-coverage", _("Coverage of the e-CF areas in %(what)s", what=matrix.title), areas
        )
        if areas
        else None,
        "no_card": no_card,
        "page_href": url_for(
            "visuals.heatmap",
            **(
                {"family": f"{edition_key(matrix.edition)}/{matrix.family_number}"}
                if matrix.family
                else {"edition": edition_key(matrix.edition)}
            ),
        ),
        "edition_href": url_for("visuals.heatmap", edition=edition_key(matrix.edition)),
    }


def heatmap_visuals(iri: str) -> dict[str, Any]:
    """The heatmap of the family or edition with this IRI, for its page (template
    ``heatmap_section.html``); empty for anything else."""
    rest = iri.removeprefix(iris.ID)
    if rest == iri:
        return {}
    family = _FAMILY_IRI.match(rest)
    if family:
        edition, number = iris.edition(family.group(1)), family.group(2)
    elif rest.startswith("scheme/"):
        edition, number = iri, None
    else:
        return {}
    try:
        return pictures(read_matrix(edition, number))
    except (HeatmapError, query.ParamError):
        return {}


def heatmap_page() -> Response:
    edition_arg = request.args.get("edition", "").strip()
    family_arg = request.args.get("family", "").strip()
    try:
        if len(edition_arg) > MAX_VALUE or len(family_arg) > MAX_VALUE:
            raise HeatmapError(_("A parameter is too long (over %(n)s characters).", n=MAX_VALUE))
        if edition_arg and family_arg:
            raise HeatmapError(_("Give an edition or a family, not both."))
        if not edition_arg and not family_arg:
            return html_page("heatmap.html", 200, error="", closest=[], heat=None, index=_index())
        if family_arg:
            edition, number = _family_or_error(family_arg)
            matrix = read_matrix(edition, number)
        else:
            matrix = read_matrix(_edition_or_error(edition_arg), None)
        if wanted() == "json":
            return json_response(matrix_json(matrix, coverage(matrix, area_names())))
        heat = pictures(matrix)
    except HeatmapError as exc:
        return _error(exc)
    except QueryError as exc:
        return _error(HeatmapError(str(exc), status_of(exc)))
    return html_page("heatmap.html", 200, error="", closest=[], index=None, heat=heat)
