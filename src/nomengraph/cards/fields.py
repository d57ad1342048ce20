"""Names and list items of the card format: the file that makes a folder an edition, a card's
file name, and the text and sub-items of a list item.
"""

from __future__ import annotations

from typing import Any

EDITION_FILE = "edition.yaml"
"""The file that makes a folder of cards an organisation's edition (id, title, e-CF version)."""


def item_text(item: str | dict[str, Any]) -> str:
    """The text of a list item (a task, deliverable, indicator or experience): the item itself,
    or the ``text`` of an item printed with sub-items."""
    return item if isinstance(item, str) else item["text"]


def sub_items(item: str | dict[str, Any] | None) -> list[str]:
    """The sub-items printed under a list item, in order (none for a plain text)."""
    return list(item["items"]) if isinstance(item, dict) else []


def card_filename(card: dict[str, Any]) -> str:
    """File name of a card inside its edition folder, e.g. ``1.1.yaml`` / ``07.yaml``."""
    return f"{card['number']}.yaml"
