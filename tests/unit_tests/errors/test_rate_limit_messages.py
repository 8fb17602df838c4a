"""A 429's message says what was tried, and advises raising max_retries only when that helps."""

from __future__ import annotations

import httpx2
import pytest

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini import errors as e

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"


def _limited(headers: dict[str, str], max_retries: int) -> tuple[str, int]:
    """Invoke against a server that always answers 429; the message and the requests sent."""
    sent: list[httpx2.Request] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        body = {"error": {"code": 429, "message": "Rate limit exceeded", "metadata": {}}}
        return httpx2.Response(429, json=body, headers=headers)

    llm = ChatOpenRouterGemini(
        api_key=KEY,
        max_retries=max_retries,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handle)),
    )
    with pytest.raises(e.OpenRouterRateLimitError) as info:
        llm.invoke("hi")
    return str(info.value), len(sent)


def test_a_wait_over_the_cap_is_not_retried_and_says_so() -> None:
    message, sent = _limited({"retry-after": "300"}, max_retries=2)
    assert sent == 1
    assert "max_retries" not in message
    assert "300 s" in message and "not retried" in message
    assert "rate_limiter=" in message


def test_with_retries_off_raising_max_retries_is_not_advised() -> None:
    message, sent = _limited({"retry-after-ms": "1"}, max_retries=0)
    assert sent == 1
    assert "raise max_retries" not in message
    assert "not retried (max_retries=0)" in message


def test_a_server_refusing_retries_is_not_answered_with_more_retries() -> None:
    message, sent = _limited({"x-should-retry": "false"}, max_retries=2)
    assert sent == 1
    assert "raise max_retries" not in message
    assert "x-should-retry" in message


def test_when_every_retry_was_used_raising_max_retries_is_the_advice() -> None:
    message, sent = _limited({"retry-after-ms": "1"}, max_retries=2)
    assert sent == 3
    assert "raise max_retries" in message
