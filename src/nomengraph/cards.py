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
from nomengraph.texts import Words, both, joined, say

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
    r"^[1-5]([-/][1-5])?$": "pattern.level",
    r"^[A-E]\.[0-9]{1,2}$": "pattern.code",
    r"^[A-E]$": "pattern.area",
    r"^[a-z][a-z0-9-]*[a-z0-9]-[0-9]+(\.[0-9]+)*$": "pattern.id",
    r"^[a-z][a-z0-9-]*[a-z0-9]$": "pattern.edition",
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "pattern.edition-id",
    r"^[0-9]+(\.[0-9]+)*$": "pattern.number",
    r"^[0-9]+$": "pattern.family",
    r"^[0-9]+\.[0-9]+$": "pattern.version",
    r"^[KS][0-9]+$": "pattern.ksa",
    r"^\S([\s\S]*\S)?$": "pattern.text",
    r"^\S(.|\n)*\S$|^\S$": "pattern.text",
    r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$": "pattern.language",
}
"""What each pattern of the schemas asks for, in words (the key of its text in
:mod:`nomengraph.texts`): a message names no regular expression."""


def shown_value(value: Any) -> str:
    """A value as a card file writes it: ``'text'``, ``5``, ``true``, ``null``, a short list."""
    if isinstance(value, str):
        return repr(value)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return str(value)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _field_name(path: list[Any]) -> Words | str:
    """The field a message names: the last field of the path and the list positions after it
    (``level``, ``tasks[2]``), or the file itself."""
    last = max((i for i, p in enumerate(path) if isinstance(p, str)), default=None)
    if last is None:
        return both("schema.the-file")
    return field_path(path[last:])


def _types(limit: str | list[str]) -> list[str]:
    return [limit] if isinstance(limit, str) else list(limit)


def _one_of(err: jsonschema.ValidationError) -> jsonschema.ValidationError | list[str]:
    """The reason a value fits none of the forms of a ``oneOf``: the types it may have when it
    has the type of none of them, else the most telling error of a form of its type."""
    branches: dict[Any, list[jsonschema.ValidationError]] = {}
    for e in err.context or []:
        branches.setdefault(e.schema_path[0] if e.schema_path else None, []).append(e)
    wrong_type = {
        b for b, errs in branches.items() if any(e.validator == "type" and not e.path for e in errs)
    }
    if branches and wrong_type == set(branches):
        return [
            t
            for b in branches
            for e in branches[b]
            if e.validator == "type"
            for t in _types(e.validator_value)
        ]
    kept = [e for b, errs in branches.items() if b not in wrong_type for e in errs]
    return jsonschema.exceptions.best_match(kept) if kept else err


def _schema_words(err: jsonschema.ValidationError, path: list[Any]) -> Words:
    """What a schema error means, in words in every language: the field and the value, then
    what the card format asks for (no regular expression, no schema keyword)."""
    kind, limit = err.validator, err.validator_value
    name = _field_name(path)
    value = shown_value(err.instance)
    if kind == "type":
        what = joined([both(f"type.{t}") for t in _types(limit)], "or")
        return both("schema.type", name=name, value=value, what=what)
    if kind == "enum":
        choices = ", ".join(shown_value(c) for c in limit)
        return both("schema.enum", name=name, value=value, choices=choices)
    if kind == "const":
        return both("schema.const", name=name, value=value, expected=shown_value(limit))
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "maxLength"):
        return both(f"schema.{kind}", name=name, value=value, limit=limit)
    if kind == "minLength":
        key = "schema.empty-text" if limit == 1 else "schema.minLength"
        return both(key, name=name, value=value, limit=limit)
    if kind in ("minItems", "maxItems"):
        count = len(err.instance) if isinstance(err.instance, list) else 0
        key = "schema.empty-list" if kind == "minItems" and limit == 1 else f"schema.{kind}"
        return both(key, name=name, count=count, limit=limit)
    if kind == "minProperties":
        return both("schema.empty-mapping", name=name)
    if kind == "uniqueItems":
        return both("schema.uniqueItems", name=name)
    if kind == "pattern":
        meaning = both(PATTERN_MEANINGS.get(str(limit), "pattern.unknown"))
        return both("schema.pattern", name=name, value=value, meaning=meaning)
    return both("schema.other", name=name, value=value)


def _unknown_fields(err: jsonschema.ValidationError) -> list[tuple[str, Words]]:
    """(field, message) for each field a mapping may not have, with the closest known one."""
    known = sorted((err.schema.get("properties") or {}) if isinstance(err.schema, dict) else {})
    extras = [k for k in err.instance if k not in known] if isinstance(err.instance, dict) else []
    out = []
    for key in extras:
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        if close:
            out.append((key, both("schema.unknown-close", key=key, close=close[0])))
        else:
            out.append((key, both("schema.unknown", key=key, known=", ".join(known))))
    return out


def _problem(file: str, line: int | None, path: list[Any], words: Words) -> CardProblem:
    return CardProblem(file, line, field_path(path), words["en"], tuple(words.items()))


def schema_problems(data: Any, node: yaml.Node | None, file: str, schema: str) -> list[CardProblem]:
    """The problems of ``data`` against one of the schemas, each with its line and field, in line
    order; messages say in words, in every language, what is expected (no regular expression)."""
    if _fast_validator(schema).is_valid(data):
        return []
    problems = []
    errors = list(_validator(schema).iter_errors(data))
    # An empty text is said empty once: not also "does not start with a letter".
    empty = {tuple(e.absolute_path) for e in errors if e.validator == "minLength"}
    for err in errors:
        if err.validator == "pattern" and err.instance == "" and tuple(err.absolute_path) in empty:
            continue
        if err.validator in ("oneOf", "anyOf") and err.context:
            # The most specific reason rather than "is not valid under any of the schemas".
            found = _one_of(err)
            if isinstance(found, list):
                path = list(err.absolute_path)
                what = joined([both(f"type.{t}") for t in dict.fromkeys(found)], "or")
                words = both(
                    "schema.type",
                    name=_field_name(path),
                    value=shown_value(err.instance),
                    what=what,
                )
                problems.append(_problem(file, _node_line(node, path), path, words))
                continue
            err = found
        path = list(err.absolute_path)
        if err.validator == "additionalProperties":
            for key, words in _unknown_fields(err):
                problems.append(_problem(file, _node_line(node, [*path, key]), [*path, key], words))
            continue
        line = _node_line(node, path)
        if err.validator == "required":
            # Name the missing field itself; the line is that of the enclosing mapping.
            missing = err.message.split("'")[1] if err.message.count("'") >= 2 else ""
            if missing:
                problems.append(
                    _problem(file, line, [*path, missing], both("schema.required", key=missing))
                )
                continue
        problems.append(_problem(file, line, path, _schema_words(err, path)))
    return sort_problems(problems)


def sort_problems(problems: Iterable[CardProblem]) -> list[CardProblem]:
    """Problems by file, then line (a problem without line first), then field."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))


def _syntax_error(text: str, file: str) -> CardError:
    """The CardError for YAML text that does not parse, located by the pure-Python parser."""
    # The parser's own detail stays as PyYAML says it (in English), after a lead-in in the
    # run's language: it quotes the characters it met, which no catalog can foresee.
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        return CardError([CardProblem.of(file, line, "", "yaml.syntax", detail=exc.problem)])
    except yaml.YAMLError as exc:
        return CardError([CardProblem.of(file, None, "", "yaml.syntax", detail=exc)])
    return CardError([CardProblem.of(file, None, "", "yaml.not-one")])


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
        line = _node_line(node, ["id"])
        problems.append(
            CardProblem.of(file, line, "id", "card.id", value=card["id"], expected=expected_id)
        )
    seen: dict[str, int] = {}
    for i, req in enumerate(card["competences"]):
        path = ["competences", i]
        if req["level_min"] > req["level_max"]:
            problems.append(
                CardProblem.of(
                    file,
                    _node_line(node, [*path, "level_min"]),
                    field_path([*path, "level_min"]),
                    "card.levels-order",
                    low=req["level_min"],
                    high=req["level_max"],
                )
            )
        printed = [int(x) for x in req["level"].replace("/", "-").split("-")]
        if (min(printed), max(printed)) != (req["level_min"], req["level_max"]):
            problems.append(
                CardProblem.of(
                    file,
                    _node_line(node, [*path, "level"]),
                    field_path([*path, "level"]),
                    "card.printed-level",
                    level=req["level"],
                    low=req["level_min"],
                    high=req["level_max"],
                )
            )
        if req["code"] in seen:
            problems.append(
                CardProblem.of(
                    file,
                    _node_line(node, [*path, "code"]),
                    field_path([*path, "code"]),
                    "card.twice",
                    code=req["code"],
                    index=seen[req["code"]],
                )
            )
        seen.setdefault(req["code"], i)
    lines = (card.get("provenance") or {}).get("lines")
    if lines and lines[0] > lines[1]:
        problems.append(
            CardProblem.of(
                file,
                _node_line(node, ["provenance", "lines"]),
                "provenance.lines",
                "card.lines",
                first=lines[0],
                last=lines[1],
            )
        )
    return sort_problems(problems)


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
