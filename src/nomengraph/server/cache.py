"""The answer cache of the front: answers by request key, per store generation.

A store generation never changes, so an answer computed from it stays right while it is
current; the key (:func:`request_key`) holds the generation and everything else an answer
depends on, and the ETag is derived from it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

CACHEABLE_METHODS = ("GET", "HEAD", "POST")


@dataclass
class Cached:
    """One answer as sent: status, headers (without ETag and length), body, ETag."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    etag: str


@dataclass
class AnswerCache:
    """Answers by key, least recently used first out, bounded by the bytes of their bodies."""

    max_bytes: int
    entries: OrderedDict[bytes, Cached] = field(default_factory=OrderedDict)
    size: int = 0
    hits: int = 0
    misses: int = 0

    def get(self, key: bytes) -> Cached | None:
        entry = self.entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self.entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: bytes, entry: Cached) -> None:
        cost = len(entry.body) + 256
        if cost > self.max_bytes // 8:
            return  # one answer never takes more than an eighth of the cache
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old.body) + 256
        self.entries[key] = entry
        self.size += cost
        while self.size > self.max_bytes and self.entries:
            _, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped.body) + 256

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0


def readonly(method: str, headers: Any) -> bool:
    """Whether the request can only read: POST only as a query (body or form)."""
    if method != "POST":
        return True
    kind = (headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    return kind in ("application/sparql-query", "application/x-www-form-urlencoded")


def etag_list(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",")]


def request_key(
    generation: str, method: str, path: str, query_string: str, headers: Any, body: bytes
) -> bytes:
    """The cache key of a request: everything an answer depends on, in one digest. The parts
    are joined by NUL, which none of them can hold (HTTP forbids it in the request line and in
    header values), so two different requests cannot join to the same text."""
    get = headers.get
    text = "\0".join(
        (
            generation,
            "GET" if method == "HEAD" else method,
            path,
            query_string,
            get("accept") or "",
            get("accept-language") or "",
            get("content-type") or "",
            get("cookie") or "",
            get("authorization") or "",
            "",
        )
    )
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape") + body).digest()


def etag_of(key: bytes) -> str:
    """The ETag of the answer to a request of this key (a strong validator)."""
    return '"' + key[:20].hex() + '"'
