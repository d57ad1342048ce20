"""``nomengraph link match``: queries in, rankings out (TREC run, TSV, or SSSOM to review).

Queries are a TSV file (``id<TAB>title``, as MELO's ``queries.tsv``) or a folder of cards (every
card's title, other names, mission, tasks, and its e-CF profile through the reviewed e-CF → ESCO
skill links). The corpus is the target's concepts (ESCO occupations, ROME fiches with their
appellations, CIGREF 2018 jobs) or a TSV of labels (``id<TAB>label``) with the concept of each
label (``id<TAB>IRI``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from nomengraph import iris, resources
from nomengraph.link.matcher import Concept, Element, Matcher, Query, Weights
from nomengraph.link.prefixes import LEXICAL, PREFIXES, TEAM, contract
from nomengraph.link.priors import Prior
from nomengraph.link.sources import (
    card_concepts,
    card_names,
    card_text,
    read_esco_concepts,
    read_occupation_skills,
    read_rome,
    read_skill_labels,
)
from nomengraph.link.sssom import MappingRow, read_sssom
from nomengraph.vocabularies import VocabularyError

TARGETS = ("esco", "rome", "cigref-2018")
CARD_LANG = "fr"
"""The language the cards are written in (their mission and tasks)."""
FORMATS = ("trec", "tsv", "sssom")
COMPOSITE = "semapv:CompositeMatching"
RUN_TAG = "nomengraph"


class InputError(ValueError):
    """Bad input to ``link match``: one line naming the file (and line)."""


def read_pairs(path: str | Path, what: str) -> list[tuple[str, str]]:
    """A two-column TSV file (``id<TAB>text``); blank lines skipped; a line without exactly two
    cells, or an empty id, is an :class:`InputError` naming the file and the line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such {what} file")
    out: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != 2 or not cells[0].strip() or not cells[1].strip():
            raise InputError(
                f"{path}:{number}: expected 'id<TAB>{what}', got {len(cells)} cell(s): "
                f"{line[:60]!r}"
            )
        ident = cells[0].strip()
        if ident in seen:
            raise InputError(f"{path}:{number}: id {ident!r} already on line {seen[ident]}")
        seen[ident] = number
        out.append((ident, cells[1].strip()))
    if not out:
        raise InputError(f"{path}: no {what} in the file")
    return out


# Queries ---------------------------------------------------------------------------------------


def ecf_skill_links(version: str) -> dict[str, dict[str, float]]:
    """e-CF competence IRI → ESCO skill IRI → weight (the reviewed link's confidence), through
    the reviewed 3.0 → 2.0 links for e-CF 2.0 (that file goes from the newer version to the
    older: each 2.0 competence, its object, gets the skills of the 3.0 ones, its subjects)."""
    esco = read_sssom(resources.MAPPINGS / "ecf-3.0-esco.sssom.tsv")
    links: dict[str, dict[str, float]] = {}
    for row in esco.rows:
        if not row.no_match:
            skills = links.setdefault(esco.expand(row.subject_id), {})
            skills[esco.expand(row.object_id)] = row.confidence or 0.5
    if version == "3.0":
        return links
    if version == "2.0":
        older = read_sssom(resources.MAPPINGS / "ecf-2.0-3.0.sssom.tsv")
        out: dict[str, dict[str, float]] = {}
        for row in older.rows:
            if row.no_match:
                continue
            for skill, w in links.get(older.expand(row.subject_id), {}).items():
                target = out.setdefault(older.expand(row.object_id), {})
                target[skill] = max(target.get(skill, 0.0), w)
        return out
    return {}


def card_queries(folder: str | Path) -> list[Query]:
    """Every card (``*.yaml``) of a folder as a query: id the job's IRI, titles its title and
    other names, text its mission and tasks, skills its e-CF profile as ESCO skills."""
    from nomengraph.cards import CardError, load_card
    from nomengraph.convert import ecf_version_of

    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{root}: no such folder of cards")
    paths = sorted(p for p in root.glob("*.yaml") if p.name != "edition.yaml")
    if not paths:
        raise InputError(f"{root}: no card (*.yaml) in the folder")
    links_by_version: dict[str, dict[str, dict[str, float]]] = {}
    queries = []
    for path in paths:
        try:
            card = load_card(path)
        except CardError as exc:
            first = str(exc).splitlines()[0] if str(exc) else "not a valid card"
            raise InputError(first if str(path) in first else f"{path}: {first}") from None
        version = ecf_version_of(card["edition"])
        links = links_by_version.setdefault(version, ecf_skill_links(version))
        skills: dict[str, float] = {}
        for comp in card.get("competences") or []:
            iri = iris.competence(version, comp["code"])
            for skill, w in links.get(iri, {}).items():
                skills[skill] = max(skills.get(skill, 0.0), w)
        ident = iris.job(card["edition"], card["number"])
        queries.append(Query(ident, tuple(card_names(card)), card_text(card), skills))
    return queries


def read_queries(source: str | Path) -> list[Query]:
    """Queries from a TSV file or a folder of cards."""
    path = Path(source)
    if path.is_dir():
        return card_queries(path)
    return [Query(i, (t,)) for i, t in read_pairs(path, "title")]


# Corpus ----------------------------------------------------------------------------------------


@dataclass
class Corpus:
    """What the queries are matched against, and what the matcher knows of its concepts."""

    elements: list[Element]
    concepts: dict[str, Concept]
    context: list[Concept]
    esco: tuple[Path, ...]
    """The ESCO folders, whose occupation–skill relations are read when a query has skills."""
    by_iri: bool
    """True when the elements are the concepts themselves (docid = concept IRI)."""

    @cached_property
    def skills(self) -> dict[str, dict[str, float]]:
        return read_occupation_skills(*self.esco) if self.esco else {}

    @cached_property
    def skill_texts(self) -> dict[str, str]:
        """Each ESCO occupation's skills (essential and optional) as one text: their labels in
        the cards' language, so that a card's tasks meet an English concept in French."""
        labels = read_skill_labels(*self.esco, lang=CARD_LANG) if self.esco else {}
        if not labels:
            return {}
        return {
            occupation: " ".join(labels[s] for s in sorted(skills) if s in labels)
            for occupation, skills in self.skills.items()
        }


def _concept_elements(concepts: Mapping[str, Concept]) -> list[Element]:
    return [Element(iri, c.label, iri) for iri, c in concepts.items()]


def build_corpus(
    target: str,
    esco: Sequence[str | Path] = (),
    rome: str | Path | None = None,
    corpus: str | Path | None = None,
    concepts_file: str | Path | None = None,
    cards: str | Path | None = None,
) -> Corpus:
    """The corpus of a ``link match`` run (see the module's docstring)."""
    if target not in TARGETS:
        raise InputError(f"unknown target {target!r} (one of {', '.join(TARGETS)})")
    for d in esco:
        if not Path(d).is_dir():
            raise InputError(f"{d}: no such ESCO folder")
    if rome is not None and not Path(rome).is_dir():
        raise InputError(f"{rome}: no such ROME folder")
    known: dict[str, Concept] = {}
    dirs = tuple(Path(d) for d in esco)
    if esco:
        try:
            known.update(read_esco_concepts(*dirs))
        except VocabularyError as exc:
            raise InputError(str(exc)) from None
    rome_fiches = list(read_rome(rome).values()) if rome is not None else []
    if corpus is not None:
        if concepts_file is None:
            raise InputError("--corpus needs --concepts (id<TAB>concept IRI of each label)")
        labels = read_pairs(corpus, "label")
        owner = dict(read_pairs(concepts_file, "concept IRI"))
        missing = [i for i, _ in labels if i not in owner]
        if missing:
            raise InputError(f"{concepts_file}: no concept for corpus id {missing[0]!r}")
        elements = [Element(i, label, owner[i]) for i, label in labels]
        context = rome_fiches if target != "rome" else []
        return Corpus(elements, known, context, dirs, by_iri=False)
    if target == "esco":
        if not esco:
            raise InputError("--target esco needs --esco DIR (an ESCO CSV export folder)")
        occupations = {i: c for i, c in known.items() if c.kind == "occupation"}
        return Corpus(_concept_elements(occupations), occupations, rome_fiches, dirs, True)
    if target == "rome":
        if rome is None:
            raise InputError("--target rome needs --rome DIR (the ROME CSV export folder)")
        fiches = {c.iri: c for c in rome_fiches}
        return Corpus(_concept_elements(fiches), fiches, [], (), True)
    jobs = card_concepts(cards or resources.CARDS, "cigref-2018")
    return Corpus(_concept_elements(jobs), jobs, rome_fiches, (), True)


# Running and writing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    query: Query
    rank: int
    docid: str
    label: str
    concept: str
    score: float


def match(
    queries: Sequence[Query],
    corpus: Corpus,
    k: int = 10,
    weights: Weights | None = None,
    prior: Prior | None = None,
) -> list[Match]:
    """The ``k`` best corpus elements of each query (trec order); ``prior`` (the IT prior of
    :mod:`nomengraph.link.priors`) favours the concepts of the groups IT jobs land in."""
    skills = corpus.skills if any(q.skills for q in queries) else None
    skill_texts = corpus.skill_texts if any(q.text for q in queries) else None
    bonus = prior.bonus(corpus.concepts) if prior is not None else None
    matcher = Matcher(
        corpus.elements,
        corpus.concepts,
        weights,
        corpus.context,
        skills or None,
        prior=bonus,
        skill_texts=skill_texts or None,
    )
    ranked = matcher.rank(queries, k)
    out = []
    for q in queries:
        for rank, (e, score) in enumerate(ranked[q.id], start=1):
            label = corpus.concepts[e.concept].label if corpus.by_iri else e.label
            out.append(Match(q, rank, e.id, label, e.concept, score))
    return out


def format_trec(matches: Sequence[Match]) -> str:
    return "".join(f"{m.query.id} Q0 {m.docid} {m.rank} {m.score:.6f} {RUN_TAG}\n" for m in matches)


def format_tsv(matches: Sequence[Match]) -> str:
    out = io.StringIO()
    out.write("query_id\tquery\trank\tid\tlabel\tconcept\tscore\n")
    for m in matches:
        cells = [m.query.id, m.query.titles[0], str(m.rank), m.docid, m.label, m.concept]
        out.write("\t".join(c.replace("\t", " ") for c in cells) + f"\t{m.score:.6f}\n")
    return out.getvalue()


def sssom_rows(
    matches: Sequence[Match], weights: Weights | None = None, queries_source: str = ""
) -> tuple[dict[str, Any], list[MappingRow]]:
    """Metadata and unreviewed rows: one row per query and concept (its best element), the
    score scaled to [0, 1] as confidence."""
    w = weights or Weights()
    ceiling = w.word + w.char + w.exact + w.context + w.fiche + w.text + w.skills
    prefixes = dict(PREFIXES)
    if queries_source:
        prefixes["query"] = Path(queries_source).resolve().as_uri() + "#"
    rows: list[MappingRow] = []
    seen: set[tuple[str, str]] = set()
    for m in matches:
        pair = (m.query.id, m.concept)
        if pair in seen:
            continue
        seen.add(pair)
        subject = contract(m.query.id, prefixes)
        if subject == m.query.id and queries_source:
            subject = f"query:{m.query.id}"
        composite = bool(m.query.skills or m.query.text)
        rows.append(
            MappingRow(
                subject_id=subject,
                subject_label=m.query.titles[0],
                predicate_id="skos:closeMatch",
                object_id=contract(m.concept, prefixes),
                object_label=m.label,
                mapping_justification=COMPOSITE if composite else LEXICAL,
                confidence=round(min(1.0, max(0.0, m.score / ceiling)), 4),
                author_id=TEAM,
                comment=f"candidate rank {m.rank}: {m.docid}",
            )
        )
    used = {r.subject_id.split(":")[0] for r in rows} | {r.object_id.split(":")[0] for r in rows}
    metadata = {
        "curie_map": {
            p: ns for p, ns in prefixes.items() if p in used | {"skos", "semapv", "nomengraph"}
        },
        "mapping_set_id": iris.mapping_set("candidates"),
        "mapping_set_title": "Candidate links (unreviewed)",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "comment": "Generated by nomengraph link match; review each row before keeping it.",
    }
    return metadata, rows
