"""The package's own files: found through nomengraph.resources, listed for the wheel, and a
missing one is an error naming it."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

import pytest

from nomengraph import resources, validate
from nomengraph.resources import ResourceError

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "nomengraph"


def test_every_resource_is_where_the_module_says():
    for path in (
        resources.CARDS / "cigref-2018" / "2.6.yaml",
        resources.CARDS / "ecf" / "ecf-3.0.yaml",
        resources.ONTOLOGY_FILE,
        resources.SHAPES / "jobs.ttl",
        resources.QUERIES / "job-profile.rq",
        resources.MAPPINGS / "cigref-2018-esco.sssom.tsv",
        resources.ESCO_DICTIONARY,
        resources.schema("card.schema.json"),
    ):
        assert resources.require(path) == path
    assert resources.PACKAGE.resolve() == PACKAGE.resolve()


def test_the_wheel_lists_every_file_the_package_reads():
    """Each file under data/ and schema/ matches a package-data pattern of pyproject.toml, so
    the wheel holds it (the wheel test checks the wheel itself)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["nomengraph"]
    files = [
        p.relative_to(PACKAGE).as_posix()
        for folder in ("data", "schema")
        for p in (PACKAGE / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert len(files) > 150
    unlisted = [f for f in files if not any(_matches(f, pattern) for pattern in patterns)]
    assert unlisted == []


def _matches(name: str, pattern: str) -> bool:
    """setuptools' package-data globbing: ``*`` does not cross a ``/``."""
    return name.count("/") == pattern.count("/") and fnmatch.fnmatchcase(name, pattern)


def test_no_module_finds_a_file_from_its_own_location():
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\b__file__\b", line)
    ]
    assert found == []


def test_a_missing_resource_is_an_error_naming_it(monkeypatch, tmp_path):
    with pytest.raises(ResourceError, match=r"data/queries/nope\.rq is missing"):
        resources.require(resources.QUERIES / "nope.rq")
    gone = resources.DATA / "ontology" / "gone.ttl"
    monkeypatch.setattr(validate, "ONTOLOGY_FILE", gone)
    with pytest.raises(ResourceError, match=r"data/ontology/gone\.ttl is missing"):
        validate.load_ontology()
    monkeypatch.setattr(validate, "SHAPES_DIR", tmp_path)
    with pytest.raises(ResourceError, match=r"holds no \*\.ttl file"):
        validate.load_shapes()
    assert isinstance(ResourceError("x"), FileNotFoundError)
