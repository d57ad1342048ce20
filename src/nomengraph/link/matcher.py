"""The matcher: job titles (or whole job descriptions) against labelled concepts.

A corpus is a list of :class:`Element` (an id, a label, the concept the label names). The matcher
may also know more about the concepts than the corpus says (:class:`Concept`: labels in other
languages, the description, the broader concepts): a concept is scored by everything known of it,
and each of its elements gets the concept's score (plus a little of its own label's, so that the
best-matching label comes first).

A query label is compared with every label by

* word overlap: cosine of TF-IDF weighted stemmed words (:func:`nomengraph.link.text.words`),
* character overlap: cosine of TF-IDF weighted character 2–4-grams within words (typos, compounds,
  cognates across French and English: "développeur" / "developer"),
* equality of the stemmed word sequence (:func:`nomengraph.link.text.key`),

each over every gender form of both sides (:func:`nomengraph.link.text.variants`). The weights
are in :class:`Weights`; their values were chosen on the Belgian MELO datasets only
(docs/linking.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from nomengraph.link.text import key, variants
from nomengraph.link.vectors import Vectorizer, char_vectorizer, word_vectorizer


@dataclass(frozen=True)
class Concept:
    """Something to link, or to link to: an IRI, labels (preferred first), a description.

    ``langs`` gives the language of each label where known (same length as ``labels``, or
    empty); ``broader`` the IRIs of broader concepts; ``kind`` what it is (``occupation``,
    ``isco``, ``skill``, ``rome``, ``job``...)."""

    iri: str
    labels: tuple[str, ...]
    description: str = ""
    notation: str = ""
    langs: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    kind: str = ""

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else ""

    def labels_in(self, lang: str) -> list[str]:
        """The labels in one language (all of them when the languages are not known)."""
        if not self.langs:
            return list(self.labels)
        return [label for label, lg in zip(self.labels, self.langs, strict=True) if lg == lang]


@dataclass(frozen=True)
class Element:
    """One label of a corpus, and the concept it names."""

    id: str
    label: str
    concept: str


@dataclass(frozen=True)
class Query:
    """What is matched: an id, its titles (first the main one), and optional context text."""

    id: str
    titles: tuple[str, ...]
    text: str = ""
    """What else is said of it (a card's mission and tasks)."""
    skills: Mapping[str, float] = field(default_factory=dict)
    """ESCO skills (IRI → weight) it needs (a card's e-CF profile through its ESCO links)."""


@dataclass(frozen=True)
class Weights:
    """How the measures add up (chosen on the Belgian MELO datasets, docs/linking.md)."""

    word: float = 0.7
    char: float = 0.3
    exact: float = 0.3
    own: float = 0.01
    """Share of an element's own label score added to its concept's score."""
    context: float = 1.5
    """Weight of the context (related titles of the query's best group, e.g. its ROME fiche)."""
    fiche: float = 1.0
    """Weight shared by the concepts that carry one of the titles of the query's best group as a
    label (same stemmed words): each gets ``fiche`` × the query–group match / their number."""
    text: float = 2.0
    """Weight of the overlap of a query's text with a concept's labels and description (cards
    only; chosen on the CIGREF 2018 cards against their reviewed ESCO and ROME links)."""
    skill_text: float = 3.0
    """Weight of the overlap of a query's text with the labels of a concept's skills in the
    query's language (ESCO occupations for French cards: their skills' French labels; cards
    only, chosen with ``text``)."""
    skills: float = 1.0
    """Weight of the overlap of a query's skills with a concept's (ESCO occupation–skill; cards
    only, chosen with ``text``)."""
    prior: float = 0.1
    """Weight of a concept's prior (:mod:`nomengraph.link.priors`: the groups IT jobs land in,
    learned from the CIGREF 2018 reviewed sets); only when the matcher is given a prior (cards)."""
    kind_penalty: Mapping[str, float] = field(default_factory=lambda: {"isco": 0.0})
    """Factor applied to concepts of a kind (ISCO groups: candidates only when nothing else)."""


@dataclass(frozen=True)
class Hit:
    element: Element
    score: float
    matched: str
    """The label of the concept that matched best."""


def _max_by_group(scores: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Row-wise maximum over consecutive column groups starting at ``starts``."""
    if scores.shape[1] == 0:
        return np.zeros((scores.shape[0], len(starts)))
    return np.maximum.reduceat(scores, starts, axis=1)


class LabelIndex:
    """Labels that each belong to a group (a concept, an element...), indexed once: for texts,
    :meth:`scores` gives the best label score of every group."""

    def __init__(self, labels: Sequence[tuple[str, int]], groups: int, weights: Weights) -> None:
        self.weights = weights
        entries: list[tuple[int, str]] = []
        seen: set[tuple[int, str]] = set()
        for label, group in labels:
            for v in variants(label):
                k = key(v)
                if k and (group, k) not in seen:
                    seen.add((group, k))
                    entries.append((group, v))
        entries.sort(key=lambda e: e[0])
        self.groups = groups
        self.texts = [t for _, t in entries]
        owner = np.array([g for g, _ in entries], dtype=np.int64)
        self.owner = owner
        present, starts = np.unique(owner, return_index=True)
        self.present = present
        self.starts = starts
        self.keys: dict[str, list[int]] = defaultdict(list)
        for pos, t in enumerate(self.texts):
            self.keys[key(t)].append(pos)
        self.word_vec = word_vectorizer()
        self.char_vec = char_vectorizer()
        texts = self.texts or [""]
        self.W = self.word_vec.fit_transform(texts).T.tocsr().astype(np.float32)
        self.C = self.char_vec.fit_transform(texts).T.tocsr().astype(np.float32)

    def label_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Score of each text (rows) against each label (columns), in [0, 1 + exact]."""
        w = self.weights
        qw = self.word_vec.transform(texts)
        qc = self.char_vec.transform(texts)
        s = w.word * (qw @ self.W).toarray() + w.char * (qc @ self.C).toarray()
        for row, t in enumerate(texts):
            for pos in self.keys.get(key(t), ()):
                s[row, pos] += w.exact
        return s

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """The best label score of each group (columns) for each text (rows)."""
        out = np.zeros((len(texts), self.groups), dtype=np.float32)
        if self.texts and texts:
            out[:, self.present] = _max_by_group(self.label_scores(texts), self.starts)
        return out


class Matcher:
    """The corpus, indexed once; :meth:`rank` answers many queries.

    ``skill_texts`` (optional): each concept's skills as one text (their labels in the queries'
    language); a query's text gains ``Weights.skill_text`` × its cosine with it.

    ``prior`` (optional): a bonus for each concept IRI (:meth:`nomengraph.link.priors.Prior.bonus`),
    added times ``Weights.prior`` whatever the query.

    ``context`` (optional) are groups of related titles (the ROME fiches and their
    appellations): a query is also read as the group whose titles it matches best, and a concept
    whose labels share words with that group's titles gains ``Weights.context`` times that share
    (cosine of TF-IDF word bags) times the match of query and group; the concepts that carry one
    of the group's titles as a label share ``Weights.fiche`` times that match.
    """

    def __init__(
        self,
        elements: Sequence[Element],
        concepts: Mapping[str, Concept] | None = None,
        weights: Weights | None = None,
        context: Sequence[Concept] = (),
        concept_skills: Mapping[str, Mapping[str, float]] | None = None,
        batch: int = 256,
        prior: Mapping[str, float] | None = None,
        skill_texts: Mapping[str, str] | None = None,
    ) -> None:
        self.elements = list(elements)
        self.concepts = dict(concepts or {})
        self.weights = weights or Weights()
        self.batch = batch
        order = sorted({e.concept for e in self.elements})
        self.concept_ids = order
        index = {c: i for i, c in enumerate(order)}
        self.element_concept = np.array([index[e.concept] for e in self.elements], dtype=np.int64)
        concept_labels: dict[int, list[str]] = defaultdict(list)
        for e in self.elements:
            concept_labels[index[e.concept]].append(e.label)
        for iri in order:
            c = self.concepts.get(iri)
            if c is not None:
                concept_labels[index[iri]].extend(c.labels)
        pairs = [(label, i) for i, labels in concept_labels.items() for label in labels]
        self.by_concept = LabelIndex(pairs, len(order), self.weights)
        self.by_element = LabelIndex(
            [(e.label, i) for i, e in enumerate(self.elements)], len(self.elements), self.weights
        )
        self.penalty = np.ones(len(order), dtype=np.float32)
        for i, iri in enumerate(order):
            c = self.concepts.get(iri)
            if c is not None and c.kind in self.weights.kind_penalty:
                self.penalty[i] = self.weights.kind_penalty[c.kind]
        self.concept_labels = concept_labels
        self.prior = (
            np.array([prior.get(iri, 0.0) for iri in order], dtype=np.float32)
            if prior is not None
            else None
        )
        self.concept_skills = concept_skills or {}
        self._text_index: tuple[Vectorizer, sparse.csr_matrix] | None = None
        self.skill_texts = skill_texts or {}
        self._skill_text_index: tuple[Vectorizer, sparse.csr_matrix] | None = None
        self._skill_index: tuple[dict[str, int], sparse.csr_matrix] | None = None
        self.context = list(context)
        if self.context:
            self.by_group = LabelIndex(
                [(label, g) for g, c in enumerate(self.context) for label in c.labels],
                len(self.context),
                self.weights,
            )
            docs = [" ".join(concept_labels[i]) for i in range(len(order))]
            group_docs = [" ".join(c.labels) for c in self.context]
            bags = word_vectorizer().fit_transform(docs + group_docs)
            self.concept_bags = bags[: len(docs)].T.tocsr()
            self.group_bags = bags[len(docs) :].tocsr()
            self.group_concepts = self._shared_titles()

    def _shared_titles(self) -> sparse.csr_matrix:
        """Groups (rows) × concepts (columns): 1 / n for each of the n concepts that carry one of
        the group's titles as a label (same :func:`~nomengraph.link.text.key`), else 0."""
        index = self.by_concept
        by_key: dict[str, set[int]] = defaultdict(set)
        for k, positions in index.keys.items():
            by_key[k].update(int(index.owner[p]) for p in positions)
        rows, cols, vals = [], [], []
        for g, c in enumerate(self.context):
            found: set[int] = set()
            for label in c.labels:
                for v in variants(label):
                    found |= by_key.get(key(v), set())
            for concept in sorted(found):
                rows.append(g)
                cols.append(concept)
                vals.append(1.0 / len(found))
        return sparse.csr_matrix(
            (vals, (rows, cols)), shape=(len(self.context), index.groups), dtype=np.float32
        )

    # scoring ------------------------------------------------------------------------------

    def _query_texts(self, queries: Sequence[Query]) -> tuple[list[str], np.ndarray]:
        texts: list[str] = []
        rows: list[int] = []
        for qi, q in enumerate(queries):
            for title in q.titles:
                for v in variants(title):
                    texts.append(v)
                    rows.append(qi)
        return texts, np.array(rows, dtype=np.int64)

    def _per_query(self, index: LabelIndex, queries: Sequence[Query]) -> np.ndarray:
        """The best score of each group over the variants of each query's titles."""
        texts, rows = self._query_texts(queries)
        out = np.zeros((len(queries), index.groups), dtype=np.float32)
        for start in range(0, len(texts), self.batch):
            chunk = index.scores(texts[start : start + self.batch])
            for r, qi in enumerate(rows[start : start + self.batch]):
                np.maximum(out[qi], chunk[r], out=out[qi])
        return out

    def concept_scores(self, queries: Sequence[Query]) -> np.ndarray:
        """The score of every concept (columns, ``concept_ids`` order) for each query."""
        w = self.weights
        scores = self._per_query(self.by_concept, queries)
        if self.context and w.context:
            groups = self._per_query(self.by_group, queries)
            best = groups.argmax(axis=1)
            strength = groups[np.arange(len(queries)), best]
            ctx = (self.group_bags[best] @ self.concept_bags).toarray()
            scores += w.context * strength[:, None] * ctx
            if w.fiche:
                scores += w.fiche * strength[:, None] * self.group_concepts[best].toarray()
        if w.text and any(q.text for q in queries):
            scores += w.text * self._text_scores([q.text for q in queries])
        if w.skill_text and self.skill_texts and any(q.text for q in queries):
            scores += w.skill_text * self._skill_text_scores([q.text for q in queries])
        if w.skills and self.concept_skills and any(q.skills for q in queries):
            scores += w.skills * self._skill_scores([q.skills for q in queries])
        if w.prior and self.prior is not None:
            scores += w.prior * self.prior
        return scores * self.penalty

    def _text_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine of TF-IDF word bags: each text against each concept's labels and
        description."""
        if self._text_index is None:
            docs = []
            for i, iri in enumerate(self.concept_ids):
                c = self.concepts.get(iri)
                docs.append(" ".join([*self.concept_labels[i], c.description if c else ""]))
            vec = word_vectorizer()
            self._text_index = (vec, vec.fit_transform(docs).T.tocsr())
        vec, matrix = self._text_index
        return (vec.transform(list(texts)) @ matrix).toarray()

    def _skill_text_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine of TF-IDF word bags: each text against the labels of each concept's skills."""
        if self._skill_text_index is None:
            docs = [self.skill_texts.get(iri, "") for iri in self.concept_ids]
            vec = word_vectorizer()
            self._skill_text_index = (vec, vec.fit_transform(docs).T.tocsr())
        vec, matrix = self._skill_text_index
        return (vec.transform(list(texts)) @ matrix).toarray()

    def _skill_scores(self, profiles: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Cosine of skill weights: each profile against each concept's skills."""
        if self._skill_index is None:
            names: dict[str, int] = {}
            rows, cols, vals = [], [], []
            for i, iri in enumerate(self.concept_ids):
                for skill, weight in self.concept_skills.get(iri, {}).items():
                    rows.append(names.setdefault(skill, len(names)))
                    cols.append(i)
                    vals.append(weight)
            m = sparse.csr_matrix(
                (vals, (rows, cols)), shape=(len(names), len(self.concept_ids)), dtype=np.float32
            )
            norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=0))).ravel()
            norms[norms == 0] = 1.0
            self._skill_index = (names, (m @ sparse.diags(1.0 / norms)).tocsr())
        names, matrix = self._skill_index
        q = np.zeros((len(profiles), len(names)), dtype=np.float32)
        for r, profile in enumerate(profiles):
            for skill, weight in profile.items():
                if skill in names:
                    q[r, names[skill]] = weight
        norms = np.linalg.norm(q, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return np.asarray((q / norms) @ matrix)

    def element_scores(self, queries: Sequence[Query]) -> np.ndarray:
        """The score of every element for each query (rows: queries): its concept's score,
        plus ``Weights.own`` times its own label's."""
        concept = self.concept_scores(queries)
        own = self._per_query(self.by_element, queries) if self.weights.own else 0.0
        return concept[:, self.element_concept] + self.weights.own * own

    def rank(
        self, queries: Sequence[Query], k: int = 100
    ) -> dict[str, list[tuple[Element, float]]]:
        """The ``k`` best elements of each query: by score, descending, equal scores by element
        id descending (the order of ``trec_eval``)."""
        scores = np.round(self.element_scores(queries).astype(np.float64), 6)
        ids = [e.id for e in self.elements]
        out: dict[str, list[tuple[Element, float]]] = {}
        k = min(k, len(ids))
        for qi, q in enumerate(queries):
            row = scores[qi]
            if k == 0:
                out[q.id] = []
                continue
            threshold = -np.partition(-row, k - 1)[k - 1]
            top = np.flatnonzero(row >= threshold)  # every tie at the cut is considered
            ordered = sorted(top, key=lambda i: (row[i], ids[i]), reverse=True)[:k]
            out[q.id] = [(self.elements[i], float(row[i])) for i in ordered]
        return out


def queries_from_pairs(pairs: Iterable[tuple[str, str]]) -> list[Query]:
    return [Query(qid, (title,)) for qid, title in pairs]
