"""Job cards: the YAML format, its JSON Schema, loading with located errors, and writing.

A card is a plain ``dict`` that satisfies ``schema/card.schema.json``. Loading checks the YAML
syntax and the schema and reports every problem with the file, the line and the field path, so
that an organisation writing its own cards can fix them without reading a stack trace.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import yaml

from nomengraph import resources

# libyaml's parser when PyYAML was built with it (10-20x faster); the pure-Python one otherwise.
# Syntax errors are always reported by the pure-Python parser, whose messages are the clearer.
_FastLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CARD_SCHEMA = "card.schema.json"
ECF_SCHEMA = "ecf.schema.json"
MATRIX_SCHEMA = "matrix.schema.json"
EDITION_SCHEMA = "edition.schema.json"
EDITION_FILE = "edition.yaml"
"""The file that makes a folder of cards an organisation's edition (id, title, e-CF version)."""


@dataclass(frozen=True)
class CardProblem:
    """One problem found in a card file."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" [{self.field}]" if self.field else ""
        return f"{where}:{field} {self.message}"


class CardError(ValueError):
    """Raised when one or more card files are malformed; carries every problem found."""

    def __init__(self, problems: list[CardProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@cache
def load_schema(name: str = CARD_SCHEMA) -> dict[str, Any]:
    """Return one of the published JSON Schemas shipped with the package."""
    return json.loads(resources.read_text(resources.schema(name)))


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@cache
def _fast_validator(name: str) -> jsonschema_rs.Validator:
    """The same schema compiled by jsonschema-rs: a yes/no answer ~100x faster than
    ``jsonschema``, which is only asked (for its located messages) when the answer is no."""
    return jsonschema_rs.Draft202012Validator(load_schema(name))


def item_text(item: str | dict[str, Any]) -> str:
    """The text of a list item (a task, deliverable, indicator or experience): the item itself,
    or the ``text`` of an item printed with sub-items."""
    return item if isinstance(item, str) else item["text"]


def sub_items(item: str | dict[str, Any] | None) -> list[str]:
    """The sub-items printed under a list item, in order (none for a plain text)."""
    return list(item["items"]) if isinstance(item, dict) else []


def field_path(path: Iterable[Any]) -> str:
    """Render a JSON path (``['competences', 2, 'level']``) as ``competences[2].level``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _node_line(node: yaml.Node | None, path: Iterable[Any]) -> int | None:
    """Line (1-based) of the YAML node at ``path``, or of its deepest existing ancestor."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    child = value
                    line = key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                child = node.value[part]
                line = child.start_mark.line + 1
        if child is None:
            break
        node = child
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            line = node.start_mark.line + 1
    return line


PATTERN_MEANINGS: dict[str, str] = {
    r"^[1-5]([-/][1-5])?$": "a level is 1 to 5, or a range such as 2-4",
    r"^[A-E]\.[0-9]{1,2}$": "an e-CF code is a letter A to E, a dot and a number (B.1, E.10)",
    r"^[A-E]$": "an e-CF area is a letter A to E",
    r"^[a-z][a-z0-9-]*[a-z0-9]-[0-9]+(\.[0-9]+)*$": "an id is the edition, a hyphen and the "
    "job number (acme-1.2)",
    r"^[a-z][a-z0-9-]*[a-z0-9]$": "an edition is a lower-case key: letters, digits and hyphens "
    "(acme, acme-2025)",
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "an edition id is a lower-case key: letters, digits and "
    "hyphens (acme, acme-2025)",
    r"^[0-9]+(\.[0-9]+)*$": "a job number is numbers separated by dots (2, 2.6, 2.6.1)",
    r"^[0-9]+$": "a family number is a whole number (2)",
    r"^[0-9]+\.[0-9]+$": "a version is two numbers and a dot (3.0)",
    r"^[KS][0-9]+$": "a knowledge or skill id is K or S and a number (K1, S4)",
    r"^\S([\s\S]*\S)?$": "a text neither starts nor ends with a space",
    r"^\S(.|\n)*\S$|^\S$": "a text neither starts nor ends with a space",
    r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$": "a language is a tag such as fr, en or fr-CA",
}
"""What each pattern of the schemas asks for, in words: a message names no regular expression."""


def _pattern_message(err: jsonschema.ValidationError, name: str) -> str:
    meaning = PATTERN_MEANINGS.get(str(err.validator_value))
    if meaning is None:
        described = err.schema.get("description") if isinstance(err.schema, dict) else None
        meaning = f"expected: {described}" if described else "not in the expected form"
    return f"{name} {err.instance!r}: {meaning}".lstrip()


def _unknown_fields(err: jsonschema.ValidationError) -> list[tuple[str, str]]:
    """(field, message) for each field a mapping may not have, with the closest known one."""
    known = sorted((err.schema.get("properties") or {}) if isinstance(err.schema, dict) else {})
    extras = [k for k in err.instance if k not in known] if isinstance(err.instance, dict) else []
    out = []
    for key in extras:
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
        out.append((key, f"unknown field {key!r}{hint}"))
    return out


def schema_problems(data: Any, node: yaml.Node | None, file: str, schema: str) -> list[CardProblem]:
    """The problems of ``data`` against one of the schemas, each with its line and field, in line
    order; messages say what is expected in words (no regular expression)."""
    if _fast_validator(schema).is_valid(data):
        return []
    problems = []
    for err in _validator(schema).iter_errors(data):
        path = list(err.absolute_path)
        message = err.message
        if err.validator == "oneOf" and err.context:
            # Report the most specific reason rather than "is not valid under any of the schemas".
            err = jsonschema.exceptions.best_match(err.context)
            message = err.message
            path = list(err.absolute_path)
        if err.validator == "additionalProperties":
            for key, text in _unknown_fields(err):
                line = _node_line(node, [*path, key])
                problems.append(CardProblem(file, line, field_path([*path, key]), text))
            continue
        if err.validator == "pattern":
            name = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
            message = _pattern_message(err, name)
        line = _node_line(node, path)
        if err.validator == "required":
            # Name the missing field itself; the line is that of the enclosing mapping.
            missing = message.split("'")[1] if message.count("'") >= 2 else ""
            path = [*path, missing] if missing else path
            message = f"the field {missing!r} is required" if missing else message
        problems.append(CardProblem(file, line, field_path(path), message))
    return sort_problems(problems)


def sort_problems(problems: Iterable[CardProblem]) -> list[CardProblem]:
    """Problems by file, then line (a problem without line first), then field."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))


def _syntax_error(text: str, file: str) -> CardError:
    """The CardError for YAML text that does not parse, located by the pure-Python parser."""
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        return CardError([CardProblem(file, line, "", f"YAML syntax: {exc.problem}")])
    except yaml.YAMLError as exc:
        return CardError([CardProblem(file, None, "", f"YAML syntax: {exc}")])
    return CardError([CardProblem(file, None, "", "YAML syntax: not a single YAML document")])


def parse_data(text: str, file: str) -> Any:
    """Parse YAML text into data (no node tree); syntax errors become CardError."""
    try:
        return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        raise _syntax_error(text, file) from None


def compose(text: str) -> yaml.Node | None:
    """The node tree of YAML text that parses (for the lines of problems)."""
    return yaml.compose(text, Loader=_FastLoader)


def parse_yaml(text: str, file: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text, returning the data and its node tree; syntax errors become CardError."""
    try:
        node = compose(text)
        data = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        raise _syntax_error(text, file) from None
    return data, node


def check_card(card: Any, file: str = "<card>", node: yaml.Node | None = None) -> list[CardProblem]:
    """Return the problems of one card (schema, then consistency rules the schema cannot say)."""
    problems = schema_problems(card, node, file, CARD_SCHEMA)
    if problems or not isinstance(card, dict):
        return problems
    expected_id = f"{card['edition']}-{card['number']}"
    if card["id"] != expected_id:
        problems.append(
            CardProblem(file, _node_line(node, ["id"]), "id", f"must be {expected_id!r}")
        )
    seen: dict[str, int] = {}
    for i, req in enumerate(card["competences"]):
        path = ["competences", i]
        if req["level_min"] > req["level_max"]:
            problems.append(
                CardProblem(
                    file,
                    _node_line(node, [*path, "level_min"]),
                    field_path([*path, "level_min"]),
                    f"level_min {req['level_min']} is above level_max {req['level_max']}",
                )
            )
        printed = [int(x) for x in req["level"].replace("/", "-").split("-")]
        if (min(printed), max(printed)) != (req["level_min"], req["level_max"]):
            problems.append(
                CardProblem(
                    file,
                    _node_line(node, [*path, "level"]),
                    field_path([*path, "level"]),
                    f"printed level {req['level']!r} does not match "
                    f"level_min/level_max {req['level_min']}/{req['level_max']}",
                )
            )
        if req["code"] in seen:
            problems.append(
                CardProblem(
                    file,
                    _node_line(node, [*path, "code"]),
                    field_path([*path, "code"]),
                    f"competence {req['code']} is listed twice "
                    f"(also at competences[{seen[req['code']]}])",
                )
            )
        seen.setdefault(req["code"], i)
    lines = (card.get("provenance") or {}).get("lines")
    if lines and lines[0] > lines[1]:
        problems.append(
            CardProblem(
                file,
                _node_line(node, ["provenance", "lines"]),
                "provenance.lines",
                "start after end",
            )
        )
    return sort_problems(problems)


def load_card(path: str | Path) -> dict[str, Any]:
    """Load and check one card file; raise CardError naming file, line and field."""
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CardError([CardProblem(file, None, "", f"not UTF-8 text: {exc.reason}")]) from None
    except OSError as exc:
        raise CardError([CardProblem(file, None, "", f"cannot read: {exc.strerror}")]) from None
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
    except (OSError, UnicodeDecodeError) as exc:
        raise CardError([CardProblem(file, None, "", f"cannot read: {exc}")]) from None
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


def is_edition_folder(folder: str | Path) -> bool:
    """True when ``folder`` holds an ``edition.yaml``: an organisation's own edition."""
    return (Path(folder) / EDITION_FILE).is_file()


def edition_folder_problem(folder: str | Path) -> str | None:
    """Why ``folder`` cannot be read as an organisation's edition (it is no folder, or has no
    ``edition.yaml``), or None when it can. ``build DIR`` and ``validate DIR`` refuse such a
    folder with this same message (exit code 2: the command cannot do its work)."""
    folder = Path(folder)
    if not folder.is_dir():
        return f"{folder}: no such folder"
    if not is_edition_folder(folder):
        return f"{folder}: no {EDITION_FILE} (docs/card-format.md: an organisation's edition)"
    return None


def reference_folder_problem(cards: str | Path, command: str) -> str | None:
    """Why ``cards`` cannot be the reference cards folder of ``nomengraph COMMAND`` (it is an
    organisation's edition), or None."""
    if is_edition_folder(cards):
        return (
            f"{cards} is an organisation's edition (it has an {EDITION_FILE}): {command} it next "
            f"to the reference nomenclatures with `nomengraph {command} {cards}`"
        )
    return None


def load_edition(folder: str | Path) -> dict[str, Any]:
    """The ``edition.yaml`` of an organisation's folder of cards, checked against its schema;
    a CardError names the file, the line and the field of each problem."""
    path = Path(folder) / EDITION_FILE
    if not path.is_file():
        message = f"no {EDITION_FILE} here: an edition folder names its id, title and e-CF version"
        raise CardError([CardProblem(str(folder), None, "", message)])
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
            message = (
                f"{card['edition']!r}: the cards of this folder are of edition {edition['id']!r} "
                f"(its {EDITION_FILE})"
            )
            problems.append(CardProblem(str(path), line, "edition", message))
            continue
        if card["id"] in ids:
            message = f"duplicate id {card['id']!r} (also {ids[card['id']]})"
            problems.append(CardProblem(str(path), 1, "id", message))
            continue
        ids[card["id"]] = str(path)
        if "provenance" not in card:
            card["provenance"] = {"source": path.relative_to(folder.parent).as_posix()}
        cards.append(card)
    return cards, problems


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
            message = f"duplicate id {card['id']!r} (also {ids[card['id']]})"
            yield None, CardProblem(str(path), 1, "id", message)
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


class _Dumper(yaml.SafeDumper):
    """YAML dumper giving stable, readable output: block style, literal blocks for long text."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    """Serialise a card or data file deterministically (key order kept, UTF-8, no wrapping)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=10_000,
    )


def card_filename(card: dict[str, Any]) -> str:
    """File name of a card inside its edition folder, e.g. ``1.1.yaml`` / ``07.yaml``."""
    return f"{card['number']}.yaml"
