"""The ``nomengraph`` command: thin subcommands over the pipeline stages.

Exit codes: 0 ok, 1 data does not conform, 2 error (bad input, missing file...).
"""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from nomengraph import __version__
from nomengraph.exitcodes import EXIT_ERROR, EXIT_NONCONFORMING, EXIT_OK
from nomengraph.resources import ResourceError
from nomengraph.settings import Settings, SettingsError
from nomengraph.texts import LANGUAGES, say

STORE_HELP = "store folder (default: store) or remote SPARQL endpoint URL (docs/remote-store.md)"
PACKAGED_CARDS = "default: the reference nomenclatures shipped in the package"
CARDS_HELP = f"cards folder ({PACKAGED_CARDS})"
LANG_HELP = "language of the output: en (default) or fr; NOMENGRAPH_LANG sets it too"
# Settings whose flag is not --<name with hyphens>, for messages about a bad value.
FLAGS = {"exports": "--out", "query_timeout": "--timeout", "in_memory": "--on-disk"}


def _err(message: str, lang: str = "en") -> None:
    print(say("error", lang, message=message), file=sys.stderr)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _bad_setting(exc: SettingsError, lang: str = "en") -> str:
    """One line naming the setting (environment variable or flag) and its bad value."""
    if exc.source.startswith("NOMENGRAPH_"):
        return say("setting.variable", lang, name=exc.source, value=exc.value, reason=exc.reason)
    flag = FLAGS.get(exc.setting, "--" + exc.setting.replace("_", "-"))
    return say("setting.flag", lang, flag=flag, value=exc.value, reason=exc.reason)


def _run_lang(args: argparse.Namespace | None) -> str:
    """The language of a run's errors: for a command that speaks French (it has --lang),
    --lang, else NOMENGRAPH_LANG when it is one of the languages; else English."""
    import os

    if not hasattr(args, "lang"):
        return "en"
    lang = args.lang or os.environ.get("NOMENGRAPH_LANG", "en")
    return lang if lang in LANGUAGES else "en"


def _port_problem(host: str, port: int) -> str | None:
    """None when ``host:port`` can be listened on now, else why not (the port is busy...)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"cannot listen on {host}:{port}: {exc.strerror}"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"port {port} of {host} is already in use (another server?); "
                    "choose another one with --port or NOMENGRAPH_PORT"
                )
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.load(
        sources=getattr(args, "sources", None),
        cards=getattr(args, "cards", None),
        corrections=getattr(args, "corrections", None),
        store=getattr(args, "store", None),
        exports=getattr(args, "out", None),
        mappings=getattr(args, "mappings", None),
        esco=getattr(args, "esco", None),
        rome=getattr(args, "rome", None),
        lang=getattr(args, "lang", None),
    )


def cmd_repair(args: argparse.Namespace) -> int:
    from nomengraph.repair import audit, repair_text

    if args.file in (None, "-"):
        raw = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        try:
            raw = Path(args.file).read_bytes()
        except OSError as exc:
            _err(f"{args.file}: {exc.strerror}")
            return EXIT_ERROR
        name = args.file
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        _err(f"{name}:{line}: not valid UTF-8 ({exc.reason})")
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

    s = _settings(args)
    cards = output_folder(s.cards)
    try:
        summary = run_extract(s.sources, cards, s.corrections, progress=_progress)
    except ExtractError as exc:
        _err(f"{exc}\nThe cards in {cards} were left unchanged.")
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

    s = _settings(args)
    folder = s.cards / args.edition
    if not folder.is_dir():
        _err(f"no cards for edition {args.edition!r} in {folder}")
        return EXIT_ERROR
    try:
        cards = load_cards(folder)
    except CardError as exc:
        _err(str(exc))
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


def cmd_convert(args: argparse.Namespace) -> int:
    from nomengraph.cards import CardError
    from nomengraph.convert import convert_all, export

    s = _settings(args)
    try:
        _progress(f"convert: reading cards from {s.cards}")
        dataset = convert_all(s.cards)
        files = export(dataset, s.exports)
    except CardError as exc:
        _err(str(exc))
        return EXIT_ERROR
    except OSError as exc:
        _err(f"cannot write the exports: {exc}")
        return EXIT_ERROR
    for fmt, path in files.items():
        print(f"{fmt:<8} {path}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from nomengraph.validate import run_validate

    lang = _settings(args).lang  # a bad setting stops here, named
    if args.cards is not None:
        import os

        os.environ["NOMENGRAPH_CARDS"] = str(args.cards)
    path = Path(args.path) if args.path else None
    return run_validate(path, args.format, args.engine, lang)


def cmd_build(args: argparse.Namespace) -> int:
    from nomengraph.build import BuildError, run_build
    from nomengraph.cards import edition_folder_problem, reference_folder_problem
    from nomengraph.texts import listed, say
    from nomengraph.validate import edition_view

    s = _settings(args)
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
            _err(str(exc), lang)
            return EXIT_ERROR
        kept = say("build.kept.remote", lang, url=remote.display_url)
    try:
        result = run_build(
            s.cards,
            Path(s.store) if remote is None else Path("."),
            s.exports,
            progress=_progress,
            mappings_dir=s.mappings,
            esco_dir=s.esco,
            rome_dir=s.rome,
            remote=remote,
            editions=editions,
            lang=lang,
        )
    except BuildError as exc:
        _err(str(exc) if exc.written else f"{exc}\n{kept[0].upper()}{kept[1:]}.", lang)
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


def cmd_load(args: argparse.Namespace) -> int:
    from nomengraph.build import push_to_remote
    from nomengraph.remote import RemoteStore
    from nomengraph.store import StoreError, build_store

    s = _settings(args)
    source = Path(args.source) if args.source else Path(s.exports) / "nomengraph.nq"
    try:
        data = source.read_bytes()
    except OSError as exc:
        _err(f"{source}: {exc.strerror} (run `nomengraph build` or `convert` first)")
        return EXIT_ERROR
    try:
        if s.remote_store is not None:
            remote = RemoteStore.from_settings(s)
            remote.ping()
            sizes = push_to_remote(data, remote, progress=_progress)
            where = f"the remote store {remote.display_url}"
        else:
            sizes = build_store(data, Path(s.store), progress=_progress)
            where = str(s.store)
    except StoreError as exc:
        _err(f"{exc}\nThe graphs served were left as they were.")
        return EXIT_ERROR
    print(f"loaded {source} into {where}")
    for graph, n in sizes.items():
        print(f"  {graph}: {n:,} triples")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from nomengraph.build import store_stats
    from nomengraph.store import StoreError

    s = _settings(args)
    try:
        if s.remote_store is not None:
            from nomengraph.remote import RemoteStore

            remote = RemoteStore.from_settings(s)
            print(store_stats(remote))
            leftovers = remote.leftover_staging()
            print(
                f"\nstaging graphs left by an interrupted push: {len(leftovers)}"
                + ("".join(f"\n  {g}" for g in leftovers))
                + ("\n  (the next build or load drops them)" if leftovers else "")
            )
        else:
            print(store_stats(Path(s.store)))
    except StoreError as exc:
        _err(str(exc))
        return EXIT_ERROR
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    s = Settings.load(
        store=args.store,
        host=args.host,
        port=args.port,
        workers=args.workers,
        per_client=args.per_client,
        query_timeout=args.timeout,
        max_rows=args.max_rows,
        update_token=args.update_token,
        allow_service=True if args.allow_service else None,
        in_memory=False if args.on_disk else None,
    )
    problem = _port_problem(s.host, s.port)
    if problem:
        _err(problem)
        return EXIT_ERROR
    from nomengraph.server.run import run_server

    return run_server(s)


def cmd_query(args: argparse.Namespace) -> int:
    from nomengraph.query import (
        QUERIES,
        QueryError,
        check_values,
        format_result,
        list_queries,
        load_query,
        run_query,
    )
    from nomengraph.store import OxigraphStore, StoreError

    folder = args.queries or QUERIES
    try:
        if args.list:
            for q in list_queries(folder):
                params = " ".join(
                    f"{p.name}=<{p.type}>" if p.required else f"[{p.name}=<{p.type}>]"
                    for p in q.params
                )
                print(f"{q.name:<44} {params}".rstrip())
                print(f"    {q.summary}")
            return EXIT_OK
        if not args.name:
            _err("give a query name, or --list to list them")
            return EXIT_ERROR
        params: dict[str, str] = {}
        for item in args.param:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                _err(f"--param {item!r}: expected NAME=VALUE")
                return EXIT_ERROR
            params[key.strip()] = value
        named = load_query(args.name, folder)
        settings = _settings(args)
        if settings.remote_store is not None:
            from nomengraph.remote import RemoteStore

            store: object = RemoteStore.from_settings(settings)
        else:
            store = OxigraphStore.open(settings.store)
        check_values(store, named, params)
        result = run_query(store, named, params)
    except (QueryError, StoreError) as exc:
        _err(str(exc))
        return EXIT_ERROR
    sys.stdout.write(format_result(result, args.format))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from nomengraph.vocabularies import VocabularyError, import_esco, import_rome, write_graph

    importer = import_esco if args.vocabulary == "esco" else import_rome
    out = args.out or Settings.load().exports / f"{args.vocabulary}.nq"
    try:
        _progress(f"import: reading {args.vocabulary} from {args.folder}")
        graph, report = importer(Path(args.folder), args.release)
        write_graph(graph, out)
    except VocabularyError as exc:
        _err(str(exc))
        return EXIT_ERROR
    except OSError as exc:
        _err(f"cannot write {out}: {exc.strerror or exc}")
        return EXIT_ERROR
    print(report.summary())
    print(f"written to {out}")
    return EXIT_OK


def cmd_link(args: argparse.Namespace) -> int:
    from nomengraph import link
    from nomengraph.link import run as link_run
    from nomengraph.vocabularies import VocabularyError

    s = _settings(args)
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
                    _err(f"{args.run}:{number}: expected 'qid Q0 docid rank score tag'")
                    return EXIT_ERROR
                try:
                    run.setdefault(cells[0], []).append((cells[2], float(cells[4])))
                except ValueError:
                    _err(f"{args.run}:{number}: score {cells[4]!r} is not a number")
                    return EXIT_ERROR
            ranked = {q: link.trec_order(pairs) for q, pairs in run.items()}
            print(link.rank_metrics(qrels, ranked).as_text())
            return EXIT_OK
        if args.link_command == "check":
            objects = None
            if args.esco or args.rome:
                objects = set(link.known_subjects(s.cards))
                if args.esco:
                    objects |= set(link.read_esco_occupations(*args.esco))
                    objects |= set(link.read_esco_skills(*args.esco))
                if args.rome:
                    objects |= set(link.read_rome(args.rome))
            sets = link.read_mappings(s.mappings, link.known_subjects(s.cards), objects)
            for mset in sets:
                print(f"{mset.name:<20}{len(mset.rows):>6} rows{len(mset.subjects()):>6} subjects")
            return EXIT_OK
        if args.target == "rome":
            if not args.rome:
                _err("--rome DIR is needed for --target rome")
                return EXIT_ERROR
            targets = list(link.read_rome(args.rome).values())
        else:
            if not args.esco:
                _err(f"--esco DIR is needed for --target {args.target}")
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
        _err(str(exc))
        return EXIT_ERROR
    except (OSError, KeyError) as exc:
        _err(str(exc))
        return EXIT_ERROR
    return EXIT_OK


def _link_match(args: argparse.Namespace) -> int:
    """``link match``: rank the corpus for each query and write the run."""
    from nomengraph.link import run as link_run

    if args.k < 1:
        _err(f"-k {args.k}: give at least 1")
        return EXIT_ERROR
    queries = link_run.read_queries(args.queries)
    _progress(f"link match: {len(queries)} queries; reading the corpus")
    corpus = link_run.build_corpus(
        args.target, args.esco or (), args.rome, args.corpus, args.concepts, args.cards
    )
    matches = link_run.match(queries, corpus, args.k)
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
        _progress(f"link match: {len(matches)} lines written to {args.out}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nomengraph",
        description="Knowledge graph of IT jobs and competences (CIGREF, SIC, e-CF).",
    )
    parser.add_argument("--version", action="version", version=f"nomengraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("repair", help="repair font-garbled text (CIGREF 2018 fault)")
    p.add_argument("file", nargs="?", help="text file to repair (default: standard input)")
    p.add_argument("-o", "--output", help="write here instead of standard output")
    p.add_argument("--stats", action="store_true", help="print repair figures on stderr")
    p.set_defaults(func=cmd_repair)

    p = sub.add_parser("extract", help="regenerate the job cards and e-CF data from the sources")
    p.add_argument("--sources", type=Path, help="folder of source texts (default: sources)")
    p.add_argument(
        "--cards",
        type=Path,
        help="cards folder to (re)write (default: the package's reference cards in a source "
        "checkout, ./cards when the package is installed)",
    )
    p.add_argument("--corrections", type=Path, help="corrections file")
    p.add_argument("-v", "--verbose", action="store_true", help="list the warnings")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("matrix", help="flat job x competence table (csv, tsv, md)")
    p.add_argument("--edition", required=True, help="cigref-2010, cigref-2018 or sic")
    p.add_argument("--format", choices=("csv", "tsv", "md"), default="csv")
    p.add_argument("--cards", type=Path, help=CARDS_HELP)
    p.set_defaults(func=cmd_matrix)

    p = sub.add_parser("convert", help="convert the cards to RDF and write the exports")
    p.add_argument("--cards", type=Path, help=CARDS_HELP)
    p.add_argument("--out", type=Path, help="folder for the exports (default: dist)")
    p.set_defaults(func=cmd_convert)

    p = sub.add_parser("validate", help="validate the graph, or your own cards, with SHACL")
    p.add_argument(
        "path",
        nargs="?",
        help="a card file, or an organisation's edition (a folder with its edition.yaml), "
        "validated as `nomengraph build DIR` validates it (default: the reference cards)",
    )
    p.add_argument(
        "--format",
        choices=("table", "text", "ttl"),
        default="table",
        help="table (default), text (one line per problem: file:line [field] message) or ttl "
        "(the SHACL validation report)",
    )
    p.add_argument("--cards", type=Path, help=f"the reference cards folder ({PACKAGED_CARDS})")
    p.add_argument(
        "--engine",
        metavar="{turbo,pyshacl}",
        help="SHACL engine: turbo (pyshacl-turbo, Rust; the default) or pyshacl (the reference, "
        "slower; both give the same results)",
    )
    p.add_argument("--lang", choices=("en", "fr"), help=LANG_HELP)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="convert + validate + load the on-disk store, atomically")
    p.add_argument(
        "editions",
        nargs="*",
        type=Path,
        metavar="DIR",
        help="folders of an organisation's own cards, each with its edition.yaml, built next to "
        "the reference nomenclatures",
    )
    p.add_argument("--cards", type=Path, help=CARDS_HELP)
    p.add_argument("--store", help=STORE_HELP)
    p.add_argument("--out", type=Path, help="folder for the exports (default: dist)")
    p.add_argument(
        "--mappings", type=Path, help="folder of SSSOM mappings (default: the package's mappings)"
    )
    p.add_argument("--esco", type=Path, help="ESCO CSV export folder to load (graph esco)")
    p.add_argument("--rome", type=Path, help="ROME v4 CSV folder to load (graph rome)")
    p.add_argument("--lang", choices=("en", "fr"), help=LANG_HELP)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("stats", help="triples per graph, jobs and requirements per edition")
    p.add_argument("--store", help=STORE_HELP)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("load", help="load N-Quads (the build's export) into the store")
    p.add_argument("--store", help=STORE_HELP)
    p.add_argument("--from", dest="source", help="N-Quads file (default: dist/nomengraph.nq)")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("serve", help="serve the store: SPARQL 1.1 endpoint (docs/endpoint.md)")
    p.add_argument("--store", help=STORE_HELP)
    p.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: 8000)")
    p.add_argument(
        "--workers", type=int, help="query worker processes, queries run at once (default: 4)"
    )
    p.add_argument(
        "--timeout", type=float, help="query time limit in seconds, from arrival (default: 10)"
    )
    p.add_argument(
        "--per-client",
        type=int,
        help="requests one client address may have in progress; more get 429 (default: 16)",
    )
    p.add_argument("--max-rows", type=int, help="result rows at most (default: 10000)")
    p.add_argument("--update-token", help="enable SPARQL Update with this bearer token")
    p.add_argument("--allow-service", action="store_true", help="allow SERVICE and LOAD")
    p.add_argument("--on-disk", action="store_true", help="query the disk store, not a copy")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("query", help="run a named query of the query library (--list lists them)")
    p.add_argument("name", nargs="?", help="the query name (file name without .rq)")
    p.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="a query parameter"
    )
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--store", help=STORE_HELP)
    p.add_argument("--queries", type=Path, help="query folder (default: the package's library)")
    p.add_argument("--list", action="store_true", help="list the queries and their parameters")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("import", help="import ESCO or ROME from its CSV export to RDF")
    p.add_argument("vocabulary", choices=("esco", "rome"), help="which vocabulary")
    p.add_argument("folder", help="the folder of the CSV export (docs/vocabularies.md)")
    p.add_argument(
        "--out", type=Path, help="output file, .nq (default: dist/<vocabulary>.nq), .nt or .ttl"
    )
    p.add_argument("--release", help="version of the export (default: from the folder/file names)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("check", help="check card files against the card format (JSON Schema)")
    p.add_argument("path", help="a card file or a folder of cards")
    p.add_argument("--lang", choices=("en", "fr"), help=LANG_HELP)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("link", help="mappings to ESCO/ROME: check, match, propose, evaluate")
    lsub = p.add_subparsers(dest="link_command", required=True, metavar="ACTION")
    q = lsub.add_parser("check", help="check the SSSOM files of the mappings")
    q.add_argument("--mappings", type=Path, help="mappings folder (default: the package's)")
    q.add_argument("--esco", type=Path, action="append", help="ESCO CSV folder (repeatable)")
    q.add_argument("--rome", type=Path, help="ROME CSV folder: check that objects exist")
    q = lsub.add_parser(
        "match", help="rank ESCO, ROME or CIGREF 2018 concepts for job titles or cards"
    )
    q.add_argument(
        "queries", help="TSV file 'id<TAB>title' (MELO's queries.tsv), or a folder of cards"
    )
    q.add_argument("--corpus", type=Path, help="TSV 'id<TAB>label' of the labels to rank")
    q.add_argument("--concepts", type=Path, help="TSV 'id<TAB>concept IRI' of the --corpus labels")
    q.add_argument("--esco", type=Path, nargs="+", help="ESCO CSV export folder(s)")
    q.add_argument("--rome", type=Path, help="ROME CSV export folder (unix_*_v460_utf8.csv)")
    q.add_argument("--target", default="esco", help="esco (default), rome or cigref-2018")
    q.add_argument("-k", "--k", type=int, default=10, help="answers per query (default 10)")
    q.add_argument("--format", choices=("trec", "tsv", "sssom"), default="tsv", help="default tsv")
    q.add_argument("--out", help="write here (default: standard output)")
    q = lsub.add_parser("propose", help="candidate links of an edition, as SSSOM rows to review")
    q.add_argument("--esco", type=Path, action="append", help="ESCO CSV folder (repeatable)")
    q.add_argument("--rome", type=Path, help="ROME CSV folder (unix_*_v460_utf8.csv)")
    q.add_argument(
        "--target", choices=("esco", "esco-skill", "rome"), default="esco", help="default: esco"
    )
    q.add_argument("--edition", required=True, help="cigref-2010, cigref-2018, sic, ecf-3.0")
    q.add_argument("-k", "--k", type=int, default=5, help="candidates per subject")
    q.add_argument("--out", help="write the candidates here (default: standard output)")
    q = lsub.add_parser("evaluate", help="MRR and accuracy@k of a TREC run against qrels (MELO)")
    q.add_argument("run", type=Path, help="TREC run: qid Q0 docid rank score tag")
    q.add_argument("qrels", type=Path, help="TREC qrels: qid 0 docid relevance")
    for q in lsub.choices.values():
        q.add_argument("--cards", type=Path, help=CARDS_HELP)
    p.set_defaults(func=cmd_link)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help/--version exit 0
        return int(exc.code or 0)
    try:
        return args.func(args)
    except SettingsError as exc:
        lang = "en" if exc.setting == "lang" else _run_lang(args)
        _err(_bad_setting(exc, lang), lang)
        return EXIT_ERROR
    except ResourceError as exc:
        _err(str(exc), _run_lang(args))
        return EXIT_ERROR
    except KeyboardInterrupt:
        lang = _run_lang(args)
        _err(say("interrupted", lang), lang)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
