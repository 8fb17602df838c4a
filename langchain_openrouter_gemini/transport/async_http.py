"""The HTTP library under the async SDK client: aiohttp by default, httpx2 on request.

httpx2's connection pool scans every connection for each request, so its cost grows with
the square of the requests in flight; at a few hundred concurrent calls it, not this
package, sets the pace. The `openai` SDK ships a supported aiohttp transport behind an
`httpx2.AsyncClient` (`openai.DefaultAioHttpClient`); that client is our default async
pool, and `transport.aiohttp_send` sends our requests straight to the aiohttp session
inside it.

This module is the one place that knows about aiohttp:

- `build_async_http_client` picks the `http_client` for `openai.AsyncOpenAI`;
- `aiohttp_errors`, `failure_behind` and `is_timeout` undo the SDK transport's error
  translation where it is wrong: it reports a reset or a server that hung up as
  `httpx2.ConnectTimeout`, and lets a malformed reply head escape as aiohttp's own error.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal

import httpx2
import openai
from pydantic import Field

from langchain_openrouter_gemini.transport.aiohttp_send import adopt

__all__ = [
    "DEFAULT_ASYNC_TRANSPORT",
    "AsyncTransport",
    "aiohttp_errors",
    "async_transport_field",
    "build_async_http_client",
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
    # Ours, so `transport.aiohttp_send` may send straight to its aiohttp session.
    adopt(client)
    return client


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
