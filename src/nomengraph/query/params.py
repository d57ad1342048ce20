"""The types of query parameters: each checks a value as given (on the command line, in a
form) and turns it into the one RDF term it stands for (an edition key into its scheme IRI, a
job number into the job's IRI...)."""

from __future__ import annotations

import re

import pyoxigraph as ox

from nomengraph import iris
from nomengraph.query.model import Param, ParamError

_EDITION = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)*$")
_JOB = re.compile(r"^([a-z][a-z0-9-]*[a-z0-9])[/:-]([0-9]+(?:\.[0-9]+)*)$")
_CODE = re.compile(r"^[A-E]\.[0-9]{1,2}$")
_AREA = re.compile(r"^[A-E]$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def _iri(value: str) -> ox.NamedNode:
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]+$", value):
        raise ValueError("not an absolute IRI")
    return ox.NamedNode(value)


def _integer(value: str) -> ox.Literal:
    if not re.match(r"^[+-]?[0-9]+$", value.strip()):
        raise ValueError("not an integer")
    return ox.Literal(int(value))


def _level(value: str) -> ox.Literal:
    term = _integer(value)
    if not 1 <= int(term.value) <= 5:
        raise ValueError("not a proficiency level 1 to 5")
    return term


def _match(pattern: re.Pattern[str], what: str):
    def convert(value: str) -> ox.Literal:
        if not pattern.match(value):
            raise ValueError(f"not {what}")
        return ox.Literal(value)

    return convert


def _edition(value: str) -> ox.NamedNode:
    if value.startswith(iris.ID + "scheme/"):
        value = value.removeprefix(iris.ID + "scheme/")
    if not _EDITION.match(value):
        raise ValueError("not an edition key (lower-case, e.g. cigref-2018, sic)")
    return ox.NamedNode(iris.edition(value))


def _job(value: str) -> ox.NamedNode:
    if value.startswith(iris.ID):
        if not re.match(r"^[a-z][a-z0-9-]*[a-z0-9]/job/[0-9]+(\.[0-9]+)*$", value[len(iris.ID) :]):
            raise ValueError(f"not a job IRI ({iris.ID}<edition>/job/<number>)")
        return ox.NamedNode(value)
    m = _JOB.match(value)
    if not m:
        raise ValueError("not a job: give its IRI or <edition>/<number>, e.g. cigref-2018/2.6")
    return ox.NamedNode(iris.job(m.group(1), m.group(2)))


PARAM_TYPES = {
    "iri": (_iri, "an absolute IRI"),
    "string": (lambda v: ox.Literal(v), "any text"),
    "integer": (_integer, "an integer"),
    "level": (_level, "a proficiency level 1 to 5"),
    "competence": (_match(_CODE, "an e-CF competence code like E.8"), "e-CF code like E.8"),
    "area": (_match(_AREA, "an e-CF area letter A to E"), "e-CF area A to E"),
    "number": (_match(_NUMBER, "a number like 2.6 or 8"), "a job or family number"),
    "lang": (_match(_LANG, "a language tag like fr or en"), "a language tag"),
    "edition": (_edition, "an edition key like cigref-2018 (bound to its scheme IRI)"),
    "job": (_job, "a job IRI or <edition>/<number> like cigref-2018/2.6"),
}


def to_term(param: Param, value: str) -> ox.NamedNode | ox.Literal:
    """Check ``value`` against the parameter's type and return the RDF term it stands for."""
    convert, _ = PARAM_TYPES[param.type]
    if not isinstance(value, str) or not value.strip():
        raise ParamError(f"parameter {param.name!r}: empty value")
    try:
        return convert(value.strip())
    except ValueError as exc:
        raise ParamError(f"parameter {param.name!r} ({param.type}): {value!r} is {exc}") from None
