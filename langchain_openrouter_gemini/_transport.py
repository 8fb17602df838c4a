"""Sending a request body to OpenRouter with the `openai` SDK's transport.

The SDK gives connection pooling, retries with backoff (honouring `Retry-After`) and
status errors; its per-chunk Pydantic objects are skipped: replies are read as raw JSON
bytes or SSE lines and handed to the pure parsers in `wire/`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx2
import openai

from langchain_openrouter_gemini._error_parsing import redact
from langchain_openrouter_gemini.errors import OpenRouterError, error_from_openai
from langchain_openrouter_gemini.wire.response import decode_body

__all__ = [
    "astream_lines",
    "post_json",
    "apost_json",
    "split_body",
    "stream_lines",
    "translate_errors",
]

# Fields the SDK's `create()` takes as named arguments; everything else rides in
# `extra_body`, so OpenRouter-only fields never meet the SDK's argument validation.
_NAMED = ("model", "messages")


def split_body(body: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a request body into the SDK's named arguments and `extra_body`."""
    named = {key: body[key] for key in _NAMED if key in body}
    extra = {key: value for key, value in body.items() if key not in _NAMED}
    return named, extra


def _as_openrouter_error(exc: BaseException) -> OpenRouterError:
    if isinstance(exc, OpenRouterError):
        return exc
    if isinstance(exc, openai.APIError):
        return error_from_openai(exc)
    if isinstance(exc, httpx2.TimeoutException):
        return error_from_openai(openai.APITimeoutError(request=exc.request))
    request = getattr(exc, "_request", None) or httpx2.Request("POST", "https://openrouter.ai")
    sdk_error = openai.APIConnectionError(request=request)
    sdk_error.__cause__ = exc  # error_from_openai quotes the cause ("peer closed connection")
    return error_from_openai(sdk_error)


@contextmanager
def translate_errors() -> Iterator[None]:
    """Re-raise SDK and httpx failures as the package's typed `OpenRouterError`s."""
    try:
        yield
    except OpenRouterError:
        raise
    except (openai.APIError, httpx2.TransportError) as exc:
        _redact_chain(exc)
        raise _as_openrouter_error(exc) from exc


def _redact_chain(exc: BaseException) -> None:
    # The SDK's own message quotes the error body verbatim ("Error code: 401 - {...}"), and
    # it stays in every traceback as our error's cause: scrub keys a server echoed back.
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(redact(a) if isinstance(a, str) else a for a in current.args)
        if isinstance(getattr(current, "message", None), str):
            current.message = redact(current.message)  # type: ignore[attr-defined]
        current = current.__cause__ or current.__context__


# The SDK's generic `post()` keeps its retries, auth and typed errors but skips
# `create()`'s recursive TypedDict transform of every message: about a fifth of the
# client's time on a short `invoke`. Only the bearer key is sent, never an admin key.
_CHAT_PATH = "/chat/completions"
_SECURITY: Any = {"bearer_auth": True}


def _request_options(timeout: Any) -> Any:
    return {"timeout": timeout, "security": _SECURITY}


def post_json(client: openai.OpenAI, body: Mapping[str, Any], timeout: Any) -> dict[str, Any]:
    """POST a non-streaming request and return the decoded reply."""
    with translate_errors():
        response = client.post(
            _CHAT_PATH,
            cast_to=httpx2.Response,
            body=dict(body),
            options=_request_options(timeout),
        )
        return decode_body(response.content)


async def apost_json(
    client: openai.AsyncOpenAI, body: Mapping[str, Any], timeout: Any
) -> dict[str, Any]:
    """Async twin of `post_json`: only the awaits differ."""
    with translate_errors():
        response = await client.post(
            _CHAT_PATH,
            cast_to=httpx2.Response,
            body=dict(body),
            options=_request_options(timeout),
        )
        return decode_body(response.content)


@contextmanager
def stream_lines(
    client: openai.OpenAI, body: Mapping[str, Any], timeout: Any
) -> Iterator[Iterator[str]]:
    """Open a streaming request; yields an iterator over the SSE lines.

    The SDK retries only until the response head arrives, so a stream is never retried
    after its first event has been handed out.
    """
    named, extra = split_body(body)
    with (
        translate_errors(),
        client.chat.completions.with_streaming_response.create(
            **named, extra_body=extra, timeout=timeout
        ) as response,
    ):
        yield response.http_response.iter_lines()


@asynccontextmanager
async def astream_lines(
    client: openai.AsyncOpenAI, body: Mapping[str, Any], timeout: Any
) -> AsyncIterator[AsyncIterator[str]]:
    """Async twin of `stream_lines`."""
    named, extra = split_body(body)
    with translate_errors():
        async with client.chat.completions.with_streaming_response.create(
            **named, extra_body=extra, timeout=timeout
        ) as response:
            yield response.http_response.aiter_lines()
