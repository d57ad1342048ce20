"""The argument parser of the ``nomengraph`` command: every subcommand, its options and help,
and the function that runs it."""

from __future__ import annotations

import argparse
from pathlib import Path

from nomengraph import __version__
from nomengraph.cli.cards import cmd_check, cmd_extract, cmd_matrix, cmd_repair
from nomengraph.cli.common import CARDS_HELP, LANG_HELP, PACKAGED_CARDS, STORE_HELP
from nomengraph.cli.graph import cmd_build, cmd_convert, cmd_import, cmd_validate
from nomengraph.cli.link import cmd_link
from nomengraph.cli.store import cmd_load, cmd_query, cmd_serve, cmd_stats


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
    q.add_argument(
        "--prior",
        choices=("it", "none"),
        help="favour the groups IT jobs land in (default: it for a folder of cards, else none)",
    )
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
