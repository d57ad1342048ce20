"""The dataset written to files: N-Quads, N-Triples, Turtle and JSON-LD, in a sorted order
(byte-identical when the quads are the same), written aside and renamed into place once all
are complete."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from nomengraph.rdf.oxigraph import to_oxigraph_term
from nomengraph.rdf.terms import Quad
from nomengraph.texts import Said
from nomengraph.vocab import PREFIXES


def dataset_quads(ds: Dataset) -> Iterator[Quad]:
    """The quads of the named graphs (the default graph is left empty by
    :func:`nomengraph.convert.convert_all`)."""
    for s, p, o, g in ds.quads():
        if g is None:
            continue
        graph = g.identifier if isinstance(g, Graph) else g
        yield s, p, o, graph


def _rdflib_quad(quad: Quad) -> ox.Quad:
    s, p, o, g = quad
    return ox.Quad(
        to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), ox.NamedNode(str(g))
    )


def _ox_quads(quads: Iterable[Quad | ox.Quad]) -> list[ox.Quad]:
    """Quads as pyoxigraph quads, sorted by their N-Quads form (a stable, total order)."""
    out = [q if isinstance(q, ox.Quad) else _rdflib_quad(q) for q in quads]
    out.sort(key=str)
    return out


EXPORT_FILES = ("nomengraph.nq", "nomengraph.nt", "nomengraph.ttl", "nomengraph.jsonld")


def export(
    dataset: Dataset | Iterable[ox.Quad],
    out_dir: Path,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Write the dataset (or these pyoxigraph quads) to ``out_dir``; return ``{format: path}``.

    - ``nomengraph.nq``: N-Quads, one line per quad, sorted;
    - ``nomengraph.nt``: N-Triples of all graphs merged (duplicates removed), sorted;
    - ``nomengraph.ttl``: Turtle of all graphs merged, subjects in sorted order;
    - ``nomengraph.jsonld``: expanded JSON-LD with one ``@graph`` per named graph, sorted.

    Each file is a function of the set of quads only, so a rebuild with no change gives
    byte-identical files. The files are written aside (hidden temporary files in ``out_dir``,
    flushed to disk) and renamed into place once all four are complete: a failed or killed
    export leaves the previous files whole. Temporary files left by a killed export are removed
    (and reported through ``progress``).
    """
    say = progress or (lambda _m: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stale = _remove_stale_exports(out_dir)
    if stale:
        say(Said("export.stale", n=len(stale), folder=out_dir))
    quads = _ox_quads(dataset_quads(dataset) if isinstance(dataset, Dataset) else dataset)
    triples = sorted({q.triple for q in quads}, key=str)
    prefixes = dict(PREFIXES)
    paths = {
        "nq": out_dir / "nomengraph.nq",
        "nt": out_dir / "nomengraph.nt",
        "ttl": out_dir / "nomengraph.ttl",
        "jsonld": out_dir / "nomengraph.jsonld",
    }
    aside = {kind: _aside_name(path) for kind, path in paths.items()}
    try:
        ox.serialize(quads, str(_created(aside["nq"])), ox.RdfFormat.N_QUADS)
        ox.serialize(triples, str(_created(aside["nt"])), ox.RdfFormat.N_TRIPLES)
        ox.serialize(triples, str(_created(aside["ttl"])), ox.RdfFormat.TURTLE, prefixes=prefixes)
        by_graph = sorted(quads, key=lambda q: (str(q.graph_name), str(q.triple)))
        data = json.loads(ox.serialize(by_graph, format=ox.RdfFormat.JSON_LD))
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        _created(aside["jsonld"]).write_text(text, encoding="utf-8")
        for tmp in aside.values():
            _sync(tmp)
        for kind, path in paths.items():
            os.replace(aside[kind], path)
    except BaseException:
        for tmp in aside.values():
            tmp.unlink(missing_ok=True)
        raise
    _sync(out_dir)
    return paths


_ASIDE_SUFFIX = ".tmp"


def _aside_name(path: Path) -> Path:
    """A hidden temporary name beside ``path``: ``.nomengraph.nq.<random>.tmp``."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{_ASIDE_SUFFIX}")


def _created(path: Path) -> Path:
    """Create ``path`` empty (never an existing file), with the usual permissions (umask)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    return path


def _sync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_exports(out_dir: Path) -> list[Path]:
    """Remove the temporary files of an interrupted export (only the names it writes)."""
    stale = [
        p
        for name in EXPORT_FILES
        for p in out_dir.glob(f".{name}.*{_ASIDE_SUFFIX}")
        if p.is_file() and not p.is_symlink()
    ]
    for p in stale:
        p.unlink(missing_ok=True)
    return stale
