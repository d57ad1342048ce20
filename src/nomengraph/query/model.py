"""The query library's objects: a named query and its typed parameters, a SELECT result as
plain Python values, and the errors that name what went wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class QueryError(Exception):
    """A named query cannot be found, parsed, bound or run; the message says which and why."""


class UnknownQuery(QueryError):
    """No query of that name in the library."""


class ParamError(QueryError):
    """A parameter is unknown, missing or has a value that does not fit its type."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None  # None: required
    optional: bool
    description: str
    descriptions: tuple[tuple[str, str], ...] = ()  # (language, description) other than English

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    def description_in(self, lang: str) -> str:
        """The parameter's help in ``lang``, or in English when the file gives none there."""
        return dict(self.descriptions).get(lang, self.description)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    params: tuple[Param, ...] = ()
    example: tuple[tuple[str, str], ...] = ()  # ``#+ example: name=value`` lines, in order
    summaries: tuple[tuple[str, str], ...] = ()  # ``#+ summary@fr:``: (language, summary)
    descriptions: tuple[tuple[str, str], ...] = ()  # ``#+ description@fr:``, the same way

    def summary_in(self, lang: str) -> str:
        """The summary in ``lang``, or in English when the file gives none there."""
        return dict(self.summaries).get(lang, self.summary)

    def description_in(self, lang: str) -> str:
        """The description in ``lang``, or in English when the file gives none there."""
        return dict(self.descriptions).get(lang, self.description)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise ParamError(
            f"query {self.name!r} has no parameter {name!r}"
            + (
                f" (its parameters: {', '.join(p.name for p in self.params)})"
                if self.params
                else ""
            )
        )


@dataclass
class Result:
    """A SELECT result as plain Python values (IRIs and texts as str, numbers, booleans)."""

    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    query: str = ""
    params: dict[str, str] = field(default_factory=dict)

    def records(self) -> list[dict[str, object]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]
