"""Links from the nomenclatures to ESCO, ISCO-08 and ROME, and across editions.

The project's mappings live in the package's ``data/mappings/*.sssom.tsv`` (SSSOM TSV: a YAML
metadata block in ``#`` lines, then one mapping a row). This module

* reads and checks them (:func:`read_sssom`, :func:`read_mappings`), every problem naming the file
  and the line;
* turns them into RDF (:func:`mappings_graph`): the SKOS match triple itself, plus one
  ``sssom:Mapping`` node a row that carries its justification, confidence, author and reviewer;
* proposes candidate links for review (:func:`propose`), by fuzzy label similarity
  (``rapidfuzz``) and an IDF-weighted word overlap of labels and descriptions;
* measures the proposer against a gold standard (:func:`evaluate`, :func:`evaluate_crosswalk`).

The readers of the external exports (:func:`read_esco_occupations`, :func:`read_esco_skills`,
:func:`read_rome`) understand the official CSV layouts; they are given folders by the user or
the tests, never a fixed path.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process
from rapidfuzz import utils as fuzz_utils
from rdflib import Graph, Literal, URIRef

from nomengraph import iris
from nomengraph.vocab import DCTERMS, NG, OWL, RDF, RDFS, SKOS, XSD

# --------------------------------------------------------------------------------------------
# SSSOM vocabulary
# --------------------------------------------------------------------------------------------

SSSOM = "https://w3id.org/sssom/"
SEMAPV = "https://w3id.org/semapv/vocab/"
NO_TERM_FOUND = "sssom:NoTermFound"
MANUAL = "semapv:ManualMappingCuration"
LEXICAL = "semapv:LexicalMatching"
TEAM = "nomengraph:team"

PREFIXES: dict[str, str] = {
    "ng2010": iris.ID + "cigref-2010/job/",
    "ng2018": iris.ID + "cigref-2018/job/",
    "ngsic": iris.ID + "sic/job/",
    "ecf2": iris.ID + "ecf/2.0/competence/",
    "ecf3": iris.ID + "ecf/3.0/competence/",
    "esco": "http://data.europa.eu/esco/occupation/",
    "escoskill": "http://data.europa.eu/esco/skill/",
    "isco": "http://data.europa.eu/esco/isco/",
    "rome": iris.ID + "rome/",
    "nomengraph": iris.BASE,
    "skos": str(SKOS),
    "semapv": SEMAPV,
    "sssom": SSSOM,
}
"""The CURIE prefixes the project's mapping files use (each file declares those it uses)."""

PREDICATES = frozenset(
    f"skos:{p}" for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)
JUSTIFICATIONS = frozenset({MANUAL, LEXICAL})
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "author_id",
    "reviewer_id",
    "comment",
)
REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")
REQUIRED_METADATA = ("curie_map", "mapping_set_id", "license")


class MappingError(ValueError):
    """Problems found in mapping files; each names the file and the line."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class MappingRow:
    subject_id: str
    predicate_id: str
    object_id: str
    mapping_justification: str
    subject_label: str = ""
    object_label: str = ""
    confidence: float | None = None
    author_id: str = ""
    reviewer_id: str = ""
    comment: str = ""
    line: int = 0

    @property
    def no_match(self) -> bool:
        return self.object_id == NO_TERM_FOUND

    def values(self) -> list[str]:
        conf = "" if self.confidence is None else f"{self.confidence:g}"
        return [
            self.subject_id,
            self.subject_label,
            self.predicate_id,
            self.object_id,
            self.object_label,
            self.mapping_justification,
            conf,
            self.author_id,
            self.reviewer_id,
            self.comment,
        ]


@dataclass
class MappingSet:
    path: Path
    metadata: dict[str, Any]
    rows: list[MappingRow] = field(default_factory=list)

    @property
    def name(self) -> str:
        """``cigref-2018-esco`` for ``mappings/cigref-2018-esco.sssom.tsv``."""
        return self.path.name.removesuffix(".sssom.tsv")

    @property
    def curie_map(self) -> dict[str, str]:
        return dict(self.metadata.get("curie_map") or {})

    def expand(self, curie: str) -> str:
        return expand(curie, self.curie_map)

    def subjects(self) -> set[str]:
        return {r.subject_id for r in self.rows}


def expand(curie: str, curie_map: Mapping[str, str]) -> str:
    """The IRI of a CURIE (``esco:abc`` → ``http://data.europa.eu/esco/occupation/abc``)."""
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in curie_map:
        raise KeyError(curie)
    return curie_map[prefix] + local


def _metadata_block(lines: list[str]) -> tuple[str, int]:
    """The ``#`` lines at the top of the file, uncommented, and how many there are."""
    block = []
    for line in lines:
        if not line.startswith("#"):
            break
        block.append(line[1:])
    return "\n".join(block), len(block)


def read_sssom(
    path: str | Path,
    subjects: Container[str] | None = None,
    objects: Container[str] | None = None,
) -> MappingSet:
    """Read and check one SSSOM TSV file.

    ``subjects`` / ``objects``, when given, are the IRIs that exist (the jobs and competences of
    the cards; the ESCO/ROME concepts): a row naming anything else is an error. Raises
    :class:`MappingError` listing every problem as ``file:line: message``.
    """
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError([f"{name}: cannot read: {exc.strerror}"]) from exc
    lines = text.splitlines()
    problems: list[str] = []
    block, n_meta = _metadata_block(lines)
    try:
        metadata = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise MappingError([f"{name}:{line}: metadata block is not valid YAML"]) from exc
    if not isinstance(metadata, dict):
        metadata = {}
    for key in REQUIRED_METADATA:
        if key not in metadata:
            problems.append(f"{name}:1: metadata lacks {key!r}")
    curie_map = metadata.get("curie_map") or {}
    if not isinstance(curie_map, dict):
        problems.append(f"{name}:1: curie_map is not a mapping")
        curie_map = {}
    mset = MappingSet(path, metadata)

    body = lines[n_meta:]
    if not body:
        raise MappingError([*problems, f"{name}:{n_meta + 1}: no header row"])
    header_line = n_meta + 1
    header = body[0].split("\t")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise MappingError(
            [*problems, f"{name}:{header_line}: missing column(s) {', '.join(missing)}"]
        )
    unknown_cols = [c for c in header if c not in COLUMNS]
    if unknown_cols:
        problems.append(f"{name}:{header_line}: unknown column(s) {', '.join(unknown_cols)}")

    def known_curie(curie: str, where: str, line: int) -> str | None:
        try:
            return expand(curie, curie_map)
        except KeyError:
            problems.append(f"{name}:{line}: {where} {curie!r} is not a CURIE of the curie_map")
            return None

    seen: dict[tuple[str, str], MappingRow] = {}
    for offset, raw in enumerate(body[1:], start=1):
        line = header_line + offset
        if not raw.strip():
            continue
        cells = raw.split("\t")
        if len(cells) != len(header):
            problems.append(f"{name}:{line}: {len(cells)} cells, the header has {len(header)}")
            continue
        rec = dict(zip(header, cells, strict=True))
        conf: float | None = None
        if rec.get("confidence", "").strip():
            try:
                conf = float(rec["confidence"])
            except ValueError:
                conf = math.nan
            if not 0.0 <= conf <= 1.0:
                problems.append(f"{name}:{line}: confidence {rec['confidence']!r} not in [0, 1]")
                conf = None
        row = MappingRow(
            subject_id=rec["subject_id"].strip(),
            predicate_id=rec["predicate_id"].strip(),
            object_id=rec["object_id"].strip(),
            mapping_justification=rec["mapping_justification"].strip(),
            subject_label=rec.get("subject_label", ""),
            object_label=rec.get("object_label", ""),
            confidence=conf,
            author_id=rec.get("author_id", "").strip(),
            reviewer_id=rec.get("reviewer_id", "").strip(),
            comment=rec.get("comment", ""),
            line=line,
        )
        if row.predicate_id not in PREDICATES:
            problems.append(
                f"{name}:{line}: predicate {row.predicate_id!r} not allowed "
                f"(one of {', '.join(sorted(PREDICATES))})"
            )
        if row.mapping_justification not in JUSTIFICATIONS:
            problems.append(
                f"{name}:{line}: mapping_justification {row.mapping_justification!r} not allowed "
                f"(one of {', '.join(sorted(JUSTIFICATIONS))})"
            )
        s_iri = known_curie(row.subject_id, "subject_id", line)
        o_iri = None if row.no_match else known_curie(row.object_id, "object_id", line)
        for who in ("author_id", "reviewer_id"):
            value = getattr(row, who)
            if value:
                known_curie(value, who, line)
        if subjects is not None and s_iri is not None and s_iri not in subjects:
            problems.append(f"{name}:{line}: subject {row.subject_id} does not exist")
        if objects is not None and o_iri is not None and o_iri not in objects:
            problems.append(f"{name}:{line}: object {row.object_id} does not exist")
        pair = (row.subject_id, row.object_id)
        if pair in seen:
            other = seen[pair]
            if other.predicate_id == row.predicate_id:
                problems.append(f"{name}:{line}: duplicate of line {other.line}")
            else:
                problems.append(
                    f"{name}:{line}: contradiction: {row.subject_id} {row.predicate_id} "
                    f"{row.object_id}, but line {other.line} says {other.predicate_id}"
                )
            continue
        seen[pair] = row
        mset.rows.append(row)
    problems.extend(_contradictions(name, mset.rows))
    if problems:
        raise MappingError(problems)
    return mset


def _contradictions(name: str, rows: list[MappingRow]) -> list[str]:
    """A subject both unmatched and matched; two exactMatch objects for one subject (or two
    subjects for one object): exactMatch is one-to-one within a set."""
    problems = []
    by_subject: dict[str, list[MappingRow]] = defaultdict(list)
    exact_by_object: dict[str, list[MappingRow]] = defaultdict(list)
    for row in rows:
        by_subject[row.subject_id].append(row)
        if row.predicate_id == "skos:exactMatch" and not row.no_match:
            exact_by_object[row.object_id].append(row)
    for subject, group in by_subject.items():
        empty = [r for r in group if r.no_match]
        if empty and len(group) > 1:
            problems.append(
                f"{name}:{empty[0].line}: contradiction: {subject} has no match here "
                f"but a match on line {next(r.line for r in group if not r.no_match)}"
            )
        exact = [r for r in group if r.predicate_id == "skos:exactMatch" and not r.no_match]
        if len(exact) > 1:
            problems.append(
                f"{name}:{exact[1].line}: contradiction: {subject} is an exactMatch of "
                f"{exact[1].object_id} and of {exact[0].object_id} (line {exact[0].line})"
            )
    for obj, group in exact_by_object.items():
        if len(group) > 1:
            problems.append(
                f"{name}:{group[1].line}: contradiction: {obj} is an exactMatch of "
                f"{group[1].subject_id} and of {group[0].subject_id} (line {group[0].line})"
            )
    return problems


def read_mappings(
    mappings_dir: str | Path,
    subjects: Container[str] | None = None,
    objects: Container[str] | None = None,
) -> list[MappingSet]:
    """Every ``*.sssom.tsv`` of a folder, in name order; all problems of all files at once."""
    sets, problems = [], []
    for path in sorted(Path(mappings_dir).glob("*.sssom.tsv")):
        try:
            sets.append(read_sssom(path, subjects, objects))
        except MappingError as exc:
            problems.extend(exc.problems)
    if problems:
        raise MappingError(problems)
    return sets


def format_sssom(metadata: Mapping[str, Any], rows: Iterable[MappingRow]) -> str:
    """SSSOM TSV text: the metadata block, the header, one line a row."""
    meta = yaml.safe_dump(dict(metadata), sort_keys=False, allow_unicode=True, width=1000)
    out = io.StringIO()
    for line in meta.splitlines():
        out.write(f"#{line}\n")
    out.write("\t".join(COLUMNS) + "\n")
    for row in rows:
        cells = [re.sub(r"[\t\r\n]+", " ", v) for v in row.values()]
        out.write("\t".join(cells) + "\n")
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# RDF
# --------------------------------------------------------------------------------------------

SSSOM_NS = {
    t: URIRef(SSSOM + t)
    for t in (
        "Mapping",
        "MappingSet",
        "NoTermFound",
        "mappings",
        "mapping_justification",
        "confidence",
        "author_id",
        "reviewer_id",
        "subject_label",
        "object_label",
        "comment",
        "mapping_set_id",
    )
}

CONTINUES_SET = "cigref-2010-2018"
"""The set whose rows (CIGREF 2018 job → the 2010 job it carries on) also give ``ng:continues``."""


def mapping_iri(set_name: str, subject: str, obj: str) -> str:
    """One row's node, from stable keys: the set and the subject and object IRIs."""
    digest = hashlib.sha256(f"{subject} {obj}".encode()).hexdigest()[:16]
    return f"{iris.ID}mappings/{set_name}/{digest}"


def mapping_set_iri(set_name: str) -> str:
    return f"{iris.ID}mappings/{set_name}"


def mapping_set_graph(mset: MappingSet, graph: Graph | None = None) -> Graph:
    """The RDF of one mapping set (see :func:`mappings_graph`)."""
    g = graph if graph is not None else Graph()
    set_node = URIRef(str(mset.metadata.get("mapping_set_id") or mapping_set_iri(mset.name)))
    g.add((set_node, RDF.type, SSSOM_NS["MappingSet"]))
    if mset.metadata.get("mapping_set_title"):
        g.add(
            (set_node, DCTERMS.title, Literal(str(mset.metadata["mapping_set_title"]), lang="en"))
        )
    if mset.metadata.get("mapping_set_description"):
        text = str(mset.metadata["mapping_set_description"])
        g.add((set_node, DCTERMS.description, Literal(text, lang="en")))
    if mset.metadata.get("license"):
        g.add((set_node, DCTERMS.license, URIRef(str(mset.metadata["license"]))))
    for row in mset.rows:
        s = URIRef(mset.expand(row.subject_id))
        p = URIRef(mset.expand(row.predicate_id))
        o = SSSOM_NS["NoTermFound"] if row.no_match else URIRef(mset.expand(row.object_id))
        node = URIRef(mapping_iri(mset.name, str(s), str(o)))
        g.add((set_node, SSSOM_NS["mappings"], node))
        g.add((node, RDF.type, SSSOM_NS["Mapping"]))
        g.add((node, OWL.annotatedSource, s))
        g.add((node, OWL.annotatedProperty, p))
        g.add((node, OWL.annotatedTarget, o))
        g.add(
            (
                node,
                SSSOM_NS["mapping_justification"],
                URIRef(mset.expand(row.mapping_justification)),
            )
        )
        if row.confidence is not None:
            g.add((node, SSSOM_NS["confidence"], Literal(row.confidence, datatype=XSD.double)))
        for key in ("author_id", "reviewer_id"):
            value = getattr(row, key)
            if value:
                g.add((node, SSSOM_NS[key], URIRef(mset.expand(value))))
        if row.subject_label:
            g.add((node, SSSOM_NS["subject_label"], Literal(row.subject_label)))
        if row.object_label:
            g.add((node, SSSOM_NS["object_label"], Literal(row.object_label)))
        if row.comment:
            g.add((node, RDFS.comment, Literal(row.comment, lang="en")))
        if row.no_match:
            continue
        g.add((s, p, o))
        if mset.name == CONTINUES_SET and row.predicate_id != "skos:relatedMatch":
            g.add((s, NG.continues, o))
    return g


def mappings_graph(mappings_dir: str | Path) -> Graph:
    """The project's mappings as RDF, for the named graph ``graph/mappings``.

    For each row: the SKOS triple ``subject skos:xMatch object`` (so plain SKOS tools see the
    link), and a ``sssom:Mapping`` node (IRI from the set and the pair) in the style of the SSSOM
    RDF serialisation: ``owl:annotatedSource`` / ``owl:annotatedProperty`` /
    ``owl:annotatedTarget`` plus ``sssom:mapping_justification``, ``sssom:confidence``,
    ``sssom:author_id``, ``sssom:reviewer_id``, labels and ``rdfs:comment``; the set is a
    ``sssom:MappingSet`` linked to its rows by ``sssom:mappings``. A "no match" row has
    ``owl:annotatedTarget sssom:NoTermFound`` and no SKOS triple. The cross-edition set also
    gives ``ng:continues`` (CIGREF 2018 job → the 2010 job it carries on).
    """
    g = Graph()
    for mset in read_mappings(mappings_dir):
        mapping_set_graph(mset, g)
    return g


# --------------------------------------------------------------------------------------------
# Concepts: what is linked
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Concept:
    """Something to link, or to link to: an IRI, labels (preferred first), a description."""

    iri: str
    labels: tuple[str, ...]
    description: str = ""
    notation: str = ""

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else ""


def _split_labels(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[\n|]", value or "") if v.strip()]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _files(dirs: Iterable[str | Path], pattern: str) -> list[Path]:
    found: list[Path] = []
    for d in dirs:
        found.extend(sorted(Path(d).glob(pattern)))
    return found


def _merge(
    concepts: dict[str, Concept], iri: str, labels: list[str], description: str, notation: str
) -> None:
    old = concepts.get(iri)
    if old is None:
        concepts[iri] = Concept(iri, tuple(dict.fromkeys(labels)), description, notation)
        return
    concepts[iri] = Concept(
        iri,
        tuple(dict.fromkeys([*old.labels, *labels])),
        old.description or description,
        old.notation or notation,
    )


def read_esco_occupations(*dirs: str | Path) -> dict[str, Concept]:
    """ESCO occupations from the ``occupations_<lang>.csv`` of the given folders (official layout:
    conceptUri, preferredLabel, altLabels, description, iscoGroup); labels of all languages are
    merged, duplicate rows too. ``notation`` is the ISCO-08 unit group."""
    concepts: dict[str, Concept] = {}
    for path in _files(dirs, "occupations_*.csv"):
        for rec in _read_csv(path):
            uri = (rec.get("conceptUri") or "").strip()
            if "/occupation/" not in uri or not (rec.get("preferredLabel") or "").strip():
                continue
            labels = [
                *_split_labels(rec.get("preferredLabel", "")),
                *_split_labels(rec.get("altLabels", "")),
            ]
            _merge(concepts, uri, labels, rec.get("description") or "", rec.get("iscoGroup") or "")
    return concepts


def read_esco_skills(*dirs: str | Path, pattern: str = "*kills*.csv") -> dict[str, Concept]:
    """ESCO skills from ``skills_<lang>.csv`` and the skill collections (e.g.
    ``digitalSkillsCollection_en.csv``) of the given folders."""
    concepts: dict[str, Concept] = {}
    for path in _files(dirs, pattern):
        for rec in _read_csv(path):
            uri = (rec.get("conceptUri") or "").strip()
            if "/skill/" not in uri or not (rec.get("preferredLabel") or "").strip():
                continue
            labels = [
                *_split_labels(rec.get("preferredLabel", "")),
                *_split_labels(rec.get("altLabels", "")),
            ]
            _merge(concepts, uri, labels, rec.get("description") or "", "")
    return concepts


def read_rome(directory: str | Path) -> dict[str, Concept]:
    """ROME fiches (``unix_referentiel_code_rome_v*_utf8.csv``), with their appellations
    (``unix_referentiel_appellation_*``) as further labels and the ``definition`` text
    (``unix_texte_*``, when present) as description. IRIs from :func:`iris.rome`."""
    d = Path(directory)
    fiches = [p for p in d.glob("unix_referentiel_code_rome_v*_utf8.csv") if "riasec" not in p.name]
    if not fiches:
        raise FileNotFoundError(f"{d}: no unix_referentiel_code_rome_v*_utf8.csv")
    labels: dict[str, list[str]] = {}
    for rec in _read_csv(fiches[0]):
        labels[rec["code_rome"]] = [rec["libelle_rome"]]
    for path in d.glob("unix_referentiel_appellation_v*_utf8.csv"):
        for rec in _read_csv(path):
            if rec["code_rome"] in labels:
                labels[rec["code_rome"]].append(rec["libelle_appellation_long"])
    texts: dict[str, list[str]] = defaultdict(list)
    for path in d.glob("unix_texte_v*_utf8.csv"):
        for rec in _read_csv(path):
            if rec.get("libelle_type_texte") == "definition":
                texts[rec["code_rome"]].append(rec["libelle_texte"])
    return {
        iris.rome(code): Concept(
            iris.rome(code), tuple(dict.fromkeys(names)), " ".join(texts.get(code, [])), code
        )
        for code, names in labels.items()
    }


def read_rome_appellations(directory: str | Path) -> dict[str, Concept]:
    """ROME appellations (job titles), by OGR code; ``notation`` is the fiche's code."""
    out: dict[str, Concept] = {}
    for path in Path(directory).glob("unix_referentiel_appellation_v*_utf8.csv"):
        for rec in _read_csv(path):
            iri = iris.rome_appellation(rec["code_ogr"])
            names = [rec["libelle_appellation_long"], rec["libelle_appellation_court"]]
            out[iri] = Concept(iri, tuple(dict.fromkeys(names)), "", rec["code_rome"])
    return out


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def card_concepts(cards_dir: str | Path, edition: str) -> dict[str, Concept]:
    """The jobs of an edition (``cigref-2018``...) or the competences of an e-CF version
    (``ecf-3.0``) as concepts: title and other names, mission and activity headings."""
    root = Path(cards_dir)
    out: dict[str, Concept] = {}
    if edition.startswith("ecf-"):
        version = edition.removeprefix("ecf-")
        data = _load_yaml(root / "ecf" / f"{edition}.yaml")
        for comp in data["competences"]:
            iri = iris.competence(version, comp["code"])
            names = [n for n in (comp["name"].get("en"), comp["name"].get("fr")) if n]
            desc = " ".join((comp.get("description") or {}).values())
            out[iri] = Concept(iri, tuple(names), desc, comp["code"])
        return out
    for path in sorted((root / edition).glob("*.yaml")):
        card = _load_yaml(path)
        iri = iris.job(card["edition"], card["number"])
        other = card.get("other_names") or {}
        names = [card["title"], *other.get("fr", []), *other.get("en", [])]
        desc = " ".join(
            [card.get("mission") or "", card.get("description") or ""]
            + [a.get("heading") or "" for a in card.get("activities") or []]
        )
        out[iri] = Concept(iri, tuple(dict.fromkeys(names)), desc.strip(), card["number"])
    return out


# --------------------------------------------------------------------------------------------
# Candidate generation
# --------------------------------------------------------------------------------------------

_STOP = frozenset(
    "a au aux d de des du en et l la le les pour par sur un une and for in of on or the to "
    "h f hf".split()
)
_WORD = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> str:
    """Lower case, accents and punctuation removed (rapidfuzz's default processing)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")
    return fuzz_utils.default_process(text)


def _label_variants(label: str) -> list[str]:
    """A label, and its parts when it gives masculine and feminine forms ("x/y", "x / y")."""
    variants = [label]
    if "/" in label:
        variants.extend(part for part in label.split("/") if part.strip())
    variants = [re.sub(r"\([^)]*\)|-[A-Z]+-", " ", v) for v in variants]
    out = []
    for v in variants:
        words = [w for w in _fold(v).split() if w not in _STOP]
        if words:
            out.append(" ".join(words))
    return list(dict.fromkeys(out))


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(_fold(text)) if w not in _STOP and len(w) > 1]


@dataclass(frozen=True)
class Candidate:
    subject_id: str
    subject_label: str
    object_id: str
    object_label: str
    score: float
    rank: int
    label_score: float
    text_score: float
    matched: str

    def to_row(self, prefixes: Mapping[str, str] = PREFIXES) -> MappingRow:
        """An unreviewed SSSOM row (semapv:LexicalMatching, the score as confidence)."""
        return MappingRow(
            subject_id=contract(self.subject_id, prefixes),
            predicate_id="skos:closeMatch",
            object_id=contract(self.object_id, prefixes),
            mapping_justification=LEXICAL,
            subject_label=self.subject_label,
            object_label=self.object_label,
            confidence=round(self.score, 4),
            author_id=TEAM,
            comment=(
                f"candidate rank {self.rank}: label {self.label_score:.2f}, "
                f"text {self.text_score:.2f}; {self.matched}"
            ),
        )


def contract(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The CURIE of an IRI (longest matching namespace), or the IRI itself."""
    best = ""
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(prefixes.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(prefixes[best]) :]}" if best else iri


def _keys(label: str) -> set[str]:
    """The 4-letter word prefixes of a folded label: a target is compared with a subject only if
    they share one (cheap blocking that keeps cognates: "developpeur" / "developer")."""
    return {w[:4] for w in label.split() if len(w) > 2}


class _Index:
    """The target side, prepared once: folded label variants and IDF word weights."""

    def __init__(self, targets: Sequence[Concept]):
        self.targets = list(targets)
        self.choices: list[str] = []
        self.owner: list[int] = []
        for i, t in enumerate(self.targets):
            for label in t.labels:
                for v in _label_variants(label):
                    self.choices.append(v)
                    self.owner.append(i)
        self.postings: dict[str, list[int]] = defaultdict(list)
        for pos, choice in enumerate(self.choices):
            for key in _keys(choice):
                self.postings[key].append(pos)
        self.bags = [Counter(_words(" ".join([*t.labels, t.description]))) for t in self.targets]
        df: Counter[str] = Counter()
        for bag in self.bags:
            df.update(bag.keys())
        n = len(self.targets) or 1
        self.idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
        self.norms = [self._norm(b) for b in self.bags]

    def _weight(self, word: str) -> float:
        return self.idf.get(word, math.log(1 + len(self.targets)) + 1.0)

    def _norm(self, bag: Counter[str]) -> float:
        return math.sqrt(sum((c * self._weight(w)) ** 2 for w, c in bag.items())) or 1.0

    def text_scores(self, subject: Concept, candidates: Iterable[int]) -> dict[int, float]:
        bag = Counter(_words(" ".join([*subject.labels, subject.description])))
        norm = self._norm(bag)
        scores = {}
        for i in candidates:
            other = self.bags[i]
            dot = sum(c * other[w] * self._weight(w) ** 2 for w, c in bag.items() if w in other)
            scores[i] = dot / (norm * self.norms[i])
        return scores


LABEL_WEIGHT = 0.7
"""Share of the label similarity in the score; the rest is the description overlap (0.7 was
chosen on the M18 crosswalk subset, see docs/linking.md)."""


def propose(
    subjects: Iterable[Concept],
    targets: Sequence[Concept] | _Index,
    k: int = 5,
    label_cutoff: float = 50.0,
    pool_size: int = 100,
) -> list[Candidate]:
    """The ``k`` best targets for each subject, best first.

    Score = ``LABEL_WEIGHT`` (0.7) × label similarity + 0.3 × description overlap, both in
    [0, 1]. Label similarity is the best, over every label variant of the subject and of the
    target (French and English, masculine and feminine forms split), of the mean of rapidfuzz's
    ``token_sort_ratio`` (rewards the same words in any order) and ``token_set_ratio`` (rewards
    one label contained in the other). Description overlap is the cosine of IDF-weighted word
    counts of all labels plus the description. Only targets whose token-set similarity reaches
    ``label_cutoff`` for some label are considered, among those sharing a 4-letter word prefix
    with it, and of those the ``pool_size`` best by each of the two measures, for each
    subject label.
    """
    index = targets if isinstance(targets, _Index) else _Index(targets)
    out: list[Candidate] = []
    for subject in subjects:
        best: dict[int, tuple[float, str]] = {}
        for label in subject.labels:
            for query in _label_variants(label):
                block = sorted({p for key in _keys(query) for p in index.postings.get(key, ())})
                subset = [index.choices[p] for p in block]
                pool: dict[int, None] = {}
                for scorer in (fuzz.token_set_ratio, fuzz.token_sort_ratio):
                    for _, _, j in process.extract(
                        query, subset, scorer=scorer, limit=pool_size, score_cutoff=label_cutoff
                    ):
                        pool[block[j]] = None
                for pos in pool:
                    choice = index.choices[pos]
                    score = (
                        fuzz.token_set_ratio(query, choice) + fuzz.token_sort_ratio(query, choice)
                    ) / 200.0
                    i = index.owner[pos]
                    if i not in best or score > best[i][0]:
                        best[i] = (score, f"{query!r} ~ {choice!r}")
        texts = index.text_scores(subject, best)
        ranked = sorted(
            (
                (LABEL_WEIGHT * ls + (1 - LABEL_WEIGHT) * texts[i], ls, texts[i], i, why)
                for i, (ls, why) in best.items()
            ),
            key=lambda x: (-x[0], index.targets[x[3]].iri),
        )
        for rank, (score, ls, ts, i, why) in enumerate(ranked[:k], start=1):
            t = index.targets[i]
            out.append(
                Candidate(subject.iri, subject.label, t.iri, t.label, score, rank, ls, ts, why)
            )
    return out


def prepare(targets: Sequence[Concept]) -> _Index:
    """Index the targets once, to call :func:`propose` many times."""
    return _Index(targets)


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    queries: int
    links: int
    precision_at_1: float
    hit_at_5: float
    recall_at_5: float

    def as_text(self) -> str:
        return (
            f"queries {self.queries}, gold links {self.links}: "
            f"precision@1 {self.precision_at_1:.3f}, hit@5 {self.hit_at_5:.3f}, "
            f"recall@5 {self.recall_at_5:.3f}"
        )


def evaluate(gold: Mapping[str, set[str]], ranked: Mapping[str, Sequence[str]]) -> Metrics:
    """Compare rankings with gold links.

    ``gold``: query → the objects it should be linked to; ``ranked``: query → objects, best
    first. precision@1: share of queries whose first object is a gold one; hit@5: share of
    queries with a gold object in the first five; recall@5: share of gold links found in the
    first five of their query. A query the ranker did not answer counts as a miss.
    """
    queries = [q for q, objs in gold.items() if objs]
    if not queries:
        return Metrics(0, 0, 0.0, 0.0, 0.0)
    p1 = h5 = found = links = 0
    for q in queries:
        answer = list(ranked.get(q, []))
        links += len(gold[q])
        if answer and answer[0] in gold[q]:
            p1 += 1
        top5 = set(answer[:5])
        hits = len(top5 & gold[q])
        h5 += hits > 0
        found += hits
    n = len(queries)
    return Metrics(n, links, p1 / n, h5 / n, found / links)


def read_crosswalk(path: str | Path) -> tuple[dict[str, set[str]], dict[str, str]]:
    """An official ESCO mapping table (ESCO↔ROME): gold links appellation → ESCO occupations, and
    the appellation labels. The metadata preamble, if any, is skipped."""
    lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.lower().startswith("classification 1 id")
    )
    gold: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for rec in csv.DictReader(lines[start:]):
        ogr = rec["classification 2 ID"].strip()
        gold[ogr].add(rec["classification 1 ID"].strip())
        labels[ogr] = rec["classification 2 prefered label"].strip()
    return dict(gold), labels


def evaluate_crosswalk(
    crosswalk: str | Path,
    occupations: Sequence[Concept] | _Index,
    progress: Callable[[str], None] | None = None,
) -> Metrics:
    """Score :func:`propose` on an ESCO↔ROME crosswalk: each ROME appellation (by its label
    alone) against the ESCO occupations; gold links to occupations absent from ``occupations``
    are left out."""
    index = occupations if isinstance(occupations, _Index) else _Index(occupations)
    known = {t.iri for t in index.targets}
    gold, labels = read_crosswalk(crosswalk)
    gold = {q: objs & known for q, objs in gold.items()}
    subjects = [Concept(q, (labels[q],)) for q in sorted(gold) if gold[q]]
    if progress:
        progress(f"evaluate: {len(subjects)} appellations against {len(known)} occupations")
    ranked: dict[str, list[str]] = defaultdict(list)
    for cand in propose(subjects, index, k=5):
        ranked[cand.subject_id].append(cand.object_id)
    return evaluate(gold, ranked)


# --------------------------------------------------------------------------------------------
# Command helpers (``nomengraph link ...``)
# --------------------------------------------------------------------------------------------

CARD_SETS = ("cigref-2010", "cigref-2018", "sic", "ecf-2.0", "ecf-3.0")


def known_subjects(cards_dir: str | Path) -> set[str]:
    """The IRIs of every job and e-CF competence of the cards (what a mapping may start from)."""
    found: set[str] = set()
    root = Path(cards_dir)
    for name in CARD_SETS:
        exists = (
            (root / "ecf" / f"{name}.yaml").is_file()
            if name.startswith("ecf-")
            else (root / name).is_dir()
        )
        if exists:
            found |= set(card_concepts(root, name))
    return found


def candidate_set(
    cards_dir: str | Path, edition: str, targets: Sequence[Concept], target_name: str, k: int = 5
) -> tuple[dict[str, Any], list[MappingRow]]:
    """Metadata and unreviewed rows (``semapv:LexicalMatching``) for an edition's candidates."""
    subjects = list(card_concepts(cards_dir, edition).values())
    rows = [c.to_row() for c in propose(subjects, targets, k=k)]
    used = {p for r in rows for p in (r.subject_id.split(":")[0], r.object_id.split(":")[0])}
    metadata = {
        "curie_map": {
            p: ns for p, ns in PREFIXES.items() if p in used | {"skos", "semapv", "nomengraph"}
        },
        "mapping_set_id": mapping_set_iri(f"{edition}-{target_name}-candidates"),
        "mapping_set_title": f"Candidate links {edition} -> {target_name} (unreviewed)",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "comment": "Generated by nomengraph link propose; review each row before keeping it.",
    }
    return metadata, rows
