"""An organisation's own edition: a folder of cards with its ``edition.yaml``; recognising such a
folder, saying why a folder is not one (or must not be one), and loading its cards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nomengraph.texts import say

from .check import EDITION_SCHEMA
from .fields import EDITION_FILE
from .load import iter_card_files, load_card, load_data_file
from .problems import CardError, CardProblem
from .yamltext import _node_line, compose


def is_edition_folder(folder: str | Path) -> bool:
    """True when ``folder`` holds an ``edition.yaml``: an organisation's own edition."""
    return (Path(folder) / EDITION_FILE).is_file()


def edition_folder_problem(folder: str | Path, lang: str = "en") -> str | None:
    """Why ``folder`` cannot be read as an organisation's edition (it is no folder, or has no
    ``edition.yaml``), in ``lang``, or None when it can. ``build DIR`` and ``validate DIR``
    refuse such a folder with this same message (exit code 2: the command cannot do its work)."""
    folder = Path(folder)
    if not folder.is_dir():
        return say("folder.missing", lang, folder=folder)
    if not is_edition_folder(folder):
        return say("folder.no-edition", lang, folder=folder, file=EDITION_FILE)
    return None


def reference_folder_problem(cards: str | Path, command: str, lang: str = "en") -> str | None:
    """Why ``cards`` cannot be the reference cards folder of ``nomengraph COMMAND`` (it is an
    organisation's edition), in ``lang``, or None."""
    if is_edition_folder(cards):
        return say("folder.is-edition", lang, cards=cards, file=EDITION_FILE, command=command)
    return None


def load_edition(folder: str | Path) -> dict[str, Any]:
    """The ``edition.yaml`` of an organisation's folder of cards, checked against its schema;
    a CardError names the file, the line and the field of each problem."""
    path = Path(folder) / EDITION_FILE
    if not path.is_file():
        raise CardError(
            [CardProblem.of(str(folder), None, "", "edition.none-here", file=EDITION_FILE)]
        )
    return load_data_file(path, EDITION_SCHEMA)


def load_edition_cards(
    folder: str | Path, edition: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], list[CardProblem]]:
    """The good cards of an edition folder and the problems of the others. A card must belong
    to the folder's edition; a card without ``provenance`` is given the card file itself (the
    folder's own name, then the file's path under it)."""
    folder = Path(folder)
    edition = edition if edition is not None else load_edition(folder)
    cards: list[dict[str, Any]] = []
    problems: list[CardProblem] = []
    ids: dict[str, str] = {}
    for path in iter_card_files(folder):
        try:
            card = load_card(path)
        except CardError as exc:
            problems.extend(exc.problems)
            continue
        if card["edition"] != edition["id"]:
            line = _node_line(compose(path.read_text(encoding="utf-8")), ["edition"])
            problems.append(
                CardProblem.of(
                    str(path),
                    line,
                    "edition",
                    "card.other-edition",
                    edition=card["edition"],
                    expected=edition["id"],
                    file=EDITION_FILE,
                )
            )
            continue
        if card["id"] in ids:
            other = ids[card["id"]]
            problems.append(
                CardProblem.of(str(path), 1, "id", "card.duplicate-id", id=card["id"], other=other)
            )
            continue
        ids[card["id"]] = str(path)
        if "provenance" not in card:
            card["provenance"] = {"source": path.relative_to(folder.parent).as_posix()}
        cards.append(card)
    return cards, problems
