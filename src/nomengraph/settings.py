"""Configuration in one object: defaults < NOMENGRAPH_* environment < command-line flags.

:meth:`Settings.load` checks every value it is given: a value a setting cannot take is a
:class:`SettingsError` naming the setting and the value (the command prints it and exits 2).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from nomengraph import resources


class SettingsError(ValueError):
    """A setting has a value it cannot take.

    ``setting`` is the field name, ``source`` where the value came from (``NOMENGRAPH_PORT``
    for the environment, the field name for a flag or an argument), ``value`` the value as given.
    """

    def __init__(self, setting: str, source: str, value: object, reason: str) -> None:
        self.setting, self.source, self.value, self.reason = setting, source, value, reason
        super().__init__(f"{source}={value!r}: {reason}")


@dataclass(frozen=True)
class Settings:
    """Where nomengraph reads and writes. The reference data (cards, mappings) defaults to the
    files shipped in the package (:mod:`nomengraph.resources`); outputs (store, exports) and the
    extraction's sources are relative to the working directory."""

    sources: Path = Path("sources")
    cards: Path = resources.CARDS  # the reference nomenclatures; extract writes here by default
    corrections: Path = Path("sources/corrections.yaml")
    store: Path | str = Path("store")  # a folder, ``oxigraph:FOLDER``, or an http(s) endpoint URL
    exports: Path = Path("dist")
    mappings: Path = resources.MAPPINGS
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
    per_client: int = 16  # requests one client (IP address) may have in progress; more get 429
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
    lang: str = "en"  # the language of validate, build and check output: en or fr

    @property
    def remote_store(self) -> str | None:
        """The endpoint URL when ``store`` is a remote store, else None."""
        return self.store if isinstance(self.store, str) else None

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from defaults, then ``NOMENGRAPH_<FIELD>`` variables, then overrides.

        Overrides whose value is ``None`` (a flag not given) are ignored. Every value is
        converted and checked: SettingsError names the first one that does not fit.
        """
        environ = os.environ if environ is None else environ
        names = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for f in fields(cls):
            variable = f"NOMENGRAPH_{f.name.upper()}"
            env = environ.get(variable)
            if env:
                values[f.name] = _checked(cls, f.name, variable, env)
        for name, value in overrides.items():
            if value is not None:
                if name not in names:
                    raise TypeError(f"unknown setting {name!r}")
                values[name] = _checked(cls, name, name, value)
        return replace(cls(), **values)


# The smallest value of a number setting (0 when not listed); None: any finite number.
_MINIMUM: dict[str, float] = {"port": 1, "workers": 1, "max_rows": 1}
_POSITIVE = {"query_timeout", "header_timeout", "body_timeout", "store_timeout"}
_MAXIMUM: dict[str, float] = {"port": 65535}
_CHOICES: dict[str, tuple[str, ...]] = {"store_auth": ("basic", "digest"), "lang": ("en", "fr")}


def _checked(cls: type, name: str, source: str, value: Any) -> Any:
    """``value`` converted to the type of setting ``name`` and checked; SettingsError if not."""
    if name == "store":
        if isinstance(value, str) and not value.strip():
            raise SettingsError(name, source, value, "empty: give a store folder or a URL")
        return store_value(value)
    ftype = next(f.type for f in fields(cls) if f.name == name)
    try:
        converted = _convert(ftype, value) if isinstance(value, str) else value
    except ValueError as exc:
        raise SettingsError(name, source, value, str(exc)) from None
    reason = _problem(name, converted)
    if reason:
        raise SettingsError(name, source, value, reason)
    return converted


def _problem(name: str, value: Any) -> str | None:
    """Why ``value`` does not fit setting ``name``, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return "not a finite number"
        low, high = _MINIMUM.get(name, 0), _MAXIMUM.get(name)
        if name in _POSITIVE and value <= 0:
            return "must be more than 0 (seconds)"
        if value < low or (high is not None and value > high):
            return f"must be {low} to {high}" if high is not None else f"must be {low} or more"
        return None
    if name in _CHOICES and value not in _CHOICES[name]:
        return f"must be one of {', '.join(_CHOICES[name])}"
    if name == "host" and not str(value).strip():
        return "empty: give an address such as 127.0.0.1"
    return None


def _convert(type_name: Any, raw: str) -> Any:
    text = raw.strip()
    if type_name in (Path, "Path") or "Path" in str(type_name):
        if not text:
            raise ValueError("empty: give a path")
        return Path(raw)
    if type_name in (int, "int"):
        try:
            return int(text.replace("_", ""))
        except ValueError:
            raise ValueError("not a whole number") from None
    if type_name in (float, "float"):
        try:
            return float(text)
        except ValueError:
            raise ValueError("not a number") from None
    if type_name in (bool, "bool"):
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off", ""):
            return False
        raise ValueError("not a boolean (true/false, yes/no, on/off, 1/0)")
    return raw


def store_value(raw: str | Path) -> Path | str:
    """A ``store`` setting: an http(s) URL stays a string; ``oxigraph:PATH`` or a path is a Path."""
    if isinstance(raw, Path):
        return raw
    if raw.lower().startswith(("http://", "https://")):
        return raw
    return Path(raw.removeprefix("oxigraph:"))
