"""Job cards: the YAML format, its JSON Schema, loading with located errors, and writing.

A card is a plain ``dict`` that satisfies ``schema/card.schema.json``. Loading checks the YAML
syntax and the schema and reports every problem with the file, the line and the field path, so
that an organisation writing its own cards can fix them without reading a stack trace.

The package, by concern: :mod:`.problems` (a located problem and the error carrying them),
:mod:`.yamltext` (parsing and writing YAML, the line of a field), :mod:`.check` (the schemas, their
errors in words, a card's consistency rules), :mod:`.fields` (the format's names and list items),
:mod:`.load` (card and data files, folders of cards) and :mod:`.editions` (an organisation's own
edition folder). Every name is importable from ``nomengraph.cards`` itself.
"""

from __future__ import annotations

from .check import (
    CARD_SCHEMA,
    ECF_SCHEMA,
    EDITION_SCHEMA,
    MATRIX_SCHEMA,
    PATTERN_MEANINGS,
    check_card,
    load_schema,
    schema_problems,
    shown_value,
)
from .check import _fast_validator as _fast_validator
from .check import _validator as _validator
from .editions import (
    edition_folder_problem,
    is_edition_folder,
    load_edition,
    load_edition_cards,
    reference_folder_problem,
)
from .fields import EDITION_FILE, card_filename, item_text, sub_items
from .load import (
    collect_cards,
    iter_card_files,
    load_card,
    load_cards,
    load_data_file,
    scan_cards,
)
from .problems import CardError, CardProblem, sort_problems
from .yamltext import _node_line as _node_line
from .yamltext import compose, dump_yaml, field_path, parse_data, parse_yaml

__all__ = [
    "CARD_SCHEMA",
    "ECF_SCHEMA",
    "EDITION_FILE",
    "EDITION_SCHEMA",
    "MATRIX_SCHEMA",
    "PATTERN_MEANINGS",
    "CardError",
    "CardProblem",
    "card_filename",
    "check_card",
    "collect_cards",
    "compose",
    "dump_yaml",
    "edition_folder_problem",
    "field_path",
    "is_edition_folder",
    "item_text",
    "iter_card_files",
    "load_card",
    "load_cards",
    "load_data_file",
    "load_edition",
    "load_edition_cards",
    "load_schema",
    "parse_data",
    "parse_yaml",
    "reference_folder_problem",
    "scan_cards",
    "schema_problems",
    "shown_value",
    "sort_problems",
    "sub_items",
]
