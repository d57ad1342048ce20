"""The files nomengraph ships: every package resource is found here, and only here.

They are package data, found with :mod:`importlib.resources`, so they are the same files in a
checkout, an editable install and an installed wheel:

``data/cards/``
    the reference nomenclatures: one YAML card per job (``cigref-2010/``, ``cigref-2018/``,
    ``sic/``), the e-CF frameworks (``ecf/``) and the 2010 annex-1 matrix (``matrix/``), as
    ``nomengraph extract`` writes them;
``data/ontology/``
    the vocabulary (``nomengraph.ttl``) and the SHACL shapes (``shapes/*.ttl``);
``data/queries/``
    the query library (``*.rq``);
``data/queries/pages/``
    the queries behind the web pages (``*.rq``, bound like the library's);
``data/mappings/``
    the reviewed SSSOM mappings to ESCO, ROME and across editions (``*.sssom.tsv``);
``data/labels/``
    the labels of the linked concepts (ESCO, ROME, ISCO-08) the mappings use;
``data/link/``
    what the matcher of ``nomengraph link match`` learned from the reviewed mappings
    (``it-prior.tsv``, written by ``tools/build_link_prior.py``);
``data/i18n/``
    the French texts of the web pages' frames (``fr-*.json``);
``data/esco_dictionary.csv``
    ESCO's own description of its CSV export;
``schema/``
    the JSON Schemas of cards, e-CF data and the matrix.

The constants are locations; :func:`require` and :func:`read_text` check them, so a missing
resource is a :class:`ResourceError` naming it, never a silent ``None``.
"""

from __future__ import annotations

from importlib import resources as _resources
from pathlib import Path


class ResourceError(FileNotFoundError):
    """A file the package should hold is missing (a broken installation); the message names it."""


def _package_root() -> Path:
    root = _resources.files("nomengraph")
    return root if isinstance(root, Path) else Path(str(root))


PACKAGE = _package_root()
DATA = PACKAGE / "data"

CARDS = DATA / "cards"
"""The reference nomenclatures: the default cards folder of every command."""
ONTOLOGY = DATA / "ontology"
ONTOLOGY_FILE = ONTOLOGY / "nomengraph.ttl"
SHAPES = ONTOLOGY / "shapes"
QUERIES = DATA / "queries"
PAGE_QUERIES = QUERIES / "pages"
MAPPINGS = DATA / "mappings"
LABELS = DATA / "labels"
LINK = DATA / "link"
I18N = DATA / "i18n"
ESCO_DICTIONARY = DATA / "esco_dictionary.csv"
SCHEMAS = PACKAGE / "schema"

_WHAT = {
    CARDS: "the reference cards folder",
    ONTOLOGY_FILE: "the vocabulary",
    SHAPES: "the SHACL shapes folder",
    QUERIES: "the query library",
    PAGE_QUERIES: "the queries of the web pages",
    LABELS: "the labels of linked concepts",
    I18N: "the French texts of the web pages",
    MAPPINGS: "the mappings folder",
    ESCO_DICTIONARY: "ESCO's dictionary",
    SCHEMAS: "the JSON Schemas folder",
}


def require(path: Path) -> Path:
    """``path`` (a resource of this module) when it exists, else a ResourceError naming it."""
    if path.exists():
        return path
    try:
        name = path.relative_to(PACKAGE).as_posix()
    except ValueError:
        name = str(path)
    what = f"{_WHAT[path]} ({name})" if path in _WHAT else name
    raise ResourceError(f"{what} is missing from the nomengraph package at {PACKAGE}")


def read_text(path: Path) -> str:
    """The text (UTF-8) of a resource file; ResourceError when it is missing."""
    return require(path).read_text(encoding="utf-8")


def schema(name: str) -> Path:
    """The JSON Schema file ``name`` (e.g. ``card.schema.json``)."""
    return require(SCHEMAS / name)


def files(folder: Path, pattern: str) -> list[Path]:
    """The files of a resource folder matching ``pattern``, sorted; ResourceError when the folder
    is missing or holds none."""
    found = sorted(require(folder).glob(pattern))
    if not found:
        what = _WHAT.get(folder, str(folder))
        raise ResourceError(f"{what} ({folder}) holds no {pattern} file")
    return found
