"""Import stage: external vocabularies from their official CSV exports to RDF.

- :func:`import_esco` reads ESCO's CSV export (occupations, skills, ISCO-08 groups, skill groups,
  relations, hierarchies, collections, concept schemes, and label files in other languages such
  as ``occupations_fr.csv``) into the named graph ``graph/esco``, with ESCO's own IRIs and model
  (``esco:Occupation``, ``esco:Skill``, ``esco:relatedEssentialSkill``...). The column → property
  table is ESCO's own ``dictionary_en.csv`` (v1.2.1), shipped as ``data/esco_dictionary.csv``.
- :func:`import_rome` reads France Travail's ROME 4.0 CSV files (``unix_*_v460_utf8.csv``) into
  ``graph/rome``: grands domaines → domaines professionnels → fiches → appellations, as SKOS.

Both return ``(rdflib.Graph, ImportReport)``. The graph has no blank nodes and depends only on the
input files (and the version), so the same folder always gives the same graph;
:func:`write_graph` writes it sorted, hence byte-identical files. Problems in the input raise
:class:`VocabularyError` with a message naming the file, the row (and its first line) and the
column; faults the import can settle on its own (identical duplicate rows, labels of concepts the
export does not describe...) are listed in the report instead. See ``docs/vocabularies.md``.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from nomengraph import iris, prefixes, resources
from nomengraph.convert import to_oxigraph_term
from nomengraph.vocab import (
    DCTERMS,
    ESCO,
    NG,
    OWL,
    PROV,
    RDF,
    SKOS,
    XSD,
)

__all__ = [
    "ESCO_COLLECTIONS",
    "ImportReport",
    "VocabularyError",
    "esco_dictionary",
    "import_esco",
    "import_rome",
    "write_graph",
]

Triple = tuple[Node, Node, Node]

ESCO_BASE = "http://data.europa.eu/esco/"
ESCO_LICENSE = "https://eur-lex.europa.eu/eli/dec/2011/833/oj"
ESCO_ATTRIBUTION = "This service uses the ESCO classification of the European Commission."
ROME_LICENSE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ROME_ATTRIBUTION = "© France Travail, Licence Ouverte / Etalab 2.0."


class VocabularyError(Exception):
    """The input cannot be imported: a missing file or column, a bad encoding, a conflict..."""


@dataclass
class ImportReport:
    """What an import read and made: files, counts, and the faults it settled on its own."""

    vocabulary: str
    version: str
    folder: str
    graph: str
    files: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"{self.vocabulary} {self.version} from {self.folder}",
            f"graph {self.graph}: {self.triples} triples ({self.seconds:.1f} s)",
            f"files read: {', '.join(self.files)}",
        ]
        if self.missing_optional:
            lines.append(f"optional files absent: {', '.join(self.missing_optional)}")
        if self.not_imported:
            lines.append(f"files not imported: {', '.join(self.not_imported)}")
        width = max((len(k) for k in self.counts), default=0)
        lines += [f"  {k:<{width}} {v:>8}" for k, v in self.counts.items()]
        if self.notes:
            lines.append(f"notes ({len(self.notes)}):")
            lines += [f"  {n}" for n in self.notes]
        return "\n".join(lines)


# CSV reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    number: int  # record number, 1-based, header excluded
    line: int  # physical line where the record starts (multi-line fields span several)
    values: dict[str, str]

    def where(self, path: Path, column: str | None = None) -> str:
        col = f", column {column}" if column else ""
        return f"{path.name}: row {self.number} (line {self.line}){col}"


def _read_table(path: Path, required: Sequence[str]) -> tuple[list[str], list[_Row]]:
    """Read a quoted CSV file (UTF-8, optional BOM, fields may span lines)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise VocabularyError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise VocabularyError(
            f"{path.name}: line {line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x}: "
            f"{exc.reason}); the export must be UTF-8 encoded"
        ) from exc
    text = text.removeprefix("\ufeff")
    old_limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # ESCO's hasTopConcept cells exceed the 128 KiB default
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise VocabularyError(f"{path.name}: empty file (no header row)") from None
        except csv.Error as exc:
            raise VocabularyError(f"{path.name}: line 1: malformed CSV header ({exc})") from exc
        missing = [c for c in required if c not in header]
        if missing:
            raise VocabularyError(
                f"{path.name}: missing required column(s) {', '.join(missing)}; "
                f"the header has: {', '.join(header)}"
            )
        rows: list[_Row] = []
        previous = reader.line_num
        number = 0
        try:
            for record in reader:
                start, previous = previous + 1, reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                number += 1
                if len(record) != len(header):
                    raise VocabularyError(
                        f"{path.name}: row {number} (line {start}): {len(record)} fields, "
                        f"the header has {len(header)}"
                    )
                values = {
                    h: c.replace("\r\n", "\n").strip() for h, c in zip(header, record, strict=True)
                }
                rows.append(_Row(number, start, values))
        except csv.Error as exc:
            raise VocabularyError(
                f"{path.name}: line {reader.line_num}: malformed CSV ({exc})"
            ) from exc
    finally:
        csv.field_size_limit(old_limit)
    return header, rows


_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def _iri(value: str, row: _Row, path: Path, column: str) -> URIRef:
    if not _IRI.match(value):
        raise VocabularyError(f"{row.where(path, column)}: not an IRI: {value!r}")
    return URIRef(value)


def _dedup(
    path: Path, rows: list[_Row], key: str, merge_latest: str | None, notes: list[str]
) -> list[_Row]:
    """One row per ``key`` value. Identical duplicates: the first is kept. Duplicates that differ
    only in ``merge_latest`` (a date column): the latest is kept. Any other difference is a
    conflict and an error."""
    by_key: dict[str, _Row] = {}
    order: list[str] = []
    for row in rows:
        k = row.values[key]
        if not k:
            raise VocabularyError(f"{row.where(path, key)}: empty {key}")
        first = by_key.get(k)
        if first is None:
            by_key[k] = row
            order.append(k)
            continue
        differ = sorted(c for c in row.values if row.values[c] != first.values.get(c))
        rows_txt = f"rows {first.number} (line {first.line}) and {row.number} (line {row.line})"
        if not differ:
            notes.append(f"{path.name}: {key} {k} appears twice, {rows_txt}: identical, kept one")
        elif merge_latest and differ == [merge_latest]:
            keep = max((first, row), key=lambda r: r.values[merge_latest])
            by_key[k] = keep
            notes.append(
                f"{path.name}: {key} {k} appears twice, {rows_txt}: they differ only in "
                f"{merge_latest}; kept the latest ({keep.values[merge_latest]}, row {keep.number})"
            )
        else:
            raise VocabularyError(
                f"{path.name}: {key} {k} appears twice with different values, {rows_txt}; "
                f"differing column(s): {', '.join(differ)}"
            )
    return [by_key[k] for k in order]


class _Builder:
    """Triples in a set (so that repeated statements merge), with a guard on prefLabels: one per
    concept and language, the first source read wins, any other is reported."""

    def __init__(self, notes: list[str]) -> None:
        self.triples: set[Triple] = set()
        self.pref: dict[tuple[URIRef, str], tuple[str, str]] = {}
        self.notes = notes

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.triples.add((s, p, o))

    def pref_label(self, s: URIRef, text: str, lang: str, where: str) -> None:
        if not text:
            return
        seen = self.pref.get((s, lang))
        if seen is None:
            self.pref[(s, lang)] = (text, where)
            self.add(s, SKOS.prefLabel, Literal(text, lang=lang))
        elif seen[0] != text:
            self.notes.append(
                f"{where}: second preferredLabel@{lang} for {s} ({text!r}) ignored; "
                f"kept {seen[0]!r} from {seen[1]}"
            )

    def graph(self, name: str) -> Graph:
        g = Graph(identifier=URIRef(iris.graph(name)))
        for triple in self.triples:
            g.add(triple)
        return g


# ESCO ------------------------------------------------------------------------------------------

ESCO_COLLECTIONS: dict[str, str] = {
    "digitalSkillsCollection": "concept-scheme/6c930acd-c104-4ece-acf7-f44fd7333036",
    "digCompSkillsCollection": "concept-scheme/digcomp",
    "greenSkillsCollection": "concept-scheme/green",
    "languageSkillsCollection": "concept-scheme/skill-language-groups",
    "researchSkillsCollection": "concept-scheme/research",
    "researchOccupationsCollection": "concept-scheme/8ae4b9f3-507e-4057-a145-2f96f0132613",
    "transversalSkillsCollection": "concept-scheme/skill-transversal-groups",
}
"""ESCO collection file (without ``_<lang>.csv``) → the ESCO concept scheme that the collection
is (relative to ``http://data.europa.eu/esco/``). As in ESCO's own RDF, a member of a collection
is ``skos:inScheme`` that scheme (the schemes are described by ``conceptSchemes_en.csv``)."""

_CONCEPT_FILES = {  # file key → (class, required columns)
    "occupations": (ESCO.Occupation, ("conceptUri", "preferredLabel")),
    "skills": (ESCO.Skill, ("conceptUri", "preferredLabel")),
    "ISCOGroups": (ESCO.ISCOGroup, ("conceptUri", "code", "preferredLabel")),
    "skillGroups": (None, ("conceptUri", "preferredLabel")),
}
_REQUIRED_FILES = ("occupations", "skills", "ISCOGroups")
_OPTIONAL_FILES = (
    "skillGroups",
    "occupationSkillRelations",
    "skillSkillRelations",
    "broaderRelationsOccPillar",
    "broaderRelationsSkillPillar",
    "conceptSchemes",
    *ESCO_COLLECTIONS,
)
_NOT_READ = {
    "skillsHierarchy": "the same hierarchy as skillGroups + broaderRelationsSkillPillar",
    "dictionary": "the column table; the copy in the package is used",
}
_CONCEPT_TYPES = {
    "Occupation": ESCO.Occupation,
    "KnowledgeSkillCompetence": ESCO.Skill,
    "ISCOGroup": ESCO.ISCOGroup,
}
_SKILL_TYPES = {
    "knowledge": ESCO_BASE + "skill-type/knowledge",
    "skill/competence": ESCO_BASE + "skill-type/skill",
    "skill": ESCO_BASE + "skill-type/skill",
}
_LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
_TEXTS = (SKOS.definition, SKOS.scopeNote, DCTERMS.description, DCTERMS.title)
_IRI_LISTS = (SKOS.inScheme, SKOS.hasTopConcept, ESCO.hasNACECode)
_LANGUAGE_PROPERTIES = (*_LABELS, *_TEXTS)
# Columns the dictionary maps to a property of *another* concept (the label of the broader
# concept, of the skill in a relation...): not statements about the row's concept.
_OTHER_CONCEPT_COLUMNS = {
    "broaderConceptPT",
    "conceptLabel",
    "broaderLabel",
    "occupationLabel",
    "skillLabel",
}
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_VERSION = re.compile(r"(?:^|[^0-9.])v?(\d+\.\d+\.\d+)(?![0-9])")
_FILE = re.compile(r"^(?P<key>[A-Za-z]+)_(?P<lang>[a-z]{2})\.csv$")


def esco_dictionary() -> dict[str, dict[str, tuple[URIRef, ...]]]:
    """ESCO's column → property table: ``{file key: {column: (property, ...)}}``; a column
    with no property has an empty tuple, ``relationType`` has two (optional | essential)."""
    text = resources.read_text(resources.ESCO_DICTIONARY)
    table: dict[str, dict[str, tuple[URIRef, ...]]] = defaultdict(dict)
    for record in csv.DictReader(io.StringIO(text, newline="")):
        if record["filename"] == "filename":  # the file repeats its header row halfway
            continue
        props = tuple(URIRef(p.strip()) for p in record["property"].split("|") if p.strip())
        table[record["filename"].strip()][record["data header"].strip()] = props
    return dict(table)


def _split_list(value: str, pipes: bool) -> list[str]:
    """Labels of one cell: newline-separated in the main files, `` | ``-separated in the
    collections and the label-only files."""
    parts = value.split("\n")
    if pipes and len(parts) == 1:
        parts = value.split("|")
    return [p.strip() for p in parts if p.strip()]


def _split_iris(value: str) -> list[str]:
    return [p for p in re.split(r"[\s,|]+", value) if p]


def detect_esco_version(folder: Path) -> str | None:
    """The version in the folder's name or its parent's (``v1.2.0_en``, ``esco-1.2.1``)."""
    for name in (folder.name, folder.parent.name):
        m = _VERSION.search(name)
        if m:
            return m.group(1)
    return None


class _Esco:
    def __init__(self, folder: Path, version: str, report: ImportReport) -> None:
        self.folder = folder
        self.version = version
        self.report = report
        self.b = _Builder(report.notes)
        self.dictionary = esco_dictionary()
        self.described: dict[URIRef, URIRef | None] = {}  # concept → class (None: skill group)
        self.isco_column: dict[URIRef, tuple[str, _Row, Path]] = {}
        self.isco_codes: dict[URIRef, str] = {}
        self.has_broader: set[URIRef] = set()
        self.relations: Counter[str] = Counter()
        self.members: Counter[str] = Counter()
        self.dangling: Counter[str] = Counter()

    # files --------------------------------------------------------------------------------

    def files(self) -> dict[tuple[str, str], Path]:
        found: dict[tuple[str, str], Path] = {}
        for path in sorted(self.folder.iterdir()):
            m = _FILE.match(path.name)
            if path.is_file() and m:
                found[(m["key"], m["lang"])] = path
        return found

    def run(self) -> Graph:
        files = self.files()
        missing = [f"{k}_en.csv" for k in _REQUIRED_FILES if (k, "en") not in files]
        if missing:
            raise VocabularyError(
                f"{self.folder}: required file(s) missing: {', '.join(missing)} "
                f"(required: {', '.join(f'{k}_en.csv' for k in _REQUIRED_FILES)})"
            )
        self.report.missing_optional = [
            f"{k}_en.csv" for k in _OPTIONAL_FILES if (k, "en") not in files
        ]
        known = set(_CONCEPT_FILES) | set(_OPTIONAL_FILES)
        for (key, lang), path in sorted(files.items()):
            if key in _NOT_READ:
                self.report.not_imported.append(f"{path.name} ({_NOT_READ[key]})")
            elif key not in known:
                self.report.not_imported.append(f"{path.name} (unknown file)")
            elif lang != "en" and key not in _CONCEPT_FILES:
                self.report.not_imported.append(f"{path.name} (only concept labels are read)")

        def read(key: str, lang: str = "en") -> Path | None:
            path = files.get((key, lang))
            if path is not None:
                self.report.files.append(path.name)
            return path

        for key in ("ISCOGroups", "occupations", "skillGroups", "skills"):
            path = read(key)
            if path is not None:
                self.concepts(path, key)
        for key in sorted(ESCO_COLLECTIONS):
            path = read(key)
            if path is not None:
                self.collection(path, key)
        for key in ("broaderRelationsOccPillar", "broaderRelationsSkillPillar"):
            path = read(key)
            if path is not None:
                self.broader(path)
        for key, origin, target in (
            ("occupationSkillRelations", "occupationUri", "skillUri"),
            ("skillSkillRelations", "originalSkillUri", "relatedSkillUri"),
        ):
            path = read(key)
            if path is not None:
                self.skill_relations(path, key, origin, target)
        path = read("conceptSchemes")
        if path is not None:
            self.schemes(path)
        for (key, lang), _ in sorted(files.items()):
            if lang != "en" and key in _CONCEPT_FILES:
                self.labels(read(key, lang), key, lang)  # type: ignore[arg-type]
        self.fallback_broader()
        self.source()
        for kind, n in sorted(self.dangling.items()):
            self.report.notes.append(
                f"{n} {kind} name a concept the export does not describe (kept as they are)"
            )
        return self.b.graph("esco")

    # concepts -----------------------------------------------------------------------------

    def concepts(self, path: Path, key: str) -> None:
        cls, required = _CONCEPT_FILES[key]
        header, rows = _read_table(path, required)
        columns = self.dictionary.get(key, {})
        ignored = [
            c
            for c in header
            if c not in columns and c not in ("conceptType", "conceptUri", "iscoGroup")
        ]
        if ignored:
            self.report.notes.append(
                f"{path.name}: column(s) not in ESCO's dictionary, not imported: "
                f"{', '.join(ignored)}"
            )
        for row in _dedup(path, rows, "conceptUri", "modifiedDate", self.report.notes):
            uri = _iri(row.values["conceptUri"], row, path, "conceptUri")
            self.described[uri] = cls
            self.b.add(uri, RDF.type, SKOS.Concept)
            if cls is not None:
                self.b.add(uri, RDF.type, cls)
            self.describe(uri, row, path, columns, "en", pipes=False)
            if key == "occupations" and row.values.get("iscoGroup"):
                self.isco_column[uri] = (row.values["iscoGroup"], row, path)
            if key == "ISCOGroups":
                self.isco_codes[uri] = row.values["code"]

    def describe(
        self,
        uri: URIRef,
        row: _Row,
        path: Path,
        columns: dict[str, tuple[URIRef, ...]],
        lang: str,
        pipes: bool,
        only_text: bool = False,
    ) -> None:
        """The dictionary-driven part: one statement per (column, property) of the row."""
        for column, props in columns.items():
            value = row.values.get(column, "")
            if not value or len(props) != 1 or column in _OTHER_CONCEPT_COLUMNS:
                continue
            if column == "iscoGroup":  # a code of the broader ISCO group: see fallback_broader
                continue
            prop = props[0]
            if only_text and prop not in _LANGUAGE_PROPERTIES:
                continue
            if prop == SKOS.prefLabel:
                self.b.pref_label(uri, value, lang, row.where(path))
            elif prop in (SKOS.altLabel, SKOS.hiddenLabel):
                for label in _split_list(value, pipes):
                    self.b.add(uri, prop, Literal(label, lang=lang))
            elif prop in _TEXTS:
                self.b.add(uri, prop, Literal(value, lang=lang))
            elif prop in _IRI_LISTS:
                for item in _split_iris(value):
                    self.b.add(uri, prop, _iri(item, row, path, column))
            elif prop == ESCO.skillType:
                self.skill_type(uri, value, row, path, column)
            elif prop == ESCO.skillReuseLevel:
                if not re.match(r"^[a-z][a-z-]*$", value):
                    raise VocabularyError(f"{row.where(path, column)}: bad reuse level {value!r}")
                self.b.add(uri, prop, URIRef(f"{ESCO_BASE}skill-reuse-level/{value}"))
            elif prop == DCTERMS.modified and _DATETIME.match(value):
                self.b.add(uri, prop, Literal(value, datatype=XSD.dateTime, normalize=False))
            elif _IRI.match(value):  # esco:regulatedProfessionNote holds an IRI
                self.b.add(uri, prop, URIRef(value))
            else:  # skos:notation, iso-thes:status, dates not in xsd:dateTime form
                self.b.add(uri, prop, Literal(value))

    def skill_type(self, uri: URIRef, value: str, row: _Row, path: Path, column: str) -> None:
        target = _SKILL_TYPES.get(value)
        if target is None:
            raise VocabularyError(
                f"{row.where(path, column)}: unknown skill type {value!r} "
                f"(expected one of: {', '.join(sorted(_SKILL_TYPES))})"
            )
        self.b.add(uri, ESCO.skillType, URIRef(target))

    def collection(self, path: Path, key: str) -> None:
        header, rows = _read_table(path, ("conceptUri",))
        columns = self.dictionary.get(key, {})
        scheme = URIRef(ESCO_BASE + ESCO_COLLECTIONS[key])
        for row in _dedup(path, rows, "conceptUri", None, self.report.notes):
            uri = _iri(row.values["conceptUri"], row, path, "conceptUri")
            self.b.add(uri, SKOS.inScheme, scheme)
            self.members[key] += 1
            for item in _split_iris(row.values.get("broaderConceptUri", "")):
                self.b.add(uri, SKOS.broader, _iri(item, row, path, "broaderConceptUri"))
                self.has_broader.add(uri)
            if uri not in self.described:  # a concept only the collection describes
                cls = _CONCEPT_TYPES.get(row.values.get("conceptType", ""))
                self.described[uri] = cls
                self.b.add(uri, RDF.type, SKOS.Concept)
                if cls is not None:
                    self.b.add(uri, RDF.type, cls)
                self.describe(uri, row, path, columns, "en", pipes=True)
                self.report.notes.append(
                    f"{row.where(path)}: {uri} is not in the main files; described from "
                    "the collection"
                )

    def broader(self, path: Path) -> None:
        _, rows = _read_table(path, ("conceptUri", "broaderUri"))
        seen: set[tuple[str, str]] = set()
        repeated = 0
        for row in rows:
            pair = (row.values["conceptUri"], row.values["broaderUri"])
            if pair in seen:
                repeated += 1
                continue
            seen.add(pair)
            uri = _iri(pair[0], row, path, "conceptUri")
            target = _iri(pair[1], row, path, "broaderUri")
            self.b.add(uri, SKOS.broader, target)
            self.has_broader.add(uri)
            if uri not in self.described or target not in self.described:
                self.dangling["broader relations"] += 1
        if repeated:
            self.report.notes.append(f"{path.name}: {repeated} repeated row(s), kept once")

    def skill_relations(self, path: Path, key: str, origin: str, target: str) -> None:
        _, rows = _read_table(path, (origin, "relationType", target))
        options = self.dictionary.get(key, {}).get("relationType") or (
            ESCO.relatedOptionalSkill,
            ESCO.relatedEssentialSkill,
        )
        by_kind = {}
        for prop in options:
            local = str(prop).rsplit("#", 1)[-1].lower()
            by_kind["essential" if "essential" in local else "optional"] = prop
        columns = self.dictionary.get(key, {})
        type_columns = [
            (node, column)
            for node, column in (
                ("o", "skillType"),
                ("s", "originalSkillType"),
                ("o", "relatedSkillType"),
            )
            if columns.get(column) == (ESCO.skillType,)
        ]
        seen: dict[tuple[str, str], str] = {}
        repeated = 0
        for row in rows:
            kind = row.values["relationType"].lower()
            prop = by_kind.get(kind)
            if prop is None:
                raise VocabularyError(
                    f"{row.where(path, 'relationType')}: unknown relation type "
                    f"{row.values['relationType']!r} (expected essential or optional)"
                )
            pair = (row.values[origin], row.values[target])
            if pair in seen:
                if seen[pair] == kind:
                    repeated += 1
                    continue
                self.report.notes.append(
                    f"{row.where(path)}: {pair[0]} → {pair[1]} is both {seen[pair]} and "
                    f"{kind}; both kept"
                )
            seen[pair] = kind
            s = _iri(pair[0], row, path, origin)
            o = _iri(pair[1], row, path, target)
            self.b.add(s, prop, o)
            for node, column in type_columns:  # the dictionary: skillType → esco:skillType
                value = row.values.get(column, "")
                if value:
                    self.skill_type(o if node == "o" else s, value, row, path, column)
            self.relations[f"{key} {kind}"] += 1
            if s not in self.described or o not in self.described:
                self.dangling[f"{key} rows"] += 1
        if repeated:
            self.report.notes.append(f"{path.name}: {repeated} repeated row(s), kept once")

    def schemes(self, path: Path) -> None:
        _, rows = _read_table(path, ("conceptSchemeUri",))
        columns = self.dictionary.get("conceptSchemes", {})
        for row in _dedup(path, rows, "conceptSchemeUri", None, self.report.notes):
            uri = _iri(row.values["conceptSchemeUri"], row, path, "conceptSchemeUri")
            self.b.add(uri, RDF.type, SKOS.ConceptScheme)
            self.b.add(uri, RDF.type, ESCO.ConceptScheme)
            self.b.add(uri, OWL.versionInfo, Literal(f"v{self.version}"))
            self.b.add(uri, PROV.wasDerivedFrom, URIRef(iris.source_document("esco")))
            self.describe(uri, row, path, columns, "en", pipes=False)

    def labels(self, path: Path, key: str, lang: str) -> None:
        """Labels (and texts) in another language, for concepts the main files describe."""
        header, rows = _read_table(path, ("conceptUri", "preferredLabel"))
        label_only = "conceptType" not in header  # e.g. labels fetched from the ESCO API
        columns = self.dictionary.get(key, {})
        unknown = 0
        for row in _dedup(path, rows, "conceptUri", "modifiedDate", self.report.notes):
            uri = _iri(row.values["conceptUri"], row, path, "conceptUri")
            if uri not in self.described:
                unknown += 1
                continue
            self.describe(uri, row, path, columns, lang, pipes=label_only, only_text=True)
        if unknown:
            self.report.notes.append(
                f"{path.name}: {unknown} concept(s) not in {key}_en.csv, their labels skipped"
            )

    def fallback_broader(self) -> None:
        """The occupation's ``iscoGroup`` column and the ISCO code give ``skos:broader`` to the
        ISCO group where broaderRelationsOccPillar says nothing about the concept."""
        for uri, (code, row, path) in sorted(self.isco_column.items()):
            if uri in self.has_broader:
                continue
            if not re.match(r"^[0-9]{1,4}$", code):
                raise VocabularyError(f"{row.where(path, 'iscoGroup')}: bad ISCO code {code!r}")
            self.b.add(uri, SKOS.broader, URIRef(f"{ESCO_BASE}isco/C{code}"))
        for uri, code in sorted(self.isco_codes.items()):
            if uri not in self.has_broader and len(code) > 1:
                self.b.add(uri, SKOS.broader, URIRef(f"{ESCO_BASE}isco/C{code[:-1]}"))

    def source(self) -> None:
        doc = URIRef(iris.source_document("esco"))
        title = (
            f"ESCO (European Skills, Competences, Qualifications and Occupations) v{self.version}"
        )
        for p, o in (
            (RDF.type, PROV.Entity),
            (DCTERMS.title, Literal(title + ", CSV export", lang="en")),
            (DCTERMS.publisher, Literal("European Commission")),
            (DCTERMS.rights, Literal(f"© European Union. {ESCO_ATTRIBUTION}", lang="en")),
            (DCTERMS.license, URIRef(ESCO_LICENSE)),
            (OWL.versionInfo, Literal(f"v{self.version}")),
        ):
            self.b.add(doc, p, o)


def import_esco(folder: Path, version: str | None = None) -> tuple[Graph, ImportReport]:
    """Import an ESCO CSV export folder into the graph ``graph/esco``.

    ``version`` (``"1.2.0"``) defaults to the one in the folder's name (``v1.2.0_en``). Required
    files: ``occupations_en.csv``, ``skills_en.csv``, ``ISCOGroups_en.csv``; the others are read
    when present (see ``docs/vocabularies.md``).
    """
    started = time.perf_counter()
    folder = Path(folder)
    if not folder.is_dir():
        raise VocabularyError(f"{folder}: no such folder")
    present = {p.name for p in folder.iterdir()}
    missing = [f"{k}_en.csv" for k in _REQUIRED_FILES if f"{k}_en.csv" not in present]
    if missing:
        raise VocabularyError(
            f"{folder}: required file(s) missing: {', '.join(missing)} "
            f"(required: {', '.join(f'{k}_en.csv' for k in _REQUIRED_FILES)})"
        )
    version = (version or detect_esco_version(folder) or "").removeprefix("v")
    if not re.match(r"^\d+\.\d+(\.\d+)?$", version):
        raise VocabularyError(
            f"{folder}: cannot tell the ESCO version from the folder name; "
            "give it (e.g. version='1.2.0', or --release 1.2.0)"
        )
    report = ImportReport("ESCO", f"v{version}", str(folder), iris.graph("esco"))
    importer = _Esco(folder, version, report)
    graph = importer.run()
    report.counts = _esco_counts(graph, importer)
    report.triples = len(graph)
    report.seconds = time.perf_counter() - started
    return graph, report


def _esco_counts(graph: Graph, importer: _Esco) -> dict[str, int]:
    types = Counter(o for _, o in graph.subject_objects(RDF.type))
    counts = {
        "occupations": types[ESCO.Occupation],
        "skills": types[ESCO.Skill],
        "ISCO groups": types[ESCO.ISCOGroup],
        "skill groups": sum(1 for c in importer.described.values() if c is None),
        "concept schemes": types[SKOS.ConceptScheme],
        "essential occupation-skill": importer.relations["occupationSkillRelations essential"],
        "optional occupation-skill": importer.relations["occupationSkillRelations optional"],
        "skill-skill relations": importer.relations["skillSkillRelations essential"]
        + importer.relations["skillSkillRelations optional"],
        "broader": sum(1 for _ in graph.triples((None, SKOS.broader, None))),
    }
    for key in sorted(importer.members):
        counts[f"members of {key}"] = importer.members[key]
    labels = Counter(
        (str(p).rsplit("#", 1)[-1], o.language)
        for p in _LABELS
        for o in graph.objects(None, p)
        if isinstance(o, Literal)
    )
    for (name, lang), n in sorted(labels.items(), key=lambda kv: (kv[0][1] or "", kv[0][0])):
        counts[f"{name}@{lang}"] = n
    return counts


# ROME ------------------------------------------------------------------------------------------

_ROME_FILE = re.compile(r"^unix_(?P<name>[a-z_]+?)_v(?P<version>\d+)_utf8\.csv$")
_ROME_FILES = {  # name → (required?, required columns)
    "referentiel_code_rome": (True, ("code_rome", "libelle_rome")),
    "referentiel_appellation": (True, ("code_ogr", "libelle_appellation_long", "code_rome")),
    "cr_gd_dp": (
        True,
        ("code_rome", "code_grand_domaine", "code_domaine_professionel"),
    ),
    "grand_domaine": (False, ("code_grand_domaine", "libelle_grand_domaine")),
    "domaine_professionnel": (
        False,
        ("code_domaine_professionnel", "libelle_domaine_professionnel"),
    ),
    "texte": (False, ("code_rome", "libelle_type_texte", "position_phrase", "libelle_texte")),
}
ROME_TITLE = "Répertoire opérationnel des métiers et des emplois (ROME)"


def _rome_iri(maker: Callable[[str], str], code: str, row: _Row, path: Path, column: str) -> URIRef:
    try:
        return URIRef(maker(code))
    except ValueError as exc:
        raise VocabularyError(f"{row.where(path, column)}: {exc}") from None


def import_rome(folder: Path, version: str | None = None) -> tuple[Graph, ImportReport]:
    """Import a folder of ROME 4.0 CSV files (``unix_<name>_v460_utf8.csv``) into the graph
    ``graph/rome``. ``version`` (``"460"``) defaults to the one in the file names."""
    started = time.perf_counter()
    folder = Path(folder)
    if not folder.is_dir():
        raise VocabularyError(f"{folder}: no such folder")
    found: dict[str, dict[str, Path]] = defaultdict(dict)
    for path in sorted(folder.iterdir()):
        m = _ROME_FILE.match(path.name)
        if path.is_file() and m:
            found[m["version"]][m["name"]] = path
    wanted = (version or "").removeprefix("v")
    if not wanted:
        if len(found) > 1:
            raise VocabularyError(
                f"{folder}: files of several ROME versions ({', '.join(sorted(found))}); "
                "give the version to import"
            )
        wanted = next(iter(found), "")
    files = found.get(wanted, {})
    missing = [n for n, (req, _) in _ROME_FILES.items() if req and n not in files]
    if missing:
        raise VocabularyError(
            f"{folder}: required ROME file(s) missing: "
            + ", ".join(f"unix_{n}_v{wanted or '<version>'}_utf8.csv" for n in missing)
        )
    report = ImportReport("ROME", f"v{wanted}", str(folder), iris.graph("rome"))
    report.missing_optional = [
        f"unix_{n}_v{wanted}_utf8.csv"
        for n, (req, _) in _ROME_FILES.items()
        if not req and n not in files
    ]
    report.not_imported = [p.name for n, p in sorted(files.items()) if n not in _ROME_FILES]
    b = _Builder(report.notes)
    tables: dict[str, tuple[Path, list[_Row]]] = {}
    for name, (_, required) in _ROME_FILES.items():
        if name in files:
            _, rows = _read_table(files[name], required)
            tables[name] = (files[name], rows)
            report.files.append(files[name].name)

    scheme = URIRef(iris.rome_scheme())
    doc = URIRef(iris.source_document("rome"))
    for p, o in (
        (RDF.type, SKOS.ConceptScheme),
        (SKOS.prefLabel, Literal(ROME_TITLE, lang="fr")),
        (OWL.versionInfo, Literal(f"v{wanted}")),
        (PROV.wasDerivedFrom, doc),
    ):
        b.add(scheme, p, o)
    for p, o in (
        (RDF.type, PROV.Entity),
        (DCTERMS.title, Literal(f"ROME 4.0 v{wanted}, fichiers CSV de France Travail", lang="fr")),
        (DCTERMS.publisher, Literal("France Travail")),
        (DCTERMS.rights, Literal(ROME_ATTRIBUTION, lang="fr")),
        (DCTERMS.license, URIRef(ROME_LICENSE)),
        (OWL.versionInfo, Literal(f"v{wanted}")),
    ):
        b.add(doc, p, o)

    def concept(uri: URIRef, cls: URIRef, code: str, label: str, where: str) -> None:
        b.add(uri, RDF.type, SKOS.Concept)
        b.add(uri, RDF.type, cls)
        b.add(uri, SKOS.inScheme, scheme)
        b.add(uri, SKOS.notation, Literal(code))
        b.pref_label(uri, label, "fr", where)

    # hierarchy: grand domaine → domaine professionnel → fiche
    domain_labels: dict[str, tuple[str, str]] = {}
    for name, code_col, label_col in (
        ("grand_domaine", "code_grand_domaine", "libelle_grand_domaine"),
        ("domaine_professionnel", "code_domaine_professionnel", "libelle_domaine_professionnel"),
    ):
        if name in tables:
            path, rows = tables[name]
            for row in _dedup(path, rows, code_col, None, report.notes):
                domain_labels[row.values[code_col]] = (row.values[label_col], row.where(path))
    path, rows = tables["cr_gd_dp"]
    fiche_domain: dict[str, str] = {}
    domains: set[str] = set()
    for row in _dedup(path, rows, "code_rome", None, report.notes):
        gd, dp = row.values["code_grand_domaine"], row.values["code_domaine_professionel"]
        gd_iri = _rome_iri(iris.rome_domain, gd, row, path, "code_grand_domaine")
        dp_iri = _rome_iri(iris.rome_domain, dp, row, path, "code_domaine_professionel")
        if not dp.startswith(gd):
            raise VocabularyError(
                f"{row.where(path, 'code_domaine_professionel')}: domain {dp} is not in "
                f"grand domaine {gd}"
            )
        for code, column in ((gd, "libelle_grand_domaine"), (dp, "libelle_domaine_professionel")):
            if code not in domain_labels and row.values.get(column):
                domain_labels[code] = (row.values[column], row.where(path))
        domains |= {gd, dp}
        b.add(dp_iri, SKOS.broader, gd_iri)
        fiche_domain[row.values["code_rome"]] = dp
    for code in sorted(domains):
        label, where = domain_labels.get(code, ("", ""))
        uri = URIRef(iris.rome_domain(code))
        cls = NG.RomeGrandDomain if len(code) == 1 else NG.RomeProfessionalDomain
        concept(uri, cls, code, label, where)
        if len(code) == 1:
            b.add(uri, SKOS.topConceptOf, scheme)
            b.add(scheme, SKOS.hasTopConcept, uri)

    # fiches
    path, rows = tables["referentiel_code_rome"]
    fiches: dict[str, URIRef] = {}
    parents: list[tuple[URIRef, str, _Row]] = []
    for row in _dedup(path, rows, "code_rome", None, report.notes):
        code = row.values["code_rome"]
        uri = _rome_iri(iris.rome, code, row, path, "code_rome")
        fiches[code] = uri
        concept(uri, NG.RomeOccupation, code, row.values["libelle_rome"], row.where(path))
        dp = fiche_domain.get(code) or code[:3]
        if code not in fiche_domain:
            report.notes.append(f"{row.where(path)}: {code} not in cr_gd_dp; domain {dp} assumed")
        b.add(uri, SKOS.broader, URIRef(iris.rome_domain(dp)))
        parent = row.values.get("code_rome_parent", "")
        if parent and parent != code:
            parents.append((uri, parent, row))
    for uri, parent, row in parents:
        if parent not in fiches:
            raise VocabularyError(
                f"{row.where(path, 'code_rome_parent')}: parent fiche {parent} is not in the file"
            )
        b.add(uri, NG.romeParent, fiches[parent])
    missing_fiches = sorted(set(fiche_domain) - set(fiches))
    if missing_fiches:
        report.notes.append(
            f"cr_gd_dp: {len(missing_fiches)} code(s) not in referentiel_code_rome, "
            f"not imported: {', '.join(missing_fiches[:10])}"
        )

    # appellations: concepts narrower than their fiche, and labels of the fiche
    path, rows = tables["referentiel_appellation"]
    appellations = 0
    for row in _dedup(path, rows, "code_ogr", None, report.notes):
        code, rome_code = row.values["code_ogr"], row.values["code_rome"]
        uri = _rome_iri(iris.rome_appellation, code, row, path, "code_ogr")
        fiche = fiches.get(rome_code)
        if fiche is None:
            raise VocabularyError(
                f"{row.where(path, 'code_rome')}: fiche {rome_code!r} is not in "
                "referentiel_code_rome"
            )
        long_label = row.values["libelle_appellation_long"]
        concept(uri, NG.RomeJobTitle, code, long_label, row.where(path))
        short = row.values.get("libelle_appellation_court", "")
        if short and short != long_label:
            b.add(uri, SKOS.altLabel, Literal(short, lang="fr"))
        b.add(uri, SKOS.broader, fiche)
        if long_label and long_label != row.values.get("libelle_rome"):
            rare = row.values.get("peu_usite", "").upper() == "O"
            b.add(
                fiche, SKOS.hiddenLabel if rare else SKOS.altLabel, Literal(long_label, lang="fr")
            )
        appellations += 1

    # texts: definition and access conditions, sentence by sentence
    definitions = 0
    if "texte" in tables:
        path, rows = tables["texte"]
        parts: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        for row in rows:
            try:
                position = int(row.values["position_phrase"] or 0)
            except ValueError:
                raise VocabularyError(
                    f"{row.where(path, 'position_phrase')}: not a number: "
                    f"{row.values['position_phrase']!r}"
                ) from None
            text = row.values["libelle_texte"].replace("''", "'")  # SQL-escaped quotes
            parts[(row.values["code_rome"], row.values["libelle_type_texte"])].append(
                (position, text)
            )
        props = {"definition": SKOS.definition, "acces_metier": SKOS.note}
        for (code, kind), sentences in sorted(parts.items()):
            prop = props.get(kind)
            if prop is None or code not in fiches:
                continue
            text = "\n".join(t for _, t in sorted(sentences))
            b.add(fiches[code], prop, Literal(text, lang="fr"))
            definitions += kind == "definition"

    graph = b.graph("rome")
    report.counts = {
        "grand domaines": sum(1 for d in domains if len(d) == 1),
        "domaines professionnels": sum(1 for d in domains if len(d) == 3),
        "fiches": len(fiches),
        "appellations": appellations,
        "definitions": definitions,
        "fiches with a parent fiche": len(parents),
        "altLabel@fr": sum(1 for _ in graph.triples((None, SKOS.altLabel, None))),
        "hiddenLabel@fr": sum(1 for _ in graph.triples((None, SKOS.hiddenLabel, None))),
    }
    report.triples = len(graph)
    report.seconds = time.perf_counter() - started
    return graph, report


# Output ----------------------------------------------------------------------------------------


def _ox_triples(graph: Graph) -> Iterator[ox.Triple]:
    for s, p, o in graph:
        yield ox.Triple(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o))


OUTPUT_PREFIXES = prefixes.subset(prefixes.IMPORTED)


def write_graph(graph: Graph, path: Path) -> Path:
    """Write ``graph`` sorted, by the file's suffix: ``.nq`` (N-Quads, in the graph's name,
    the default), ``.nt`` (N-Triples) or ``.ttl`` (Turtle). Same graph, same bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    triples = sorted(_ox_triples(graph), key=str)
    suffix = path.suffix.lower()
    if suffix == ".ttl":
        ox.serialize(triples, str(path), ox.RdfFormat.TURTLE, prefixes=OUTPUT_PREFIXES)
    elif suffix == ".nt":
        ox.serialize(triples, str(path), ox.RdfFormat.N_TRIPLES)
    else:
        name = ox.NamedNode(str(graph.identifier))
        quads: Iterable[ox.Quad] = (
            ox.Quad(t.subject, t.predicate, t.object, name) for t in triples
        )
        ox.serialize(quads, str(path), ox.RdfFormat.N_QUADS)
    return path
