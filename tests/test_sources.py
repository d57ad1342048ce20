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


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_source_text_matches_its_documented_sha256(name):
    assert hashlib.sha256((SOURCES / name).read_bytes()).hexdigest() == DOCUMENTED[name]
