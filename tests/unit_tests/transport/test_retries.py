"""Retries: which statuses are retried, Retry-After honoured, and never after streaming began."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini import errors as e
from tests.unit_tests.fake_transport import Handler, completion, sse_body
from tests.unit_tests.models import chat_model

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"


def error(status: int, message: str = "Provider returned error") -> httpx2.Response:
    body = {"error": {"code": status, "message": message, "metadata": {}}}
    # A tiny Retry-After keeps the test fast; the SDK honours it instead of its backoff.
    return httpx2.Response(status, json=body, headers={"retry-after-ms": "5"})


def scripted(*replies: httpx2.Response) -> tuple[list[httpx2.Request], Handler]:
    seen: list[httpx2.Request] = []
    queue = list(replies)

    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return queue.pop(0) if queue else httpx2.Response(200, json=completion("recovered"))

    return seen, handle


def model(handler: Handler, **kwargs: Any) -> ChatOpenRouterGemini:
    return chat_model(handler, api_key=KEY, **kwargs)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 524, 529])
def test_transient_statuses_are_retried(status: int) -> None:
    seen, handle = scripted(error(status))
    assert model(handle).invoke("hi").content == "recovered"
    assert len(seen) == 2


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404])
def test_client_errors_are_not_retried(status: int) -> None:
    seen, handle = scripted(error(status), error(status))
    with pytest.raises(e.OpenRouterError) as info:
        model(handle).invoke("hi")
    assert info.value.status_code == status
    assert len(seen) == 1


async def test_max_retries_bounds_attempts_async() -> None:
    seen, handle = scripted(*[error(503)] * 5)
    with pytest.raises(e.OpenRouterUpstreamError):
        await model(handle, max_retries=1).ainvoke("hi")
    assert len(seen) == 2


def test_stream_is_not_retried_after_first_token() -> None:
    seen: list[httpx2.Request] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        # A stream that starts, then breaks off without [DONE].
        partial = sse_body("Hel", "lo").split(b"data: [DONE]")[0].rsplit(b"data:", 1)[0]
        return httpx2.Response(200, content=partial, headers={"content-type": "text/event-stream"})

    received: list[str] = []
    with pytest.raises(e.OpenRouterConnectionError, match="incomplete"):
        for chunk in model(handle).stream("hi"):
            received.append(chunk.text)
    assert "".join(received) == "Hello"
    assert len(seen) == 1


def test_stream_retries_before_it_starts() -> None:
    seen: list[httpx2.Request] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        if len(seen) == 1:
            return error(429)
        return httpx2.Response(
            200, content=sse_body("ok"), headers={"content-type": "text/event-stream"}
        )

    assert "".join(c.text for c in model(handle).stream("hi")) == "ok"
    assert len(seen) == 2
    assert json.loads(seen[1].content)["stream"] is True
