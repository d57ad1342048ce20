"""Every IRI of the graph is minted here, from stable keys only (edition + number, e-CF version +
code), never from free text.

Base: ``https://w3id.org/nomengraph/``. Entities live under ``id/``, named graphs under
``graph/``, the vocabulary under ``def/``.
"""

from __future__ import annotations

import hashlib
import re

BASE = "https://w3id.org/nomengraph/"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
DEF = BASE + "def/"
SHAPES = BASE + "shapes/"

_KEY = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)*$")
_CODE = re.compile(r"^[A-E]\.[0-9]{1,2}$")
_VERSION = re.compile(r"^[0-9]+\.[0-9]+$")
_ITEM = re.compile(r"^[KS][0-9]+$")
_SET = re.compile(r"^[a-z][a-z0-9.-]*[a-z0-9]$")


def _check(pattern: re.Pattern[str], value: str, what: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise ValueError(f"invalid {what} for an IRI: {value!r}")
    return value


# Nomenclatures -------------------------------------------------------------------------------


def edition(edition: str) -> str:
    """The concept scheme of a nomenclature edition: ``id/scheme/cigref-2018``."""
    return f"{ID}scheme/{_check(_KEY, edition, 'edition')}"


def family(edition: str, number: str) -> str:
    return f"{ID}{_check(_KEY, edition, 'edition')}/family/{_check(_NUMBER, number, 'family')}"


def job(edition: str, number: str) -> str:
    return f"{ID}{_check(_KEY, edition, 'edition')}/job/{_check(_NUMBER, number, 'job number')}"


def requirement(edition: str, number: str, code: str) -> str:
    return f"{job(edition, number)}/competence/{_check(_CODE, code, 'e-CF code')}"


def activity_group(edition: str, number: str, position: int) -> str:
    return f"{job(edition, number)}/activity/{int(position)}"


def task(edition: str, number: str, group: int, position: int) -> str:
    """A task of an activity group, by the positions of both in the printed card."""
    return f"{activity_group(edition, number, group)}/task/{_position(position)}"


def sub_item(item: str, position: int) -> str:
    """A sub-item printed under a list item (a task, deliverable, indicator, or the experience
    of a career path), by its position under it: ``<item IRI>/item/<position>``."""
    if not isinstance(item, str) or not re.match(re.escape(ID) + r"[a-z0-9-]+/job/", item):
        raise ValueError(f"invalid list item for an IRI: {item!r}")
    return f"{item}/item/{_position(position)}"


def _position(position: int) -> int:
    if not isinstance(position, int) or isinstance(position, bool) or position < 1:
        raise ValueError(f"invalid position for an IRI: {position!r}")
    return position


def deliverable(edition: str, number: str, position: int) -> str:
    return f"{job(edition, number)}/deliverable/{int(position)}"


def indicator(edition: str, number: str, position: int) -> str:
    return f"{job(edition, number)}/indicator/{int(position)}"


def career_path(edition: str, number: str) -> str:
    return f"{job(edition, number)}/career-path"


def source_extract(edition: str, number: str) -> str:
    """The stretch of source text a card was read from (a prov:Entity)."""
    return f"{job(edition, number)}/source"


def source_document(edition: str) -> str:
    return f"{ID}source/{_check(_KEY, edition, 'edition')}"


def matrix_cell(edition: str, number: str, code: str) -> str:
    """A cell of the 2010 annex-1 matrix (job x competence)."""
    return (
        f"{ID}{_check(_KEY, edition, 'edition')}/matrix/"
        f"{_check(_NUMBER, number, 'job number')}/{_check(_CODE, code, 'e-CF code')}"
    )


def matrix_row(edition: str, number: str) -> str:
    return f"{ID}{_check(_KEY, edition, 'edition')}/matrix/{_check(_NUMBER, number, 'job number')}"


# e-CF ----------------------------------------------------------------------------------------


def framework(version: str) -> str:
    """The concept scheme of one e-CF version: ``id/ecf/3.0``."""
    return f"{ID}ecf/{_check(_VERSION, version, 'e-CF version')}"


def area(version: str, code: str) -> str:
    if not re.match(r"^[A-E]$", code or ""):
        raise ValueError(f"invalid e-CF area for an IRI: {code!r}")
    return f"{framework(version)}/area/{code}"


def competence(version: str, code: str) -> str:
    return f"{framework(version)}/competence/{_check(_CODE, code, 'e-CF code')}"


def level_descriptor(version: str, code: str, level: int) -> str:
    return f"{competence(version, code)}/level/{_level(level)}"


def ks_item(version: str, code: str, item: str) -> str:
    """A knowledge (K1..) or skill (S1..) example of a competence."""
    return f"{competence(version, code)}/{_check(_ITEM, item, 'K/S item')}"


def proficiency_scheme() -> str:
    """The e-CF proficiency levels e-1..e-5 (the same in 2.0 and 3.0)."""
    return f"{ID}ecf/levels"


def proficiency_level(level: int) -> str:
    return f"{ID}ecf/level/e-{_level(level)}"


def _level(level: int) -> int:
    if not isinstance(level, int) or not 1 <= level <= 5:
        raise ValueError(f"invalid proficiency level for an IRI: {level!r}")
    return level


# Mappings -----------------------------------------------------------------------------------


def mapping_set(name: str) -> str:
    """A mapping set, by its file name: ``id/mappings/cigref-2018-esco``."""
    return f"{ID}mappings/{_check(_SET, name, 'mapping set name')}"


def mapping(set_name: str, subject: str, obj: str) -> str:
    """One row of a mapping set, from its stable keys (the set, the subject and object IRIs):
    ``id/mappings/cigref-2018-esco/<16 hex digits>``."""
    digest = hashlib.sha256(f"{subject} {obj}".encode()).hexdigest()[:16]
    return f"{mapping_set(set_name)}/{digest}"


# Named graphs and dataset -------------------------------------------------------------------


def graph(name: str) -> str:
    """A named graph: ``graph/cigref-2010``, ``graph/ecf``, ``graph/ontology``..."""
    return f"{GRAPH}{_check(_KEY, name, 'graph name')}"


def dataset() -> str:
    return f"{ID}dataset"


# External vocabularies ------------------------------------------------------------------------
# ESCO and ISCO-08 keep their official IRIs (http://data.europa.eu/esco/...); ROME has no
# dereferenceable IRIs, so its fiches and job titles are minted here from their official codes.

_ROME_CODE = re.compile(r"^[A-N][0-9]{4}$")
_OGR = re.compile(r"^[0-9]+$")


def rome(code: str) -> str:
    """A ROME fiche (métier): ``id/rome/M1805``."""
    return f"{ID}rome/{_check(_ROME_CODE, code, 'ROME code')}"


def rome_appellation(ogr: str) -> str:
    """A ROME job title (appellation), by its OGR code: ``id/rome/appellation/38936``."""
    return f"{ID}rome/appellation/{_check(_OGR, str(ogr), 'ROME OGR code')}"


# External vocabularies: import stage (ROME scheme and hierarchy) -----------------------------

_ROME_DOMAIN = re.compile(r"^[A-N]([0-9]{2})?$")


def rome_scheme() -> str:
    """The ROME as a concept scheme: ``id/rome``."""
    return f"{ID}rome"


def rome_domain(code: str) -> str:
    """A ROME grand domaine (``M``) or domaine professionnel (``M18``): ``id/rome/M18``."""
    return f"{ID}rome/{_check(_ROME_DOMAIN, code, 'ROME domain code')}"


# External vocabularies: ISCO-08 and O*NET-SOC (the labels of linked concepts) ---------------
# ISCO-08 groups keep ESCO's IRIs; O*NET-SOC codes have no IRI of their own, so they are minted
# here from the official code, like the ROME fiches.

ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"
"""The namespace of ESCO occupations (their IRIs are ESCO's, read from its exports)."""

_ISCO = re.compile(r"^[0-9]{1,4}$")
_ONET = re.compile(r"^[0-9]{2}-[0-9]{4}\.[0-9]{2}$")


def isco_scheme() -> str:
    """ISCO-08 as ESCO publishes it: ``http://data.europa.eu/esco/concept-scheme/isco``."""
    return "http://data.europa.eu/esco/concept-scheme/isco"


def isco_group(code: str) -> str:
    """An ISCO-08 group (major to unit group) by its code, with ESCO's IRI:
    ``http://data.europa.eu/esco/isco/C2512``."""
    return f"http://data.europa.eu/esco/isco/C{_check(_ISCO, code, 'ISCO-08 code')}"


def onet_scheme() -> str:
    """The O*NET-SOC 2019 taxonomy as a concept scheme: ``id/onet``."""
    return f"{ID}onet"


def onet(code: str) -> str:
    """An O*NET-SOC 2019 occupation by its code: ``id/onet/15-1252.00``."""
    return f"{ID}onet/{_check(_ONET, code, 'O*NET-SOC code')}"
