"""Problems found in card files: each with its file, line, field and message in every language,
and the error that carries them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nomengraph.texts import both


@dataclass(frozen=True)
class CardProblem:
    """One problem found in a card file: ``message`` in English, ``said`` the message in each
    language when it is one of the catalog's texts (:mod:`nomengraph.texts`), made with
    :meth:`of`; a problem is shown in the language of the run that reports it."""

    file: str
    line: int | None
    field: str
    message: str
    said: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, file: str, line: int | None, field: str, key: str, /, **values: Any) -> CardProblem:
        """The problem whose message is the catalog's text ``key`` filled with ``values``."""
        words = both(key, **values)
        return cls(file, line, field, words["en"], tuple(words.items()))

    def message_in(self, lang: str = "en") -> str:
        """The message in ``lang`` (in English when it has no other)."""
        return dict(self.said).get(lang, self.message)

    def shown(self, lang: str = "en", file: str | None = None) -> str:
        """``file:line: [field] message``, the message in ``lang``."""
        file = self.file if file is None else file
        where = f"{file}:{self.line}" if self.line else file
        field = f" [{self.field}]" if self.field else ""
        return f"{where}:{field} {self.message_in(lang)}"

    def __str__(self) -> str:
        return self.shown()


class CardError(ValueError):
    """Raised when one or more card files are malformed; carries every problem found."""

    def __init__(self, problems: list[CardProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def sort_problems(problems: Iterable[CardProblem]) -> list[CardProblem]:
    """Problems by file, then line (a problem without line first), then field."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))
