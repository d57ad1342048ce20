"""Checking that a ``job``, ``competence`` or ``edition`` parameter names something the store
holds; if not, the error names the closest values it does hold."""

from __future__ import annotations

from nomengraph import iris, prefixes
from nomengraph.query.model import NamedQuery, ParamError, QueryError
from nomengraph.query.params import to_term

_PREFIXES = prefixes.sparql_prologue(("ng", "skos"))

# parameter type -> (what it names, ASK pattern about $term, SELECT of every (?key, ?label))
_NAMED: dict[str, tuple[str, str, str]] = {
    "job": (
        "job",
        "{term} a ng:Job",
        "SELECT ?key ?label WHERE { ?key a ng:Job . OPTIONAL { ?key skos:prefLabel ?label } }",
    ),
    "competence": (
        "e-CF competence",
        "?c a ng:Competence ; skos:notation {term}",
        "SELECT ?key ?label WHERE { ?c a ng:Competence ; skos:notation ?key . "
        'OPTIONAL { ?c skos:prefLabel ?label FILTER (LANGMATCHES(LANG(?label), "en")) } }',
    ),
    "edition": (
        "edition",
        "{term} a skos:ConceptScheme",
        "SELECT ?key ?label WHERE { ?key a skos:ConceptScheme . "
        "OPTIONAL { ?key skos:prefLabel ?label } }",
    ),
}
CLOSEST = 5  # closest known values named when a parameter names nothing in the store


class UnknownValue(ParamError):
    """A parameter names a job, competence or edition that the store does not hold; the
    message gives the closest known values."""


def _short(kind: str, value: str) -> str:
    """A job, edition or competence as a person types it: ``cigref-2018/2.6``, ``sic``, E.8."""
    if kind == "job" and value.startswith(iris.ID):
        return value[len(iris.ID) :].replace("/job/", "/", 1)
    if kind == "edition":
        return value.removeprefix(iris.ID + "scheme/")
    return value


def _ask(store: object, text: str) -> bool:
    if hasattr(store, "select_bindings"):
        return bool(store.ask(text))  # type: ignore[attr-defined]
    answer = getattr(store, "store", store).query(text, use_default_graph_as_union=True)
    return bool(answer)


def _known(store: object, kind: str) -> dict[str, str]:
    """Every value of this kind in the store, as typed (``cigref-2018/2.6``), with a label."""
    text = _PREFIXES + _NAMED[kind][2]
    if hasattr(store, "select_bindings"):
        rows = [
            (b.get("key", {}).get("value", ""), b.get("label", {}).get("value", ""))
            for b in store.select_bindings(text)[1]  # type: ignore[attr-defined]
        ]
    else:
        target = getattr(store, "store", store)
        rows = [
            (sol["key"].value, sol["label"].value if sol["label"] is not None else "")
            for sol in target.query(text, use_default_graph_as_union=True)
        ]
    known: dict[str, str] = {}
    for key, label in rows:
        if kind == "job" and not key.startswith(iris.ID):
            continue
        if kind == "edition" and not key.startswith(iris.ID + "scheme/"):
            continue
        short = _short(kind, key)
        if short not in known or (label and not known[short]):
            known[short] = label
    return known


def check_values(store: object, query: NamedQuery, params: dict[str, str] | None = None) -> None:
    """Raise :class:`UnknownValue` when a given ``job``, ``competence`` or ``edition`` parameter
    names nothing in the store, with the closest values the store holds (a query would only
    answer with no row). Parameters left to their default are not checked."""
    from rapidfuzz import fuzz, process

    from nomengraph.store import StoreError

    for name, value in (params or {}).items():
        param = query.param(name)
        if param.type not in _NAMED:
            continue
        term = to_term(param, value)
        what, pattern, _ = _NAMED[param.type]
        try:
            if _ask(store, _PREFIXES + "ASK { " + pattern.format(term=term) + " }"):
                continue
            known = _known(store, param.type)
        except (StoreError, OSError, RuntimeError, SyntaxError) as exc:
            raise QueryError(f"query {query.name!r} failed: {exc}") from None
        given = _short(param.type, term.value)
        if not known:
            raise UnknownValue(f"parameter {name!r}: the store holds no {what}")
        closest = process.extract(given, list(known), scorer=fuzz.ratio, limit=CLOSEST)
        listed = ", ".join(
            f"{key} ({known[key]})" if known[key] else key for key, _score, _ in closest
        )
        raise UnknownValue(
            f"parameter {name!r}: no {what} {given} in the store; the closest: {listed}"
        )
