"""Competence profiles for the charts: jobs, their levels, the closest jobs, the changes since
the job a job continues.

Data comes only from the page queries ``data/queries/pages/{chart,compare,heatmap,job-visual}-*
.rq``, bound like the query library's (:func:`nomengraph.query.bound_text`: the parameters are
checked against their type and bound as RDF terms) and run through the server's executor, so
the pages work on any SPARQL 1.1 store. What every page of a store generation shares (the index
of jobs, every job's profile) is read once per generation.

Closest jobs: each job is a fuzzy set of (competence, level) pairs: for a requirement printed
``low-high``, the levels up to ``low`` count 1 and the levels of the range above it count ½ (the
job needs them in part). Two jobs are as close as the weighted Jaccard similarity of their sets
(Σ min / Σ max of the memberships over every pair): 1 for the same competences at the same
levels, 0 for no competence in common. Competences are compared by e-CF code, stable between
e-CF 2.0 (CIGREF 2010) and 3.0 (CIGREF 2018), so every edition's jobs are candidates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import url_for

from nomengraph import iris
from nomengraph.server import charts
from nomengraph.server.charts import Change, Competence, Level
from nomengraph.server.i18n import _, current_locale

CLOSEST = 5
_INTEGER = {
    "http://www.w3.org/2001/XMLSchema#" + t
    for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")
}


# Running the page queries ---------------------------------------------------------------------


def run_page(name: str, **params: str) -> list[dict[str, Any]]:
    """The rows of the page query ``name`` with these parameters, run as every page query is
    (:func:`nomengraph.server.pages.store.select`): variable -> value (IRIs and texts as str,
    integers as int; unbound variables absent). A bad parameter value raises
    :class:`nomengraph.query.ParamError`; a failing query the executor's ``QueryError``."""
    from nomengraph.server.pages.store import select

    rows = []
    for terms in select(name, **params):
        row: dict[str, Any] = {}
        for variable, term in terms.items():
            value: Any = term.value
            if term.datatype in _INTEGER:
                try:
                    value = int(value)
                except ValueError:
                    pass
            row[variable] = value
        rows.append(row)
    return rows


_T = TypeVar("_T")
_shared: dict[tuple[str | None, str], Any] = {}
_shared_lock = threading.Lock()


def per_generation(key: str, make: Callable[[], _T]) -> _T:
    """``make()`` once per store generation (the two latest generations are kept)."""
    from nomengraph.server import get_generation

    generation = get_generation()
    with _shared_lock:
        if (generation, key) in _shared:
            return _shared[(generation, key)]
    value = make()
    with _shared_lock:
        _shared[(generation, key)] = value
        generations = list(dict.fromkeys(g for g, _k in _shared))
        for old in generations[:-2]:
            for k in [k for k in _shared if k[0] == old]:
                del _shared[k]
    return value


# Jobs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobRef:
    """A job as pages name it."""

    iri: str
    edition: str  # edition key, e.g. cigref-2018
    edition_name: str  # e.g. CIGREF 2018
    number: str
    title: str
    has_card: bool = True

    @property
    def id(self) -> str:
        """``cigref-2018/2.6``, as a person types it."""
        rest = self.iri.removeprefix(iris.ID)
        return rest.replace("/job/", "/", 1) if rest != self.iri else self.iri

    @property
    def href(self) -> str:
        from nomengraph.server.pages.store import local_path

        return local_path(self.iri) or self.iri

    @property
    def name(self) -> str:
        """``CIGREF 2018 2.6 · Product Owner``."""
        head = f"{self.edition_name} {self.number}".strip()
        return f"{head} · {self.title}" if self.title else head


def edition_key(iri: str) -> str:
    return iri.removeprefix(iris.ID + "scheme/")


def edition_names() -> dict[str, str]:
    """Edition IRI -> a short name: publisher and version (``CIGREF 2018``), else the key."""

    def make() -> dict[str, str]:
        names: dict[str, str] = {}
        for row in run_page("chart-editions"):
            publisher, version = row.get("publisher", ""), row.get("version", "")
            key = edition_key(row["edition"])
            if key == "sic":
                name = "SIC"
            elif publisher and version:
                name = f"{publisher} {version}"
            else:
                name = publisher or key
            names.setdefault(row["edition"], name)
        return names

    return per_generation("editions", make)


def _pick(values: Mapping[str, str], locale: str) -> str:
    """The value in the frame's language, else French, else English, else any."""
    for lang in (locale, "fr", "en"):
        if values.get(lang):
            return values[lang]
    return next((v for v in values.values() if v), "")


def _title_rows(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Job IRI -> its fields, one job per IRI (several title rows merged)."""
    jobs: dict[str, dict[str, Any]] = {}
    for row in rows:
        job = jobs.setdefault(row["job"], dict(row))
        if not job.get("title") and row.get("title"):
            job["title"] = row["title"]
    return jobs


def _job_ref(row: Mapping[str, Any], names: Mapping[str, str]) -> JobRef:
    return JobRef(
        row["job"],
        edition_key(row.get("edition", "")),
        names.get(row.get("edition", ""), edition_key(row.get("edition", ""))),
        str(row.get("number", "")),
        row.get("title", ""),
        str(row.get("card", "true")) != "false",
    )


def job_index() -> dict[str, JobRef]:
    """Every job of the store, by IRI."""

    def make() -> dict[str, JobRef]:
        names = edition_names()
        rows = _title_rows(run_page("compare-job-index"))
        return {iri: _job_ref(row, names) for iri, row in rows.items()}

    return per_generation("jobs", make)


def job_ref(iri: str) -> JobRef | None:
    """The job with this IRI, None when the store holds none."""
    rows = _title_rows(run_page("job-visual-job", job=iri))
    row = rows.get(iri)
    return _job_ref(row, edition_names()) if row else None


# Profiles -------------------------------------------------------------------------------------


def area_names(locale: str | None = None) -> dict[str, str]:
    """e-CF area letter -> its name in the frame's language, in sentence case as the e-CF pages
    write it (``Plan``, ``Développer``)."""
    locale = locale or current_locale()

    def make() -> list[dict[str, Any]]:
        return run_page("chart-areas")

    by_area: dict[str, dict[str, str]] = {}
    for row in per_generation("areas", make):
        langs = by_area.setdefault(row["area"], {})
        for lang, variable in (("fr", "nameFr"), ("en", "nameEn")):
            if row.get(variable) and not langs.get(lang):
                langs[lang] = row[variable]
    from nomengraph.server.pages.competence import area_name

    return {area: area_name(_pick(langs, locale)) for area, langs in by_area.items()}


def competence_of(row: Mapping[str, Any], locale: str) -> Competence:
    name = _pick({"fr": row.get("nameFr", ""), "en": row.get("nameEn", "")}, locale)
    return Competence(row["code"], name, row.get("area", ""))


def level_of(row: Mapping[str, Any]) -> Level | None:
    """The level range of a row (``levelMin``, ``levelMax``, ``level`` as printed)."""
    try:
        low, high = int(row["levelMin"]), int(row["levelMax"])
        return Level(min(low, high), max(low, high), str(row.get("level", "")))
    except (KeyError, TypeError, ValueError):
        return None


def profile(iri: str, locale: str | None = None) -> list[tuple[Competence, Level]]:
    """A job's requirements in e-CF code order (one per code: the widest range if a card
    printed a code twice)."""
    locale = locale or current_locale()
    found: dict[str, tuple[Competence, Level]] = {}
    for row in run_page("job-visual-profile", job=iri):
        level = level_of(row)
        if level is None:
            continue
        competence = competence_of(row, locale)
        if competence.code in found:
            old = found[competence.code][1]
            level = Level(min(old.low, level.low), max(old.high, level.high))
        found[competence.code] = (competence, level)
    return [found[code] for code in sorted(found, key=code_key)]


def code_key(code: str) -> tuple[str, int]:
    head, _, tail = code.partition(".")
    return (head, int(tail) if tail.isdigit() else 0)


def all_profiles() -> dict[str, dict[str, Level]]:
    """Every job's levels by e-CF code (jobs with no requirement are absent)."""

    def make() -> dict[str, dict[str, Level]]:
        profiles: dict[str, dict[str, Level]] = {}
        for row in run_page("job-visual-profiles"):
            level = level_of(row)
            if level is not None:
                profiles.setdefault(row["job"], {})[row["code"]] = level
        return profiles

    return per_generation("profiles", make)


# Closest jobs ---------------------------------------------------------------------------------


def memberships(levels: Mapping[str, Level]) -> dict[tuple[str, int], float]:
    """A profile as a fuzzy set of (code, level): 1 up to the range's low end, ½ above it."""
    members: dict[tuple[str, int], float] = {}
    for code, lv in levels.items():
        for k in range(1, lv.high + 1):
            members[(code, k)] = 1.0 if k <= lv.low else 0.5
    return members


def similarity(a: Mapping[str, Level], b: Mapping[str, Level]) -> float:
    """Weighted Jaccard similarity of two profiles (see the module's documentation)."""
    ma, mb = memberships(a), memberships(b)
    keys = ma.keys() | mb.keys()
    top = sum(max(ma.get(k, 0.0), mb.get(k, 0.0)) for k in keys)
    if not top:
        return 0.0
    return sum(min(ma.get(k, 0.0), mb.get(k, 0.0)) for k in keys) / top


def closeness_words(score: float) -> str:
    if score >= 0.75:
        return _("very close")
    if score >= 0.5:
        return _("close")
    if score >= 0.3:
        return _("somewhat close")
    return _("distant")


@dataclass(frozen=True)
class Closest:
    job: JobRef
    score: float
    shared: int  # competences in common
    total: int  # competences of either job
    compare_href: str

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def words(self) -> str:
        return closeness_words(self.score)


def closest_jobs(iri: str, limit: int = CLOSEST) -> list[Closest]:
    """The jobs of every edition closest to this one by competence profile, best first."""
    profiles = all_profiles()
    mine = profiles.get(iri)
    if not mine:
        return []
    index = job_index()
    me = index.get(iri)
    scored = []
    for other, levels in profiles.items():
        if other == iri or other not in index:
            continue
        score = similarity(mine, levels)
        if score > 0:
            shared = len(mine.keys() & levels.keys())
            scored.append((score, shared, len(mine.keys() | levels.keys()), other))
    scored.sort(key=lambda s: (-s[0], -s[1], s[3]))
    return [
        Closest(
            index[other],
            score,
            shared,
            total,
            compare_url([me.id if me else iri, index[other].id]),
        )
        for score, shared, total, other in scored[:limit]
    ]


def compare_url(ids: Iterable[str]) -> str:
    return url_for("visuals.compare", job=list(ids))


# Changes since the earlier edition -------------------------------------------------------------


def changes(earlier: str, later: str, locale: str | None = None) -> list[Change]:
    """Every competence of either job, with its earlier and later level (code order)."""
    locale = locale or current_locale()
    before = dict((c.code, (c, lv)) for c, lv in profile(earlier, locale))
    after = dict((c.code, (c, lv)) for c, lv in profile(later, locale))
    result = []
    for code in sorted(before.keys() | after.keys(), key=code_key):
        competence = (after.get(code) or before[code])[0]
        result.append(
            Change(
                competence,
                before[code][1] if code in before else None,
                after[code][1] if code in after else None,
            )
        )
    return result


def earlier_jobs(iri: str) -> list[JobRef]:
    """The jobs of earlier editions this job continues (``ng:continues``)."""
    refs = []
    for row in run_page("job-visual-continues", job=iri):
        ref = job_index().get(row["earlier"]) or job_ref(row["earlier"])
        if ref is not None and ref not in refs:
            refs.append(ref)
    return refs


# The job page ---------------------------------------------------------------------------------


def _chart_id(kind: str, job: JobRef, extra: str = "") -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in job.id + extra)
    return f"chart-{kind}-{safe}"


def job_visuals(job_iri: str) -> dict[str, Any]:
    """What the job page shows beside the card (template ``job_profile.html``, under the name
    ``visuals``): the profile chart with its rows, the closest jobs, the changes since each job
    it continues, and the address of the comparison. Empty when the store holds no such job."""
    job = job_ref(job_iri)
    if job is None:
        return {}
    locale = current_locale()
    areas = area_names(locale)
    rows = profile(job_iri, locale)
    diffs = []
    for earlier in earlier_jobs(job_iri):
        diff = changes(earlier.iri, job_iri, locale)
        if not diff:
            continue
        diffs.append(
            {
                "earlier": earlier,
                "changes": diff,
                "counts": {k: sum(1 for c in diff if c.kind == k) for k in charts.CHANGE_STYLE},
                "svg": charts.diff_chart(
                    _chart_id("diff", job, earlier.id),
                    _(
                        "What changed from %(before)s to %(after)s",
                        before=earlier.name,
                        after=job.name,
                    ),
                    diff,
                    earlier.name,
                    job.name,
                    areas,
                ),
            }
        )
    return {
        "job": job,
        "areas": areas,
        "profile": rows,
        "profile_svg": charts.profile_chart(
            _chart_id("profile", job),
            _("Competence profile of %(job)s", job=job.name),
            rows,
            areas,
        )
        if rows
        else None,
        "closest": closest_jobs(job_iri),
        "diffs": diffs,
        "compare_action": url_for("visuals.compare"),
        "change_text": charts.change_text,
    }
