"""Binding a query's parameters, the one way values reach a query: checked terms as
Oxigraph substitutions (:func:`bind`, SEP-0007), or, for a remote store, the same terms in a
``VALUES`` block at the start of the outermost ``WHERE`` group (:func:`bound_text`,
:func:`bound_rows`). A value never changes the shape of the query."""

from __future__ import annotations

import pyoxigraph as ox

from nomengraph.query.model import NamedQuery, ParamError, QueryError
from nomengraph.query.params import to_term


def bind(
    query: NamedQuery, params: dict[str, str] | None = None
) -> tuple[str, dict[ox.Variable, ox.NamedNode | ox.Literal]]:
    """The query text and the substitutions (variable -> term) for these parameter values."""
    params = dict(params or {})
    for name in params:
        query.param(name)  # unknown parameter -> ParamError
    substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    for p in query.params:
        value = params.get(p.name, p.default)
        if value is None:
            if p.required:
                raise ParamError(
                    f"query {query.name!r} needs the parameter {p.name!r} ({p.type}): "
                    f"{p.description}"
                )
            continue
        substitutions[ox.Variable(p.name)] = to_term(p, value)
    return query.text, substitutions


def bound_text(query: NamedQuery, params: dict[str, str] | None = None) -> str:
    """The query text with its parameters bound by a ``VALUES`` block, for a remote store.

    The block (one row: the terms of :func:`bind`, serialised by pyoxigraph, so a value cannot
    change the shape of the query) is the first element of the outermost ``WHERE`` group: the
    group's patterns, ``FILTER``s, ``OPTIONAL``s and ``EXISTS`` see the values, as they see the
    substitutions on the embedded store. Without parameters the text is unchanged."""
    return bound_rows(query, [params or {}])


def bound_rows(query: NamedQuery, rows: list[dict[str, str]]) -> str:
    """The query text with a ``VALUES`` block of several rows (each row checked and turned into
    terms as :func:`bind` does; every row must give values to the same parameters): the query
    answers for each row, as if run once per row. No rows, or rows binding nothing: the text
    unchanged (no rows at all: a block with no row, so the query answers nothing)."""
    bound = [bind(query, row)[1] for row in rows]
    if not bound:
        if not query.params:
            return query.text
        return _with_values(query, " ".join(f"?{p.name}" for p in query.params), [])
    variables = list(bound[0])
    if not variables:
        return query.text
    if any(list(b) != variables for b in bound):
        raise ParamError(f"query {query.name!r}: every row must bind the same parameters")
    names = " ".join(str(v) for v in variables)
    values = ["(" + " ".join(str(b[v]) for v in variables) + ")" for b in bound]
    return _with_values(query, names, values)


def _with_values(query: NamedQuery, names: str, values: list[str]) -> str:
    text = query.text
    at = _where_group(text)
    if at is None:
        raise QueryError(f"{query.path}: no WHERE {{ … }} group to bind the parameters in")
    return f"{text[:at]}\n  VALUES ({names}) {{ {' '.join(values)} }}{text[at:]}"


def _where_group(text: str) -> int | None:
    """Offset just after the ``{`` that opens the outermost ``WHERE`` group, or None."""
    from nomengraph.server.lexer import scan

    for keyword, offset, depth in scan(text).places:
        if keyword == "WHERE" and depth == 0:
            i = offset + len("WHERE")
            while i < len(text):
                if text[i] == "#":  # a comment between WHERE and its group
                    end = text.find("\n", i)
                    i = len(text) if end < 0 else end + 1
                elif text[i].isspace():
                    i += 1
                else:
                    return i + 1 if text[i] == "{" else None
            return None
    return None
