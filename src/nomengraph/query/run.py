"""Running a named query on a store (embedded Oxigraph or remote SPARQL endpoint), with its
answers as plain Python values: IRIs and texts as str, numbers, booleans."""

from __future__ import annotations

import pyoxigraph as ox

from nomengraph.query.binding import bind, bound_text
from nomengraph.query.model import NamedQuery, QueryError, Result

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    _XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
_FLOAT_TYPES = {_XSD + "decimal", _XSD + "double", _XSD + "float"}


def _value(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in _INTEGER_TYPES:
                return int(term.value)
            if dt in _FLOAT_TYPES:
                return float(term.value)
        except ValueError:
            return term.value
        if dt == _XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _json_value(term: dict[str, str] | None) -> object:
    """A SPARQL JSON result term as :func:`_value` gives the same term from pyoxigraph."""
    if term is None:
        return None
    kind, value = term.get("type"), term.get("value", "")
    if kind in ("literal", "typed-literal"):  # typed-literal: SPARQL JSON's first draft
        dt = term.get("datatype", "")
        try:
            if dt in _INTEGER_TYPES:
                return int(value)
            if dt in _FLOAT_TYPES:
                return float(value)
        except ValueError:
            return value
        if dt == _XSD + "boolean":
            return value in ("true", "1")
        return value
    if kind == "bnode":
        return f"_:{value}"
    return value


def run_query(store: object, query: NamedQuery, params: dict[str, str] | None = None) -> Result:
    """Run a named query on a store (``OxigraphStore``, ``pyoxigraph.Store`` or ``RemoteStore``).

    The default graph is the union of the named graphs (on a remote store: its default graph,
    which nomengraph expects to be that union; docs/remote-store.md).
    """
    if hasattr(store, "select_bindings"):
        return _run_remote(store, query, params)
    text, substitutions = bind(query, params)
    target = getattr(store, "store", store)
    try:
        solutions = target.query(text, use_default_graph_as_union=True, substitutions=substitutions)
    except SyntaxError as exc:
        raise QueryError(f"{query.path}: {exc}") from None
    except (OSError, RuntimeError) as exc:
        raise QueryError(f"query {query.name!r} failed: {exc}") from None
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError(f"query {query.name!r} is not a SELECT query")
    columns = [v.value for v in solutions.variables]
    rows = [[_value(sol[c]) for c in columns] for sol in solutions]
    return Result(columns, rows, query.name, dict(params or {}))


def _run_remote(store: object, query: NamedQuery, params: dict[str, str] | None) -> Result:
    from nomengraph.store import StoreError

    text = bound_text(query, params)
    try:
        columns, bindings = store.select_bindings(text)  # type: ignore[attr-defined]
    except StoreError as exc:
        raise QueryError(f"query {query.name!r} failed: {exc}") from None
    rows = [[_json_value(b.get(c)) for c in columns] for b in bindings]
    return Result(columns, rows, query.name, dict(params or {}))
