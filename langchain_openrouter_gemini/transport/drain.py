"""Finishing a streamed response after `data: [DONE]`, within a short grace period.

After `[DONE]` an HTTP/1.1 body normally has only its chunked terminator left, already
received or a moment away. Reading it hands the connection back to the pool, so the next
request skips a new TCP and TLS handshake. But a server or proxy that keeps the body open
after `[DONE]` must not hold a complete answer back: the rest gets `GRACE` seconds, then
the socket is shut down (the blocked read returns at once) and the connection is dropped.
HTTP/2 streams have nothing to drain and are simply closed, as are sync in-memory transports.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

__all__ = ["GRACE", "adrain", "drain"]

GRACE = 0.25
"""Seconds the rest of a body may take after `[DONE]` before the connection is dropped."""


class _Watchdog:
    """One daemon thread that shuts down sockets whose drain outlived its deadline.

    Shared by every sync stream, so arming costs a heap push rather than a new thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._armed: dict[int, socket.socket] = {}
        self._deadlines: list[tuple[float, int]] = []
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, sock: socket.socket) -> int:
        with self._lock:
            token = next(self._tokens)
            self._armed[token] = sock
            idle = not self._deadlines
            heapq.heappush(self._deadlines, (time.monotonic() + GRACE, token))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="openrouter-stream-drain", daemon=True
                )
                self._thread.start()
            elif idle:
                # Every deadline is GRACE after its arming, so a new one is never the
                # earliest: the thread only needs waking when it waits for none at all.
                self._lock.notify()
            return token

    def disarm(self, token: int) -> None:
        with self._lock:
            self._armed.pop(token, None)

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                while self._deadlines and (
                    self._deadlines[0][0] <= now or self._deadlines[0][1] not in self._armed
                ):
                    _, token = heapq.heappop(self._deadlines)
                    if (sock := self._armed.pop(token, None)) is not None:
                        with contextlib.suppress(OSError):
                            sock.shutdown(socket.SHUT_RDWR)
                wait = self._deadlines[0][0] - now if self._deadlines else None
                self._lock.wait(wait)


_WATCHDOG = _Watchdog()


def _network_stream(response: Any) -> Any:
    """The HTTP/1.1 connection's stream under `response`, or None: nothing to drain."""
    if getattr(response, "http_version", "") == "HTTP/2":
        return None  # closing one HTTP/2 stream leaves the connection in the pool
    return response.extensions.get("network_stream")


def drain(response: Any, rest: Iterator[Any]) -> None:
    """Read what is left of `response` through `rest` if it ends within `GRACE` seconds."""
    stream = _network_stream(response)
    sock = stream.get_extra_info("socket") if stream is not None else None
    if not isinstance(sock, socket.socket):
        return
    token = _WATCHDOG.arm(sock)
    try:
        # Cut by the watchdog, or the server broke off: the answer is complete either way.
        with contextlib.suppress(Exception):
            for _ in rest:
                pass
    finally:
        _WATCHDOG.disarm(token)


async def adrain(response: Any, rest: AsyncIterator[Any]) -> None:
    """Async twin of `drain`: the read is cancelled after `GRACE` seconds.

    Over aiohttp (`_async_http`) the response names no network stream, but its connection
    goes back to the pool only once the body has ended, so it is drained too.
    """
    if getattr(response, "http_version", "") == "HTTP/2":
        return  # closing one HTTP/2 stream leaves the connection in the pool
    with contextlib.suppress(Exception):  # a timeout, or the server broke off: done anyway
        await asyncio.wait_for(_consume(rest), GRACE)


async def _consume(rest: AsyncIterator[Any]) -> None:
    async for _ in rest:
        pass
