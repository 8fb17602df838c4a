"""Every error class of the package survives pickling (Ray, multiprocessing) unchanged."""

from __future__ import annotations

import importlib
import inspect
import json
import pickle
import pkgutil
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, AIMessageChunk

import langchain_openrouter_gemini as package
from langchain_openrouter_gemini import errors as e
from langchain_openrouter_gemini.cli.command import UsageError
from langchain_openrouter_gemini.media.content import ContentSourceError
from langchain_openrouter_gemini.testing.handler import Aborted

_URL = "https://openrouter.ai/api/v1/chat/completions"


def _reply(status: int, error: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    response = httpx2.Response(
        status,
        content=json.dumps({"error": error}).encode(),
        headers={"x-request-id": "req-1", **(headers or {})},
        request=httpx2.Request("POST", _URL),
    )
    return e.error_from_response(response)


def _http(status: int, **metadata: Any) -> Callable[[], BaseException]:
    error = {"code": status, "message": "Provider returned error", "metadata": metadata}
    return lambda: _reply(status, error, {"retry-after": "7"})


def _with_partial() -> BaseException:
    error = e.error_from_payload({"error": {"code": "server_error", "message": "cut"}, "id": "g"})
    assert error is not None
    error.attach_partial(AIMessageChunk(content="half an ans", id="run-1"))
    return error


# One instance of every public exception class the package defines; the test below fails
# when a class is added without an entry here.
EXAMPLES: dict[type[BaseException], Callable[[], BaseException]] = {
    e.OpenRouterError: lambda: e.OpenRouterError("something failed", status_code=None),
    e.OpenRouterBadRequestError: _http(400, provider_name="Google", raw="bad field"),
    e.OpenRouterContextLengthError: lambda: _reply(
        400, {"code": 400, "message": "The input token count exceeds the maximum number of tokens"}
    ),
    e.OpenRouterAuthenticationError: _http(401),
    e.OpenRouterInsufficientCreditsError: _http(402),
    e.OpenRouterModerationError: _http(403, reasons=["harassment"], flagged_input="bad words"),
    e.OpenRouterModelNotFoundError: _http(404),
    e.OpenRouterTimeoutError: lambda: e.OpenRouterTimeoutError("too slow"),
    e.OpenRouterRequestTimeoutError: _http(408),
    e.OpenRouterRequestTooLargeError: _http(413),
    e.OpenRouterRateLimitError: _http(429, provider_name="Google AI Studio"),
    e.OpenRouterUpstreamError: _http(502, provider_name="Google"),
    e.OpenRouterStreamError: _with_partial,
    e.OpenRouterConnectionError: lambda: e.OpenRouterConnectionError("Could not reach it"),
    e.OpenRouterClientTimeoutError: lambda: e.stalled_stream(2.5),
    e.OpenRouterMalformedResponseError: lambda: e.malformed_response("not JSON", b"<html>"),
    e.OpenRouterBudgetExceededError: lambda: e.OpenRouterBudgetExceededError(0.5, 0.75),
    e.OpenRouterGenerationNotFoundError: lambda: e.OpenRouterGenerationNotFoundError(
        "no such generation", status_code=404
    ),
    e.OpenRouterIncompleteOutputError: lambda: e.OpenRouterIncompleteOutputError(
        "length",
        native_finish_reason="MAX_TOKENS",
        max_tokens=5,
        raw_message=AIMessage(content='{"a": "b', response_metadata={"finish_reason": "length"}),
    ),
    ContentSourceError: lambda: ContentSourceError(
        "Not an image", kind="image", reason="wrong_type", detected="application/pdf"
    ),
    UsageError: lambda: UsageError("bad arguments"),
    Aborted: lambda: Aborted("client went away"),
}

# What must come back equal; the HTTP request and response are left behind on purpose.
ATTRIBUTES = (
    "args",
    "status_code",
    "code",
    "message",
    "description",
    "provider_name",
    "metadata",
    "raw",
    "generation_id",
    "retry_after",
    "request_id",
    "body",
    "details",
    "in_reply",
    "partial_message",
    "reasons",
    "flagged_input",
    "max_cost",
    "total_cost",
    "finish_reason",
    "native_finish_reason",
    "max_tokens",
    "raw_message",
    "llm_output",
    "kind",
    "reason",
    "detected",
)


def _defined_exceptions() -> set[type[BaseException]]:
    found: set[type[BaseException]] = set()
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        if info.name.endswith("__main__"):  # running it would start the program
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and not name.startswith("_")
            ):
                found.add(value)
    return found


def _same(original: BaseException, copy: BaseException) -> None:
    assert type(copy) is type(original)
    assert str(copy) == str(original)
    for name in ATTRIBUTES:
        if hasattr(original, name):
            assert getattr(copy, name) == getattr(original, name), name


def test_every_error_class_has_an_example() -> None:
    missing = _defined_exceptions() - set(EXAMPLES)
    assert not missing, f"add an example for {sorted(c.__qualname__ for c in missing)}"


@pytest.mark.parametrize("cls", list(EXAMPLES), ids=lambda cls: cls.__name__)
def test_an_error_round_trips_through_pickle(cls: type[BaseException]) -> None:
    original = EXAMPLES[cls]()
    assert type(original) is cls
    copy = pickle.loads(pickle.dumps(original))
    _same(original, copy)
    # Twice over: a message must not grow (nest into itself) with each trip.
    _same(original, pickle.loads(pickle.dumps(copy)))


def test_the_incomplete_output_message_does_not_nest() -> None:
    original = EXAMPLES[e.OpenRouterIncompleteOutputError]()
    copy = pickle.loads(pickle.dumps(original))
    assert str(copy).count("Structured output is incomplete") == 1
    assert copy.finish_reason == "length" and copy.max_tokens == 5


@given(
    status=st.integers(400, 599),
    code=st.one_of(st.none(), st.integers(100, 599), st.text(max_size=20)),
    message=st.text(max_size=80),
    provider=st.one_of(st.none(), st.text(min_size=1, max_size=20)),
    retry_after=st.one_of(st.none(), st.integers(0, 10_000).map(str)),
)
def test_any_http_error_round_trips(
    status: int, code: Any, message: str, provider: str | None, retry_after: str | None
) -> None:
    error_body: dict[str, Any] = {"code": code, "message": message}
    if provider is not None:
        error_body["metadata"] = {"provider_name": provider}
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    original = _reply(status, error_body, headers)
    _same(original, pickle.loads(pickle.dumps(original)))
    assert e.is_retryable(pickle.loads(pickle.dumps(original))) in (True, False)


@given(
    code=st.one_of(st.none(), st.integers(100, 599), st.text(max_size=20)),
    message=st.text(max_size=80),
    partial=st.one_of(st.none(), st.text(max_size=40)),
)
def test_any_error_inside_a_reply_round_trips(code: Any, message: str, partial: str | None) -> None:
    original = e.error_from_payload({"error": {"code": code, "message": message}})
    assert original is not None
    if partial is not None:
        original.attach_partial(AIMessageChunk(content=partial))
    copy = pickle.loads(pickle.dumps(original))
    _same(original, copy)
    assert e.is_retryable(copy) is e.is_retryable(original)
