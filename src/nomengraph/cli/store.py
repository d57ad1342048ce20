"""Subcommands on the store: ``load``, ``stats``, ``query`` and ``serve``."""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from pathlib import Path

from nomengraph.cli.common import err, load_settings, progress
from nomengraph.exitcodes import EXIT_ERROR, EXIT_OK
from nomengraph.settings import Settings


def cmd_load(args: argparse.Namespace) -> int:
    from nomengraph.build import push_to_remote
    from nomengraph.remote import RemoteStore
    from nomengraph.store import StoreError, build_store

    s = load_settings(args)
    source = Path(args.source) if args.source else Path(s.exports) / "nomengraph.nq"
    try:
        data = source.read_bytes()
    except OSError as exc:
        err(f"{source}: {exc.strerror} (run `nomengraph build` or `convert` first)")
        return EXIT_ERROR
    try:
        if s.remote_store is not None:
            remote = RemoteStore.from_settings(s)
            remote.ping()
            sizes = push_to_remote(data, remote, progress=progress)
            where = f"the remote store {remote.display_url}"
        else:
            sizes = build_store(data, Path(s.store), progress=progress)
            where = str(s.store)
    except StoreError as exc:
        err(f"{exc}\nThe graphs served were left as they were.")
        return EXIT_ERROR
    print(f"loaded {source} into {where}")
    for graph, n in sizes.items():
        print(f"  {graph}: {n:,} triples")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from nomengraph.build import store_stats
    from nomengraph.store import StoreError

    s = load_settings(args)
    try:
        if s.remote_store is not None:
            from nomengraph.remote import RemoteStore

            remote = RemoteStore.from_settings(s)
            print(store_stats(remote))
            leftovers = remote.leftover_staging()
            print(
                f"\nstaging graphs left by an interrupted push: {len(leftovers)}"
                + ("".join(f"\n  {g}" for g in leftovers))
                + ("\n  (the next build or load drops them)" if leftovers else "")
            )
        else:
            print(store_stats(Path(s.store)))
    except StoreError as exc:
        err(str(exc))
        return EXIT_ERROR
    return EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    from nomengraph.query import (
        QUERIES,
        QueryError,
        check_values,
        format_result,
        list_queries,
        load_query,
        run_query,
    )
    from nomengraph.store import OxigraphStore, StoreError

    folder = args.queries or QUERIES
    try:
        if args.list:
            for q in list_queries(folder):
                params = " ".join(
                    f"{p.name}=<{p.type}>" if p.required else f"[{p.name}=<{p.type}>]"
                    for p in q.params
                )
                print(f"{q.name:<44} {params}".rstrip())
                print(f"    {q.summary}")
            return EXIT_OK
        if not args.name:
            err("give a query name, or --list to list them")
            return EXIT_ERROR
        params: dict[str, str] = {}
        for item in args.param:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                err(f"--param {item!r}: expected NAME=VALUE")
                return EXIT_ERROR
            params[key.strip()] = value
        named = load_query(args.name, folder)
        settings = load_settings(args)
        if settings.remote_store is not None:
            from nomengraph.remote import RemoteStore

            store: object = RemoteStore.from_settings(settings)
        else:
            store = OxigraphStore.open(settings.store)
        check_values(store, named, params)
        result = run_query(store, named, params)
    except (QueryError, StoreError) as exc:
        err(str(exc))
        return EXIT_ERROR
    sys.stdout.write(format_result(result, args.format))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    s = Settings.load(
        store=args.store,
        host=args.host,
        port=args.port,
        workers=args.workers,
        per_client=args.per_client,
        query_timeout=args.timeout,
        max_rows=args.max_rows,
        update_token=args.update_token,
        allow_service=True if args.allow_service else None,
        in_memory=False if args.on_disk else None,
    )
    problem = port_problem(s.host, s.port)
    if problem:
        err(problem)
        return EXIT_ERROR
    from nomengraph.server.run import run_server

    return run_server(s)


def port_problem(host: str, port: int) -> str | None:
    """None when ``host:port`` can be listened on now, else why not (the port is busy...)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"cannot listen on {host}:{port}: {exc.strerror}"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"port {port} of {host} is already in use (another server?); "
                    "choose another one with --port or NOMENGRAPH_PORT"
                )
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None
