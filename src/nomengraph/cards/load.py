"""Loading card and data files: one file, the files of a folder, a stream of cards and problems;
every problem of every file is collected before a CardError is raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .check import check_card, schema_problems
from .fields import EDITION_FILE
from .problems import CardError, CardProblem
from .yamltext import compose, parse_data


def load_card(path: str | Path) -> dict[str, Any]:
    """Load and check one card file; raise CardError naming file, line and field."""
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:  # the decoder's and the system's detail, as they say it
        problem = CardProblem.of(file, None, "", "file.not-utf8", detail=exc.reason)
        raise CardError([problem]) from None
    except OSError as exc:
        problem = CardProblem.of(file, None, "", "file.unreadable", detail=exc.strerror)
        raise CardError([problem]) from None
    data = parse_data(text, file)
    if check_card(data, file):
        # Only now build the node tree, to give each problem its line.
        raise CardError(check_card(data, file, compose(text)))
    return data


def load_data_file(path: str | Path, schema: str) -> dict[str, Any]:
    """Load a data file kept next to the cards (e-CF framework, matrix); check its schema."""
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # the system's detail, as it says it
        problem = CardProblem.of(file, None, "", "file.unreadable", detail=exc)
        raise CardError([problem]) from None
    data = parse_data(text, file)
    if schema_problems(data, None, file, schema):
        raise CardError(schema_problems(data, compose(text), file, schema))
    return data


def iter_card_files(folder: str | Path) -> Iterator[Path]:
    """Card files of a folder (recursively), in a stable order; an ``edition.yaml`` is not a
    card."""
    for path in sorted(Path(folder).rglob("*.yaml"), key=lambda p: p.as_posix()):
        if path.name != EDITION_FILE:
            yield path


def scan_cards(
    files: Iterable[str | Path],
) -> Iterator[tuple[dict[str, Any], None] | tuple[None, CardProblem]]:
    """Load the given card files one at a time: ``(card, None)`` for a good card,
    ``(None, problem)`` for each problem of the others (format errors, and ids already used by
    an earlier file)."""
    ids: dict[str, str] = {}
    for path in files:
        try:
            card = load_card(path)
        except CardError as exc:
            for problem in exc.problems:
                yield None, problem
            continue
        if card["id"] in ids:
            other = ids[card["id"]]
            yield (
                None,
                CardProblem.of(str(path), 1, "id", "card.duplicate-id", id=card["id"], other=other),
            )
            continue
        ids[card["id"]] = str(path)
        yield card, None


def collect_cards(
    files: Iterable[str | Path],
) -> tuple[list[dict[str, Any]], list[CardProblem]]:
    """Load the given card files; return the good cards and the problems of all the others
    (format errors, and ids already used by an earlier file)."""
    cards: list[dict[str, Any]] = []
    problems: list[CardProblem] = []
    for card, problem in scan_cards(files):
        if problem is not None:
            problems.append(problem)
        else:
            cards.append(card)
    return cards, problems


def load_cards(folder: str | Path) -> list[dict[str, Any]]:
    """Load every card under ``folder``; collect the problems of all files before raising."""
    cards, problems = collect_cards(iter_card_files(folder))
    if problems:
        raise CardError(problems)
    return cards
