"""Subcommands on the sources and the cards: ``repair``, ``extract``, ``matrix`` and ``check``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nomengraph.cli.common import err, load_settings, progress
from nomengraph.exitcodes import EXIT_ERROR, EXIT_NONCONFORMING, EXIT_OK
from nomengraph.settings import Settings


def cmd_repair(args: argparse.Namespace) -> int:
    from nomengraph.repair import audit, repair_text

    if args.file in (None, "-"):
        raw = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        try:
            raw = Path(args.file).read_bytes()
        except OSError as exc:
            err(f"{args.file}: {exc.strerror}")
            return EXIT_ERROR
        name = args.file
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        err(f"{name}:{line}: not valid UTF-8 ({exc.reason})")
        return EXIT_ERROR
    repaired = repair_text(text)
    if args.output and args.output != "-":
        Path(args.output).write_text(repaired, encoding="utf-8", newline="")
    else:
        sys.stdout.buffer.write(repaired.encode("utf-8"))
        sys.stdout.flush()
    if args.stats:
        stats = audit(text, repaired)
        print(stats.summary(), file=sys.stderr)
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from nomengraph.extract import ExtractError, output_folder, run_extract

    s = load_settings(args)
    cards = output_folder(s.cards)
    try:
        summary = run_extract(s.sources, cards, s.corrections, progress=progress)
    except ExtractError as exc:
        err(f"{exc}\nThe cards in {cards} were left unchanged.")
        return EXIT_ERROR
    print(f"cards written to {cards.resolve()}/")
    if cards != s.cards:
        print(
            "  (the reference cards of the installed package are never rewritten; "
            f"use these with --cards {cards} or NOMENGRAPH_CARDS={cards})"
        )
    print(f"{'edition':<14}{'jobs':>6}{'cards':>7}{'competence requirements':>26}")
    for edition, count in summary.cards.items():
        print(
            f"{edition:<14}{count:>6}{summary.with_card[edition]:>7}"
            f"{summary.requirements[edition]:>26}"
        )
    print(f"data files: {', '.join(summary.data_files)}")
    print(f"corrections applied: {len(summary.corrections)}")
    print(f"warnings (source faults recorded as printed): {len(summary.warnings)}")
    if args.verbose:
        for w in summary.warnings:
            print(f"  {w}")
    else:
        print(f"  listed in {cards}/extract-warnings.txt")
    return EXIT_OK


def cmd_matrix(args: argparse.Namespace) -> int:
    from nomengraph.cards import CardError, load_cards
    from nomengraph.matrix import format_rows, matrix_rows

    s = load_settings(args)
    folder = s.cards / args.edition
    if not folder.is_dir():
        err(f"no cards for edition {args.edition!r} in {folder}")
        return EXIT_ERROR
    try:
        cards = load_cards(folder)
    except CardError as exc:
        err(str(exc))
        return EXIT_ERROR
    sys.stdout.write(format_rows(matrix_rows(cards, args.edition), args.format))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from nomengraph.cards import (
        CardError,
        is_edition_folder,
        iter_card_files,
        load_cards,
        load_edition_cards,
    )
    from nomengraph.texts import say

    lang = Settings.load(lang=args.lang).lang
    path = Path(args.path)
    if not path.exists():
        print(say("error", lang, message=say("check.missing", lang, path=path)), file=sys.stderr)
        return EXIT_ERROR
    try:
        if path.is_file():
            from nomengraph.cards import load_card

            cards = [load_card(path)]
        elif is_edition_folder(path):
            # An organisation's edition: its edition.yaml, then its cards, which must be its own.
            cards, problems = load_edition_cards(path)
            if problems:
                raise CardError(problems)
        else:
            if not any(iter_card_files(path)):
                message = say("check.empty", lang, path=path)
                print(say("error", lang, message=message), file=sys.stderr)
                return EXIT_ERROR
            cards = load_cards(path)
    except CardError as exc:
        for p in exc.problems:
            print(p.shown(lang))
        print(say("check.problems", lang, n=len(exc.problems)), file=sys.stderr)
        return EXIT_NONCONFORMING
    print(say("check.conform", lang, n=len(cards)))
    return EXIT_OK
