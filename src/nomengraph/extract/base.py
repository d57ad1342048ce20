"""What every source parser returns."""

from __future__ import annotations

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


class SourceFormatError(ValueError):
    """The source text does not have the expected structure (truncated, altered...)."""

    def __init__(self, source: str, line: int | None, message: str):
        self.source, self.line = source, line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")
