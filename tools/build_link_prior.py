"""Learn the IT prior of ``nomengraph link match`` from the reviewed sets of CIGREF 2018.

Writes ``src/nomengraph/data/link/it-prior.tsv``: for each level of the ISCO-08 hierarchy (unit,
minor, sub-major group of each ESCO answer, from its ESCO code) and of the ROME (domaine
professionnel, grand domaine of each fiche), the share of the CIGREF 2018 jobs whose reviewed
answers fall in each group (:func:`nomengraph.link.priors.learn_shares`). Only the tuning edition
is read, ``data/mappings/cigref-2018-esco.sssom.tsv`` and ``cigref-2018-rome.sssom.tsv``, with
the ESCO codes of the answers from ``data/labels/esco-occupations.tsv``; the CIGREF 2010 and SIC
sets, on which the matcher is tested, are not. A second run gives a byte-identical file::

    python tools/build_link_prior.py [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from nomengraph import resources
from nomengraph.link import read_sssom
from nomengraph.link.matcher import Concept
from nomengraph.link.priors import HEADER, LEVELS, PRIOR_FILE, learn_shares

SETS = {"esco": "cigref-2018-esco", "rome": "cigref-2018-rome"}
ROME = "https://w3id.org/nomengraph/id/rome/"


def esco_codes(path: Path) -> dict[str, str]:
    """ESCO occupation IRI → its ESCO code (``2511.17``), from the shipped labels."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["iri"]: r["code"] for r in csv.DictReader(fh, delimiter="\t")}


def answers(target: str, mappings: Path, codes: dict[str, str]) -> dict[str, list[Concept]]:
    """Job IRI → its reviewed answers as concepts (code and kind: what the prior needs)."""
    mset = read_sssom(mappings / f"{SETS[target]}.sssom.tsv")
    out: dict[str, list[Concept]] = {}
    for row in mset.rows:
        job = out.setdefault(mset.expand(row.subject_id), [])
        if row.no_match:
            continue
        iri = mset.expand(row.object_id)
        if target == "esco":
            job.append(Concept(iri, (row.object_label,), notation=codes[iri], kind="occupation"))
        else:
            code = iri.removeprefix(ROME)
            job.append(Concept(iri, (row.object_label,), notation=code, kind="rome"))
    return out


def build(mappings: Path = resources.MAPPINGS, labels: Path = resources.LABELS) -> str:
    codes = esco_codes(labels / "esco-occupations.tsv")
    lines = [
        "# Prior of nomengraph link match over the groups of its targets (IT jobs).",
        "# Learned from the reviewed sets of the CIGREF 2018 edition only: "
        + ", ".join(f"{s}.sssom.tsv" for s in SETS.values())
        + " (CC BY 4.0, nomengraph team), ESCO codes from labels/esco-occupations.tsv",
        "# (ESCO v1.2.0, European Commission). share: the part of the 2018 jobs whose reviewed",
        "# answers fall in the group (a job with n answers counts 1/n for each). Written by",
        "# tools/build_link_prior.py; do not edit.",
        "\t".join(HEADER),
    ]
    for target in SETS:
        shares = learn_shares(answers(target, mappings, codes), target)
        for level in LEVELS[target]:
            for group, share in sorted(shares[level].items()):
                lines.append(f"{target}\t{level}\t{group}\t{share:.6f}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=PRIOR_FILE, help="default: the shipped file")
    args = p.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(build(), encoding="utf-8")
    print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
