"""SHACL validation of the graph, with results traced back to the card files.

The shapes live in the package's ``data/ontology/shapes/*.ttl`` (see ``docs/data-quality.md``).
Three severities: ``Violation`` (the graph must not contain it: a fault of the cards or of the
converter), ``Warning`` (a fault of the printed sources, kept as printed) and ``Info``.

Validation runs a SHACL engine on the union of the data graphs, held in an in-memory pyoxigraph
store, with the vocabulary (``data/ontology/nomengraph.ttl``) as ontology graph and no inference:
the converter states every ``rdf:type`` explicitly, so RDFS inference would only add time. The
default engine is pyshacl-turbo (Rust, pySHACL's API); pySHACL itself stays available as the
reference (``engine="pyshacl"``, ``nomengraph validate --engine pyshacl``), and both give the same
results one by one (``tests/test_engines.py``). Given a pyoxigraph store, pySHACL runs the shapes'
SPARQL constraints with Oxigraph rather than rdflib's engine, which parses every query again for
each focus node. See docs/data-quality.md for the measures.

This module loads the shapes, runs a validation and holds the commands' entry points; the rest is
split by concern, every public name importable from here too: the report and its rendering
(:mod:`nomengraph.report`), the engines and the store of the data (:mod:`nomengraph.engines`),
results traced back to the card files (:mod:`nomengraph.locate`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from nomengraph import iris, resources
from nomengraph.engines import (
    DEFAULT_ENGINE,
    ENGINES,
    DataInput,
    admissible_levels,
    data_store,
    job_titles,
    run_engine,
)
from nomengraph.exitcodes import EXIT_ERROR, EXIT_NONCONFORMING, EXIT_OK
from nomengraph.locate import CardIndex, map_to_cards
from nomengraph.messages import Namer, vocabulary_labels
from nomengraph.report import SEVERITIES, Location, Report, Result, results_of
from nomengraph.texts import LANGUAGES, check_lang, decimal, say

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "ONTOLOGY_FILE",
    "SEVERITIES",
    "SHAPES_DIR",
    "CardIndex",
    "DataInput",
    "Location",
    "Report",
    "Result",
    "check_dataset",
    "data_store",
    "edition_view",
    "load_ontology",
    "load_shapes",
    "map_to_cards",
    "run_validate",
    "shape_files",
    "validate_cards",
    "validate_graph",
]

SHAPES_DIR = resources.SHAPES
"""The SHACL shapes (package data, next to the vocabulary)."""

ONTOLOGY_FILE = resources.ONTOLOGY_FILE


# Shapes --------------------------------------------------------------------------------------


def shape_files(shapes_dir: Path | None = None) -> list[Path]:
    """The Turtle files of the shapes graph, in a stable order (default: the package's shapes,
    a ResourceError when they are missing)."""
    if shapes_dir is None:
        return resources.files(SHAPES_DIR, "*.ttl")
    return sorted(Path(shapes_dir).glob("*.ttl"))


def load_shapes(shapes_dir: Path | None = None) -> Graph:
    """Parse every ``*.ttl`` of the shapes folder into one shapes graph."""
    files = shape_files(shapes_dir)
    if not files:
        raise FileNotFoundError(f"no SHACL shapes (*.ttl) in {shapes_dir}")
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def load_ontology() -> Graph:
    """The vocabulary graph (``data/ontology/nomengraph.ttl`` of the package); a ResourceError
    names the file when it is missing."""
    return Graph().parse(resources.require(ONTOLOGY_FILE), format="turtle")


def validate_graph(
    data: DataInput,
    shapes: Graph | None = None,
    ontology: Graph | None | bool = True,
    inference: str = "none",
    engine: str = DEFAULT_ENGINE,
    lang: str = "en",
) -> Report:
    """Validate ``data`` against the shapes; return a Report.

    ``ontology``: True loads the package's vocabulary (its axioms are copied into the data by the
    engine, as pySHACL's ``ont_graph`` does), False or None validates the data alone, a Graph is
    used as is. ``inference``: the engines' option ("none", "rdfs"...); "none" by default (see
    the module doc). ``engine``: one of :data:`ENGINES`. ``Report.seconds`` counts the store of
    the data and the engine's run. ``lang``: the language of the messages (:data:`LANGUAGES`).
    """
    check_lang(lang)
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r} ({' or '.join(ENGINES)})")
    shapes = load_shapes() if shapes is None else shapes
    ont = load_ontology() if ontology is True else (ontology or None)
    start = time.perf_counter()
    store = data_store(data)
    _conforms, report_graph, _text = run_engine(engine, store, shapes, ont, inference)
    seconds = time.perf_counter() - start
    if not isinstance(report_graph, Graph):  # the engine's ValidationFailure: a broken shape
        raise ValueError(f"SHACL validation failed: {report_graph}")
    namer = Namer(lang, job_titles(store), _labels(ont), admissible_levels(store))
    return Report(results_of(report_graph, shapes, namer), report_graph, seconds, lang=lang)


def _labels(ontology: Graph | None) -> dict[str, dict[str, str]]:
    """The vocabulary's labels (from the package's vocabulary when validation ran without)."""
    return vocabulary_labels(ontology if ontology is not None else load_ontology())


FORMATS = ("table", "text", "ttl")
"""What ``nomengraph validate`` prints: a table, one line per problem, or the Turtle report."""


def _choices(names: Sequence[str], lang: str) -> str:
    """Names as ``lang`` offers a choice: ``table, text or ttl``."""
    return say("or", lang).join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


# Validating cards ----------------------------------------------------------------------------


def validate_cards(
    path: str | Path,
    reference: str | Path | None = None,
    engine: str = DEFAULT_ENGINE,
    lang: str = "en",
) -> Report:
    """Validate one card file on its own: the card format first (JSON Schema and loading rules:
    ``Report.problems``, with file, line and field), then, when it passes, the card converted to
    RDF and checked with the shapes, each result located in the card. The e-CF data its
    requirements refer to is read from ``reference/ecf`` (default: the reference cards folder of
    the settings). A card without ``provenance`` has the card file as its source.

    A folder is validated with the reference nomenclatures, as ``build`` builds it: see
    :func:`check_dataset`. Raises FileNotFoundError when ``path`` is not a file.
    """
    from nomengraph import convert
    from nomengraph.cards import ECF_SCHEMA, CardError, load_card, load_data_file
    from nomengraph.settings import Settings
    from nomengraph.vocab import NG

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        card = load_card(path)
    except CardError as exc:
        return Report([], Graph(), problems=list(exc.problems), lang=check_lang(lang))
    card.setdefault("provenance", {"source": path.name})

    ref = Path(reference) if reference is not None else Settings.load().cards
    ecf_files = sorted((ref / convert.ECF_DIR).glob("*.yaml"))
    graph = Graph()
    for triple in convert.edition_metadata(card["edition"]):
        graph.add(triple)
    scheme = URIRef(iris.edition(card["edition"]))
    if card["competences"] and graph.value(scheme, NG.usesFramework) is None:
        # An edition the converter does not know: its codes are read in the converter's default
        # e-CF version (convert.ecf_version_of), so say so, as the known editions do.
        framework = URIRef(iris.framework(convert.ecf_version_of(card["edition"])))
        graph.add((scheme, NG.usesFramework, framework))
    for triple in convert.convert_card(card):
        graph.add(triple)
    problems = []
    for file in ecf_files:
        try:
            data = load_data_file(file, ECF_SCHEMA)
        except CardError as exc:
            problems.extend(exc.problems)
            continue
        for triple in convert.convert_ecf(data):
            graph.add(triple)

    report = validate_graph(graph, engine=engine, lang=lang)
    located = map_to_cards(report, CardIndex([path, *ecf_files]))
    located.problems = problems
    return located


def check_dataset(
    cards_dir: str | Path,
    editions: Sequence[Path] = (),
    engine: str = DEFAULT_ENGINE,
    progress: Any = None,
    lang: str = "en",
) -> tuple[Any, Report]:
    """Convert and validate what a build builds: the reference cards of ``cards_dir`` and the
    organisations' edition folders ``editions``; return the converted data and the report, each
    result located in its file. ``nomengraph build`` and ``nomengraph validate [DIR]`` both go
    through here, so they give the same verdict.

    Cards that do not follow the card format are data that does not conform: the converted data
    is then None and the report lists them (``Report.problems``, with file, line and field), the
    shapes not run. A missing cards folder raises FileNotFoundError."""
    from nomengraph.cards import CardError, sort_problems
    from nomengraph.convert import convert

    try:
        converted = convert(Path(cards_dir), progress=progress, editions=editions)
    except CardError as exc:
        problems = sort_problems(exc.problems)
        return None, Report([], Graph(), problems=problems, lang=check_lang(lang))
    report = validate_graph(converted.quads, engine=engine, lang=lang)
    return converted, map_to_cards(report, CardIndex.scan(cards_dir, *editions))


def edition_view(report: Report, folders: Sequence[Path]) -> None:
    """What ``validate DIR`` and ``build DIR`` show of a report: every card-format problem and
    violation, and the warnings and infos located in the edition ``folders``; the warnings and
    infos of the reference nomenclatures left out are counted on standard error, in the
    report's language (the verdict, which only problems and violations decide, does not
    change). No folder: all is shown."""
    if not folders:
        return
    roots = [Path(f).resolve() for f in folders]

    def inside(r: Result) -> bool:
        if r.location is None:
            return False
        where = Path(r.location.file).resolve()
        return any(root in where.parents for root in roots)

    kept = [r for r in report.results if r.severity == "Violation" or inside(r)]
    hidden = len(report.results) - len(kept)
    report.results = kept
    if hidden:
        print(say("hidden", report.lang, n=hidden), file=sys.stderr)


def run_validate(
    path: Path | None,
    fmt: str = "table",
    engine: str | None = None,
    lang: str = "en",
    cards: Path | None = None,
) -> int:
    """The ``nomengraph validate [PATH]`` command.

    Without PATH, validates the reference dataset built from the settings' cards folder; with a
    folder, that organisation's edition (its ``edition.yaml`` and cards) next to the reference
    nomenclatures, exactly as ``nomengraph build DIR`` validates it (:func:`check_dataset`), for
    the same verdict; with a file, that one card (:func:`validate_cards`). Prints the report
    (``table``: readable table; ``text``: one line per problem; ``ttl``: the SHACL validation
    report in Turtle, card-format problems then go to standard error).

    Returns (:mod:`nomengraph.exitcodes`) 0 when the data conforms (warnings and infos allowed),
    1 when there are violations or cards that do not follow the card format, 2 when it cannot
    validate (missing path, a folder without ``edition.yaml``, unreadable shapes, unknown engine,
    format or language). ``engine``: one of :data:`ENGINES`, by default :data:`DEFAULT_ENGINE`.
    ``lang``: the language of the whole output, English by default (:data:`LANGUAGES`).
    ``cards``: the reference cards folder (default: the settings').
    """
    from nomengraph.cards import edition_folder_problem, reference_folder_problem
    from nomengraph.settings import Settings

    def error(message: str) -> int:
        print(say("error", lang if lang in LANGUAGES else "en", message=message), file=sys.stderr)
        return EXIT_ERROR

    if lang not in LANGUAGES:
        return error(f"unknown language {lang!r} ({' or '.join(LANGUAGES)})")
    if fmt not in FORMATS:
        return error(say("validate.format", lang, value=fmt, known=_choices(FORMATS, lang)))
    engine = engine or DEFAULT_ENGINE
    if engine not in ENGINES:
        return error(say("validate.engine", lang, value=engine, known=_choices(ENGINES, lang)))
    try:
        if path is not None and path.is_file():
            report = validate_cards(path, cards, engine=engine, lang=lang)
        else:
            editions = [] if path is None else [path]
            problem = edition_folder_problem(path, lang) if path is not None else None
            cards_dir = cards if cards is not None else Settings.load().cards
            problem = problem or reference_folder_problem(cards_dir, "validate", lang)
            if problem:
                return error(problem)
            if not cards_dir.is_dir():
                return error(say("validate.no-cards", lang, folder=cards_dir))
            report = check_dataset(cards_dir, editions, engine, lang=lang)[1]
            edition_view(report, editions)
    except (FileNotFoundError, ValueError, OSError) as exc:
        return error(str(exc))
    if fmt == "ttl":
        for p in report.problems:
            print(p.shown(lang), file=sys.stderr)
        sys.stdout.write(report.to_turtle())
    elif fmt == "text":
        sys.stdout.write(report.to_text())
    else:
        sys.stdout.write(report.to_table())
    print(say("took", lang, seconds=decimal(report.seconds, lang)), file=sys.stderr)
    return EXIT_OK if report.conforms else EXIT_NONCONFORMING
