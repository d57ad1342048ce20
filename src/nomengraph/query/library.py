"""Reading the query library: the ``.rq`` files, their ``#+`` header (summary, description,
typed parameters, example values, and the summary and parameter help in other languages), one
query by name or all of them.

The header is written in English; ``#+ summary@fr: …`` gives the summary in French,
``#+ description@fr: …`` the description (both may repeat, like their English lines) and
``#+ param@fr: name …`` the help of the parameter ``name`` (declared by its ``#+ param:`` line)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from nomengraph import resources
from nomengraph.query.model import NamedQuery, Param, QueryError, UnknownQuery
from nomengraph.query.params import PARAM_TYPES, to_term

QUERIES = resources.QUERIES
"""The query library shipped in the package (``--queries DIR`` reads another folder)."""

_HEADER = re.compile(r"^#\+\s*([a-z]+)(?:@([a-z]+))?\s*:\s?(.*)$")
_TRANSLATED = (
    "summary",
    "description",
    "param",
)  # header fields that may be given in another language
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*([a-z]+)\s*,\s*([^)]*?)\s*\)\s*(.*)$")


def parse_query(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its header."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    params: list[Param] = []
    example: dict[str, str] = {}
    translated: dict[str, dict[str, list[str]]] = {}  # summary/description -> language -> lines
    helps: dict[str, dict[str, str]] = {}  # parameter -> language -> help
    for number, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if not m:
            continue
        key, lang, value = m.group(1), m.group(2), m.group(3).strip()
        if lang is not None:
            if key not in _TRANSLATED or lang == "en":
                raise QueryError(
                    f"{path}:{number}: {key}@{lang} is not a header field (summary@LANG, "
                    "description@LANG and param@LANG give a summary, a description and a "
                    "parameter's help in a language other than English)"
                )
            if key != "param":
                translated.setdefault(key, {}).setdefault(lang, []).append(value)
                continue
            name, _, description = value.partition(" ")
            if not name or not description.strip():
                raise QueryError(f"{path}:{number}: a param@{lang} line is 'name help'")
            if lang in helps.setdefault(name, {}):
                raise QueryError(f"{path}:{number}: help of {name!r} in {lang!r} given twice")
            helps[name][lang] = description.strip()
            continue
        if key == "param":
            pm = _PARAM.match(value)
            if not pm:
                raise QueryError(
                    f"{path}:{number}: a param line is 'name (type, default) description'"
                )
            name, ptype, default, description = pm.groups()
            if ptype not in PARAM_TYPES:
                raise QueryError(
                    f"{path}:{number}: unknown parameter type {ptype!r} "
                    f"(one of {', '.join(PARAM_TYPES)})"
                )
            if any(p.name == name for p in params):
                raise QueryError(f"{path}:{number}: parameter {name!r} declared twice")
            params.append(
                Param(
                    name,
                    ptype,
                    None if default in ("required", "optional") else default,
                    default == "optional",
                    description,
                )
            )
        elif key == "example":
            name, sep, given = value.partition("=")
            if not sep or not name.strip() or not given.strip():
                raise QueryError(f"{path}:{number}: an example line is 'name=value'")
            example[name.strip()] = given.strip()
        elif key in ("summary", "description", "expect"):
            fields.setdefault(key, []).append(value)
        else:
            raise QueryError(f"{path}:{number}: unknown header field {key!r}")
    summary = " ".join(fields.get("summary", [])).strip()
    if not summary:
        raise QueryError(f"{path}: no '#+ summary:' line")
    declared = {p.name for p in params}
    for name in helps:
        if name not in declared:
            raise QueryError(f"{path}: help in another language for {name!r}, not a parameter")
    params = [replace(p, descriptions=tuple(sorted(helps.get(p.name, {}).items()))) for p in params]
    query = NamedQuery(
        path.stem,
        path,
        text,
        summary,
        " ".join(fields.get("description", [])).strip(),
        tuple(params),
        tuple(example.items()),
        *(
            tuple(sorted((lang, " ".join(lines).strip()) for lang, lines in by_lang.items()))
            for by_lang in (translated.get("summary", {}), translated.get("description", {}))
        ),
    )
    for p in query.params:  # defaults must fit their type
        if p.default is not None:
            to_term(p, p.default)
    for name, given in example.items():  # examples name parameters and fit their type
        to_term(query.param(name), given)
    return query


def list_queries(folder: Path | str = QUERIES) -> list[NamedQuery]:
    """Every query of the library, by name."""
    folder = resources.require(QUERIES) if Path(folder) == QUERIES else Path(folder)
    if not folder.is_dir():
        raise QueryError(f"{folder}: no query folder here")
    return [parse_query(p) for p in sorted(folder.glob("*.rq"))]


def load_query(name: str, folder: Path | str = QUERIES) -> NamedQuery:
    """One query by name (the file name without ``.rq``)."""
    folder = resources.require(QUERIES) if Path(folder) == QUERIES else Path(folder)
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", name or ""):
        raise UnknownQuery(f"{name!r} is not a query name (lower-case letters, digits, hyphens)")
    path = folder / f"{name}.rq"
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.rq")) if folder.is_dir() else []
        close = [k for k in known if name in k or k in name]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownQuery(f"no query named {name!r} in {folder}{hint} (`--list` lists them)")
    return parse_query(path)
