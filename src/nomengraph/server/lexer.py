"""A small SPARQL scanner: enough to find keywords outside strings, IRIs and comments.

pyoxigraph parses and runs a query in one call and does not expose its algebra, so the endpoint
looks at the query text itself to decide, before running it, what kind of query it is (for
content negotiation), whether it names its own dataset (``FROM``), and whether it reaches out
to the network (``SERVICE``, ``LOAD``). The scanner skips comments, string literals of the four
kinds, IRIs, variables, prefixed names and blank node labels, so the word ``SERVICE`` inside any
of these is not taken for the keyword. When the text cannot be scanned (an unclosed string, say)
the keywords found so far are kept and the query goes on to the parser, which then reports the
syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# An IRI reference: '<' then characters other than these, then '>' (SPARQL 1.1 grammar [139]).
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_NAME_CHAR = re.compile(r"[\w\-.:%\\\u00b7]", re.UNICODE)
_STRINGS = ('"""', "'''", '"', "'")

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass
class Scan:
    """Keywords found in a query or update, in order, upper-cased."""

    keywords: list[str] = field(default_factory=list)
    iris_after: dict[str, list[str]] = field(default_factory=dict)  # keyword -> following IRIs
    places: list[tuple[str, int, int]] = field(default_factory=list)  # keyword, offset, depth

    @property
    def form(self) -> str | None:
        """The query form (select, ask, construct, describe), or None."""
        for word in self.keywords:
            if word in QUERY_FORMS:
                return word.lower()
        return None

    def has(self, word: str) -> bool:
        return word in self.keywords


def _skip_string(text: str, i: int) -> int:
    """Index just after the string literal that starts at ``i`` (or len(text) if unclosed)."""
    for quote in _STRINGS:
        if text.startswith(quote, i):
            break
    j = i + len(quote)
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if text.startswith(quote, j):
            return j + len(quote)
        if len(quote) == 1 and c in "\r\n":  # short strings end at the line (a syntax error)
            return j
        j += 1
    return n


def scan(text: str) -> Scan:
    """Scan SPARQL text for keywords (outside comments, strings, IRIs and names)."""
    result = Scan()
    i, n = 0, len(text)
    last_keyword: str | None = None
    depth = 0
    while i < n:
        c = text[i]
        if c in "{}":
            depth += 1 if c == "{" else -1
            i += 1
            continue
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c in "\"'":
            i = _skip_string(text, i)
            continue
        if c == "<":
            m = _IRIREF.match(text, i)
            if m:
                if last_keyword is not None:
                    result.iris_after.setdefault(last_keyword, []).append(m.group()[1:-1])
                i = m.end()
                continue
            i += 1  # the less-than operator
            continue
        if c in "?$":  # variable
            i += 1
            while i < n and (text[i].isalnum() or text[i] in "_\u00b7"):
                i += 1
            continue
        if c == "_" and text.startswith("_:", i):  # blank node label
            i += 2
            while i < n and _NAME_CHAR.match(text[i]):
                i += 1
            continue
        if c == ":" or c.isalpha() or c == "_":
            start = i
            while i < n and (_NAME_CHAR.match(text[i]) or text[i].isalpha()):
                i += 1
            token = text[start:i].rstrip(".")
            i = start + len(token)
            if ":" in token or not token:
                continue  # a prefixed name (or a PREFIX declaration's name): not a keyword
            if _WORD.fullmatch(token):
                last_keyword = token.upper()
                result.keywords.append(last_keyword)
                result.places.append((last_keyword, start, depth))
            continue
        if c == "@":  # language tag
            i += 1
            while i < n and (text[i].isalnum() or text[i] == "-"):
                i += 1
            continue
        i += 1
    return result


def add_using(update: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """The update with USING / USING NAMED clauses for the protocol's using-graph-uri and
    using-named-graph-uri, inserted before the WHERE of each DELETE/INSERT ... WHERE operation.

    Raises ValueError when the update has its own USING or WITH (the protocol forbids both).
    """
    found = scan(update)
    if found.has("USING") or found.has("WITH"):
        raise ValueError(
            "using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH "
            "in the update"
        )
    clause = " ".join(
        [f"USING <{g}>" for g in default_graphs] + [f"USING NAMED <{g}>" for g in named_graphs]
    )
    out, last = [], 0
    previous = None
    for word, offset, depth in found.places:
        if word == "WHERE" and depth == 0 and previous != "DELETE":
            out.append(update[last:offset])
            out.append(clause + " ")
            last = offset
        previous = word
    out.append(update[last:])
    return "".join(out)


@lru_cache(maxsize=512)
def scan_cached(text: str) -> Scan:
    """:func:`scan`, remembered for the last 512 texts (an endpoint sees the same queries again
    and again). The result is shared: callers must not change it."""
    return scan(text)
