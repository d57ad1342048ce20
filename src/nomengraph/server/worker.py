"""The query worker: a child process that holds the store and runs one query at a time.

pyoxigraph cannot cancel a running query, so queries run here, in a process that the server
kills (and replaces) when a query outlives its time limit. The parent talks to it over two
pipes with :mod:`multiprocessing.connection` messages (pickled dicts, trusted both ways):

* first, the worker sends ``{"ready": True, "stats": {...}, "pid": ..., "guard": ...,
  "resident": ...}`` (or ``{"fatal": msg}``);
* then, for each request ``{"op": "query" | "update" | "stats" | "marks", ...}`` it sends one answer
  ``{"ok": True, ...}`` or ``{"ok": False, "error": kind, "message": text}``.

Before it opens the store, the worker cuts itself off the network
(:func:`nomengraph.server.guard.isolate_network`; the guard in force is ``guard`` in the first
message). Once the store is open, it limits its data segment to its size then plus the query
memory limit and a margin (``resident`` is its resident memory then, the base of the executor's
memory watch), and it answers requests in a thread with a large stack, so that deeply nested
queries do not overflow it. Error kinds: ``syntax``, ``too_large`` (rows or bytes), ``memory``
(a MemoryError; the worker should be replaced), ``network`` (SERVICE or LOAD met the guard),
``bad_request`` and ``evaluation`` (the query failed: 400), ``internal`` (our own bug: 500).

Run as ``python -m nomengraph.server.worker IN_FD OUT_FD CONFIG_JSON`` by the executor only.
"""

from __future__ import annotations

import json
import os
import sys
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from nomengraph.exitcodes import EXIT_ERROR
from nomengraph.server import guard
from nomengraph.store import apply_marked_update, clear_update_marks, update_marks

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
DEFAULT_SELECT = "application/sparql-results+json"
DEFAULT_GRAPH = "text/turtle"


def term_json(term: Any) -> dict[str, Any]:
    """A term as in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            direction = getattr(term, "direction", None)
            if direction is not None:
                out["its:dir"] = "rtl" if "RTL" in str(direction).upper() else "ltr"
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")


def solutions_json(variables: list[str], rows: list[Any], max_bytes: int | None = None) -> bytes:
    """SELECT solutions as SPARQL 1.1 Query Results JSON. Each distinct term is written once
    and shared (terms recur across rows: reading a term's parts from pyoxigraph is the cost).
    Raises :class:`AnswerTooLarge` as soon as the answer is sure to exceed ``max_bytes``."""
    written: dict[Any, tuple[dict[str, Any], int]] = {}
    bindings = []
    size = 0
    for row in rows:
        binding = {}
        for name, value in zip(variables, row, strict=True):
            if value is not None:
                entry = written.get(value)
                if entry is None:
                    term = term_json(value)
                    entry = written[value] = (term, len(str(term["value"])) + len(name) + 16)
                binding[name] = entry[0]
                size += entry[1]
        bindings.append(binding)
        if max_bytes is not None and size > max_bytes:
            raise AnswerTooLarge(max_bytes)
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class TooManyRows(Exception):
    pass


class AnswerTooLarge(Exception):
    """The serialised answer is larger than the server's limit of one answer."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the answer is larger than {limit:,} bytes")


NETWORK_ERRORS = (
    "network is unreachable",
    "os error 101",
    "permission denied (os error 13)",
    "failed to lookup address",
    "name resolution",
)


class Worker:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.max_rows: int = config["max_rows"]
        self.max_result_bytes: int | None = config.get("max_result_bytes")
        self.memory_limit: int | None = config.get("memory_limit")
        self.network = guard.NetworkGuard(guard.NONE, "not set up")
        self.prefixes: dict[str, str] = config.get("prefixes") or {}
        path = config["store"]
        if config.get("writable"):
            self.store = ox.Store(path)
        elif config.get("in_memory"):
            disk = ox.Store.read_only(path)
            self.store = ox.Store()
            self.store.bulk_extend(disk.quads_for_pattern(None, None, None, None))
            del disk
            clear_update_marks(self.store)  # a crash of a writable server may have left some
        else:
            self.store = ox.Store.read_only(path)

    def stats(self) -> dict[str, int]:
        sizes: dict[str, int] = {}
        for quad in self.store.quads_for_pattern(None, None, None, None):
            g = quad.graph_name
            key = g.value if isinstance(g, ox.NamedNode) else ""
            sizes[key] = sizes.get(key, 0) + 1
        for g in self.store.named_graphs():  # empty named graphs too
            if isinstance(g, ox.NamedNode):
                sizes.setdefault(g.value, 0)
        return dict(sorted(sizes.items()))

    def query(self, msg: dict[str, Any]) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if msg.get("default_graphs") is not None or msg.get("named_graphs") is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in msg.get("default_graphs") or []]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in msg.get("named_graphs") or []]
        elif msg.get("union", True):
            kwargs["use_default_graph_as_union"] = True
        if msg.get("base_iri"):
            kwargs["base_iri"] = msg["base_iri"]
        result = self.store.query(msg["query"], **kwargs)
        media: str | None = msg.get("media_type")
        if isinstance(result, ox.QueryBoolean):
            media = media if media in RESULTS_FORMATS else DEFAULT_SELECT
            body = result.serialize(format=RESULTS_FORMATS[media])
            return {"ok": True, "kind": "ask", "media_type": media, "body": body, "rows": 1}
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = []
            for row in result:
                rows.append(row)
                if len(rows) > self.max_rows:
                    raise TooManyRows(f"the query returns more than {self.max_rows} rows")
            media = media if media in RESULTS_FORMATS else DEFAULT_SELECT
            body = solutions_json(variables, rows, self.max_result_bytes)
            if media != DEFAULT_SELECT:
                parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                body = parsed.serialize(format=RESULTS_FORMATS[media])
            return {
                "ok": True,
                "kind": "select",
                "media_type": media,
                "body": body,
                "rows": len(rows),
            }
        triples = []
        for triple in result:
            triples.append(triple)
            if len(triples) > self.max_rows:
                raise TooManyRows(f"the query returns more than {self.max_rows} triples")
        media = media if media in RDF_FORMATS else DEFAULT_GRAPH
        fmt = RDF_FORMATS[media]
        prefixes = self.prefixes if fmt in (ox.RdfFormat.TURTLE,) else None
        body = ox.serialize(triples, format=fmt, prefixes=prefixes) if triples else b""
        if not triples and fmt == ox.RdfFormat.JSON_LD:
            body = b"[]"
        elif not triples and fmt == ox.RdfFormat.RDF_XML:
            body = ox.serialize([], format=fmt) or (
                b'<?xml version="1.0" encoding="UTF-8"?>\n'
                b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
            )
        return {
            "ok": True,
            "kind": "graph",
            "media_type": media,
            "body": body,
            "rows": len(triples),
        }

    def update(self, msg: dict[str, Any]) -> dict[str, Any]:
        if msg.get("mark"):  # all or nothing, with a mark telling it was applied (see store.py)
            apply_marked_update(self.store, msg["update"], msg["mark"], msg.get("base_iri"))
            return {"ok": True}
        self.store.update(msg["update"], base_iri=msg.get("base_iri"))
        self.store.flush()
        return {"ok": True, "stats": self.stats()}

    def marks(self, msg: dict[str, Any]) -> dict[str, Any]:
        """The update marks in the store; removed when ``clear`` is set."""
        found = clear_update_marks(self.store) if msg.get("clear") else update_marks(self.store)
        return {"ok": True, "marks": sorted(found), "stats": self.stats()}

    def limit_memory(self) -> int:
        """Limit the data segment to its present size plus the query memory limit and a margin
        (a quarter of it, at most 256 MiB); the resident memory now, the base of the limit."""
        guard.trim_heap()
        if not self.memory_limit:
            return guard.resident_bytes() or 0
        margin = min(self.memory_limit // 4, 256 << 20)
        return guard.limit_memory(self.memory_limit, margin).resident

    def handle(self, msg: dict[str, Any]) -> dict[str, Any]:
        """The answer to one request. Every failure caused by the request is an answer of
        the kinds listed in the module's description; only our own bugs are ``internal``."""
        op = msg.get("op")
        try:
            if op == "query":
                answer = self.query(msg)
                if (
                    self.max_result_bytes is not None
                    and len(answer["body"]) > self.max_result_bytes
                ):
                    raise AnswerTooLarge(self.max_result_bytes)
                return answer
            if op == "update":
                answer = self.update(msg)
                answer["resident"] = self.limit_memory()  # the store may have grown
                return answer
            if op == "stats":
                return {"ok": True, "stats": self.stats()}
            if op == "marks":
                return self.marks(msg)
            return {"ok": False, "error": "internal", "message": f"unknown operation {op!r}"}
        except SyntaxError as exc:
            return {"ok": False, "error": "syntax", "message": str(exc)}
        except (TooManyRows, AnswerTooLarge) as exc:
            return {"ok": False, "error": "too_large", "message": str(exc)}
        except MemoryError:
            return {"ok": False, "error": "memory", "message": "out of memory"}
        except ValueError as exc:  # bad graph IRIs and the like
            return {"ok": False, "error": "bad_request", "message": str(exc)}
        except OSError as exc:  # evaluation errors (including failed SERVICE/LOAD calls)
            text = str(exc)
            if self.network.active and any(w in text.lower() for w in NETWORK_ERRORS):
                return {"ok": False, "error": "network", "message": text}
            return {"ok": False, "error": "evaluation", "message": text}
        except RuntimeError as exc:  # the engine's other evaluation errors (SERVICE ?unbound...)
            return {"ok": False, "error": "evaluation", "message": str(exc)}
        except Exception as exc:  # noqa: BLE001 - the worker must answer whatever happens
            return {"ok": False, "error": "internal", "message": f"{type(exc).__name__}: {exc}"}
        except BaseException as exc:
            if type(exc).__name__ != "PanicException":  # a Rust panic of the engine
                raise
            return {
                "ok": False,
                "error": "evaluation",
                "message": f"the query engine failed on this query: {exc}",
            }


def serve(worker: Worker, stats: dict[str, int], inbox: Connection, outbox: Connection) -> None:
    """Send the first message, then answer requests until the parent goes away."""
    resident = worker.limit_memory()
    outbox.send(
        {
            "ready": True,
            "pid": os.getpid(),
            "stats": stats,
            "guard": str(worker.network),
            "resident": resident,
        }
    )
    while True:
        try:
            msg = inbox.recv()
        except (EOFError, OSError):
            return  # the parent went away
        outbox.send(worker.handle(msg))


def main(argv: list[str]) -> int:
    in_fd, out_fd = int(argv[0]), int(argv[1])
    config = json.loads(argv[2])
    inbox, outbox = Connection(in_fd, writable=False), Connection(out_fd, readable=False)
    network = guard.isolate_network()  # first: a single thread, and before the store opens
    try:
        worker = Worker(config)
        worker.network = network
        stats = worker.stats()
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        outbox.send({"fatal": f"{type(exc).__name__}: {exc}"})
        return EXIT_ERROR
    # Queries are parsed and evaluated recursively: a thread with a large stack answers them.
    thread = guard.start_thread(lambda: serve(worker, stats, inbox, outbox))
    while thread.is_alive():
        thread.join(1.0)
    return 0


if __name__ == "__main__":  # pragma: no cover - run by the executor
    sys.exit(main(sys.argv[1:]))
