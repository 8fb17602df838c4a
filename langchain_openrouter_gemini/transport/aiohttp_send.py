"""Sending a request straight over the aiohttp session of one of our own async pools.

Our default async pool is the SDK's supported aiohttp client (`openai.DefaultAioHttpClient`):
an `httpx2.AsyncClient` whose transport hands each request to an `aiohttp.ClientSession`.
Going through it costs an `httpx2.Request`, the client's auth, redirect and cookie
machinery, a translation into aiohttp's call, and an `httpx2.Response` with its own byte
stream around aiohttp's; under a few hundred concurrent calls that is a quarter of a
call's CPU time, and the garbage it leaves makes the collector run twice as long.

So for a pool this package built, and only while it routes every request to that one
session (no proxy mounts), a request goes to the session directly: the same connections,
TLS context, connection limit and keep-alive, the same timeouts (`connect` to the socket,
`read` per read, `pool` for a free connection, as the SDK's transport maps them), redirects
followed as httpx2 follows them. A user's own `http_async_client=` is never bypassed.

Only the success path stays in aiohttp's objects (`DirectReply`); an error reply becomes
an `httpx2.Response`, which is what the typed errors carry for LangChain and users.
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx2

__all__ = ["DirectReply", "adopt", "as_httpx_response", "direct_session", "send"]

# The pools `transport.async_http` built over the SDK's aiohttp client.
_OURS: weakref.WeakSet[Any] = weakref.WeakSet()
# httpx2's own limit, kept so a redirect loop ends the same way on either path.
_MAX_REDIRECTS = 20
_TIMEOUTS: dict[tuple[float | None, float | None, float | None], Any] = {}
# aiohttp undoes the content coding; the copy of an error reply must not claim it still applies.
_CODING_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})


def adopt(http: Any) -> None:
    """Mark `http` (an aiohttp-backed pool we built) as one whose session may be used directly."""
    _OURS.add(http)


def direct_session(http: Any) -> Any | None:
    """The `aiohttp.ClientSession` under `http` to send on, or `None`: go through httpx2.

    `None` for a pool we did not build, one that mounts proxies (from the environment),
    or an SDK transport this module does not recognise.
    """
    if http not in _OURS or getattr(http, "_mounts", None):
        return None
    transport = getattr(http, "_transport", None)
    session = getattr(transport, "client", None)
    if session is None:
        get_client = getattr(transport, "get_client", None)
        if get_client is None:
            return None
        # As the SDK's transport does on its first request: made on the running loop.
        session = transport.client = get_client()  # type: ignore[union-attr]
    return session if hasattr(session, "request") and not callable(session) else None


def _client_timeout(timeout: dict[str, float | None]) -> Any:
    key = (timeout.get("connect"), timeout.get("read"), timeout.get("pool"))
    found = _TIMEOUTS.get(key)
    if found is None:
        import aiohttp

        # The SDK's transport maps them the same way; there is no whole-call limit.
        found = aiohttp.ClientTimeout(sock_connect=key[0], sock_read=key[1], connect=key[2])
        if len(_TIMEOUTS) < 64:
            _TIMEOUTS[key] = found
    return found


class DirectReply:
    """A successful reply read through aiohttp, shaped as the exchange reads an httpx2 one."""

    __slots__ = ("_headers", "_read", "_response", "content", "status_code")

    http_version = "HTTP/1.1"  # aiohttp speaks HTTP/1.1 only: a stream is drained, not just closed

    def __init__(self, response: Any, content: bytes | None) -> None:
        self._response = response
        self._headers: httpx2.Headers | None = None
        self.status_code: int = response.status
        self._read = content is not None
        self.content = content if content is not None else b""

    @property
    def is_error(self) -> bool:
        """Whether the status is 4xx or 5xx."""
        return self.status_code >= 400

    @property
    def headers(self) -> httpx2.Headers:
        """The reply's headers, with httpx2's case-insensitive, comma-joining view."""
        if self._headers is None:
            self._headers = httpx2.Headers(list(self._response.raw_headers))
        return self._headers

    def raw_headers(self) -> Sequence[tuple[bytes, bytes]]:
        """The headers as received (name, value) bytes."""
        return list(self._response.raw_headers)

    async def aread(self) -> bytes:
        """The whole body, read now if it was streamed."""
        if not self._read:
            self.content = await self._response.read()
            self._read = True
        return self.content

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The body as it arrives."""
        async for data in self._response.content.iter_any():
            yield data

    async def aclose(self) -> None:
        """Hand the connection back when the body was read to its end; otherwise drop it."""
        response = self._response
        if response.content.at_eof():
            response.release()
        else:
            response.close()


async def send(
    session: Any,
    *,
    method: str,
    url: str,
    headers: Sequence[tuple[str, str]],
    content: bytes | None,
    timeout: dict[str, float | None],
    stream: bool,
) -> DirectReply:
    """Send one request on `session`; without `stream`, the body is read before returning.

    Raises aiohttp's own errors (`aiohttp.ClientError`, its timeouts among them): the
    exchange types them as it types those of the SDK's transport.
    """
    response = await session.request(
        method,
        url,
        headers=headers,
        data=content,
        timeout=_client_timeout(timeout),
        max_redirects=_MAX_REDIRECTS,
    )
    if stream:
        return DirectReply(response, None)
    try:
        body = await response.read()
    except BaseException:
        response.close()
        raise
    response.release()
    return DirectReply(response, body)


def as_httpx_response(response: Any, request: httpx2.Request) -> Any:
    """`response` as the `httpx2.Response` a typed error carries (an httpx2 one as it is)."""
    if not isinstance(response, DirectReply):
        return response
    raw = [
        (name, value)
        for name, value in response.raw_headers()
        if name.lower() not in _CODING_HEADERS
    ]
    return httpx2.Response(
        response.status_code, headers=raw, content=response.content, request=request
    )
