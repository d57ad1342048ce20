"""Subcommands that make the graph: ``convert``, ``validate``, ``build`` and ``import``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nomengraph.cli.common import err, load_settings, progress
from nomengraph.exitcodes import EXIT_ERROR, EXIT_NONCONFORMING, EXIT_OK
from nomengraph.settings import Settings


def cmd_convert(args: argparse.Namespace) -> int:
    from nomengraph.cards import CardError
    from nomengraph.convert import convert_all, export

    s = load_settings(args)
    try:
        progress(f"convert: reading cards from {s.cards}")
        dataset = convert_all(s.cards)
        files = export(dataset, s.exports)
    except CardError as exc:
        err(str(exc))
        return EXIT_ERROR
    except OSError as exc:
        err(f"cannot write the exports: {exc}")
        return EXIT_ERROR
    for fmt, path in files.items():
        print(f"{fmt:<8} {path}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from nomengraph.validate import run_validate

    settings = load_settings(args)  # a bad setting stops here, named
    path = Path(args.path) if args.path else None
    return run_validate(path, args.format, args.engine, settings.lang, settings.cards)


def cmd_build(args: argparse.Namespace) -> int:
    from nomengraph.build import BuildError, run_build
    from nomengraph.cards import edition_folder_problem, reference_folder_problem
    from nomengraph.texts import listed, say
    from nomengraph.validate import edition_view

    s = load_settings(args)
    lang = s.lang
    editions: list[Path] = list(getattr(args, "editions", None) or [])
    for problem in [
        *(edition_folder_problem(e, lang) for e in editions),
        reference_folder_problem(s.cards, "build", lang),
    ]:
        if problem:
            print(say("error", lang, message=problem), file=sys.stderr)
            return EXIT_ERROR
    remote = None
    if (Path(s.store) / "CURRENT").exists():
        kept = say("build.kept.store", lang, store=s.store)
    else:
        kept = say("build.kept.none", lang, store=s.store)
    if s.remote_store is not None:
        from nomengraph.remote import RemoteStore
        from nomengraph.store import StoreError

        try:
            remote = RemoteStore.from_settings(s)
        except StoreError as exc:
            err(str(exc), lang)
            return EXIT_ERROR
        kept = say("build.kept.remote", lang, url=remote.display_url)
    try:
        result = run_build(
            s.cards,
            Path(s.store) if remote is None else Path("."),
            s.exports,
            progress=progress,
            mappings_dir=s.mappings,
            esco_dir=s.esco,
            rome_dir=s.rome,
            remote=remote,
            editions=editions,
            lang=lang,
        )
    except BuildError as exc:
        err(str(exc) if exc.written else f"{exc}\n{kept[0].upper()}{kept[1:]}.", lang)
        return EXIT_ERROR
    if not result.report.conforms:
        edition_view(result.report, editions)  # what `validate DIR` shows
        sys.stdout.write(result.report.to_table())
        found = [
            say(key, lang, n=n)
            for n, key in (
                (len(result.report.problems), "count.Error"),
                (len(result.report.violations), "count.Violation"),
            )
            if n
        ]
        print(say("build.stopped", lang, found=listed(found, lang), kept=kept), file=sys.stderr)
        return EXIT_NONCONFORMING
    print(result.summary())
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from nomengraph.vocabularies import VocabularyError, import_esco, import_rome, write_graph

    importer = import_esco if args.vocabulary == "esco" else import_rome
    out = args.out or Settings.load().exports / f"{args.vocabulary}.nq"
    try:
        progress(f"import: reading {args.vocabulary} from {args.folder}")
        graph, report = importer(Path(args.folder), args.release)
        write_graph(graph, out)
    except VocabularyError as exc:
        err(str(exc))
        return EXIT_ERROR
    except OSError as exc:
        err(f"cannot write {out}: {exc.strerror or exc}")
        return EXIT_ERROR
    print(report.summary())
    print(f"written to {out}")
    return EXIT_OK
