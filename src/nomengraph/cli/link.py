"""The ``link`` subcommand: mappings to ESCO and ROME (``check``, ``match``, ``propose``,
``evaluate``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from nomengraph.cli.common import err, load_settings, progress
from nomengraph.exitcodes import EXIT_ERROR, EXIT_NONCONFORMING, EXIT_OK

if TYPE_CHECKING:
    from nomengraph.link import KnownObjects


def _known_objects(
    link: ModuleType, cards: Path, esco: list[str] | None, rome: str | None
) -> KnownObjects:
    """What ``link check`` checks objects against: the project's jobs and competences, the
    O*NET-SOC occupations the package ships, and the ESCO occupations, skills and ISCO-08 groups
    (``--esco``) and ROME fiches (``--rome``) given; objects of a vocabulary not given are not
    checked, and the command says so."""
    from nomengraph import iris, labels, prefixes, resources
    from nomengraph.vocabularies import ESCO_BASE

    known = set(link.known_subjects(cards))
    onet = resources.LABELS / "onet-occupations.tsv"
    known |= {iris.onet(r["code"]) for _, r in labels.read_table(onet, labels.FILES[onet.name])}
    unchecked: list[str] = []
    if esco:
        known |= set(link.read_esco_occupations(*esco))
        known |= set(link.read_esco_skills(*esco))
        known |= set(link.read_esco_concepts(*esco, kinds=("isco",)))
    else:
        unchecked.append(ESCO_BASE)
        print("ESCO objects not checked (no --esco)")
    if rome:
        known |= set(link.read_rome(rome))
    else:
        unchecked.append(prefixes.PREFIXES["rome"])
        print("ROME objects not checked (no --rome)")
    return link.KnownObjects(frozenset(known), tuple(unchecked))


def cmd_link(args: argparse.Namespace) -> int:
    from nomengraph import link
    from nomengraph.link import run as link_run
    from nomengraph.vocabularies import VocabularyError

    s = load_settings(args)
    try:
        if args.link_command == "match":
            return _link_match(args)
        if args.link_command == "evaluate":
            qrels = link.read_qrels(args.qrels)
            run: dict[str, list[tuple[str, float]]] = {}
            for number, line in enumerate(Path(args.run).read_text("utf-8").splitlines(), 1):
                cells = line.split()
                if not cells:
                    continue
                if len(cells) != 6:
                    err(f"{args.run}:{number}: expected 'qid Q0 docid rank score tag'")
                    return EXIT_ERROR
                try:
                    run.setdefault(cells[0], []).append((cells[2], float(cells[4])))
                except ValueError:
                    err(f"{args.run}:{number}: score {cells[4]!r} is not a number")
                    return EXIT_ERROR
            ranked = {q: link.trec_order(pairs) for q, pairs in run.items()}
            print(link.rank_metrics(qrels, ranked).as_text())
            return EXIT_OK
        if args.link_command == "check":
            objects = None
            if args.esco or args.rome:
                objects = _known_objects(link, s.cards, args.esco, args.rome)
            sets = link.read_mappings(s.mappings, link.known_subjects(s.cards), objects)
            for mset in sets:
                print(f"{mset.name:<20}{len(mset.rows):>6} rows{len(mset.subjects()):>6} subjects")
            return EXIT_OK
        if args.target == "rome":
            if not args.rome:
                err("--rome DIR is needed for --target rome")
                return EXIT_ERROR
            targets = list(link.read_rome(args.rome).values())
        else:
            if not args.esco:
                err(f"--esco DIR is needed for --target {args.target}")
                return EXIT_ERROR
            read = (
                link.read_esco_skills if args.target == "esco-skill" else link.read_esco_occupations
            )
            targets = list(read(*args.esco).values())
        meta, rows = link.candidate_set(s.cards, args.edition, targets, args.target, args.k)
        text = link.format_sssom(meta, rows)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
            print(f"{len(rows)} candidate rows written to {args.out}")
        else:
            sys.stdout.write(text)
    except link.MappingError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s)", file=sys.stderr)
        return EXIT_NONCONFORMING
    except (link_run.InputError, VocabularyError, ValueError) as exc:
        err(str(exc))
        return EXIT_ERROR
    except (OSError, KeyError) as exc:
        err(str(exc))
        return EXIT_ERROR
    return EXIT_OK


def _link_match(args: argparse.Namespace) -> int:
    """``link match``: rank the corpus for each query and write the run."""
    from nomengraph.link import run as link_run

    if args.k < 1:
        err(f"-k {args.k}: give at least 1")
        return EXIT_ERROR
    queries = link_run.read_queries(args.queries)
    progress(f"link match: {len(queries)} queries; reading the corpus")
    corpus = link_run.build_corpus(
        args.target, args.esco or (), args.rome, args.corpus, args.concepts, args.cards
    )
    prior = None
    if (args.prior or ("it" if Path(args.queries).is_dir() else "none")) == "it":
        from nomengraph.link.priors import read_prior

        prior = read_prior()
    matches = link_run.match(queries, corpus, args.k, prior=prior)
    if args.format == "trec":
        text = link_run.format_trec(matches)
    elif args.format == "tsv":
        text = link_run.format_tsv(matches)
    else:
        from nomengraph.link import format_sssom

        source = "" if Path(args.queries).is_dir() else str(args.queries)
        meta, rows = link_run.sssom_rows(matches, queries_source=source)
        text = format_sssom(meta, rows)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        progress(f"link match: {len(matches)} lines written to {args.out}")
    else:
        sys.stdout.write(text)
    return EXIT_OK
