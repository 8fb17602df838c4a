"""One retry table: what the transport retries is exactly what `is_retryable` calls retryable."""

from __future__ import annotations

import contextlib
from typing import Any
from unittest import mock

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini import errors as e
from langchain_openrouter_gemini.errors.retryable import transient_code
from tests.unit_tests.fake_transport import completion
from tests.unit_tests.models import chat_model

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"

# Server hints that change the verdict; waits stay tiny or over the cap (never slept).
HINTS = st.sampled_from(
    [
        {},
        {"retry-after-ms": "1"},
        {"retry-after": "300"},
        {"retry-after-ms": "200000"},
        {"x-should-retry": "true"},
        {"x-should-retry": "false"},
    ]
)


def _model(reply: httpx2.Response, seen: list[httpx2.Request], max_retries: int) -> Any:
    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        if len(seen) == 1:
            return reply
        return httpx2.Response(200, json=completion("recovered"))

    return chat_model(handle, api_key=KEY, max_retries=max_retries)


def _error_reply(status: int, headers: dict[str, str]) -> httpx2.Response:
    body = {"error": {"code": status, "message": "Provider returned error", "metadata": {}}}
    return httpx2.Response(status, json=body, headers=headers)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=st.integers(400, 599), headers=HINTS)
def test_the_transport_retries_exactly_what_is_retryable_says(
    status: int, headers: dict[str, str]
) -> None:
    seen: list[httpx2.Request] = []
    with pytest.raises(e.OpenRouterError) as info:
        _model(_error_reply(status, headers), seen, max_retries=0).invoke("hi")
    verdict = e.is_retryable(info.value)

    seen.clear()
    retried = _model(_error_reply(status, headers), seen, max_retries=1)
    # The backoff is not what is tested here: skip the wait.
    sleep = mock.patch("langchain_openrouter_gemini.transport.exchange.time.sleep")
    with sleep, contextlib.suppress(e.OpenRouterError):
        retried.invoke("hi")
    assert (len(seen) == 2) is verdict, (status, headers)


@pytest.mark.parametrize("status", [409, 504, 520, 599])
def test_statuses_the_transport_retries_are_retryable(status: int) -> None:
    error = e.error_from_response(
        httpx2.Response(
            status,
            json={"error": {"code": status, "message": "busy"}},
            request=httpx2.Request("POST", "https://openrouter.ai/api/v1/chat/completions"),
        )
    )
    assert e.is_retryable(error)


@given(code=st.integers(100, 599))
def test_an_http_code_inside_a_reply_gets_the_verdict_of_that_status(code: int) -> None:
    in_reply = e.error_from_payload({"error": {"code": code, "message": "failed mid-reply"}})
    assert in_reply is not None
    assert e.is_retryable(in_reply) is transient_code(code)
    assert e.is_retryable(in_reply) is transient_code(str(code))
    reply = httpx2.Response(
        code if code >= 400 else 500,
        json={"error": {"code": code, "message": "x"}},
        request=httpx2.Request("POST", "https://openrouter.ai/api/v1/chat/completions"),
    )
    if code >= 400:
        assert e.is_retryable(e.error_from_response(reply)) is e.is_retryable(in_reply)


PAYLOADS: list[tuple[str, dict[str, Any], bool]] = [
    ("server_error", {"error": {"code": "server_error", "message": "upstream failed"}}, True),
    ("no code", {"error": {"message": "upstream failed"}}, True),
    ("502", {"error": {"code": 502, "message": "bad gateway"}}, True),
    ("504", {"error": {"code": "504", "message": "timeout"}}, True),
    ("400", {"error": {"code": 400, "message": "Token limit reached"}}, False),
    ("invalid", {"error": {"code": "invalid_prompt", "message": "no"}}, False),
    (
        "finish_reason error",
        {"choices": [{"finish_reason": "error", "native_finish_reason": "OTHER", "delta": {}}]},
        True,
    ),
    (
        "MALFORMED_FUNCTION_CALL",
        {
            "choices": [
                {
                    "finish_reason": "stop",
                    "native_finish_reason": "MALFORMED_FUNCTION_CALL",
                    "message": {"content": ""},
                }
            ]
        },
        False,
    ),
]


@pytest.mark.parametrize(("name", "payload", "transient"), PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_errors_inside_a_reply_follow_the_table(
    name: str, payload: dict[str, Any], transient: bool
) -> None:
    error = e.error_from_payload(payload)
    assert error is not None
    assert error.in_reply
    assert e.is_retryable(error) is transient
    assert e.is_retryable(error) is transient_code(error.code)


def test_connection_failures_and_timeouts_are_retryable_and_retried() -> None:
    attempts: list[int] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx2.ConnectError("refused", request=request)
        return httpx2.Response(200, json=completion("recovered"))

    llm = ChatOpenRouterGemini(
        api_key=KEY, http_client=httpx2.Client(transport=httpx2.MockTransport(handle))
    )
    assert llm.invoke("hi").text == "recovered"
    attempts.clear()
    llm = ChatOpenRouterGemini(
        api_key=KEY,
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handle)),
    )
    with pytest.raises(e.OpenRouterConnectionError) as info:
        llm.invoke("hi")
    assert e.is_retryable(info.value)
    assert e.is_retryable(e.stalled_stream(1.0))


def test_a_spent_budget_and_a_malformed_reply_are_not_retryable() -> None:
    assert not e.is_retryable(e.OpenRouterBudgetExceededError(1.0, 1.5))
    assert not e.is_retryable(e.malformed_response("OpenRouter returned an empty body", b""))


def test_a_malformed_function_call_advises_simpler_schemas_not_a_retry() -> None:
    error = e.error_from_payload(PAYLOADS[-1][1])
    assert error is not None and not e.is_retryable(error)
    assert "simplify the tool schemas" in str(error)
    assert "retry the request" not in str(error)
