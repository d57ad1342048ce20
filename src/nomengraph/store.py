"""Store stage: the built graph in an embedded Oxigraph store on disk.

The store is the build artifact. It is built atomically: each build writes a new *generation*
beside the store and makes it current with one atomic rename of the store's link, so that the
store path always opens a complete store and a failed or killed build leaves the previous one
intact (see "generations" below). The interface is small on purpose (load named graphs as
N-Quads, query, list graphs, count) so that a remote SPARQL 1.1 store can implement it through
the standard protocols.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from nomengraph.texts import Said, whole


class StoreError(RuntimeError):
    """The store cannot be opened, built or queried; the message says which and why."""


@dataclass
class OxigraphStore:
    """An embedded Oxigraph store (on disk, or in memory when ``path`` is None)."""

    store: ox.Store
    path: Path | None = None

    @classmethod
    def open(cls, path: str | Path, read_only: bool = True) -> OxigraphStore:
        """Open an existing on-disk store (its current generation); read-only by default
        (several processes may share it). Update marks left by a crash are removed when it is
        opened read-write."""
        path = Path(path)
        _, folder = resolve_generation(path)
        try:
            store = ox.Store.read_only(str(folder)) if read_only else ox.Store(str(folder))
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the store: {exc}") from None
        if not read_only:
            clear_update_marks(store)
        return cls(store, path)

    def query(self, sparql: str, **kwargs: object) -> object:
        return self.store.query(sparql, **kwargs)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if g.value != UPDATE_MARKS)

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self.store)
        return self.graph_sizes().get(graph, 0)

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph ("" for the default graph), counted by the store itself
        (one SPARQL aggregate, no quad crosses into Python)."""
        sizes: dict[str, int] = {}
        for sol in self.store.query(_SIZES_QUERY):
            if sol["g"].value != UPDATE_MARKS:
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


# -- generations ---------------------------------------------------------------------------------
#
# A store path (``store``) is a symbolic link to one complete store, a *generation*, kept in a
# sibling folder (``.store-generations/<generation id>/``). A build loads a new generation there,
# then replaces the link with rename(2), which is atomic: at every instant the store path opens a
# complete store, the old one or the new one. The generation that was current before is kept
# (``.store-generations/previous`` links to it: servers may still be reading it); older ones are
# removed. Builds take a lock (``.store-generations/.lock``); each build first removes what a
# killed build left behind.

PREVIOUS = "previous"  # in the generations folder: link to the generation current before
LOCK_FILE = ".lock"
_EXCHANGE = 2  # RENAME_EXCHANGE of renameat2(2)


def _absolute(path: str | Path) -> Path:
    """``path`` made absolute without following its last component (it may be the link)."""
    return Path(os.path.abspath(os.fspath(path)))


def generations_dir(path: str | Path) -> Path:
    """The folder holding the generations of the store at ``path``."""
    path = _absolute(path)
    return path.parent / f".{path.name}-generations"


def new_generation_id() -> str:
    """A sortable, unique generation id: UTC time to the microsecond, then random hex."""
    now = time.time_ns()
    return _stamp(now) + "-" + secrets.token_hex(4)


def _stamp(ns: int) -> str:
    seconds, rest = divmod(ns, 1_000_000_000)
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(seconds)) + f".{rest // 1000:06d}Z"


def _own_target(path: Path, target: str) -> str | None:
    """The generation id when ``target`` is a link target into this store's generations."""
    head, sep, tail = target.rstrip("/").rpartition("/")
    if sep and head == f".{path.name}-generations" and tail and not tail.startswith("."):
        return tail
    return None


def current_generation(path: str | Path) -> str:
    """The id of the generation the store path designates now: one readlink (cheap enough to
    call on every request). A store of the old layout (a plain folder) is identified by its
    inode. Raises :class:`StoreError` when there is no store at ``path``."""
    path = _absolute(path)
    try:
        found = _own_target(path, os.readlink(path))
    except OSError:
        found = None
    return found if found is not None else resolve_generation(path)[0]


def resolve_generation(path: str | Path) -> tuple[str, Path]:
    """``(generation id, folder)`` of the store at ``path`` now, from one reading of its link:
    open the folder, not the path, so that a build flipping the link meanwhile cannot give a mix
    of two generations. Raises :class:`StoreError` when there is no store at ``path``."""
    path = _absolute(path)
    try:
        target = os.readlink(path)
    except FileNotFoundError:
        raise StoreError(f"{path}: no store here (run `nomengraph build` first)") from None
    except OSError:  # not a link: a plain store folder (the old layout), or not a store
        target = None
    if target is not None:
        generation = _own_target(path, target)
        folder = Path(os.path.realpath(path.parent / target))
        if generation is None:  # a link made by hand: identify what it leads to
            generation = _folder_id(folder)
    else:
        folder = path.resolve()
        generation = _folder_id(folder)
    if not (folder / "CURRENT").exists():
        raise StoreError(f"{path}: no store here (run `nomengraph build` first)")
    return generation, folder


def _folder_id(folder: Path) -> str:
    if folder.parent.name.startswith(".") and folder.parent.name.endswith("-generations"):
        return folder.name
    try:
        st = os.stat(folder)
    except OSError:
        raise StoreError(f"{folder}: no store here (run `nomengraph build` first)") from None
    return f"dir-{st.st_dev:x}-{st.st_ino:x}"


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _replace_link(link: Path, target: str) -> None:
    """Make ``link`` a symbolic link to ``target`` in one rename(2) (atomic)."""
    tmp = link.parent / f".{link.name}.link-{secrets.token_hex(4)}"
    os.symlink(target, tmp)
    try:
        os.rename(tmp, link)
    except OSError:
        os.unlink(tmp)
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False when unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _EXCHANGE)
    return done == 0


def _held_by_a_writer(folder: Path) -> bool:
    """True when a process has the RocksDB store at ``folder`` open read-write (it holds the
    POSIX lock of its LOCK file; read-only openers take none)."""
    try:
        fd = os.open(folder / "LOCK", os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@contextmanager
def _build_lock(path: Path, say: Callable[[str], None]) -> Iterator[Path]:
    """Hold the lock of the store's builds (released by the kernel if the build is killed)."""
    gens = generations_dir(path)
    gens.mkdir(parents=True, exist_ok=True)
    fd = os.open(gens / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(Said("store.waiting", path=path))
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield gens
    finally:
        os.close(fd)


def _remove(entry: Path) -> None:
    if entry.is_symlink() or not entry.is_dir():
        entry.unlink(missing_ok=True)
    else:
        shutil.rmtree(entry, ignore_errors=True)


def _kept(path: Path, gens: Path) -> set[str]:
    """Names, in the generations folder, of the current and the previous generation."""
    kept = set()
    for link, base in ((path, path.parent), (gens / PREVIOUS, gens)):
        try:
            target = os.readlink(link)
        except OSError:
            continue
        folder = Path(os.path.normpath(base / target))
        if folder.parent == gens:
            kept.add(folder.name)
    return kept


def _clean_leftovers(path: Path, gens: Path, say: Callable[[str], None]) -> None:
    """Remove what killed builds left: generations never made current, temporary links, and
    the temporary folders of the old layout. A store path left missing by a crash of the old
    layout's swap (or of a migration without atomic exchange) is restored first."""
    parent, name = path.parent, path.name
    removed: list[str] = []
    old_layout = sorted(
        e
        for e in parent.iterdir()
        if e.name.startswith((f".{name}-new-", f".{name}-old-", f".{name}-legacy-"))
        or e.name.startswith(f".{name}.link-")
    )
    if not os.path.lexists(path):
        previous = gens / PREVIOUS
        spare = [
            e for e in old_layout if not e.is_symlink() and e.is_dir() and "-new-" not in e.name
        ]
        if previous.is_dir() and (previous / "CURRENT").exists():
            _replace_link(path, f"{gens.name}/{os.readlink(previous)}")
            say(Said("store.restored", path=path))
        elif spare and (spare[0] / "CURRENT").exists():
            legacy = _legacy_id(spare[0], gens)
            os.rename(spare[0], gens / legacy)
            old_layout.remove(spare[0])
            _replace_link(path, f"{gens.name}/{legacy}")
            say(Said("store.restored-from", path=path, spare=spare[0].name))
    for entry in old_layout:
        _remove(entry)
        removed.append(entry.name)
    kept = _kept(path, gens)
    for entry in sorted(gens.iterdir()):
        if entry.name == LOCK_FILE or entry.name in kept:
            continue
        if entry.name == PREVIOUS:
            if not entry.exists():  # it leads nowhere
                entry.unlink()
            continue
        _remove(entry)
        removed.append(f"{gens.name}/{entry.name}")
    if removed:
        say(Said("store.cleanup", n=len(removed), names=", ".join(removed)))


def _legacy_id(folder: Path, gens: Path) -> str:
    """A generation id for a store folder of the old layout (dated by its last change)."""
    legacy = _stamp(os.stat(folder).st_mtime_ns) + "-legacy"
    if (gens / legacy).exists():
        legacy += "-" + secrets.token_hex(4)
    return legacy


def _publish(path: Path, gens: Path, generation: str, say: Callable[[str], None]) -> None:
    """Make ``generation`` current: the previous link first, then the store link (one rename).
    A plain store folder (the old layout) becomes the previous generation."""
    target = f"{gens.name}/{generation}"
    if path.is_symlink():
        old = os.readlink(path)
        own = _own_target(path, old)
        _replace_link(gens / PREVIOUS, own if own is not None else os.path.realpath(path))
        _replace_link(path, target)
    elif path.exists():
        if _held_by_a_writer(path):
            raise StoreError(
                f"{path}: the store is open for writing (a server with an update token?); stop "
                "it, then build again (the build moves the store to a new layout)"
            )
        legacy = _legacy_id(path, gens)
        _replace_link(gens / PREVIOUS, legacy)
        swap = path.parent / f".{path.name}-legacy-{secrets.token_hex(4)}"
        os.symlink(target, swap)
        if _exchange(swap, path):  # the store path is the link now; swap holds the old folder
            os.rename(swap, gens / legacy)
        else:  # no atomic exchange here: a short instant without a store (restored if killed)
            os.unlink(swap)
            os.rename(path, gens / legacy)
            _replace_link(path, target)
        say(Said("store.old-layout", path=path, generation=legacy))
    else:
        _replace_link(path, target)
    _fsync_dir(path.parent)
    _fsync_dir(gens)


def _remove_old_generations(path: Path, gens: Path, say: Callable[[str], None]) -> None:
    kept = _kept(path, gens)
    old = [
        e
        for e in sorted(gens.iterdir())
        if not e.name.startswith(".") and e.name != PREVIOUS and e.name not in kept
    ]
    for entry in old:
        _remove(entry)
    if old:
        say(Said("store.removed-old", names=", ".join(e.name for e in old)))


def build_store(
    data: bytes | Iterable[ox.Quad],
    path: str | Path,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Load N-Quads (bytes) or pyoxigraph quads, in any order, into a new generation of the
    store at ``path``, then make it current (see the generations above).

    Returns triples per named graph. On any error the store at ``path`` is untouched."""
    say = progress or (lambda _m: None)
    path = _absolute(path)
    if path.exists() and not path.is_symlink() and _held_by_a_writer(path):
        raise StoreError(
            f"{path}: the store is open for writing (a server with an update token?); stop it, "
            "then build again (the build moves the store to a new layout)"
        )
    with _build_lock(path, say) as gens:
        _clean_leftovers(path, gens, say)
        generation = new_generation_id()
        folder = gens / generation
        folder.mkdir()
        try:
            store = ox.Store(str(folder))
            try:
                if isinstance(data, bytes | bytearray):
                    say(Said("store.loading-bytes", n=whole(len(data)), generation=generation))
                    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
                else:
                    say(Said("store.loading", generation=generation))
                    for batch in _batches(data, LOAD_BATCH):
                        store.bulk_extend(batch)
                store.optimize()
                store.flush()
                sizes = OxigraphStore(store, folder).graph_sizes()
            except (OSError, SyntaxError, ValueError) as exc:
                raise StoreError(f"loading the store failed: {exc}") from None
            finally:
                # Drop the only handle: RocksDB closes its files and lock now. (A gc.collect here
                # cost 1.7 s beside a large rdflib graph, and the handle is in no cycle.)
                store = None
            _publish(path, gens, generation, say)
        except BaseException:
            try:
                current = current_generation(path)
            except StoreError:
                current = None
            if current != generation:
                shutil.rmtree(folder, ignore_errors=True)
            raise
        _remove_old_generations(path, gens, say)
    say(Said("store.ready", path=path, generation=generation))
    return sizes


# -- all-or-nothing updates ----------------------------------------------------------------------
#
# A SPARQL Update runs as one transaction (all its operations, or none). The query worker that
# runs it may be killed at the time limit, possibly after the commit: to tell, the update is run
# together with the insertion of a *mark* (one triple naming the update, in a private graph), in
# the same transaction, and flushed. Whoever has to know whether the update was applied looks for
# its mark. Marks are removed once the outcome is known, and when a store is opened for writing
# (marks left by a crash); queries never run while a mark is in the store.

UPDATE_MARKS = "urn:nomengraph:update-marks"  # the private graph of the marks
_MARK_PREFIX = "urn:nomengraph:update:"
_APPLIED = "urn:nomengraph:applied"


def _mark_insert(mark: str) -> str:
    if not mark or not all(c.isalnum() or c in "-_" for c in mark):
        raise ValueError(f"not an update mark: {mark!r}")
    return (
        f"INSERT DATA {{ GRAPH <{UPDATE_MARKS}> {{ <{_MARK_PREFIX}{mark}> <{_APPLIED}> true }} }}"
    )


def apply_marked_update(
    store: ox.Store, update: str, mark: str, base_iri: str | None = None
) -> None:
    """Run ``update`` and insert the mark ``mark`` in one transaction, then flush the store.

    The mark comes after the update's own operations (a ``DROP ALL`` in the update cannot
    remove it). Raises what :meth:`pyoxigraph.Store.update` raises; a syntax error is the one the
    update alone gives (its positions are the update's own)."""
    insert = _mark_insert(mark)
    kwargs = {"base_iri": base_iri} if base_iri else {}
    try:
        store.update(f"{update}\n;\n{insert}", **kwargs)
    except SyntaxError as first:
        # An update ending with ";" (or with a prologue) takes the mark without a separator.
        try:
            store.update(f"{update}\n{insert}", **kwargs)
        except SyntaxError:
            try:  # the update alone, on an empty scratch store: its own message
                ox.Store().update(update, **kwargs)
            except SyntaxError as own:
                raise own from None
            raise first from None
    store.flush()


def update_marks(store: ox.Store) -> set[str]:
    """The marks in the store (of updates that were applied, their outcome not yet known)."""
    graph = ox.NamedNode(UPDATE_MARKS)
    return {
        q.subject.value.removeprefix(_MARK_PREFIX)
        for q in store.quads_for_pattern(None, None, None, graph)
    }


def clear_update_marks(store: ox.Store) -> set[str]:
    """Remove every mark (and their graph); returns the marks that were there."""
    found = update_marks(store)
    graph = ox.NamedNode(UPDATE_MARKS)
    if found or store.contains_named_graph(graph):
        store.remove_graph(graph)
        store.flush()
    return found
