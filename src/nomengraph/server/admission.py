"""Admission of requests to the query workers: per-client limits, fair shares, one bounded
queue with a wait limit (used by the front, from its event loop only)."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict


class Rejected(Exception):
    """A request refused by the front: status, message, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class Admission:
    """Per-client limits, fair shares and a bounded wait for one of ``slots`` slots.

    A client (an IP address) may have ``per_client`` requests admitted (running or waiting;
    429 past it) and runs on at most ``slots - 1`` slots at once, so one slot is always left for
    the others; the other requests wait in one bounded queue (``queue_size``: 503 when full) at
    most ``queue_wait`` seconds (503 then). A freed slot goes to the first waiter whose client is
    under its share. Used from the event loop only (no locks needed).
    """

    def __init__(self, slots: int, per_client: int, queue_size: int, queue_wait: float) -> None:
        self.slots = max(1, slots)
        self.share = max(1, self.slots - 1)
        self.per_client = max(1, per_client)
        self.queue_size = max(0, queue_size)
        self.queue_wait = queue_wait
        self.busy = 0
        self.admitted: dict[str, int] = {}  # running or waiting, per client
        self.running: dict[str, int] = {}
        self.waiters: OrderedDict[asyncio.Future[None], str] = OrderedDict()

    async def enter(self, client: str, deadline: float) -> None:
        """Take a slot for ``client`` or raise :class:`Rejected` (429 or 503)."""
        held = self.admitted.get(client, 0)
        if held >= self.per_client:
            raise Rejected(
                429,
                f"too many requests in progress from your address (the limit is "
                f"{self.per_client} at a time); wait for answers before sending more",
                {"retry-after": "1"},
            )
        if self.busy < self.slots and self.running.get(client, 0) < self.share:
            self.admitted[client] = held + 1
            self._take(client)
            return
        if len(self.waiters) >= self.queue_size:
            raise Rejected(
                503,
                "the server is busy (its queue of waiting requests is full); retry shortly",
                {"retry-after": "2"},
            )
        self.admitted[client] = held + 1
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiters[waiter] = client
        wait = max(0.0, min(self.queue_wait, deadline - time.monotonic()))
        try:
            await asyncio.wait_for(asyncio.shield(waiter), wait)
        except BaseException as exc:
            self.waiters.pop(waiter, None)
            if waiter.done() and not waiter.cancelled():
                if isinstance(exc, TimeoutError):
                    return  # the slot was granted at the last instant: keep it
                self.leave(client)
                raise
            waiter.cancel()
            self._forget(client)
            if isinstance(exc, TimeoutError):
                raise Rejected(
                    503,
                    f"the server is busy: no query worker became free within {wait:.3g} s; "
                    "retry shortly",
                    {"retry-after": "2"},
                ) from None
            raise

    def leave(self, client: str) -> None:
        """Give back the slot of a request of ``client`` that was admitted."""
        self._forget(client)
        left = self.running.get(client, 0) - 1
        if left > 0:
            self.running[client] = left
        else:
            self.running.pop(client, None)
        self.busy -= 1
        self._grant()

    def _take(self, client: str) -> None:
        self.busy += 1
        self.running[client] = self.running.get(client, 0) + 1

    def _grant(self) -> None:
        for waiter, client in list(self.waiters.items()):
            if self.busy >= self.slots:
                return
            if waiter.done():
                self.waiters.pop(waiter, None)
                continue
            if self.running.get(client, 0) < self.share:
                self.waiters.pop(waiter, None)
                self._take(client)
                waiter.set_result(None)

    def _forget(self, client: str) -> None:
        held = self.admitted.get(client, 0) - 1
        if held > 0:
            self.admitted[client] = held
        else:
            self.admitted.pop(client, None)
