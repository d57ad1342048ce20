"""``python -m bench.linking``: the matcher of ``nomengraph link match`` on the MELO benchmark and
against the project's reviewed mapping sets.

MELO (Avature, 2024, MIT): French queries against ESCO labels in French (``*_c_fr``) or English
(``*_c_en``); the Belgian sets (``bel_*``) are the ones the weights were chosen on, the French
sets (``fra_*``, built from the official ESCO–ROME crosswalk, which the matcher never reads) are
the test. The figures are MELO's: MRR and accuracy at 1, 5 and 10 over the first 100 elements in
``trec_eval`` order. Reviewed sets: how often the reviewed answer of a job comes first, and within
the first five, when the job's card is matched against ESCO (or ROME) with the IT prior
(``nomengraph.link.priors``, learned from the CIGREF 2018 sets: those two are the tuning sets,
the CIGREF 2010 and SIC ones are held out).

Needs ``../shared/vocab`` (ESCO, ROME, MELO); skips with a message when it is absent. Writes
``bench/results/linking.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench import RESULTS, ROOT

VOCAB = ROOT.parent / "shared" / "vocab"
MELO = VOCAB / "crosswalks" / "melo"
TUNING = ("bel_q_fr_c_fr", "bel_q_fr_c_en")
TEST = ("fra_q_fr_c_fr", "fra_q_fr_c_en")
REVIEWED = {  # set → (edition of the cards, target)
    "cigref-2010-esco": ("cigref-2010", "esco"),
    "cigref-2018-esco": ("cigref-2018", "esco"),
    "sic-esco": ("sic", "esco"),
    "cigref-2010-rome": ("cigref-2010", "rome"),
    "cigref-2018-rome": ("cigref-2018", "rome"),
    "sic-rome": ("sic", "rome"),
}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def esco_folder(tmp: Path) -> Path:
    """One ESCO v1.2.0 export folder as ``nomengraph import`` reads it: the English files, the
    reconstructed skills and relations, the French labels (occupations and skills from the ESCO
    API, ISCO-08 groups from the v1.0 export)."""
    folder = tmp / "v1.2.0"
    folder.mkdir()
    esco = VOCAB / "esco"
    for path in (esco / "v1.2.0_en").glob("*.csv"):
        (folder / path.name).symlink_to(path.resolve())
    for name in ("skills_en", "occupationSkillRelations_en"):
        (folder / f"{name}.csv").symlink_to(esco / "derived" / f"{name}_v1.2.0_reconstructed.csv")
    for name in ("occupations_fr", "skills_fr"):
        (folder / f"{name}.csv").symlink_to(esco / "fr" / "v1.2.1_api_labels" / f"{name}.csv")
    (folder / "ISCOGroups_fr.csv").symlink_to(esco / "fr" / "v1.0.x" / "ISCOGroups_fr.csv")
    return folder


def run_melo(name: str, corpus_args: dict, weights: object) -> dict:
    from nomengraph.link import rank_metrics, read_qrels
    from nomengraph.link import run as link_run

    d = MELO / name
    started = time.perf_counter()
    queries = link_run.read_queries(d / "queries.tsv")
    corpus = link_run.build_corpus(
        "esco", corpus=d / "corpus_elements.tsv", concepts_file=d / "concept_mapping.tsv",
        **corpus_args,
    )  # fmt: skip
    matches = link_run.match(queries, corpus, 100, weights)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    run: dict[str, list[str]] = {}
    for m in matches:
        run.setdefault(m.query.id, []).append(m.docid)
    metrics = rank_metrics(read_qrels(d / "annotations.tsv"), run)
    say(f"{name}: {metrics.as_text()} in {seconds:.1f} s")
    return {"dataset": name, **metrics.as_dict(), "seconds": round(seconds, 1)}


def run_reviewed(esco: Path, rome: Path) -> list[dict]:
    from nomengraph import resources
    from nomengraph.link import agreement, read_sssom
    from nomengraph.link import run as link_run
    from nomengraph.link.priors import read_prior

    prior = read_prior()
    out = []
    corpora: dict[str, link_run.Corpus] = {}
    for set_name, (edition, target) in REVIEWED.items():
        mset = read_sssom(resources.MAPPINGS / f"{set_name}.sssom.tsv")
        gold: dict[str, set[str]] = {}
        for row in mset.rows:
            if not row.no_match:
                gold.setdefault(mset.expand(row.subject_id), set()).add(mset.expand(row.object_id))
        if target not in corpora:
            corpora[target] = link_run.build_corpus(target, [esco], rome)
        queries = link_run.card_queries(resources.CARDS / edition)
        ranked: dict[str, list[str]] = {}
        for m in link_run.match(queries, corpora[target], 5, prior=prior):
            ranked.setdefault(m.query.id, []).append(m.concept)
        a = agreement(gold, ranked)
        say(f"{set_name}: first {a.first}/{a.jobs}, top 5 {a.top5}/{a.jobs}")
        out.append(
            {
                "set": set_name,
                "jobs": a.jobs,
                "first": round(a.first_share, 4),
                "top5": round(a.top5_share, 4),
            }
        )
    return out


def available() -> bool:
    return MELO.is_dir() and (VOCAB / "esco" / "v1.2.0_en").is_dir()


def part_linking(args: argparse.Namespace, work: Path, out: dict) -> None:
    """The linking part of ``python -m bench`` (``--parts linking``): this module's run, its
    record under ``out["linking"]`` (skipped with a note when the shared data is absent)."""
    if not available():
        message = f"linking: skipped, {VOCAB} (ESCO, ROME, MELO) is not present"
        say(message)
        out.setdefault("notes", []).append(message)
        out["linking"] = None
        return
    main(["--out", str(work / "linking.json")])
    out["linking"] = json.loads((work / "linking.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.linking", description=__doc__)
    p.add_argument("--datasets", default=",".join(TUNING + TEST), help="MELO datasets")
    p.add_argument("--no-reviewed", action="store_true", help="skip the reviewed sets")
    p.add_argument("--no-context", action="store_true", help="without the ROME context")
    p.add_argument("--out", type=Path, default=RESULTS / "linking.json")
    args = p.parse_args(argv)
    if not available():
        say(f"linking: skipped, {VOCAB} (ESCO, ROME, MELO) is not present")
        return 0
    from nomengraph.link import Weights
    from nomengraph.link.sources import read_esco_concepts, read_rome

    rome = VOCAB / "rome" / "v460"
    with tempfile.TemporaryDirectory() as tmp:
        esco = esco_folder(Path(tmp))
        started = time.perf_counter()
        read_esco_concepts(esco)
        read_rome(rome)
        load = time.perf_counter() - started
        say(f"ESCO occupations and ISCO groups, ROME fiches read in {load:.1f} s")
        corpus_args = {"esco": [esco], "rome": None if args.no_context else rome}
        weights = Weights()
        melo = [run_melo(n, corpus_args, weights) for n in args.datasets.split(",") if n]
        reviewed = [] if args.no_reviewed else run_reviewed(esco, rome)
    record = {
        "weights": {k: v for k, v in vars(weights).items() if k != "kind_penalty"},
        "context": not args.no_context,
        "load_seconds": round(load, 1),
        "melo": melo,
        "reviewed": reviewed,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    say(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
