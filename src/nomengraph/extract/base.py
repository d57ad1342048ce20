"""What every source parser returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ExtractResult:
    """Cards and data files parsed from one source text.

    ``data_files`` maps a path relative to the cards folder (e.g. ``ecf/ecf-2.0.yaml``) to the
    data written there; ``warnings`` are source faults worth a reviewer's eye, each naming a line.
    """

    cards: list[dict[str, Any]] = field(default_factory=list)
    data_files: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# e-CF framework facts shared by the 2.0 and 3.0 data: area code -> (English name, French name as
# the CIGREF 2018 vertical labels read), and proficiency level -> EQF levels (the 2010 text, l.364,
# only says the five levels are "en phase avec les niveaux 3 à 8" of the EQF).
ECF_AREAS: dict[str, tuple[str, str]] = {
    "A": ("PLAN", "PLANIFIER"),
    "B": ("BUILD", "DEVELOPPER"),
    "C": ("RUN", "UTILISER"),
    "D": ("ENABLE", "FACILITER"),
    "E": ("MANAGE", "GERER"),
}
ECF_EQF: dict[int, list[int]] = {1: [3], 2: [4, 5], 3: [6], 4: [7], 5: [8]}


class SourceFormatError(ValueError):
    """The source text does not have the expected structure (truncated, altered...)."""

    def __init__(self, source: str, line: int | None, message: str):
        self.source, self.line = source, line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


# A hyphen with a space on one side only, between two words ("Concepteur -Développeur",
# "réseaux -télécoms"): a PDF artefact of a line or column break next to the hyphen.
_ONE_SIDED_HYPHEN = re.compile(r"(?<=\w)(?: -(?=\w)|- (?=\w))")
_ACRONYM = re.compile(r"^[A-Z]{2,}\b")


def display_title(printed: str) -> str:
    """The display form of a job title: the printed title with the spacing around its hyphens
    made regular. A hyphen spaced on one side only joins the two words ("Concepteur
    -Développeur" → "Concepteur-Développeur"), except before an acronym, which it sets apart as
    the titles do elsewhere ("Software Asset Manager -SAM" → "Software Asset Manager - SAM", as
    "… – RSSI"). Every other character is kept."""

    def regular(m: re.Match[str]) -> str:
        return " - " if _ACRONYM.match(printed[m.end() :]) else "-"

    return _ONE_SIDED_HYPHEN.sub(regular, printed)


def title_fields(printed: str) -> dict[str, str]:
    """``title`` (the display form) and, where it differs, ``printed_title`` (as printed)."""
    shown = display_title(printed)
    return {"title": shown} if shown == printed else {"title": shown, "printed_title": printed}


def list_item(text: str, subs: list[str]) -> str | dict[str, Any]:
    """A list item of a card: its text, or ``{text, items}`` when sub-items are printed under it."""
    return {"text": text, "items": list(subs)} if subs else text
