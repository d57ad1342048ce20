"""What is linked to: ESCO, ROME and the cards' nomenclatures as :class:`Concept` lists.

ESCO and ROME are read by the import stage (:func:`nomengraph.vocabularies.import_esco`,
:func:`nomengraph.vocabularies.import_rome`), the same code as ``nomengraph import``, and their
graphs turned into concepts here; the cards are read as YAML.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef

from nomengraph import iris
from nomengraph.link.matcher import Concept
from nomengraph.vocab import DCTERMS, ESCO, NG, RDF, SKOS
from nomengraph.vocabularies.esco import import_esco
from nomengraph.vocabularies.esco_export import ESCO_BASE, ESCO_FILE, esco_dictionary, split_list
from nomengraph.vocabularies.rome import ROME_FILE, import_rome
from nomengraph.vocabularies.tables import VocabularyError, dedup, read_table

_LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)


@lru_cache(maxsize=4)
def _esco_graph(folder: Path) -> Graph:
    graph, _ = import_esco(folder)
    return graph


@lru_cache(maxsize=4)
def _rome_graph(folder: Path) -> Graph:
    graph, _ = import_rome(folder)
    return graph


def esco_graph(*dirs: str | Path) -> Graph:
    """The ESCO graph of one or more export folders (each read by ``import_esco``; a folder's
    ``occupations_fr.csv`` etc. give the labels in other languages)."""
    if len(dirs) == 1:
        return _esco_graph(Path(dirs[0]).resolve())
    merged = Graph()
    for d in dirs:
        merged += _esco_graph(Path(d).resolve())
    return merged


def _concept(graph: Graph, node: URIRef, kind: str, with_broader: bool = True) -> Concept | None:
    labels: list[str] = []
    langs: list[str] = []
    seen: set[tuple[str, str]] = set()
    for prop in _LABELS:
        for lit in sorted(graph.objects(node, prop), key=lambda x: (x.language or "", str(x))):
            if not isinstance(lit, Literal):
                continue
            pair = (str(lit), lit.language or "")
            if pair in seen:
                continue
            seen.add(pair)
            labels.append(str(lit))
            langs.append(lit.language or "")
    if not labels:
        return None
    # the English preferred label first (the one shown), then the rest
    pref = [i for i, lg in enumerate(langs) if lg == "en"][:1]
    order = pref + [i for i in range(len(labels)) if i not in pref]
    desc = [
        str(d)
        for d in graph.objects(node, DCTERMS.description)
        if isinstance(d, Literal) and d.language in (None, "en")
    ]
    notation = next((str(n) for n in graph.objects(node, SKOS.notation)), "")
    broader = (
        tuple(sorted(str(b) for b in graph.objects(node, SKOS.broader))) if with_broader else ()
    )
    return Concept(
        str(node),
        tuple(labels[i] for i in order),
        " ".join(desc),
        notation,
        tuple(langs[i] for i in order),
        broader,
        kind,
    )


_LIGHT_FILES = {"occupation": "occupations", "isco": "ISCOGroups"}


@dataclass
class _Described:
    """What the light reader gathers of one concept, as the import would state it."""

    kind: str
    labels: dict[URIRef, set[tuple[str, str]]] = field(
        default_factory=lambda: {p: set() for p in _LABELS}
    )
    pref_langs: set[str] = field(default_factory=set)
    description: list[str] = field(default_factory=list)
    notation: str = ""
    isco_code: str = ""
    broader: set[str] = field(default_factory=set)


def _light_read(folder: Path, kinds: Iterable[str], found: dict[str, _Described]) -> None:
    files: dict[tuple[str, str], Path] = {}
    for path in sorted(folder.iterdir()):
        m = ESCO_FILE.match(path.name)
        if path.is_file() and m:
            files[(m["key"], m["lang"])] = path
    dictionary = esco_dictionary()
    for kind in kinds:
        key = _LIGHT_FILES[kind]
        if (key, "en") not in files:
            raise VocabularyError(f"{folder}: required file missing: {key}_en.csv")
        columns = {c: props[0] for c, props in dictionary.get(key, {}).items() if len(props) == 1}
        langs = ["en"] + sorted(lg for k, lg in files if k == key and lg != "en")
        for lang in langs:
            path = files[(key, lang)]
            header, rows = read_table(path, ("conceptUri", "preferredLabel"))
            pipes = lang != "en" and "conceptType" not in header  # label-only files
            for row in dedup(path, rows, "conceptUri", "modifiedDate", []):
                uri = row.values["conceptUri"]
                c = found.get(uri)
                if c is None:
                    if lang != "en":
                        continue  # labels of a concept the English file does not describe
                    c = found[uri] = _Described(kind)
                for column, prop in columns.items():
                    value = row.values.get(column, "")
                    if not value or column == "iscoGroup":
                        continue
                    if prop == SKOS.prefLabel:
                        if lang not in c.pref_langs:  # the first preferred label wins
                            c.pref_langs.add(lang)
                            c.labels[prop].add((value, lang))
                    elif prop in (SKOS.altLabel, SKOS.hiddenLabel):
                        c.labels[prop].update((v, lang) for v in split_list(value, pipes))
                    elif prop == DCTERMS.description and lang == "en":
                        c.description.append(value)
                    elif prop == SKOS.notation and lang == "en" and not c.notation:
                        c.notation = value
                if lang == "en":
                    c.isco_code = row.values.get("iscoGroup", "") or row.values.get("code", "")
    broader_path = files.get(("broaderRelationsOccPillar", "en"))
    if broader_path is not None:
        _, rows = read_table(broader_path, ("conceptUri", "broaderUri"))
        for row in rows:
            c = found.get(row.values["conceptUri"])
            if c is not None:
                c.broader.add(row.values["broaderUri"])


def read_esco_concepts(
    *dirs: str | Path, kinds: Iterable[str] = ("occupation", "isco")
) -> dict[str, Concept]:
    """ESCO occupations and ISCO-08 groups of export folders as :func:`esco_concepts` gives
    them from the imported graph (labels of every language, English description, notation,
    broader concepts), read straight from the CSV files by the import stage's CSV reader: only
    the files of those concepts (and the occupation hierarchy), not the skills and relations,
    so in a few seconds instead of the whole import."""
    kinds = tuple(kinds)
    unknown = [k for k in kinds if k not in _LIGHT_FILES]
    if unknown:
        raise ValueError(f"unknown kind(s) {unknown} (one of {', '.join(_LIGHT_FILES)})")
    found: dict[str, _Described] = {}
    for d in dirs:
        _light_read(Path(d), kinds, found)
    out: dict[str, Concept] = {}
    for kind in kinds:
        for uri in sorted(u for u, c in found.items() if c.kind == kind):
            c = found[uri]
            labels: list[tuple[str, str]] = []
            seen: set[tuple[str, str]] = set()
            for prop in _LABELS:
                for text, lang in sorted(c.labels[prop], key=lambda x: (x[1], x[0])):
                    if (text, lang) not in seen:
                        seen.add((text, lang))
                        labels.append((text, lang))
            if not labels:
                continue
            pref = [i for i, (_, lg) in enumerate(labels) if lg == "en"][:1]
            order = pref + [i for i in range(len(labels)) if i not in pref]
            broader = set(c.broader)
            code = c.isco_code
            if not broader and re.match(r"^[0-9]{1,4}$", code):
                if kind == "occupation":
                    broader.add(f"{ESCO_BASE}isco/C{code}")
                elif len(code) > 1:
                    broader.add(f"{ESCO_BASE}isco/C{code[:-1]}")
            out[uri] = Concept(
                uri,
                tuple(labels[i][0] for i in order),
                " ".join(c.description),
                c.notation,
                tuple(labels[i][1] for i in order),
                tuple(sorted(broader)),
                kind,
            )
    return out


def esco_concepts(
    graph: Graph, kinds: Iterable[str] = ("occupation", "isco")
) -> dict[str, Concept]:
    """The ESCO occupations (``occupation``), ISCO-08 groups (``isco``) and skills (``skill``)
    of an imported ESCO graph, with their labels in every language."""
    classes = {"occupation": ESCO.Occupation, "isco": ESCO.ISCOGroup, "skill": ESCO.Skill}
    out: dict[str, Concept] = {}
    for kind in kinds:
        for node in sorted(set(graph.subjects(RDF.type, classes[kind]))):
            if isinstance(node, URIRef):
                c = _concept(graph, node, kind)
                if c is not None:
                    out[c.iri] = c
    return out


def occupation_skills(graph: Graph) -> dict[str, dict[str, float]]:
    """ESCO's occupation–skill relations: occupation → skill → 1.0 (essential) or 0.5
    (optional)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for prop, weight in ((ESCO.relatedOptionalSkill, 0.5), (ESCO.relatedEssentialSkill, 1.0)):
        for occ, skill in graph.subject_objects(prop):
            out[str(occ)][str(skill)] = weight
    return dict(out)


def read_occupation_skills(*dirs: str | Path) -> dict[str, dict[str, float]]:
    """:func:`occupation_skills` read straight from the folders' ``occupationSkillRelations``
    files (occupation → skill → 1.0 essential, 0.5 optional; essential wins)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for d in dirs:
        path = Path(d) / "occupationSkillRelations_en.csv"
        if not path.is_file():
            continue
        _, rows = read_table(path, ("occupationUri", "relationType", "skillUri"))
        for row in rows:
            kind = row.values["relationType"].lower()
            if kind not in ("essential", "optional"):
                raise VocabularyError(
                    f"{row.where(path, 'relationType')}: unknown relation type {kind!r} "
                    "(expected essential or optional)"
                )
            skills = out[row.values["occupationUri"]]
            weight = 1.0 if kind == "essential" else 0.5
            skills[row.values["skillUri"]] = max(weight, skills.get(row.values["skillUri"], 0.0))
    return dict(out)


def read_skill_labels(*dirs: str | Path, lang: str = "fr") -> dict[str, str]:
    """ESCO skill IRI → its preferred label in one language, from the folders'
    ``skills_<lang>.csv`` (a folder without that file gives none)."""
    out: dict[str, str] = {}
    for d in dirs:
        path = Path(d) / f"skills_{lang}.csv"
        if not path.is_file():
            continue
        _, rows = read_table(path, ("conceptUri", "preferredLabel"))
        for row in rows:
            label = row.values["preferredLabel"].strip()
            if label:
                out.setdefault(row.values["conceptUri"], label)
    return out


def read_esco_occupations(*dirs: str | Path) -> dict[str, Concept]:
    """ESCO occupations of export folders, labels of all languages merged; ``notation`` is the
    ESCO code (``2511.4``) and ``broader`` holds the ISCO-08 group."""
    return read_esco_concepts(*dirs, kinds=("occupation",))


def read_esco_skills(*dirs: str | Path) -> dict[str, Concept]:
    """ESCO skills of export folders."""
    return esco_concepts(esco_graph(*dirs), ("skill",))


def rome_graph(directory: str | Path) -> Graph:
    """The ROME graph of an export folder (read by ``import_rome``)."""
    return _rome_graph(Path(directory).resolve())


def _rome_files(folder: Path) -> dict[str, Path] | None:
    """The ROME files the fiches need, when the folder holds one version with all of them."""
    found: dict[str, dict[str, Path]] = defaultdict(dict)
    for path in sorted(folder.iterdir()):
        m = ROME_FILE.match(path.name)
        if path.is_file() and m:
            found[m["version"]][m["name"]] = path
    if len(found) != 1:
        return None
    files = next(iter(found.values()))
    needed = ("referentiel_code_rome", "referentiel_appellation", "texte")
    return files if all(n in files for n in needed) else None


def _read_rome_light(files: Mapping[str, Path]) -> dict[str, Concept]:
    """The fiches as :func:`read_rome` gives them from the imported graph, read straight from
    three files by the import stage's CSV reader (fiches, appellations, texts)."""
    path = files["referentiel_code_rome"]
    _, rows = read_table(path, ("code_rome", "libelle_rome"))
    pref: dict[str, str] = {}
    for row in dedup(path, rows, "code_rome", None, []):
        pref[row.values["code_rome"]] = row.values["libelle_rome"]
    alt: dict[str, set[str]] = defaultdict(set)
    hidden: dict[str, set[str]] = defaultdict(set)
    path = files["referentiel_appellation"]
    _, rows = read_table(path, ("code_ogr", "libelle_appellation_long", "code_rome"))
    for row in dedup(path, rows, "code_ogr", None, []):
        code, label = row.values["code_rome"], row.values["libelle_appellation_long"]
        if code not in pref:
            raise VocabularyError(f"{row.where(path, 'code_rome')}: fiche {code!r} is unknown")
        if label and label != row.values.get("libelle_rome"):
            rare = row.values.get("peu_usite", "").upper() == "O"
            (hidden if rare else alt)[code].add(label)
    path = files["texte"]
    _, rows = read_table(path, ("code_rome", "libelle_type_texte", "position_phrase"))
    sentences: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in rows:
        if row.values["libelle_type_texte"] == "definition":
            position = int(row.values["position_phrase"] or 0)
            text = row.values["libelle_texte"].replace("''", "'")
            sentences[row.values["code_rome"]].append((position, text))
    out: dict[str, Concept] = {}
    for code in sorted(pref, key=iris.rome):
        labels: list[str] = []
        for group in ([pref[code]] if pref[code] else [], sorted(alt[code]), sorted(hidden[code])):
            labels.extend(x for x in group if x not in labels)
        if not labels:
            continue
        iri = iris.rome(code)
        text = "\n".join(t for _, t in sorted(sentences.get(code, [])))
        out[iri] = Concept(iri, tuple(labels), text, code, ("fr",) * len(labels), (), "rome")
    return out


def read_rome(directory: str | Path) -> dict[str, Concept]:
    """ROME fiches, with their appellations as further labels and the definition as
    description; IRIs from :func:`nomengraph.iris.rome`. Read from the three files they need
    when the folder has them (a second or two), else from the whole import."""
    files = _rome_files(Path(directory))
    if files is not None:
        return _read_rome_light(files)
    g = rome_graph(directory)
    out: dict[str, Concept] = {}
    for node in sorted(set(g.subjects(RDF.type, NG.RomeOccupation))):
        c = _concept(g, node, "rome", with_broader=False)
        if c is None:
            continue
        text = " ".join(str(d) for d in g.objects(node, SKOS.definition))
        out[c.iri] = Concept(c.iri, c.labels, text, c.notation, c.langs, (), "rome")
    return out


def read_rome_appellations(directory: str | Path) -> dict[str, Concept]:
    """ROME appellations (job titles), by OGR code; ``broader`` is the fiche."""
    g = rome_graph(directory)
    out: dict[str, Concept] = {}
    for node in sorted(set(g.subjects(RDF.type, NG.RomeJobTitle))):
        c = _concept(g, node, "rome-title")
        if c is not None:
            out[c.iri] = c
    return out


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def card_text(card: Mapping[str, Any]) -> str:
    """What a card says of the job beyond its names: mission, description, activity headings
    and tasks."""
    parts = [card.get("mission") or "", card.get("description") or ""]
    for group in card.get("activities") or []:
        parts.append(group.get("heading") or "")
        for task in group.get("tasks") or []:
            parts.append(task if isinstance(task, str) else str(task.get("text") or ""))
    return " ".join(p for p in parts if p).strip()


def card_names(card: Mapping[str, Any]) -> list[str]:
    """A card's title and other names (French, then English)."""
    other = card.get("other_names") or {}
    return list(dict.fromkeys([card["title"], *other.get("fr", []), *other.get("en", [])]))


def card_concepts(cards_dir: str | Path, edition: str) -> dict[str, Concept]:
    """The jobs of an edition (``cigref-2018``...) or the competences of an e-CF version
    (``ecf-3.0``) as concepts: title and other names, mission and activities."""
    root = Path(cards_dir)
    out: dict[str, Concept] = {}
    if edition.startswith("ecf-"):
        version = edition.removeprefix("ecf-")
        data = _load_yaml(root / "ecf" / f"{edition}.yaml")
        for comp in data["competences"]:
            iri = iris.competence(version, comp["code"])
            names = [n for n in (comp["name"].get("en"), comp["name"].get("fr")) if n]
            desc = " ".join((comp.get("description") or {}).values())
            out[iri] = Concept(iri, tuple(names), desc, comp["code"], kind="competence")
        return out
    for path in sorted((root / edition).glob("*.yaml")):
        card = _load_yaml(path)
        iri = iris.job(card["edition"], card["number"])
        out[iri] = Concept(
            iri, tuple(card_names(card)), card_text(card), card["number"], kind="job"
        )
    return out


CARD_SETS = ("cigref-2010", "cigref-2018", "sic", "ecf-2.0", "ecf-3.0", "ecf-4.0")


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
