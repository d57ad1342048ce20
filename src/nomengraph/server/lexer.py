"""A small SPARQL scanner: enough to find keywords outside strings, IRIs and comments.

pyoxigraph parses and runs a query in one call and does not expose its algebra, so the endpoint
looks at the query text itself to decide, before running it, what kind of query it is (for
content negotiation), whether it names its own dataset (``FROM``), whether it reaches out to the
network (``SERVICE``, ``LOAD``), and how deeply it nests.

The scanner follows the tokens of the SPARQL 1.1 grammar as Oxigraph's parser reads them, so
that the word ``SERVICE`` inside a string, an IRI, a comment, a variable or a prefixed name is
not taken for the keyword, and the keyword is found however it is written:

* comments end at a line feed or a carriage return;
* prefixed names take their escapes (``ex:a\\#``, ``ex:a\\'``) and ``%XX``;
* ``<`` after an operand inside an expression (``FILTER(?x<1)``) is the less-than operator,
  elsewhere it opens an IRI (which may hold ``\\u`` escapes);
* a keyword glued to what follows it is found: ``SERVICESILENT<…>``, ``SERVICE:name`` and
  ``SERVICEex:name`` (when the prefix is declared), ``trueSERVICE``, ``1e5SERVICE``;
* ``\\u`` / ``\\U`` escapes: were the parser to decode them before parsing (the SPARQL
  recommendation allows it), a ``SERVICE`` or ``LOAD`` hidden in escapes would appear, so the
  decoded text is scanned too, for these two keywords.

When the text cannot be scanned (an unclosed string, say) the keywords found so far are kept and
the query goes on to the parser, which then reports the syntax error. The query workers cannot
reach the network anyway (:mod:`nomengraph.server.guard`): this check is the fast, clear answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
MAX_NESTING = 128  # brackets ({, (, [) open at once at most; deeper queries get 400

# Character classes of the SPARQL 1.1 grammar (productions [164] to [173]).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_PN_LOCAL = f"(?:[{_CHARS_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_PNAME = re.compile(f"({_PN_PREFIX})?:({_PN_LOCAL})?")
_VARNAME = re.compile(f"[{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*")
_BNODE = re.compile(f"_:[{_CHARS_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?")
_LANGTAG = re.compile(r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?")
_NUMBER = re.compile(
    r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.?[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# An IRI reference: '<' then characters other than these (or \u escapes), then '>' ([139]).
_IRIREF = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
_UCHAR = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_STRINGS = ('"""', "'''", '"', "'")

# Keywords that may be glued to what follows them (``SERVICESILENT``, ``SERVICEex:name``), each
# with the keyword that may come between.
_GLUED = {"SERVICE": "SILENT", "LOAD": "SILENT", "FROM": "NAMED"}
_NETWORK = ("SERVICE", "LOAD")
_CLAUSES = {
    "SELECT": "select",
    "GROUP": "group",
    "ORDER": "order",
    "HAVING": "having",
    "VALUES": "values-head",
    "WHERE": "where",
    "CONSTRUCT": "other",
    "DESCRIBE": "other",
    "ASK": "other",
    "LIMIT": "other",
    "OFFSET": "other",
}
_EXPRESSION_CLAUSES = frozenset({"select", "group", "order", "having"})
_CALLERS = frozenset({"FILTER", "BY", "HAVING", "ASC", "DESC"})  # before a function's IRI


@dataclass
class Scan:
    """Keywords found in a query or update, in order, upper-cased."""

    keywords: list[str] = field(default_factory=list)
    iris_after: dict[str, list[str]] = field(default_factory=dict)  # keyword -> following IRIs
    places: list[tuple[str, int, int]] = field(default_factory=list)  # keyword, offset, depth
    max_depth: int = 0  # most brackets ({, (, [) open at once

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


def _glued(word: str) -> tuple[str, str, str] | None:
    """For a word that starts with SERVICE, LOAD or FROM (maybe after true/false): the keyword,
    the keyword between (SILENT, NAMED, or ""), and the rest."""
    upper = word.upper()
    for literal in ("TRUE", "FALSE"):
        if upper.startswith(literal) and len(upper) > len(literal):
            word, upper = word[len(literal) :], upper[len(literal) :]
            break
    for keyword, between in _GLUED.items():
        if upper.startswith(keyword):
            rest = word[len(keyword) :]
            if rest.upper().startswith(between):
                return keyword, between, rest[len(between) :]
            return keyword, "", rest
    return None


class _Scanner:
    """One pass over the text. Brackets are tracked with their kind: ``{``, ``[``, ``e`` (the
    parentheses of an expression) and ``c`` (a collection or a VALUES list), and each ``{``
    level with its clause, to tell the less-than operator from an IRI."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.result = Scan()
        self.stack: list[str] = []
        self.clauses: list[str] = ["prologue"]
        self.braces = 0
        self.last_keyword: str | None = None
        self.prev = "start"  # kind of the previous token: word, operand, iri, open, punct...
        self.prev_word = ""
        self.before_word = ""  # the word before the previous token, if it was one
        self.declared: set[str] = set()
        # Glued keywords that need a prefix to be declared: keyword, between, prefix, target.
        self.pending: list[tuple[str, str, str, str]] = []

    def token(self, kind: str, word: str = "") -> None:
        self.before_word = self.prev_word if self.prev == "word" else ""
        self.prev, self.prev_word = kind, word

    def keyword(self, word: str, offset: int) -> None:
        self.last_keyword = word
        self.result.keywords.append(word)
        self.result.places.append((word, offset, self.braces))
        clause = _CLAUSES.get(word)
        if clause is not None:
            self.clauses[-1] = clause

    def after(self, target: str) -> None:
        if self.last_keyword is not None:
            self.result.iris_after.setdefault(self.last_keyword, []).append(target)

    def open(self, kind: str) -> None:
        self.stack.append(kind)
        self.result.max_depth = max(self.result.max_depth, len(self.stack))
        if kind == "{":
            self.braces += 1
            clause = "values" if self.clauses[-1] == "values-head" else "pattern"
            if self.clauses[-1] == "values-head":
                self.clauses[-1] = "pattern"
            self.clauses.append(clause)
        self.token("open")

    def close(self, kind: str) -> None:
        if self.stack:
            top = self.stack.pop()
            if top == "{" and len(self.clauses) > 1:
                self.clauses.pop()
        if kind == "}":
            self.braces -= 1
            self.token("close")
        else:
            self.token("operand")

    def paren_kind(self) -> str:
        top = self.stack[-1] if self.stack else None
        if top in ("e", "c"):
            return top
        clause = self.clauses[-1]
        if self.prev == "word":
            return "c" if self.prev_word in ("VALUES", "A") else "e"
        if clause == "values":
            return "c"
        if clause in _EXPRESSION_CLAUSES:
            return "e"
        if self.prev == "iri" and self.before_word in _CALLERS:
            return "e"  # FILTER ex:f( ... ) : a function call
        return "c"

    def less_than_is_operator(self) -> bool:
        top = self.stack[-1] if self.stack else None
        return top == "e" and self.prev in ("operand", "iri")

    def name(self, i: int) -> int:
        """A prefixed name or a word at ``i``; the index after it."""
        text = self.text
        m = _PNAME.match(text, i)
        if m:
            prefix, local = m.group(1) or "", m.group(2) or ""
            declaring = not local and self.prev == "word" and self.prev_word == "PREFIX"
            if declaring:
                self.declared.add(prefix)
            elif not local and prefix.upper().startswith("PREFIX"):
                self.declared.add(prefix[6:])  # PREFIXex: is PREFIX ex:
            glued = None if declaring else _glued(prefix)
            if glued is not None and (glued[0] != "FROM" or self.braces == 0):
                keyword, between, rest = glued
                self.pending.append((keyword, between, rest, f"{rest}:{local}"))
            self.after(m.group())
            self.token("iri")
            return m.end()
        m = _WORD.match(text, i)
        if not m:
            self.token("punct")
            return i + 1
        word = m.group()
        upper = word.upper()
        glued = _glued(word) if upper not in _GLUED else None
        if glued is not None and glued[2] == "":
            keyword, between, _ = glued
            self.keyword(keyword, i)
            if between:
                self.keyword(between, i + len(word) - len(between))
            self.token("word", between or keyword)
        elif upper in ("TRUE", "FALSE"):
            self.token("operand")
        else:
            self.keyword(upper, i)
            self.token("word", upper)
        return m.end()

    def run(self) -> Scan:
        text = self.text
        i, n = 0, len(text)
        while i < n:
            c = text[i]
            if c in " \t\r\n":
                i += 1
            elif c == "#":
                j = i + 1
                while j < n and text[j] not in "\r\n":
                    j += 1
                i = j
            elif c in "\"'":
                i = _skip_string(text, i)
                self.token("operand")
            elif c == "<":
                if self.less_than_is_operator():
                    i += 1
                    self.token("punct")
                    continue
                m = _IRIREF.match(text, i)
                if m:
                    self.after(m.group()[1:-1])
                    self.token("iri")
                    i = m.end()
                else:
                    i += 1
                    self.token("punct")
            elif c in "?$":
                m = _VARNAME.match(text, i + 1)
                if m:
                    i = m.end()
                    self.token("operand")
                else:
                    i += 1
                    self.token("punct")
            elif c == "_" and text.startswith("_:", i):
                m = _BNODE.match(text, i)
                i = m.end() if m else i + 2
                self.token("operand")
            elif c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
                m = _NUMBER.match(text, i)
                i = m.end() if m else i + 1
                self.token("operand")
            elif c == ":" or c.isalpha() or c == "_":
                i = self.name(i)
            elif c == "@":
                m = _LANGTAG.match(text, i)
                i = m.end() if m else i + 1  # a language tag leaves the literal an operand
            elif c == "{":
                self.open("{")
                i += 1
            elif c == "[":
                self.open("[")
                i += 1
            elif c == "(":
                self.open(self.paren_kind())
                i += 1
            elif c in "})]":
                self.close(c)
                i += 1
            else:
                self.token("punct")
                i += 1
        for keyword, between, prefix, target in self.pending:
            if prefix in self.declared:  # the keyword, then a prefixed name the parser knows
                self.result.keywords.append(keyword)
                if between:
                    self.result.keywords.append(between)
                self.result.iris_after.setdefault(between or keyword, []).append(target)
        return self.result


def unescape_codepoints(text: str) -> str:
    """The text with its ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes decoded, as the SPARQL
    recommendation (19.2) allows a parser to do before parsing; other escapes are kept."""

    def decode(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "uU" and len(code) > 1:
            value = int(code[1:], 16)
            if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
                return chr(value)
        return m.group()

    return _UCHAR.sub(decode, text)


def scan(text: str) -> Scan:
    """Scan SPARQL text for keywords (outside comments, strings, IRIs and names)."""
    result = _Scanner(text).run()
    if "\\u" in text or "\\U" in text:
        decoded = unescape_codepoints(text)
        if decoded != text:
            other = _Scanner(decoded).run()
            result.max_depth = max(result.max_depth, other.max_depth)
            for word in _NETWORK:
                if other.has(word) and not result.has(word):
                    result.keywords.append(word)
            for word in (*_NETWORK, "SILENT"):
                for target in other.iris_after.get(word, []):
                    result.iris_after.setdefault(word, []).append(target)
    return result


def nesting_error(found: Scan, limit: int = MAX_NESTING) -> str | None:
    """The message for a query nested deeper than ``limit`` brackets, else None."""
    if found.max_depth <= limit:
        return None
    return (
        f"the query nests {found.max_depth} brackets ({{, ( or [) deep; this endpoint accepts "
        f"at most {limit}: flatten the query"
    )


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
