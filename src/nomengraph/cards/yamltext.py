"""YAML text of card and data files: parsing with located syntax errors, the line of a field
in the node tree, the field path as messages write it, and deterministic writing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

from .problems import CardError, CardProblem

# libyaml's parser when PyYAML was built with it (10-20x faster); the pure-Python one otherwise.
# Syntax errors are always reported by the pure-Python parser, whose messages are the clearer.
_FastLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
