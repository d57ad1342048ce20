"""What is linked to: ESCO, ROME and the cards' nomenclatures as :class:`Concept` lists.

ESCO and ROME are read by the import stage (:func:`nomengraph.vocabularies.import_esco`,
:func:`nomengraph.vocabularies.import_rome`), the same code as ``nomengraph import``, and their
graphs turned into concepts here; the cards are read as YAML.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef

from nomengraph import iris
from nomengraph.link.matcher import Concept
from nomengraph.vocab import DCTERMS, ESCO, NG, RDF, SKOS
from nomengraph.vocabularies import import_esco, import_rome

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


def read_esco_occupations(*dirs: str | Path) -> dict[str, Concept]:
    """ESCO occupations of export folders, labels of all languages merged; ``notation`` is the
    ESCO code (``2511.4``) and ``broader`` holds the ISCO-08 group."""
    return esco_concepts(esco_graph(*dirs), ("occupation",))


def read_esco_skills(*dirs: str | Path) -> dict[str, Concept]:
    """ESCO skills of export folders."""
    return esco_concepts(esco_graph(*dirs), ("skill",))


def rome_graph(directory: str | Path) -> Graph:
    """The ROME graph of an export folder (read by ``import_rome``)."""
    return _rome_graph(Path(directory).resolve())


def read_rome(directory: str | Path) -> dict[str, Concept]:
    """ROME fiches, with their appellations as further labels and the definition as
    description; IRIs from :func:`nomengraph.iris.rome`."""
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
