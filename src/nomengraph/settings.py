"""Configuration in one object: defaults < NOMENGRAPH_* environment < command-line flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Settings:
    """Where nomengraph reads and writes. Paths are relative to the working directory."""

    sources: Path = Path("sources")
    cards: Path = Path("cards")
    corrections: Path = Path("sources/corrections.yaml")
    store: Path | str = Path("store")  # a folder, ``oxigraph:FOLDER``, or an http(s) endpoint URL
    exports: Path = Path("dist")
    mappings: Path = Path("mappings")
    esco: Path | None = None  # ESCO CSV export folder, loaded into graph/esco when given
    rome: Path | None = None  # ROME v4 CSV folder, loaded into graph/rome when given
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 4  # query worker processes (each holds the store; killable on a time limit)
    query_timeout: float = 10.0  # seconds from the request's arrival; the query is stopped after
    max_rows: int = 10_000  # result rows (or triples) returned at most
    max_request_bytes: int = 1_000_000  # larger request bodies get 413
    max_request_line: int = 16_384  # bytes of request line (URL); longer gets 414 (POST instead)
    header_timeout: float = 10.0  # seconds to receive the request line and headers
    body_timeout: float = 10.0  # seconds to receive the whole request body
    per_client: int = 2  # requests one client (IP address) may have in progress; more get 429
    queue_size: int = 32  # requests waiting for a query worker; more get 503
    queue_wait: float = 5.0  # seconds a request may wait for a query worker; then 503
    memory_limit: int = 1 << 30  # bytes a query may allocate beyond the store; then stopped (400)
    max_result_bytes: int = 64 << 20  # bytes of one answer at most; larger get 422
    cache_bytes: int = 64 << 20  # in-process cache of answers per store generation (0: off)
    cache_max_age: int = 0  # Cache-Control max-age of answers (ETag revalidation always works)
    update_token: str = ""  # SPARQL Update is enabled only when this secret is set
    allow_service: bool = False  # SERVICE and LOAD of remote URLs are refused unless set
    in_memory: bool = True  # serve from an in-memory copy of the on-disk store when it fits
    # A remote store (``store`` is an http(s) URL): see docs/remote-store.md.
    store_user: str = ""  # basic-auth user (or in the URL: http://user:pass@host/sparql)
    store_password: str = ""
    store_token: str = ""  # sent as Authorization: Bearer (a nomengraph endpoint's update token)
    store_update: str = ""  # the update endpoint, when it is not the query endpoint
    store_graph_store: str = ""  # the Graph Store HTTP Protocol endpoint, when there is one
    store_timeout: float = 30.0  # seconds, for each request to the remote store
    store_auth: str = "basic"  # how store_user/store_password are sent: basic or digest

    @property
    def remote_store(self) -> str | None:
        """The endpoint URL when ``store`` is a remote store, else None."""
        return self.store if isinstance(self.store, str) else None

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from defaults, then ``NOMENGRAPH_<FIELD>`` variables, then overrides.

        Overrides whose value is ``None`` (a flag not given) are ignored.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            env = environ.get(f"NOMENGRAPH_{f.name.upper()}")
            if env:
                values[f.name] = env if f.name == "store" else _convert(f.type, env)
        for name, value in overrides.items():
            if value is not None:
                if name not in {f.name for f in fields(cls)}:
                    raise TypeError(f"unknown setting {name!r}")
                values[name] = value
        return replace(cls(), **{k: _convert_value(cls, k, v) for k, v in values.items()})


def _convert(type_name: Any, raw: str) -> Any:
    if type_name in (Path, "Path") or "Path" in str(type_name):
        return Path(raw)
    if type_name in (int, "int"):
        return int(raw)
    if type_name in (float, "float"):
        return float(raw)
    if type_name in (bool, "bool"):
        if raw.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if raw.strip().lower() in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"not a boolean: {raw!r}")
    return raw


def store_value(raw: str | Path) -> Path | str:
    """A ``store`` setting: an http(s) URL stays a string; ``oxigraph:PATH`` or a path is a Path."""
    if isinstance(raw, Path):
        return raw
    if raw.lower().startswith(("http://", "https://")):
        return raw
    return Path(raw.removeprefix("oxigraph:"))


def _convert_value(cls: type, name: str, value: Any) -> Any:
    if name == "store":
        return store_value(value)
    ftype = next(f.type for f in fields(cls) if f.name == name)
    return _convert(ftype, value) if isinstance(value, str) else value
