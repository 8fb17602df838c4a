"""Sending a request body to OpenRouter and handing back the raw reply.

Requests go out through the HTTP client inside the `openai` SDK client (its connection
pool, proxies and TLS settings, or the `http_client=` a user passed) with the SDK's
headers and retry policy (`transport.retry`), but not through the SDK's request machinery: per
call that builds and copies option models, re-parses the URL and, for streams, a
Pydantic object per chunk, which together cost more than the HTTP exchange itself on a
short reply. On our own aiohttp pool, even the HTTP client's layer is skipped
(`transport.aiohttp_send`). Replies are read as raw JSON bytes, or as SSE bytes cut into lines by
`wire.sse`, and handed to the pure parsers in `wire/`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn, cast

import httpx2
import openai

from langchain_openrouter_gemini._version import __version__
from langchain_openrouter_gemini.errors import (
    OpenRouterError,
    error_from_openai,
    error_from_response,
    stalled_stream,
)
from langchain_openrouter_gemini.errors.parsing import redact
from langchain_openrouter_gemini.transport.aiohttp_send import (
    as_httpx_response,
    direct_session,
    send,
)
from langchain_openrouter_gemini.transport.async_http import (
    aiohttp_errors,
    failure_behind,
    is_timeout,
)
from langchain_openrouter_gemini.transport.body import decode_body
from langchain_openrouter_gemini.transport.connection import merge_headers
from langchain_openrouter_gemini.transport.drain import adrain, drain
from langchain_openrouter_gemini.transport.retry import Retries
from langchain_openrouter_gemini.transport.sse import SSELineDecoder

__all__ = [
    "CHAT_PATH",
    "RequestExtras",
    "aget_json",
    "apost_json",
    "astream_lines",
    "get_json",
    "post_json",
    "stream_lines",
]

CHAT_PATH = "chat/completions"
_log = logging.getLogger(__name__)


def _dumps(body: Mapping[str, Any]) -> bytes:
    # As the SDK and httpx encode JSON: compact, UTF-8 as is, and NaN refused (not JSON).
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


_HEADERS: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()
# The SDK fills these from OPENAI_ORG_ID / OPENAI_PROJECT_ID: OpenAI account ids that
# OpenRouter has no use for and must not receive. Sent only when the user set them.
_OPENAI_ACCOUNT_HEADERS = frozenset({"openai-organization", "openai-project"})


def _headers(client: openai.OpenAI | openai.AsyncOpenAI) -> dict[str, str]:
    """The headers every request from `client` carries, worked out once per client.

    JSON content types, our `User-Agent`, the bearer key (never an admin key), then the
    client's own headers (attribution, `default_headers=`), which win whatever their
    letter case. The SDK's `X-Stainless-*` telemetry is left out: it describes the SDK's
    request machinery, which these requests do not go through.
    """
    headers = _HEADERS.get(client)
    if headers is None:
        custom = {
            name: value
            for name, value in getattr(client, "_custom_headers", {}).items()
            if isinstance(value, str)
        }
        sdk = {
            name: value
            for name, value in client.default_headers.items()
            if isinstance(value, str)
            and not name.lower().startswith("x-stainless-")
            and name.lower() not in _OPENAI_ACCOUNT_HEADERS
        }
        headers = merge_headers(sdk, {"User-Agent": f"langchain-openrouter-gemini/{__version__}"})
        headers = merge_headers(merge_headers(headers, client.auth_headers), custom)
        _HEADERS[client] = headers
    return headers


def _library_errors(http: Any) -> tuple[tuple[type[Exception], ...], type[Exception]]:
    """The (transport, timeout) exception classes of the HTTP library behind `http`."""
    if isinstance(http, httpx2.AsyncClient):
        # Over aiohttp (`transport.async_http`), a malformed reply head raises aiohttp's own error.
        return (httpx2.TransportError, *aiohttp_errors()), httpx2.TimeoutException
    if isinstance(http, httpx2.Client):
        return (httpx2.TransportError,), httpx2.TimeoutException
    # The SDK also accepts a legacy `httpx` client, which raises its own exceptions.
    import httpx

    return (httpx.TransportError,), httpx.TimeoutException


def _url(client: openai.OpenAI | openai.AsyncOpenAI, path: str) -> str:
    # The SDK ends a base URL with "/" only when it has a path: a bare host such as
    # "http://localhost:8080" (a proxy) has none, and would glue onto the path.
    base = str(client.base_url)
    return f"{base}{path}" if base.endswith("/") else f"{base}/{path}"


@dataclass(frozen=True)
class RequestExtras:
    """One call's additions to its request, and where to keep the reply's headers.

    Attributes:
        headers: Extra headers; they win over the client's, whatever their letter case.
        query: Extra query parameters.
        reply_headers: When given, filled with the reply's HTTP headers.

    """

    headers: Mapping[str, str] | None = None
    query: Mapping[str, Any] | None = None
    reply_headers: dict[str, str] | None = None


_NO_EXTRAS = RequestExtras()


# Per SDK client, per (method, path): a request with the merged URL and headers, so that
# a call copies them instead of merging and re-parsing them (`build_request` costs several
# times what the copy does, much of a short call's own time over aiohttp).
_TEMPLATES: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], _Template]] = (
    weakref.WeakKeyDictionary()
)
_PER_BODY = ("content-length", "transfer-encoding")


@dataclass(frozen=True)
class _Template:
    """A request without its body, and its URL and headers as plain strings (for aiohttp)."""

    request: Any
    url: str
    headers: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, request: Any) -> _Template:
        # As httpx2 would send them: the names in their own letter case, in order.
        encoding = request.headers.encoding
        headers = tuple(
            (name.decode(encoding), value.decode(encoding))
            for name, value in request.headers.raw
            if name.lower().decode(encoding) not in _PER_BODY
        )
        return cls(request, str(request.url), headers)


def _template(
    client: openai.OpenAI | openai.AsyncOpenAI,
    http: Any,
    method: str,
    path: str,
    params: Mapping[str, Any] | None,
    *,
    extra_headers: Mapping[str, str] | None,
    content: bytes | None,
    extensions: dict[str, Any],
) -> tuple[_Template, Any]:
    """The request's template, and the whole request when it had to be built afresh."""
    default_query = cast("dict[str, Any]", client.default_query or {})
    if params or extra_headers or getattr(http, "cookies", None):
        # One call's own query or headers, or cookies the server set on the pool: merge
        # them afresh.
        headers = _headers(client)
        request = http.build_request(
            method,
            _url(client, path),
            params={**default_query, **(params or {})} or None,
            headers=merge_headers(headers, extra_headers) if extra_headers else headers,
            content=content,
            extensions=extensions,
        )
        return _Template.of(request), request
    templates = _TEMPLATES.setdefault(client, {})
    template = templates.get((method, path))
    if template is None:
        request = http.build_request(
            method, _url(client, path), params=default_query or None, headers=_headers(client)
        )
        for name in _PER_BODY:
            request.headers.pop(name, None)
        template = templates[(method, path)] = _Template.of(request)
    return template, None


class _Exchange:
    """One API request: the HTTP request (built once, re-sent on retry) and its budget.

    `body` is sent as JSON (a POST); without one the request is a GET with `params`.
    `extras` are one call's headers and query (`invoke(..., extra_headers=...)`); they
    win over the client's (a header whatever its letter case).
    """

    def __init__(
        self,
        client: openai.OpenAI | openai.AsyncOpenAI,
        body: Mapping[str, Any] | None,
        timeout: Any,
        *,
        path: str = CHAT_PATH,
        params: Mapping[str, Any] | None = None,
        extras: RequestExtras | None = None,
    ) -> None:
        # The SDK keeps its HTTP client in `_client`; sharing it shares the pool.
        self.http: Any = client._client
        self._extras = extras or _NO_EXTRAS
        self.method = "GET" if body is None else "POST"
        self._content = None if body is None else _dumps(body)
        # A plain dict suits httpx2 and legacy httpx clients alike.
        self._extensions = {"timeout": httpx2.Timeout(timeout).as_dict()}
        self._template, self._request = _template(
            client,
            self.http,
            self.method,
            path,
            {**(params or {}), **(self._extras.query or {})},
            extra_headers=self._extras.headers,
            content=self._content,
            extensions=self._extensions,
        )
        # Set only for our own aiohttp pools (async ones), never for a user's client.
        self._session = direct_session(self.http)
        self.transport_error, self._timeout_error = _library_errors(self.http)
        self._retries = Retries(client.max_retries)

    @property
    def request(self) -> Any:
        """The HTTP request; over aiohttp directly, built only when an error must name it."""
        if self._request is None:
            template = self._template.request
            self._request = type(template)(
                self.method,
                template.url,
                headers=template.headers,
                content=self._content,
                extensions=self._extensions,
            )
        return self._request

    async def asend_once(self, *, stream: bool) -> Any:
        """Send the request once on the async pool: to its aiohttp session when it is ours."""
        if self._session is None:
            return await self.http.send(self.request, stream=stream)
        return await send(
            self._session,
            method=self.method,
            url=self._template.url,
            headers=self._template.headers,
            content=self._content,
            timeout=self._extensions["timeout"],
            stream=stream,
        )

    def keep_reply_headers(self, response: Any) -> None:
        """Copy the reply's headers where the caller asked for them."""
        if self._extras.reply_headers is not None:
            self._extras.reply_headers.update(response.headers)

    def delay_after_failure(self, exc: Exception) -> float:
        """Seconds to wait after a connection failure; raises the typed error when out of tries."""
        delay = self._retries.after_failure()
        if delay is None:
            self.fail(exc)
        self._log_retry(type(exc).__name__, delay)
        return delay

    def delay_after_status(self, response: Any) -> float:
        """Seconds to wait after an error reply (body read); raises its typed error otherwise."""
        delay = self._retries.after_status(response.status_code, response.headers)
        if delay is None:
            retries = self._retries
            raise error_from_response(
                as_httpx_response(response, self.request),
                retries=(retries.taken, retries.max_retries),
            )
        self._log_retry(f"HTTP {response.status_code}", delay)
        return delay

    def _log_retry(self, why: str, delay: float) -> None:
        retries = self._retries
        _log.info(
            "OpenRouter: %s; retry %d of %d in %.2f s",
            why,
            retries.taken,
            retries.max_retries,
            delay,
        )

    def fail(self, exc: Exception, *, streaming: bool = False) -> NoReturn:
        """Raise the typed error for a transport failure, chained to it.

        `streaming`: the failure came while a stream's body was read, so a timeout means
        the stream stalled (no bytes for the read timeout), not a slow first answer.
        """
        _redact_chain(exc)
        failure = failure_behind(exc)
        timed_out = is_timeout(failure, self._timeout_error)
        if streaming and timed_out:
            read = self.request.extensions.get("timeout", {}).get("read")
            raise stalled_stream(read, request=self.request) from exc
        if timed_out:
            sdk_error: openai.APIError = openai.APITimeoutError(request=self.request)
        else:
            sdk_error = openai.APIConnectionError(request=self.request)
            sdk_error.__cause__ = failure  # quoted in the message ("peer closed connection")
        raise error_from_openai(sdk_error) from exc

    @contextmanager
    def translating(self, *, streaming: bool = False) -> Iterator[None]:
        """Turn transport failures while a reply is read into typed errors."""
        try:
            yield
        except OpenRouterError:
            raise
        except self.transport_error as exc:
            self.fail(exc, streaming=streaming)


def _redact_chain(exc: BaseException) -> None:
    # A transport error can quote the server, and it stays in every traceback as our
    # error's cause: scrub keys a server echoed back.
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(redact(a) if isinstance(a, str) else a for a in current.args)
        current = current.__cause__ or current.__context__


# The retry loops differ only in their awaits; every decision is in `_Exchange`/`Retries`.


def _send(exchange: _Exchange, *, stream: bool) -> Any:
    while True:
        try:
            response = exchange.http.send(exchange.request, stream=stream)
        except exchange.transport_error as exc:
            time.sleep(exchange.delay_after_failure(exc))
            continue
        if not response.is_error:
            return response
        try:
            with exchange.translating():
                response.read()  # the error body names the problem
        finally:
            response.close()  # also when reading it failed: the connection must not stay open
        time.sleep(exchange.delay_after_status(response))


async def _asend(exchange: _Exchange, *, stream: bool) -> Any:
    while True:
        try:
            response = await exchange.asend_once(stream=stream)
        except exchange.transport_error as exc:
            await asyncio.sleep(exchange.delay_after_failure(exc))
            continue
        if not response.is_error:
            return response
        try:
            with exchange.translating():
                await response.aread()
        finally:
            await response.aclose()
        await asyncio.sleep(exchange.delay_after_status(response))


def post_json(
    client: openai.OpenAI,
    body: Mapping[str, Any],
    timeout: Any,
    *,
    path: str = CHAT_PATH,
    extras: RequestExtras | None = None,
) -> dict[str, Any]:
    """POST a non-streaming request to `path` (under the base URL); return the decoded reply.

    `extras`: this call's headers and query, and where to keep the reply's headers.
    """
    exchange = _Exchange(client, body, timeout, path=path, extras=extras)
    response = _send(exchange, stream=False)
    exchange.keep_reply_headers(response)
    return decode_body(response.content)


async def apost_json(
    client: openai.AsyncOpenAI,
    body: Mapping[str, Any],
    timeout: Any,
    *,
    path: str = CHAT_PATH,
    extras: RequestExtras | None = None,
) -> dict[str, Any]:
    """Async twin of `post_json`."""
    exchange = _Exchange(client, body, timeout, path=path, extras=extras)
    response = await _asend(exchange, stream=False)
    exchange.keep_reply_headers(response)
    return decode_body(response.content)


def get_json(
    client: openai.OpenAI, path: str, timeout: Any, *, params: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """GET `path` (e.g. `"generation"`, `"key"`) with the same headers, retries and errors."""
    response = _send(_Exchange(client, None, timeout, path=path, params=params), stream=False)
    return decode_body(response.content)


async def aget_json(
    client: openai.AsyncOpenAI,
    path: str,
    timeout: Any,
    *,
    params: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Async twin of `get_json`."""
    exchange = _Exchange(client, None, timeout, path=path, params=params)
    response = await _asend(exchange, stream=False)
    return decode_body(response.content)


@contextmanager
def stream_lines(
    client: openai.OpenAI,
    body: Mapping[str, Any],
    timeout: Any,
    *,
    extras: RequestExtras | None = None,
    chunk_timeout: float | None = None,
) -> Iterator[Iterator[str]]:
    """Open a streaming request; yields an iterator over the SSE lines.

    Retries happen only until the response head arrives, so a stream is never retried
    after its first event has been handed out. Leaving the block frees the connection,
    even when the server would keep the body open: after `[DONE]` (a normal exit) the rest
    of the body is read if it ends at once, keeping the connection for the next request
    (`transport.drain`); after an error or an early stop the response is closed. `extras` is as
    in `post_json`.

    `chunk_timeout`: the longest gap allowed between two SSE events. Keep-alive comments
    do not count as events, so a stream that only keeps alive raises the stalled-stream
    error at the first byte after the limit (a silent one trips the read timeout).
    """
    exchange = _Exchange(client, body, timeout, extras=extras)
    response = _send(exchange, stream=True)
    exchange.keep_reply_headers(response)
    lines = _sse_lines(response.iter_bytes(), _ChunkClock(chunk_timeout, exchange))
    try:
        with exchange.translating(streaming=True):
            yield lines
        drain(response, lines)
    finally:
        response.close()


@asynccontextmanager
async def astream_lines(
    client: openai.AsyncOpenAI,
    body: Mapping[str, Any],
    timeout: Any,
    *,
    extras: RequestExtras | None = None,
    chunk_timeout: float | None = None,
) -> AsyncIterator[AsyncIterator[str]]:
    """Async twin of `stream_lines`."""
    exchange = _Exchange(client, body, timeout, extras=extras)
    response = await _asend(exchange, stream=True)
    exchange.keep_reply_headers(response)
    lines = _asse_lines(response.aiter_bytes(), _ChunkClock(chunk_timeout, exchange))
    try:
        with exchange.translating(streaming=True):
            yield lines
        await adrain(response, lines)
    finally:
        # An async generator left suspended (a stream stopped at [DONE]) is closed here,
        # not by the garbage collector on some later loop iteration.
        await lines.aclose()
        await response.aclose()


class _ChunkClock:
    """Time spent waiting for the stream's next SSE event, against `stream_chunk_timeout`.

    Only `data:` lines are events; OpenRouter's `: OPENROUTER PROCESSING` comments and
    blank lines are not, so they cannot keep a stalled stream looking alive. Only waiting
    for bytes counts: time the caller spends between chunks is its own.
    """

    __slots__ = ("_exchange", "_limit", "_since", "_waited")

    def __init__(self, limit: float | None, exchange: _Exchange) -> None:
        self._limit = limit
        self._exchange = exchange
        self._since = 0.0
        self._waited = 0.0

    def waiting(self) -> None:
        """The reader is about to wait for bytes."""
        if self._limit is not None:
            self._since = time.monotonic()

    def arrived(self, lines: list[str]) -> list[str]:
        """Bytes came, cut into `lines`; raise the stalled-stream error past the limit."""
        if self._limit is None:
            return lines
        self._waited += time.monotonic() - self._since
        for line in lines:
            if self._waited > self._limit:
                raise stalled_stream(self._limit, request=self._exchange.request)
            if line.startswith("data:"):
                self._waited = 0.0
        return lines


# Both read the body as bytes and leave the line splitting to one shared decoder.


def _sse_lines(reads: Iterator[bytes], clock: _ChunkClock) -> Iterator[str]:
    decoder = SSELineDecoder()
    clock.waiting()
    for data in reads:
        yield from clock.arrived(decoder.feed(data))
        clock.waiting()
    yield from decoder.close()


async def _asse_lines(reads: AsyncIterator[bytes], clock: _ChunkClock) -> AsyncGenerator[str, None]:
    decoder = SSELineDecoder()
    clock.waiting()
    async for data in reads:
        for line in clock.arrived(decoder.feed(data)):
            yield line
        clock.waiting()
    for line in decoder.close():
        yield line
