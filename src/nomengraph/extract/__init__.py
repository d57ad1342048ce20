"""Extract stage: source texts -> reviewed YAML job cards and e-CF data files.

``run_extract`` reads the three source texts, parses them (one parser per source), applies the
corrections file, checks every card and data file against its schema, and writes the result into
the cards folder atomically: everything is written to a sibling temporary folder first and swapped
in only when all of it is valid, so a failed run leaves the committed cards untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import resources
from ..cards import (
    CARD_SCHEMA,
    ECF_SCHEMA,
    MATRIX_SCHEMA,
    CardError,
    CardProblem,
    card_filename,
    check_card,
    dump_yaml,
    schema_problems,
)
from . import cigref2010, cigref2018, ecf4, sic
from .base import ExtractResult, SourceFormatError
from .corrections import apply_corrections, load_corrections

__all__ = [
    "SOURCES",
    "ExtractError",
    "ExtractResult",
    "ExtractSummary",
    "SourceFormatError",
    "data_file_key",
    "extract_all",
    "output_folder",
    "run_extract",
]


@dataclass(frozen=True)
class Source:
    """One input text and the parser that reads it. Every parser has the same shape: a pure
    ``extract(text, **extras) -> ExtractResult`` over the texts this module reads for it (the
    source, and the ``extras`` read beside it), never a path."""

    edition: str
    filename: str
    parser: Callable[..., ExtractResult]
    extras: tuple[tuple[str, str], ...] = ()  # (keyword argument, file name) read beside it


SOURCES: tuple[Source, ...] = (
    Source("cigref-2010", "cigref-2010-nomenclature.txt", cigref2010.extract),
    Source(
        "cigref-2018",
        "cigref-2018-nomenclature.txt",
        cigref2018.extract,
        (("ecf_reference", "ecf-3.0-reference.csv"), ("ecf_levels", "ecf-3.0-levels.csv")),
    ),
    Source("sic", "sic-referentiel-metiers.txt", sic.extract),
    Source(
        "ecf-4.0",
        "ecf-4.0-competences.csv",
        ecf4.extract,
        (("levels", "ecf-4.0-levels.csv"), ("codes", "ecf-3.0-to-4.0-codes.csv")),
    ),
)


class ExtractError(RuntimeError):
    """Extraction failed; the message names the file and line. Nothing was written."""


@dataclass
class ExtractSummary:
    """What a run produced, for the command's report."""

    cards: dict[str, int] = field(default_factory=dict)
    with_card: dict[str, int] = field(default_factory=dict)
    requirements: dict[str, int] = field(default_factory=dict)
    data_files: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _package_is_a_checkout() -> bool:
    """True when the running package is the ``src/nomengraph`` of a source checkout (run from it,
    or installed editable): its reference cards are then the project's own, which ``extract``
    regenerates. An installed copy (a wheel in site-packages) is not."""
    src = resources.PACKAGE.parent
    return src.name == "src" and (src.parent / "pyproject.toml").is_file()


def output_folder(cards: Path) -> Path:
    """The folder ``extract`` writes: ``cards``, except the reference cards shipped inside an
    installed (non-editable) package, which are never rewritten: ``./cards`` then, in the
    current folder."""
    if Path(cards).resolve() == resources.CARDS.resolve() and not _package_is_a_checkout():
        return Path("cards")
    return Path(cards)


def data_file_key(relpath: str) -> str:
    """Key by which the corrections file names a data file: ``ecf/ecf-2.0.yaml`` -> ``ecf-2.0``,
    ``matrix/cigref-2010-annex1.yaml`` -> ``matrix-cigref-2010-annex1``."""
    path = Path(relpath)
    folder, stem = path.parent.name, path.stem
    return stem if not folder or stem.startswith(folder) else f"{folder}-{stem}"


def _schema_for(relpath: str) -> str:
    top = Path(relpath).parts[0]
    return {"ecf": ECF_SCHEMA, "matrix": MATRIX_SCHEMA}.get(top, CARD_SCHEMA)


def _read_source(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"{path}: cannot read source: {exc.strerror}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ExtractError(f"{path}:{line}: not valid UTF-8 ({exc.reason})") from None


def extract_all(
    sources_dir: Path,
    corrections_file: Path,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, Any], ExtractSummary]:
    """Parse every source and apply the corrections; return ``{relpath: data}`` and a summary.

    Pure with respect to the cards folder: nothing is written here.
    """
    say = progress or (lambda _msg: None)
    files: dict[str, Any] = {}
    documents: dict[str, dict[str, Any]] = {}
    summary = ExtractSummary()
    for src in SOURCES:
        path = sources_dir / src.filename
        say(f"extract {src.edition}: reading {path}")
        text = _read_source(path)
        extras = {kw: _read_source(sources_dir / name) for kw, name in src.extras}
        try:
            result = src.parser(text, **extras)
        except SourceFormatError as exc:
            raise ExtractError(str(exc)) from None
        for card in result.cards:
            rel = f"{src.edition}/{card_filename(card)}"
            if rel in files:
                raise ExtractError(f"{path}: two cards numbered {card['number']}")
            files[rel] = card
            documents[card["id"]] = card
        for rel, data in result.data_files.items():
            files[rel] = data
            documents[data_file_key(rel)] = data
        summary.warnings.extend(result.warnings)
        say(f"extract {src.edition}: {len(result.cards)} cards")
    try:
        corrections = load_corrections(corrections_file)
        summary.corrections = apply_corrections(documents, corrections, str(corrections_file))
    except CardError as exc:
        raise ExtractError(str(exc)) from None
    problems: list[CardProblem] = []
    for rel, data in sorted(files.items()):
        schema = _schema_for(rel)
        if schema == CARD_SCHEMA:
            problems.extend(check_card(data, rel))
            ed = data["edition"]
            summary.cards[ed] = summary.cards.get(ed, 0) + 1
            summary.with_card[ed] = summary.with_card.get(ed, 0) + int(data["has_card"])
            summary.requirements[ed] = summary.requirements.get(ed, 0) + len(data["competences"])
        else:
            problems.extend(schema_problems(data, None, rel, schema))
            summary.data_files.append(rel)
    if problems:
        raise ExtractError(
            "extracted data does not satisfy the card format:\n"
            + "\n".join(str(p) for p in problems[:50])
        )
    return files, summary


def write_cards(files: dict[str, Any], cards_dir: Path, warnings: list[str]) -> None:
    """Write all files to a temporary sibling folder, then swap it in for ``cards_dir``."""
    cards_dir = cards_dir.resolve()
    cards_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{cards_dir.name}-new-", dir=cards_dir.parent))
    try:
        for rel, data in sorted(files.items()):
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump_yaml(data), encoding="utf-8")
        (tmp / "extract-warnings.txt").write_text(
            "".join(f"{w}\n" for w in warnings), encoding="utf-8"
        )
        old = None
        if cards_dir.exists():
            old = cards_dir.parent / f".{cards_dir.name}-old-{os.getpid()}"
            if old.exists():
                shutil.rmtree(old)
            cards_dir.rename(old)
        tmp.rename(cards_dir)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        raise


def run_extract(
    sources_dir: Path,
    cards_dir: Path,
    corrections_file: Path,
    progress: Callable[[str], None] | None = None,
) -> ExtractSummary:
    """Regenerate the cards folder from the sources (atomically). Raises ExtractError."""
    files, summary = extract_all(sources_dir, corrections_file, progress)
    write_cards(files, cards_dir, summary.warnings)
    return summary
