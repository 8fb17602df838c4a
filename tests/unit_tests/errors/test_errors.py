"""Typed errors: status mapping, people-readable messages, compatibility, secrets."""

from __future__ import annotations

import json
import pickle
from typing import Any

import httpx2
import openai
import pytest
from langchain_core import exceptions as lc

from langchain_openrouter_gemini import errors as e

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"


def response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx2.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = httpx2.Request("POST", "https://openrouter.ai/api/v1/chat/completions")
    return httpx2.Response(status, content=content, headers=headers or {}, request=request)


def body(code: Any, message: str, **metadata: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "metadata": metadata}, "user_id": "u"}


@pytest.mark.parametrize(
    ("status", "cls", "sdk", "langchain"),
    [
        (400, e.OpenRouterBadRequestError, openai.BadRequestError, lc.ModelInvalidRequestError),
        (
            401,
            e.OpenRouterAuthenticationError,
            openai.AuthenticationError,
            lc.ModelAuthenticationError,
        ),
        (402, e.OpenRouterInsufficientCreditsError, openai.APIStatusError, lc.ModelError),
        (
            403,
            e.OpenRouterModerationError,
            openai.PermissionDeniedError,
            lc.ModelPermissionDeniedError,
        ),
        (404, e.OpenRouterModelNotFoundError, openai.NotFoundError, lc.ModelNotFoundError),
        (408, e.OpenRouterRequestTimeoutError, openai.APIStatusError, lc.ModelTimeoutError),
        (413, e.OpenRouterRequestTooLargeError, openai.APIStatusError, lc.ModelInvalidRequestError),
        (429, e.OpenRouterRateLimitError, openai.RateLimitError, lc.ModelRateLimitError),
        (500, e.OpenRouterUpstreamError, openai.InternalServerError, lc.ModelAPIError),
        (502, e.OpenRouterUpstreamError, openai.InternalServerError, lc.ModelAPIError),
        (503, e.OpenRouterUpstreamError, openai.InternalServerError, lc.ModelAPIError),
        (524, e.OpenRouterUpstreamError, openai.InternalServerError, lc.ModelAPIError),
        (529, e.OpenRouterUpstreamError, openai.InternalServerError, lc.ModelAPIError),
    ],
)
def test_status_maps_to_class_catchable_three_ways(
    status: int, cls: type, sdk: type, langchain: type
) -> None:
    err = e.error_from_response(
        response(status, body(status, "Provider returned error", provider_name="Google"))
    )
    assert type(err) is cls
    assert isinstance(err, (e.OpenRouterError, sdk, langchain))
    assert isinstance(err, sdk) and isinstance(err, langchain)
    assert err.status_code == status
    assert err.code == status
    assert err.provider_name == "Google"
    assert err.message == "Provider returned error"
    assert e.is_retryable(err) is (status in {408, 429, 500, 502, 503, 524, 529})


def test_auth_message_says_what_to_do() -> None:
    err = e.error_from_response(response(401, body(401, "No auth credentials found")))
    text = str(err)
    assert "API key" in text and "OPENROUTER_API_KEY" in text and "api_key=" in text


def test_context_overflow_is_its_own_class() -> None:
    raw = "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."
    err = e.error_from_response(
        response(400, body(400, "Provider returned error", provider_name="Google", raw=raw))
    )
    assert isinstance(err, e.OpenRouterContextLengthError)
    assert isinstance(err, lc.ContextOverflowError) and isinstance(err, openai.BadRequestError)
    assert raw in str(err)  # the upstream's own words are kept


def test_moderation_carries_reasons_and_flagged_input() -> None:
    err = e.error_from_response(
        response(403, body(403, "Input flagged", reasons=["harassment"], flagged_input="bad words"))
    )
    assert isinstance(err, e.OpenRouterModerationError)
    assert err.reasons == ["harassment"]
    assert err.flagged_input == "bad words"
    assert "harassment" in str(err)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Retry-After": "7"}, 7.0), ({"retry-after-ms": "1500"}, 1.5), ({}, None)],
)
def test_rate_limit_reads_retry_after(headers: dict[str, str], expected: float | None) -> None:
    err = e.error_from_response(response(429, body(429, "Rate limited"), headers))
    assert isinstance(err, e.OpenRouterRateLimitError)
    assert err.retry_after == expected


def test_html_error_page_is_readable() -> None:
    page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>x</body></html>"
    err = e.error_from_response(response(502, page))
    assert isinstance(err, e.OpenRouterUpstreamError)
    assert "HTML" in str(err) and "502 Bad Gateway" in str(err)


def test_keys_never_appear_in_messages() -> None:
    err = e.error_from_response(
        response(401, body(401, f"Invalid key {KEY}", raw=f"Authorization: Bearer {KEY}"))
    )
    for text in (str(err), repr(err), err.message, str(err.raw), str(err.metadata)):
        assert KEY not in text


@pytest.mark.parametrize(
    ("payload", "cls"),
    [
        (
            {"id": "gen-1", "error": {"code": 502, "message": "Upstream died"}},
            e.OpenRouterUpstreamError,
        ),
        ({"error": {"code": "server_error", "message": "Boom"}}, e.OpenRouterStreamError),
        (
            {"choices": [{"finish_reason": "error", "native_finish_reason": "SAFETY"}]},
            e.OpenRouterStreamError,
        ),
        (
            {
                "choices": [
                    {"finish_reason": "stop", "native_finish_reason": "MALFORMED_FUNCTION_CALL"}
                ]
            },
            e.OpenRouterStreamError,
        ),
    ],
)
def test_errors_inside_a_200_reply(payload: dict[str, Any], cls: type) -> None:
    err = e.error_from_payload(payload)
    assert type(err) is cls
    assert "inside" in str(err) or "reply" in str(err)


def test_ordinary_reply_is_not_an_error() -> None:
    assert e.error_from_payload({"choices": [{"finish_reason": "stop", "message": {}}]}) is None


def test_sdk_timeout_and_connection_errors_translate() -> None:
    request = httpx2.Request("POST", "https://openrouter.ai/api/v1/chat/completions")
    timeout = e.error_from_openai(openai.APITimeoutError(request=request))
    assert isinstance(timeout, e.OpenRouterTimeoutError)
    assert isinstance(timeout, openai.APITimeoutError) and isinstance(timeout, lc.ModelTimeoutError)
    assert "timeout=" in str(timeout)
    connection = openai.APIConnectionError(request=request)
    connection.__cause__ = ConnectionRefusedError("[Errno 111] Connection refused")
    translated = e.error_from_openai(connection)
    assert isinstance(translated, e.OpenRouterConnectionError)
    assert "Connection refused" in str(translated) and "base_url" in str(translated)


def test_errors_pickle_for_process_pools() -> None:
    err = e.error_from_response(response(429, body(429, "Slow down"), {"Retry-After": "2"}))
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is e.OpenRouterRateLimitError
    assert str(copy) == str(err) and copy.status_code == 429


def test_advice_placeholders_survive_redaction() -> None:
    err = e.error_from_response(response(401, body(401, "No auth credentials found")))
    assert "api_key=..." in str(err)


def test_errors_inside_a_reply_do_not_promise_retries() -> None:
    err = e.error_from_payload({"error": {"code": 502, "message": "Upstream died"}})
    assert err is not None
    assert "not retried automatically" in str(err)
    assert "retried automatically up to" not in str(err)
