"""What goes on the wire from the transport: headers, URL, timeouts, and either HTTP library."""

from __future__ import annotations

import json
from typing import Any

import httpx
import httpx2
import pytest

from langchain_openrouter_gemini import ChatOpenRouterGemini, __version__
from langchain_openrouter_gemini import errors as e
from langchain_openrouter_gemini.transport import exchange as _transport
from tests.unit_tests.fake_transport import completion, mock_clients, sse_body

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Waits between retries, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr(_transport.time, "sleep", waited.append)
    return waited


class Recorder:
    """An OpenRouter stand-in for either HTTP library: records requests, answers from a script."""

    def __init__(self, library: Any = httpx2, *failures: Any) -> None:
        self.library = library
        self.requests: list[Any] = []
        self.failures = list(failures)

    def handle(self, request: Any) -> Any:
        self.requests.append(request)
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, BaseException):
                raise failure
            return failure
        if json.loads(request.content).get("stream"):
            headers = {"content-type": "text/event-stream"}
            return self.library.Response(200, content=sse_body("o", "k"), headers=headers)
        return self.library.Response(200, json=completion("ok"))

    def model(self, **kwargs: Any) -> ChatOpenRouterGemini:
        return ChatOpenRouterGemini(
            api_key=KEY, **mock_clients(self.handle, self.library), **kwargs
        )


def test_request_carries_key_attribution_and_json_headers() -> None:
    recorder = Recorder()
    model = recorder.model(
        app_url="https://example.com", app_title="Demo", default_headers={"X-Team": "search"}
    )
    model.invoke("hi")
    list(model.stream("hi"))
    for request in recorder.requests:
        headers = request.headers
        assert headers["authorization"] == f"Bearer {KEY}"
        assert headers["http-referer"] == "https://example.com"
        assert headers["x-title"] == "Demo"
        assert headers["x-team"] == "search"
        assert headers["content-type"] == "application/json"
        assert headers["user-agent"] == f"langchain-openrouter-gemini/{__version__}"
        # The openai SDK's own telemetry describes machinery these requests skip.
        assert not [name for name in headers if name.startswith("x-stainless")]
        assert request.method == "POST"
        assert str(request.url) == "https://openrouter.ai/api/v1/chat/completions"


def test_base_url_with_or_without_slash_and_default_query() -> None:
    for base_url in ("http://gateway.local/or/v1", "http://gateway.local/or/v1/"):
        recorder = Recorder()
        recorder.model(base_url=base_url, default_query={"tenant": "a b"}).invoke("hi")
        url = str(recorder.requests[0].url)
        assert url == "http://gateway.local/or/v1/chat/completions?tenant=a+b"


def test_timeouts_reach_the_request() -> None:
    recorder = Recorder()
    model = recorder.model(timeout=30, connect_timeout=4, stream_chunk_timeout=12)
    model.invoke("hi")
    list(model.stream("hi"))
    plain, streamed = (r.extensions["timeout"] for r in recorder.requests)
    assert plain == {"connect": 4, "read": 30, "write": 30, "pool": 30}
    assert streamed == {"connect": 4, "read": 12, "write": 30, "pool": 30}


def test_body_is_compact_utf8_json() -> None:
    recorder = Recorder()
    recorder.model().invoke("Grüße 👋")
    raw = recorder.requests[0].content
    assert "Grüße 👋".encode() in raw
    assert b", " not in raw and b": " not in raw


@pytest.mark.parametrize("library", [httpx2, httpx], ids=["httpx2", "legacy-httpx"])
async def test_either_http_library_works_sync_and_async(library: Any) -> None:
    recorder = Recorder(library)
    model = recorder.model()
    assert model.invoke("hi").text == "ok"
    assert (await model.ainvoke("hi")).text == "ok"
    assert "".join(c.text for c in model.stream("hi")) == "ok"
    assert "".join([c.text async for c in model.astream("hi")]) == "ok"


@pytest.mark.parametrize("library", [httpx2, httpx], ids=["httpx2", "legacy-httpx"])
def test_connection_failures_are_retried_then_typed(library: Any, sleeps: list[float]) -> None:
    request = library.Request("POST", "https://openrouter.ai/api/v1/chat/completions")
    refused = [library.ConnectError("Connection refused", request=request)] * 3
    recorder = Recorder(library, *refused)
    with pytest.raises(e.OpenRouterConnectionError, match="Connection refused") as info:
        recorder.model(max_retries=2).invoke("hi")
    assert len(recorder.requests) == 3
    assert isinstance(info.value.__cause__, library.ConnectError)
    assert 0.375 <= sleeps[0] <= 0.5 and 0.75 <= sleeps[1] <= 1.0  # jittered backoff


@pytest.mark.parametrize("library", [httpx2, httpx], ids=["httpx2", "legacy-httpx"])
def test_timeouts_are_retried_then_typed(library: Any, sleeps: list[float]) -> None:
    request = library.Request("POST", "https://openrouter.ai/api/v1/chat/completions")
    recorder = Recorder(library, *[library.ReadTimeout("timed out", request=request)] * 2)
    with pytest.raises(e.OpenRouterClientTimeoutError, match="raise timeout"):
        recorder.model(max_retries=1).invoke("hi")
    assert len(recorder.requests) == 2
    assert len(sleeps) == 1


def test_server_retry_advice_is_followed(sleeps: list[float]) -> None:
    body = {"error": {"code": 503, "message": "Overloaded", "metadata": {}}}
    recorder = Recorder(
        httpx2,
        httpx2.Response(429, json=body, headers={"retry-after": "2"}),
        httpx2.Response(503, json=body, headers={"retry-after-ms": "150"}),
        httpx2.Response(503, json=body, headers={"x-should-retry": "false"}),
    )
    with pytest.raises(e.OpenRouterUpstreamError, match="Overloaded"):
        recorder.model(max_retries=5).invoke("hi")
    assert sleeps == [2.0, 0.15]
    assert len(recorder.requests) == 3


async def test_async_retries_wait_without_blocking_the_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waited: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(_transport.asyncio, "sleep", fake_sleep)
    body = {"error": {"code": 502, "message": "Bad gateway", "metadata": {}}}
    recorder = Recorder(httpx2, httpx2.Response(502, json=body, headers={"retry-after": "1"}))
    assert (await recorder.model().ainvoke("hi")).text == "ok"
    assert waited == [1.0]


@pytest.mark.parametrize("library", [httpx2, httpx], ids=["httpx2", "legacy-httpx"])
def test_status_errors_are_typed_from_either_library(library: Any) -> None:
    body = {"error": {"code": 402, "message": "Insufficient credits", "metadata": {}}}
    recorder = Recorder(library, library.Response(402, json=body))
    with pytest.raises(e.OpenRouterInsufficientCreditsError, match="Insufficient credits"):
        recorder.model().invoke("hi")


@pytest.mark.parametrize("base_url", ["http://proxy.internal:8080", "http://proxy.internal:8080/"])
def test_a_base_url_without_a_path_still_reaches_chat_completions(base_url: str) -> None:
    # A proxy at a bare host is a base URL without a path; the SDK adds no "/" to those.
    recorder = Recorder()
    model = recorder.model(base_url=base_url)
    model.invoke("hi")
    list(model.stream("hi"))
    urls = {str(request.url) for request in recorder.requests}
    assert urls == {"http://proxy.internal:8080/chat/completions"}


def test_models_sharing_one_http_client_each_send_their_own_key_and_headers() -> None:
    recorder = Recorder()
    transport = httpx2.MockTransport(recorder.handle)
    shared = httpx2.Client(transport=transport)
    first = ChatOpenRouterGemini(api_key=KEY, http_client=shared, app_title="First")
    second = ChatOpenRouterGemini(api_key=KEY[:-4] + "ffff", http_client=shared)
    for model in (first, second, first):
        model.invoke("hi")
    keys = [r.headers["authorization"][-4:] for r in recorder.requests]
    assert keys == [KEY[-4:], "ffff", KEY[-4:]]
    assert [r.headers.get("x-title") for r in recorder.requests] == ["First", None, "First"]
    assert all(r.headers["content-length"] == str(len(r.content)) for r in recorder.requests)


def test_cookies_the_server_set_are_sent_back() -> None:
    answers = iter([httpx2.Response(200, json=completion("ok"), headers={"set-cookie": "b=1"})])
    recorder = Recorder()

    def handle(request: httpx2.Request) -> httpx2.Response:
        recorder.requests.append(request)
        return next(answers, None) or httpx2.Response(200, json=completion("ok"))

    model = ChatOpenRouterGemini(
        api_key=KEY, http_client=httpx2.Client(transport=httpx2.MockTransport(handle))
    )
    model.invoke("hi")
    model.invoke("hi")
    assert "cookie" not in recorder.requests[0].headers
    assert recorder.requests[1].headers["cookie"] == "b=1"
