"""The HTTP library under the async SDK client: aiohttp by default, httpx2 on request.

httpx2's connection pool scans every connection for each request, so its cost grows with
the square of the requests in flight; at a few hundred concurrent calls it, not this
package, sets the pace. The `openai` SDK ships a supported aiohttp transport behind an
`httpx2.AsyncClient` (`openai.DefaultAioHttpClient`), so requests keep going out through
`client._client.send(...)` (see `_transport`) whichever library carries them.

This module is the one place that knows about aiohttp:

- `build_async_http_client` picks the `http_client` for `openai.AsyncOpenAI`;
- `close_with_loop` closes a client while its event loop shuts down (an aiohttp session
  belongs to the loop it was made in, and cannot be closed once that loop is gone);
- `aiohttp_errors`, `failure_behind` and `is_timeout` undo the SDK transport's error
  translation where it is wrong: it reports a reset or a server that hung up as
  `httpx2.ConnectTimeout`, and lets a malformed reply head escape as aiohttp's own error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import weakref
from collections.abc import AsyncGenerator, Callable
from typing import Any, Literal

import httpx2
import openai
from pydantic import Field

__all__ = [
    "DEFAULT_ASYNC_TRANSPORT",
    "AsyncTransport",
    "aiohttp_errors",
    "async_transport_field",
    "build_async_http_client",
    "close_with_loop",
    "failure_behind",
    "is_timeout",
]

AsyncTransport = Literal["aiohttp", "httpx"]
DEFAULT_ASYNC_TRANSPORT: AsyncTransport = "aiohttp"

_log = logging.getLogger(__name__)
_told_missing = False


def async_transport_field() -> Any:
    """`async_transport=`: the HTTP library of the async calls (`"aiohttp"` by default)."""
    return Field(default=DEFAULT_ASYNC_TRANSPORT)


def build_async_http_client(transport: AsyncTransport) -> httpx2.AsyncClient | None:
    """The `http_client` for a new `openai.AsyncOpenAI`; `None` leaves the SDK's httpx2 default.

    Call it on the event loop that will use the client: the aiohttp session inside is
    bound to the loop it first runs on. Without aiohttp (an install made without the
    package's dependencies) `"aiohttp"` falls back to httpx2, and says so once.
    """
    if transport == "httpx":
        return None
    factory = getattr(openai, "DefaultAioHttpClient", None)
    try:
        if factory is None:
            raise RuntimeError("this openai version has no DefaultAioHttpClient")
        client: httpx2.AsyncClient = factory()
    except RuntimeError as exc:  # the SDK's own error when aiohttp is not installed
        global _told_missing
        if not _told_missing:
            _told_missing = True
            _log.warning(
                "Async OpenRouter calls use httpx2, not aiohttp (%s). Install aiohttp "
                "(`pip install aiohttp`) for faster concurrent calls, or pass "
                'async_transport="httpx" to choose httpx2 and silence this.',
                exc,
            )
        return None
    return client


def close_with_loop(
    client: openai.AsyncOpenAI, *, owner: object, forget: Callable[[], None]
) -> None:
    """Close `client`, made on the running loop, when that loop shuts down or `owner` dies.

    `asyncio.run`, `asyncio.Runner` (and so pytest-asyncio) close every live async
    generator of their loop before closing the loop, in that loop. A generator parked at
    its `yield` closes the client in its `finally` (after `forget()`, which drops it from
    its cache) while the loop still runs, so no socket or aiohttp session is left for the
    garbage collector to warn about. The generator is kept by a finalizer of `owner` (the
    loop holds it only weakly), which also closes it, on its loop, if `owner` is garbage
    collected first: the client never dies with its owner, unclosed. `forget` must not
    hold `owner` strongly.
    """
    loop = asyncio.get_running_loop()
    finalizers: list[weakref.finalize[Any, Any]] = []

    async def closer() -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            for finalizer in finalizers:
                finalizer.detach()  # nothing left to close when the owner dies
            forget()
            await client.close()

    token = closer()
    # Step it to its `yield` now (it awaits nothing before): the first step registers it
    # with the running loop, and an unstarted generator would be closed without its
    # `finally`. This runs synchronously, so the caller need not be a coroutine.
    step: Any = token.__anext__()
    with contextlib.suppress(StopIteration):
        step.send(None)
    finalizers.append(weakref.finalize(owner, _close_soon, weakref.ref(loop), token))


_CLOSING: set[asyncio.Future[None]] = set()  # the loop keeps only weak references to tasks


def _close_soon(loop: weakref.ref[asyncio.AbstractEventLoop], token: Any) -> None:
    # Runs wherever the owner was collected, maybe another thread: hand over to the loop.
    running = loop()
    if running is None or running.is_closed():
        return  # closed without shutting down its generators: nothing can close it now
    with contextlib.suppress(RuntimeError):  # closed since the check
        running.call_soon_threadsafe(_start_closing, token)


def _start_closing(token: Any) -> None:
    task = asyncio.ensure_future(token.aclose())
    _CLOSING.add(task)
    task.add_done_callback(_CLOSING.discard)


def aiohttp_errors() -> tuple[type[Exception], ...]:
    """The base of aiohttp's exceptions once it is imported (before, none can be raised)."""
    aiohttp = sys.modules.get("aiohttp")
    return () if aiohttp is None else (aiohttp.ClientError,)


def failure_behind(exc: BaseException) -> BaseException:
    """The aiohttp error the SDK's aiohttp transport translated into `exc`, else `exc`.

    Its translation names any connection failure `httpx2.ConnectTimeout`; the original
    (`ServerDisconnectedError`, `ClientOSError: Connection reset by peer`) says what
    happened.
    """
    errors = aiohttp_errors()
    cause = exc.__cause__
    return cause if errors and isinstance(cause, errors) else exc


def is_timeout(failure: BaseException, timeout_error: type[Exception]) -> bool:
    """Whether `failure` (from `failure_behind`) is a timeout rather than a broken connection."""
    aiohttp = sys.modules.get("aiohttp")
    if aiohttp is not None and isinstance(failure, aiohttp.ClientError):
        # Connect and socket-read timeouts; every other aiohttp error is a failed connection.
        return isinstance(failure, aiohttp.ServerTimeoutError)
    return isinstance(failure, timeout_error)
