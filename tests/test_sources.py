"""The project's copies of the source texts are the ones documented in sources/README.md."""

import hashlib
import re
from pathlib import Path

import pytest

SOURCES = Path(__file__).parents[1] / "sources"
DOCUMENTED = dict(
    re.findall(
        r"\| `([\w.-]+\.txt)` \|.*\| `([0-9a-f]{64})` \|", (SOURCES / "README.md").read_text()
    )
)


def test_readme_documents_the_three_texts():
    assert set(DOCUMENTED) == {
        "cigref-2010-nomenclature.txt",
        "cigref-2018-nomenclature.txt",
        "sic-referentiel-metiers.txt",
    }


TABLES = dict(
    re.findall(
        r"\| `([\w.-]+\.csv)` \|.*\| `([0-9a-f]{64})` \|", (SOURCES / "README.md").read_text()
    )
)


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_source_text_matches_its_documented_sha256(name):
    assert hashlib.sha256((SOURCES / name).read_bytes()).hexdigest() == DOCUMENTED[name]


def test_readme_gives_the_sha256_of_the_ecf_tables():
    assert {"ecf-3.0-levels.csv", "ecf-4.0-competences.csv", "ecf-4.0-levels.csv"} <= set(TABLES)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_source_table_matches_its_documented_sha256(name):
    assert hashlib.sha256((SOURCES / name).read_bytes()).hexdigest() == TABLES[name]
