"""The editions, source documents and graphs the dataset describes, as data.

Titles, publishers, years and the e-CF version of each reference edition, the source
documents with their rights and checksums, the project's own title and licence, the titles of
the named graphs. Pure data and lookups: no RDF here."""

from __future__ import annotations

from typing import Any

EDITIONS: dict[str, dict[str, Any]] = {
    "cigref-2010": {
        "title": "Nomenclature 2010 : premier pas vers l'Europe des compétences IT",
        "version": "2010",
        "issued": "2010",
        "publisher": "CIGREF",
        "ecf": "2.0",
        "descriptor_lang": "en",
        "source": "cigref-2010",
    },
    "cigref-2018": {
        "title": "Nomenclature RH – version 2018 : les métiers des systèmes d'information "
        "dans les grandes entreprises",
        "version": "2018",
        "issued": "2018",
        "publisher": "CIGREF",
        "ecf": "3.0",
        "descriptor_lang": "fr",
        "source": "cigref-2018",
    },
    "sic": {
        "title": "Référentiel interministériel des métiers des systèmes d'information et de "
        "communication (SIC)",
        "version": None,
        "issued": None,
        "publisher": "DINSIC",
        "ecf": None,
        "descriptor_lang": "fr",
        "source": "sic",
    },
}
"""Editions: title, version, year, publisher, the e-CF version their cards cite (the mapping
cigref-2010 → 2.0, cigref-2018 → 3.0), the language of the printed level descriptors, and the key
of their source document in :data:`SOURCES`."""

DEFAULT_ECF_VERSION = "3.0"
"""e-CF version assumed for the cards of an edition not listed in :data:`EDITIONS` (an
organisation's own cards), and language of their descriptors (the e-CF's own language)."""
DEFAULT_DESCRIPTOR_LANG = "en"

SOURCES: dict[str, dict[str, str]] = {  # "lang": the language of title and rights
    "cigref-2010": {
        "file": "sources/cigref-2010-nomenclature.txt",
        "title": "CIGREF, Nomenclature 2010 : premier pas vers l'Europe des compétences IT "
        "(octobre 2010), texte extrait du PDF",
        "publisher": "CIGREF",
        "rights": "© CIGREF. Annexe 2 (e-CF 2.0) © CEN.",
        "lang": "fr",
        "sha256": "fe976d5e32fca6076952ef3a1a01d5609ba37bc005d1b6475f762ef293010298",
    },
    "cigref-2018": {
        "file": "sources/cigref-2018-nomenclature.txt",
        "title": "CIGREF, Nomenclature RH – version 2018 : les métiers des systèmes "
        "d'information dans les grandes entreprises, texte extrait du PDF",
        "publisher": "CIGREF",
        "rights": "© CIGREF.",
        "lang": "fr",
        "sha256": "bf2a7115694a27bb2bbd477ec092e3b3de83a92f824b30c2ebfa65e307d848d5",
    },
    "sic": {
        "file": "sources/sic-referentiel-metiers.txt",
        "title": "Référentiel interministériel des métiers des systèmes d'information et de "
        "communication (SIC), tel que republié par Jurisconforme",
        "publisher": "DINSIC",
        "rights": "Référentiel constitué par des groupes de travail interministériels "
        "coordonnés par la DINSIC.",
        "lang": "fr",
        "sha256": "f8d3517f688df60e04d703e9f4eed31d2b13bad77a98da4c1cfbce0f8aec82c5",
    },
    "ecf-3-reference": {
        "file": "sources/ecf-3.0-reference.csv",
        "title": "e-CF 3.0 (CWA 16234-1:2014) reference list: competence codes, areas, "
        "English names and admissible proficiency levels",
        "publisher": "CEN",
        "rights": "e-CF (EN 16234-1, CWA 16234) © CEN; names and level lists used as "
        "reference data.",
        "lang": "en",
        "sha256": "5809100b846278180c28ac8486e5f894452bd7b9a6d09ef94b374b4442918ac6",
    },
    "ecf-3-levels": {
        "file": "sources/ecf-3.0-levels.csv",
        "title": "e-CF 3.0 (CWA 16234-1:2014) level descriptors of each competence, in English, "
        "transcribed from a public database seed (KITNikita/competence-map-api, "
        "V3__Level_insert.sql)",
        "publisher": "CEN",
        "rights": "e-CF (CWA 16234) © CEN; used as reference data.",
        "lang": "en",
        "sha256": "b11888b9a65910440244ca0e782a596d3089a09d31d910620e1e071a0601a98c",
    },
    "ecf-4-competences": {
        "file": "sources/ecf-4.0-competences.csv",
        "title": "e-CF 4.0 (EN 16234-1:2019) competences: codes, areas, English names, "
        "descriptions and admissible proficiency levels, transcribed from a public copy of the "
        "standard's tables (to be checked against EN 16234-1:2019)",
        "publisher": "CEN",
        "rights": "e-CF (EN 16234-1) © CEN; used as reference data.",
        "lang": "en",
        "sha256": "a351dfff7cc15a3ab80e259ebc36dacb48b4182b8a92e6d59203991fcad9f446",
    },
    "ecf-4-levels": {
        "file": "sources/ecf-4.0-levels.csv",
        "title": "e-CF 4.0 (EN 16234-1:2019) level descriptors of each competence, in English",
        "publisher": "CEN",
        "rights": "e-CF (EN 16234-1) © CEN; used as reference data.",
        "lang": "en",
        "sha256": "91c4f8833c328ef22f7d3dc060e907a52f633c6fead078aab499291de84503b7",
    },
    "ecf-3-4-codes": {
        "file": "sources/ecf-3.0-to-4.0-codes.csv",
        "title": "e-CF 3.0 to e-CF 4.0 code concordance: same, renamed, renumbered, removed and "
        "new competences",
        "publisher": "CEN",
        "rights": "Competence codes and names of the e-CF (EN 16234-1, CWA 16234) © CEN.",
        "lang": "en",
        "sha256": "f09723b24c9df7ebb3627e672f19ab664df6324dec9afddfb3b07d4474e82f73",
    },
}
"""Source documents, keyed by the key given to :func:`iris.source_document`."""

_SOURCE_BY_FILE = {s["file"]: key for key, s in SOURCES.items()}

PROJECT = {
    "title_fr": "nomengraph : métiers du numérique et compétences e-CF",
    "title_en": "nomengraph: IT jobs and e-CF competences",
    "description_en": "Knowledge graph of the CIGREF 2010 and 2018 job nomenclatures, the SIC "
    "interministerial job framework and the e-CF 2.0, 3.0 and 4.0 competences, built from job "
    "cards extracted from the source texts.",
    "description_fr": "Graphe de connaissances des nomenclatures de métiers CIGREF 2010 et 2018, "
    "du référentiel interministériel SIC et des compétences e-CF 2.0, 3.0 et 4.0, construit à "
    "partir de fiches métier extraites des textes sources.",
    "license": "https://www.apache.org/licenses/LICENSE-2.0",
}

GRAPH_TITLES = {
    "cigref-2010": ("Nomenclature CIGREF 2010", "CIGREF 2010 nomenclature"),
    "cigref-2018": ("Nomenclature CIGREF 2018", "CIGREF 2018 nomenclature"),
    "sic": ("Référentiel des métiers SIC", "SIC job framework"),
    "ecf": ("Référentiel e-CF 2.0, 3.0 et 4.0", "e-CF 2.0, 3.0 and 4.0"),
    "ontology": ("Vocabulaire nomengraph", "nomengraph vocabulary"),
}


def source_key(file: str, fallback: str) -> str:
    """The key in :data:`SOURCES` of the source file ``file``, else ``fallback``."""
    return _SOURCE_BY_FILE.get(file, fallback)


def ecf_version_of(edition: str) -> str:
    """The e-CF version whose competences an edition's cards cite."""
    meta = EDITIONS.get(edition)
    if meta is None:
        return DEFAULT_ECF_VERSION
    return meta["ecf"] or DEFAULT_ECF_VERSION
