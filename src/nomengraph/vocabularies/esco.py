"""The ESCO import: an ESCO CSV export folder into the named graph ``graph/esco``.

Occupations, skills, ISCO-08 groups, skill groups, relations, hierarchies, collections, concept
schemes, and the label files in other languages (``occupations_fr.csv``...), with ESCO's own IRIs
and model; the columns are mapped by ESCO's ``dictionary_en.csv``
(:func:`~nomengraph.vocabularies.esco_export.esco_dictionary`).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from nomengraph import iris
from nomengraph.vocab import DCTERMS, ESCO, OWL, PROV, RDF, SKOS, XSD
from nomengraph.vocabularies.esco_export import (
    ESCO_ATTRIBUTION,
    ESCO_BASE,
    ESCO_COLLECTIONS,
    ESCO_FILE,
    ESCO_LICENSE,
    detect_esco_version,
    esco_dictionary,
    split_iris,
    split_list,
)
from nomengraph.vocabularies.graph import Builder, ImportReport
from nomengraph.vocabularies.tables import Row, VocabularyError, dedup, read_table

__all__ = ["import_esco"]

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

_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def _iri(value: str, row: Row, path: Path, column: str) -> URIRef:
    if not _IRI.match(value):
        raise VocabularyError(f"{row.where(path, column)}: not an IRI: {value!r}")
    return URIRef(value)


class _Esco:
    def __init__(self, folder: Path, version: str, report: ImportReport) -> None:
        self.folder = folder
        self.version = version
        self.report = report
        self.b = Builder(report.notes)
        self.dictionary = esco_dictionary()
        self.described: dict[URIRef, URIRef | None] = {}  # concept → class (None: skill group)
        self.isco_column: dict[URIRef, tuple[str, Row, Path]] = {}
        self.isco_codes: dict[URIRef, str] = {}
        self.has_broader: set[URIRef] = set()
        self.relations: Counter[str] = Counter()
        self.members: Counter[str] = Counter()
        self.dangling: Counter[str] = Counter()

    # files --------------------------------------------------------------------------------

    def files(self) -> dict[tuple[str, str], Path]:
        found: dict[tuple[str, str], Path] = {}
        for path in sorted(self.folder.iterdir()):
            m = ESCO_FILE.match(path.name)
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
        header, rows = read_table(path, required)
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
        for row in dedup(path, rows, "conceptUri", "modifiedDate", self.report.notes):
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
        row: Row,
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
                for label in split_list(value, pipes):
                    self.b.add(uri, prop, Literal(label, lang=lang))
            elif prop in _TEXTS:
                self.b.add(uri, prop, Literal(value, lang=lang))
            elif prop in _IRI_LISTS:
                for item in split_iris(value):
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

    def skill_type(self, uri: URIRef, value: str, row: Row, path: Path, column: str) -> None:
        target = _SKILL_TYPES.get(value)
        if target is None:
            raise VocabularyError(
                f"{row.where(path, column)}: unknown skill type {value!r} "
                f"(expected one of: {', '.join(sorted(_SKILL_TYPES))})"
            )
        self.b.add(uri, ESCO.skillType, URIRef(target))

    def collection(self, path: Path, key: str) -> None:
        header, rows = read_table(path, ("conceptUri",))
        columns = self.dictionary.get(key, {})
        scheme = URIRef(ESCO_BASE + ESCO_COLLECTIONS[key])
        for row in dedup(path, rows, "conceptUri", None, self.report.notes):
            uri = _iri(row.values["conceptUri"], row, path, "conceptUri")
            self.b.add(uri, SKOS.inScheme, scheme)
            self.members[key] += 1
            for item in split_iris(row.values.get("broaderConceptUri", "")):
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
        _, rows = read_table(path, ("conceptUri", "broaderUri"))
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
        _, rows = read_table(path, (origin, "relationType", target))
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
        _, rows = read_table(path, ("conceptSchemeUri",))
        columns = self.dictionary.get("conceptSchemes", {})
        for row in dedup(path, rows, "conceptSchemeUri", None, self.report.notes):
            uri = _iri(row.values["conceptSchemeUri"], row, path, "conceptSchemeUri")
            self.b.add(uri, RDF.type, SKOS.ConceptScheme)
            self.b.add(uri, RDF.type, ESCO.ConceptScheme)
            self.b.add(uri, OWL.versionInfo, Literal(f"v{self.version}"))
            self.b.add(uri, PROV.wasDerivedFrom, URIRef(iris.source_document("esco")))
            self.describe(uri, row, path, columns, "en", pipes=False)

    def labels(self, path: Path, key: str, lang: str) -> None:
        """Labels (and texts) in another language, for concepts the main files describe."""
        header, rows = read_table(path, ("conceptUri", "preferredLabel"))
        label_only = "conceptType" not in header  # e.g. labels fetched from the ESCO API
        columns = self.dictionary.get(key, {})
        unknown = 0
        for row in dedup(path, rows, "conceptUri", "modifiedDate", self.report.notes):
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
