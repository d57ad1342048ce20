"""A prior over the groups of the target's concepts: where the jobs of IT nomenclatures land.

Every job of the shipped nomenclatures (CIGREF, SIC) is an IT job, and their reviewed answers sit
in a few ISCO-08 groups (25xx ICT professionals, 1330 ICT service managers, 35xx ICT
technicians...) and a few ROME domains (M18 "Systèmes d'information et de télécommunication").
The prior file (``data/link/it-prior.tsv``, written by ``tools/build_link_prior.py`` from the
reviewed sets of the CIGREF 2018 edition only) gives, for each level of those hierarchies, the
share of the 2018 jobs whose reviewed answers fall in each group.

A concept's prior probability is the sum, over the levels, of its group's share divided by the
number of corpus concepts in that group (a share spread evenly over the group: a prior over
groups, not over the concepts the 2018 jobs happened to be linked to). The matcher adds
``Weights.prior × log(1 + p × N / FLOOR)`` (N: the corpus's concepts): 0 for a concept outside
every learned group, and for the others the log-odds against a floor of ``FLOOR`` / N, shifted so
that no score becomes negative.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from nomengraph import resources
from nomengraph.link.matcher import Concept

PRIOR_FILE = resources.LINK / "it-prior.tsv"
FLOOR = 1e-4
"""The probability, relative to an even share (1 / N), of a concept outside every learned group."""
HEADER = ("target", "level", "group", "share")
LEVELS = {"esco": ("isco4", "isco3", "isco2"), "rome": ("domain", "area")}
"""The levels of each target's hierarchy the prior is stated for, finest first."""
_TARGET_OF_KIND = {"occupation": "esco", "rome": "rome"}


class PriorError(ValueError):
    """A prior file that cannot be read: the message names the file and the line."""


@dataclass(frozen=True)
class Prior:
    """target → level → group → share of the jobs whose reviewed answers fall in the group."""

    shares: Mapping[str, Mapping[str, Mapping[str, float]]]

    def bonus(self, concepts: Mapping[str, Concept]) -> dict[str, float]:
        """Each concept's ``log(1 + p × N / FLOOR)`` (0 outside every learned group)."""
        keys = {iri: group_keys(c) for iri, c in concepts.items()}
        sizes: Counter[tuple[str, str]] = Counter(k for ks in keys.values() for k in ks)
        n = max(len(concepts), 1)
        out: dict[str, float] = {}
        for iri, c in concepts.items():
            levels = self.shares.get(_TARGET_OF_KIND.get(c.kind, ""), {})
            p = sum(levels.get(lv, {}).get(g, 0.0) / sizes[(lv, g)] for lv, g in keys[iri])
            out[iri] = math.log1p(p * n / FLOOR)
        return out


def group_keys(concept: Concept) -> list[tuple[str, str]]:
    """The (level, group) pairs of a concept, finest first: for an ESCO occupation its ISCO-08
    unit, minor and sub-major groups (from its ESCO code, ``2511.17`` → 2511, 251, 25); for a
    ROME fiche its domaine professionnel and grand domaine (``M1805`` → M18, M). None for other
    kinds or a concept without a code."""
    code = concept.notation
    if concept.kind == "occupation":
        unit = code.split(".")[0]
        if len(unit) == 4 and unit.isdigit():
            return list(zip(LEVELS["esco"], (unit, unit[:3], unit[:2]), strict=True))
    elif concept.kind == "rome" and len(code) == 5 and code[0].isalpha():
        return list(zip(LEVELS["rome"], (code[:3], code[:1]), strict=True))
    return []


def read_prior(path: str | Path = PRIOR_FILE) -> Prior:
    """A prior file: TSV ``target level group share`` after ``#`` comment lines."""
    path = Path(path)
    shares: dict[str, dict[str, dict[str, float]]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise PriorError(f"{path}: {exc.strerror or exc}") from None
    body = [(n, line) for n, line in enumerate(lines, 1) if line and not line.startswith("#")]
    if not body or tuple(body[0][1].split("\t")) != HEADER:
        raise PriorError(f"{path}: expected the header {' '.join(HEADER)!r}")
    for number, line in body[1:]:
        cells = line.split("\t")
        if len(cells) != 4 or cells[1] not in LEVELS.get(cells[0], ()):
            raise PriorError(f"{path}:{number}: expected 'target level group share', got {line!r}")
        try:
            share = float(cells[3])
        except ValueError:
            raise PriorError(f"{path}:{number}: share {cells[3]!r} is not a number") from None
        if not 0.0 <= share <= 1.0:
            raise PriorError(f"{path}:{number}: share {share} outside [0, 1]")
        shares.setdefault(cells[0], {}).setdefault(cells[1], {})[cells[2]] = share
    return Prior(shares)


def learn_shares(
    answers: Mapping[str, Sequence[Concept]], target: str
) -> dict[str, dict[str, float]]:
    """level → group → share, from jobs' reviewed answers (job → its answer concepts): each job
    counts 1 / (number of jobs), split evenly over its answers that have a group."""
    out: dict[str, dict[str, float]] = {lv: {} for lv in LEVELS[target]}
    jobs = [objs for objs in answers.values() if objs]
    for objs in jobs:
        placed = [group_keys(c) for c in objs]
        placed = [p for p in placed if p]
        for keys in placed:
            for level, group in keys:
                out[level][group] = out[level].get(group, 0.0) + 1.0 / len(placed) / len(jobs)
    return out
