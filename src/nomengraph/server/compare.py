"""Jobs side by side: ``GET /compare?job=<edition>/<number>&job=…`` (2 to 4 jobs).

A job is given as ``<edition>/<number>`` (``cigref-2018/2.6``, an organisation's ``acme/2.1``),
as its IRI, or, from the "compare with…" field without its suggestions, as its title
(``Product Owner``: taken when exactly one job bears that title, accents and case aside). The
page shows the competences every job requires and those only some require, with each job's
level, and the profiles overlaid on one chart. Fewer than 2 or more than 4 jobs, or a job the
store does not hold, is a 400 whose page says what is wrong and offers the closest jobs; an
``Accept`` preferring JSON or plain text gets the same answer in that form.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from flask import Response, jsonify, request
from rapidfuzz import fuzz, process
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from nomengraph import query
from nomengraph.server import charts
from nomengraph.server.charts import Competence, Level, Series
from nomengraph.server.executor import QueryError
from nomengraph.server.i18n import _, current_locale
from nomengraph.server.pages.responses import html_page, plain_text, status_of
from nomengraph.server.profiles import (
    JobRef,
    area_names,
    code_key,
    compare_url,
    job_index,
    profile,
)

MIN_JOBS, MAX_JOBS = 2, 4
MAX_VALUE = 300  # longest job value read
SUGGESTIONS = 5
_JOB = query.Param("job", "job", None, False, "a job")


class CompareError(Exception):
    """A request that names no comparison: the message, and jobs to offer instead."""

    def __init__(
        self,
        message: str,
        suggestions: list[dict[str, Any]] | None = None,
        kept: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions or []
        self.kept = kept or []  # the ids of the jobs given rightly, for the form


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON answer; its names follow the frame's language, so it varies like the pages."""
    resp = jsonify(body)
    resp.status_code = status
    resp.headers["Vary"] = "Accept, Accept-Language, Cookie"
    return resp


def wanted() -> str:
    """``html``, ``json`` or ``plain``: what the client prefers (HTML when it does not say)."""
    header = request.headers.get("Accept", "")
    if not header.strip():
        return "html"
    offers = ["text/html", "application/json", "text/plain"]
    best = parse_accept_header(header, MIMEAccept).best_match(offers, default="text/html")
    return {"application/json": "json", "text/plain": "plain"}.get(best, "html")


def normalise(text: str) -> str:
    """Lower case, accents removed, runs of other characters one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


# Resolving the jobs ---------------------------------------------------------------------------


def _suggestion(job: JobRef, values: list[str], position: int) -> dict[str, Any]:
    """A job to offer instead of ``values[position]``: the comparison with it, or its page
    when there would be only one job to compare."""
    ids = list(dict.fromkeys([*values[:position], job.id, *values[position + 1 :]]))
    return {"job": job, "href": compare_url(ids) if len(ids) >= MIN_JOBS else job.href}


def _closest(given: str, index: dict[str, JobRef], by_title: bool) -> list[JobRef]:
    jobs = list(index.values())
    if by_title:
        choices = [normalise(j.title) for j in jobs]
        found = process.extract(normalise(given), choices, scorer=fuzz.WRatio, limit=SUGGESTIONS)
    else:
        choices = [j.id for j in jobs]
        found = process.extract(given, choices, scorer=fuzz.ratio, limit=SUGGESTIONS)
    return [jobs[i] for _choice, _score, i in found]


def resolve(values: list[str]) -> list[JobRef]:
    """The jobs named by the ``job`` values (blank ones skipped, repeats once), or a
    :class:`CompareError` saying what is wrong."""
    given = [v.strip() for v in values if v.strip()]
    if len(given) > MAX_JOBS:
        raise CompareError(
            _("Compare 2 to 4 jobs: %(n)s were given.", n=len(given)),
        )
    index = job_index()
    jobs: list[JobRef] = []
    problems: list[str] = []
    suggestions: list[dict[str, Any]] = []
    for position, value in enumerate(given):
        if len(value) > MAX_VALUE:
            problems.append(_("A job value is too long (over %(n)s characters).", n=MAX_VALUE))
            continue
        try:
            iri = query.to_term(_JOB, value).value
        except query.ParamError:
            iri = None
        if iri is not None and iri in index:
            job = index[iri]
        elif iri is None and (
            exact := [j for j in index.values() if normalise(j.title) == normalise(value)]
        ):
            if len(exact) == 1:
                job = exact[0]
            else:
                problems.append(
                    _(
                        "“%(value)s” is the title of %(n)s jobs; choose one.",
                        value=value,
                        n=len(exact),
                    )
                )
                suggestions += [_suggestion(j, given, position) for j in exact[:SUGGESTIONS]]
                continue
        else:
            if iri is None:
                problems.append(_("No job titled “%(value)s”.", value=value))
            else:
                problems.append(_("No job %(value)s in the graph.", value=value))
            closest = _closest(value, index, by_title=iri is None)
            suggestions += [_suggestion(j, given, position) for j in closest]
            continue
        if job not in jobs:
            jobs.append(job)
    kept = [j.id for j in jobs]
    if problems:
        raise CompareError(" ".join(problems), suggestions, kept)
    if len(jobs) < MIN_JOBS:
        raise CompareError(
            _("Compare 2 to 4 jobs: %(n)s was given.", n=len(jobs))
            if len(jobs) == 1
            else _("Compare 2 to 4 jobs: none was given."),
            [],
            kept,
        )
    return jobs


# The comparison -------------------------------------------------------------------------------


@dataclass
class Row:
    competence: Competence
    levels: list[Level | None]

    @property
    def shared(self) -> bool:
        return all(lv is not None for lv in self.levels)

    @property
    def same_level(self) -> bool:
        present = [(lv.low, lv.high) for lv in self.levels if lv is not None]
        return self.shared and len(set(present)) == 1


@dataclass
class Comparison:
    jobs: list[JobRef]
    shared: list[Row] = field(default_factory=list)
    differing: list[Row] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        return self.shared + self.differing


def compare(jobs: list[JobRef]) -> Comparison:
    locale = current_locale()
    profiles = [dict((c.code, (c, lv)) for c, lv in profile(j.iri, locale)) for j in jobs]
    codes = sorted({code for p in profiles for code in p}, key=code_key)
    result = Comparison(jobs)
    for code in codes:
        competence = next(p[code][0] for p in profiles if code in p)
        row = Row(competence, [p[code][1] if code in p else None for p in profiles])
        (result.shared if row.shared else result.differing).append(row)
    return result


def comparison_json(result: Comparison) -> dict[str, Any]:
    def level(lv: Level | None) -> dict[str, Any] | None:
        return None if lv is None else {"min": lv.low, "max": lv.high, "printed": lv.short}

    return {
        "jobs": [
            {"id": j.id, "iri": j.iri, "title": j.title, "edition": j.edition} for j in result.jobs
        ],
        "competences": [
            {
                "code": r.competence.code,
                "name": r.competence.name,
                "area": r.competence.area,
                "shared": r.shared,
                "levels": {j.id: level(lv) for j, lv in zip(result.jobs, r.levels, strict=True)},
            }
            for r in result.rows
        ],
    }


def _error(
    message: str, suggestions: list[dict[str, Any]], status: int, kept: list[str]
) -> Response:
    kind = wanted()
    if kind == "json":
        body = {
            "error": message,
            "closest": [
                {"id": s["job"].id, "iri": s["job"].iri, "title": s["job"].title}
                for s in suggestions
            ],
        }
        return json_response(body, status)
    if kind == "plain":
        lines = [f"{status} {message}"]
        if suggestions:
            lines.append(_("The closest jobs:"))
            lines += [f"  {s['job'].id}  {s['job'].title}" for s in suggestions]
        return plain_text("\n".join(lines), status)
    return html_page(
        "compare.html",
        status,
        error=message,
        suggestions=suggestions,
        given=kept[: MAX_JOBS - 1],
        result=None,
        max_jobs=MAX_JOBS,
    )


def compare_page() -> Response:
    values = request.args.getlist("job")
    try:
        jobs = resolve(values)
        result = compare(jobs)
    except CompareError as exc:
        return _error(exc.message, exc.suggestions, 400, exc.kept)
    except QueryError as exc:
        return _error(str(exc), [], status_of(exc), [])
    if wanted() == "json":
        return json_response(comparison_json(result))
    if wanted() == "plain":
        lines = ["\t".join(["code", *(j.id for j in jobs)])]
        lines += [
            "\t".join([r.competence.code, *(lv.text if lv else "-" for lv in r.levels)])
            for r in result.rows
        ]
        return plain_text("\n".join(lines), 200)
    areas = area_names()
    names = [j.name for j in jobs]
    svg = charts.overlay_chart(
        "chart-compare",
        _("Competence profiles of %(jobs)s", jobs=" / ".join(names)),
        [
            Series(j.name, {r.competence.code: lv for r in result.rows if (lv := r.levels[i])})
            for i, j in enumerate(jobs)
        ],
        [r.competence for r in result.rows],
        areas,
    )
    return html_page(
        "compare.html",
        200,
        error="",
        suggestions=[],
        given=[j.id for j in jobs],
        result=result,
        chart=svg,
        areas=areas,
        markers=charts.SERIES_MARKERS,
        colours=charts.SERIES_COLOURS,
        patterns=charts.SERIES_PATTERNS,
        remove_links=[compare_url([k.id for k in jobs if k != j]) for j in jobs],
        max_jobs=MAX_JOBS,
    )
