"""Measuring a ranking: MELO's metrics (MRR, accuracy at k) and the agreement with reviewed sets.

MELO (Multilingual Entity Linking of Occupations, Avature, 2024) scores a run as ``trec_eval``
does: for each query the corpus elements are ordered by score, descending, ties broken by the
element id in descending order, and cut at 100; the reciprocal rank is 1 / the rank of the first
relevant element (0 when none is in the cut), averaged over every query of the qrels; accuracy
at k is the share of queries with a relevant element in the first k.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DEPTH = 100
"""trec_eval's cut: the first 100 elements of each query."""


def trec_order(scored: Iterable[tuple[str, float]], depth: int = DEPTH) -> list[str]:
    """Element ids by score, descending; equal scores by id, descending (as trec_eval sorts)."""
    ordered = sorted(scored, key=lambda pair: (pair[1], pair[0]), reverse=True)
    return [doc for doc, _ in ordered[:depth]]


@dataclass(frozen=True)
class RankMetrics:
    """MELO's figures for one run."""

    queries: int
    mrr: float
    a1: float
    a5: float
    a10: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "queries": self.queries,
            "mrr": round(self.mrr, 4),
            "a@1": round(self.a1, 4),
            "a@5": round(self.a5, 4),
            "a@10": round(self.a10, 4),
        }

    def as_text(self) -> str:
        return (
            f"queries {self.queries}: MRR {self.mrr:.4f}, A@1 {self.a1:.4f}, "
            f"A@5 {self.a5:.4f}, A@10 {self.a10:.4f}"
        )


def rank_metrics(
    qrels: Mapping[str, set[str]], run: Mapping[str, Sequence[str]], depth: int = DEPTH
) -> RankMetrics:
    """MRR and A@1/5/10 of ``run`` (query → element ids, best first, already in trec order)
    against ``qrels`` (query → relevant element ids). Every query of the qrels with at least one
    relevant element counts; one the run does not answer scores 0."""
    queries = [q for q, rel in qrels.items() if rel]
    if not queries:
        return RankMetrics(0, 0.0, 0.0, 0.0, 0.0)
    rr = a1 = a5 = a10 = 0.0
    for q in queries:
        ranked = list(run.get(q, ()))[:depth]
        first = next((i for i, doc in enumerate(ranked, start=1) if doc in qrels[q]), None)
        if first is None:
            continue
        rr += 1.0 / first
        a1 += first <= 1
        a5 += first <= 5
        a10 += first <= 10
    n = len(queries)
    return RankMetrics(n, rr / n, a1 / n, a5 / n, a10 / n)


def read_qrels(path: str | Path) -> dict[str, set[str]]:
    """A TREC qrels file (``qid 0 docid relevance``, tabs or spaces): the relevant ids."""
    qrels: dict[str, set[str]] = defaultdict(set)
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            cells = line.split()
            if len(cells) != 4:
                raise ValueError(f"{path}:{number}: expected 'qid 0 docid relevance'")
            qid, _, doc, rel = cells
            try:
                relevant = int(rel) > 0
            except ValueError:
                raise ValueError(f"{path}:{number}: relevance {rel!r} is not a number") from None
            if relevant:
                qrels[qid].add(doc)
            else:
                qrels.setdefault(qid, set())
    return dict(qrels)


@dataclass(frozen=True)
class Agreement:
    """How often the reviewed answer of a job is first, or in the first five, of a ranking."""

    jobs: int
    first: int
    top5: int

    @property
    def first_share(self) -> float:
        return self.first / self.jobs if self.jobs else 0.0

    @property
    def top5_share(self) -> float:
        return self.top5 / self.jobs if self.jobs else 0.0


def agreement(gold: Mapping[str, set[str]], ranked: Mapping[str, Sequence[str]]) -> Agreement:
    """``gold``: job → its reviewed objects; ``ranked``: job → objects, best first. A job counts
    as first when its first object is a reviewed one, as top 5 when one is in the first five."""
    jobs = [j for j, objs in gold.items() if objs]
    first = sum(1 for j in jobs if ranked.get(j) and ranked[j][0] in gold[j])
    top5 = sum(1 for j in jobs if set(list(ranked.get(j, ()))[:5]) & gold[j])
    return Agreement(len(jobs), first, top5)
