"""Store stage: the built graph in an embedded Oxigraph store on disk.

The store is the build artifact. It is built atomically: the new store is written to a sibling
folder and swapped in only when it is complete, so a failed build leaves the previous one intact.
The interface is small on purpose (load named graphs as N-Quads, query, list graphs, count) so that
a remote SPARQL 1.1 store can implement it through the standard protocols.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


class StoreError(RuntimeError):
    """The store cannot be opened, built or queried; the message says which and why."""


@dataclass
class OxigraphStore:
    """An embedded Oxigraph store (on disk, or in memory when ``path`` is None)."""

    store: ox.Store
    path: Path | None = None

    @classmethod
    def open(cls, path: str | Path, read_only: bool = True) -> OxigraphStore:
        """Open an existing on-disk store; read-only by default (several processes may share it)."""
        path = Path(path)
        if not (path / "CURRENT").exists():
            raise StoreError(f"{path}: no store here (run `nomengraph build` first)")
        try:
            store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the store: {exc}") from None
        return cls(store, path)

    @classmethod
    def in_memory_copy(cls, path: str | Path) -> OxigraphStore:
        """Load an on-disk store into memory (faster scans and aggregates when it fits)."""
        disk = cls.open(path)
        memory = ox.Store()
        memory.bulk_extend(disk.store.quads_for_pattern(None, None, None, None))
        return cls(memory, None)

    def query(self, sparql: str, **kwargs: object) -> object:
        return self.store.query(sparql, **kwargs)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self.store)
        return self.graph_sizes().get(graph, 0)

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph ("" for the default graph), counted by the store itself
        (one SPARQL aggregate, no quad crosses into Python)."""
        sizes: dict[str, int] = {}
        for sol in self.store.query(_SIZES_QUERY):
            sizes[sol["g"].value] = int(sol["n"].value)
        default = next(iter(self.store.query(_DEFAULT_SIZE_QUERY)))["n"]
        if int(default.value):
            sizes[""] = int(default.value)
        return dict(sorted(sizes.items()))


_SIZES_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_DEFAULT_SIZE_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


LOAD_BATCH = 1_000_000  # quads per bulk load: bounds the memory of a streamed load


def _batches(items: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    batch: list[ox.Quad] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextmanager
def _aside(path: Path) -> Iterator[Path]:
    """A fresh sibling folder of ``path``; removed on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}-new-", dir=path.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def build_store(
    data: bytes | Iterable[ox.Quad],
    path: str | Path,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Load N-Quads (bytes) or pyoxigraph quads, in any order, into a new on-disk store built
    beside ``path``, then swap it in.

    Returns triples per named graph. On any error the previous store at ``path`` is untouched.
    """
    say = progress or (lambda _m: None)
    path = Path(path).resolve()
    with _aside(path) as tmp:
        store = ox.Store(str(tmp))
        try:
            if isinstance(data, bytes | bytearray):
                say(f"load: {len(data):,} bytes of N-Quads into {tmp.name}")
                store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
            else:
                say(f"load: quads into {tmp.name}")
                for batch in _batches(data, LOAD_BATCH):
                    store.bulk_extend(batch)
            store.optimize()
            store.flush()
            sizes = OxigraphStore(store, tmp).graph_sizes()
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"loading the store failed: {exc}") from None
        finally:
            # Drop the only handle: RocksDB closes its files and lock now. (A gc.collect here
            # cost 1.7 s beside a large rdflib graph, and the handle is in no cycle.)
            store = None
        swap_in(tmp, path)
    say(f"load: store ready at {path}")
    return sizes


def swap_in(new: Path, path: Path) -> None:
    """Replace the folder ``path`` by ``new`` with two renames (the old one is then removed)."""
    old = None
    if path.exists():
        old = path.parent / f".{path.name}-old-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        path.rename(old)
    try:
        new.rename(path)
    except OSError:
        if old is not None:
            old.rename(path)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
