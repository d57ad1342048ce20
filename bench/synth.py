"""Synthetic card sets: the real cards copied ``factor`` times under new job and family numbers.

Copy 0 is the real set; copy k shifts every CIGREF family number by 100·k (so job ``2.3``
becomes ``102.3``, ``202.3``…) and every SIC position by 1000·k. The e-CF frameworks and the
matrix are kept once, so every copy cites the same competences and the graph stays valid.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

DATA_DIRS = ("ecf", "matrix")
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's when PyYAML has it
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _renumber(card: dict, k: int) -> dict:
    card = dict(card)
    family = card.get("family")
    if family:
        fam = int(family["number"]) + 100 * k
        card["family"] = {**family, "number": str(fam)}
        rest = card["number"].split(".", 1)[1]
        card["number"] = f"{fam}.{rest}"
    else:
        width = len(card["number"])
        card["number"] = str(int(card["number"]) + 1000 * k).zfill(width)
    card["id"] = f"{card['edition']}-{card['number']}"
    return card


def make_cards(source: Path, target: Path, factor: int) -> int:
    """Write ``factor`` copies of the cards of ``source`` into ``target``; returns the job count."""
    source, target = Path(source), Path(target)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    jobs = 0
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        if folder.name in DATA_DIRS:
            shutil.copytree(folder, target / folder.name)
            continue
        out = target / folder.name
        out.mkdir()
        for path in sorted(folder.glob("*.yaml")):
            card = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
            for k in range(factor):
                copy = card if k == 0 else _renumber(card, k)
                text = yaml.dump(
                    copy, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100
                )
                (out / f"{copy['number']}.yaml").write_text(text, encoding="utf-8")
                jobs += 1
    return jobs
