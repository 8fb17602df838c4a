"""Every scripted fault of the emulator, as a raw HTTP client sees it (JSON and SSE)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator, Reply, pytest_plugin

openrouter_emulator = pytest_plugin.openrouter_emulator  # the fixture, used explicitly
KEY = {"Authorization": "Bearer sk-or-test"}
BODY = {"model": "google/gemini-2.5-flash", "messages": [{"role": "user", "content": "hi"}]}


def post(emu: OpenRouterEmulator, stream: bool = False, **kwargs: Any) -> httpx.Response:
    return httpx.post(
        f"{emu.base_url}/chat/completions", json={**BODY, "stream": stream}, headers=KEY, **kwargs
    )


def data_lines(text: str) -> list[str]:
    return [block[len("data: ") :] for block in text.split("\n\n") if block.startswith("data: ")]


@pytest.mark.parametrize("code", [400, 401, 402, 403, 404, 408, 413, 429, 500, 502, 503, 524, 529])
def test_status_fault_sends_openrouters_error_body(
    openrouter_emulator: OpenRouterEmulator, code: int
) -> None:
    metadata = {"provider_name": "Google", "raw": "upstream said no"}
    openrouter_emulator.enqueue(Fault.status(code, metadata=metadata))
    response = post(openrouter_emulator)
    assert response.status_code == code
    payload = response.json()
    assert payload["error"]["code"] == code
    assert payload["error"]["message"]
    assert payload["error"]["metadata"] == metadata
    assert payload["user_id"].startswith("user_")
    assert "retry-after" not in response.headers
    assert post(openrouter_emulator).status_code == 200, "the fault is consumed once"


def test_status_fault_with_retry_after(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.enqueue(Fault.status(429, "Rate limited", retry_after=2))
    response = post(openrouter_emulator, stream=True)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert response.json()["error"]["message"] == "Rate limited"


def test_status_fault_rejects_a_success_code() -> None:
    with pytest.raises(ValueError, match="400-599"):
        Fault.status(200)


@pytest.mark.parametrize(("code", "finish_reason"), [(502, "error"), ("server_error", None)])
def test_mid_stream_error_after_events_and_no_done(
    openrouter_emulator: OpenRouterEmulator, code: int | str, finish_reason: str | None
) -> None:
    openrouter_emulator.enqueue(
        Fault.mid_stream_error(
            code,
            "Provider disconnected",
            after_events=2,
            finish_reason=finish_reason,
            reply=Reply.text("abcdefgh", chunk_size=2),
        )
    )
    response = post(openrouter_emulator, stream=True)
    assert response.status_code == 200
    lines = data_lines(response.text)
    assert "[DONE]" not in lines
    chunks = [json.loads(line) for line in lines]
    assert len(chunks) == 3
    assert chunks[1]["choices"][0]["delta"]["content"] == "ab"
    error = chunks[-1]
    assert error["error"] == {"code": code, "message": "Provider disconnected"}
    assert error["choices"][0]["finish_reason"] == finish_reason


def test_mid_stream_error_on_a_json_request_is_an_error_body_with_200(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Fault.mid_stream_error(502, "Upstream failed"))
    response = post(openrouter_emulator)
    assert response.status_code == 200
    assert response.json()["error"] == {"code": 502, "message": "Upstream failed"}


def test_cut_closes_the_stream_without_done(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.enqueue(Fault.cut(after_events=3))
    seen: list[str] = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        httpx.stream(
            "POST",
            f"{openrouter_emulator.base_url}/chat/completions",
            json={**BODY, "stream": True},
            headers=KEY,
        ) as response,
    ):
        seen.extend(line for line in response.iter_lines() if line.startswith("data: "))
    assert len(seen) == 3 and "data: [DONE]" not in seen


def test_cut_json_reply_is_an_incomplete_body(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.enqueue(Fault.cut())
    with pytest.raises(httpx.RemoteProtocolError):
        post(openrouter_emulator)
    assert post(openrouter_emulator).status_code == 200, "the server keeps serving after a cut"


def test_stall_before_first_byte_trips_the_client_timeout(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Fault.stall(5))
    with pytest.raises(httpx.ReadTimeout):
        post(openrouter_emulator, timeout=httpx.Timeout(5, read=0.2))


def test_stall_mid_stream_sends_first_events_then_goes_silent(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Fault.stall(5, after_events=2))
    seen: list[str] = []
    with (
        pytest.raises(httpx.ReadTimeout),
        httpx.stream(
            "POST",
            f"{openrouter_emulator.base_url}/chat/completions",
            json={**BODY, "stream": True},
            headers=KEY,
            timeout=httpx.Timeout(5, read=0.3),
        ) as response,
    ):
        seen.extend(line for line in response.iter_lines() if line.startswith("data: "))
    assert len(seen) == 2


def test_short_stall_then_a_complete_answer(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.enqueue(Fault.stall(0.05, after_events=1, reply=Reply.text("late")))
    response = post(openrouter_emulator, stream=True)
    assert response.text.endswith("data: [DONE]\n\n")
    assert '"content":"late"' in response.text


@pytest.mark.parametrize("stream", [False, True])
def test_malformed_json(openrouter_emulator: OpenRouterEmulator, stream: bool) -> None:
    openrouter_emulator.enqueue(Fault.malformed_json())
    response = post(openrouter_emulator, stream=stream)
    assert response.status_code == 200
    if stream:
        broken = [line for line in data_lines(response.text) if line != "[DONE]"]
        with pytest.raises(json.JSONDecodeError):
            json.loads(broken[-1])
    else:
        with pytest.raises(json.JSONDecodeError):
            response.json()


@pytest.mark.parametrize("status", [502, 503])
def test_html_error_page(openrouter_emulator: OpenRouterEmulator, status: int) -> None:
    openrouter_emulator.enqueue(Fault.html(status))
    response = post(openrouter_emulator)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<html>")


@pytest.mark.parametrize("stream", [False, True])
def test_error_in_200(openrouter_emulator: OpenRouterEmulator, stream: bool) -> None:
    openrouter_emulator.enqueue(Fault.error_in_200(429, "Rate limit exceeded upstream"))
    response = post(openrouter_emulator, stream=stream)
    assert response.status_code == 200
    payload = json.loads(data_lines(response.text)[0]) if stream else response.json()
    assert payload["error"] == {"code": 429, "message": "Rate limit exceeded upstream"}


@pytest.mark.parametrize("stream", [False, True])
def test_malformed_function_call(openrouter_emulator: OpenRouterEmulator, stream: bool) -> None:
    openrouter_emulator.enqueue(Fault.malformed_function_call())
    response = post(openrouter_emulator, stream=stream)
    if stream:
        chunks = [json.loads(line) for line in data_lines(response.text)[:-1]]
        choice = next(c["choices"][0] for c in reversed(chunks) if c["choices"][0]["finish_reason"])
    else:
        choice = response.json()["choices"][0]
        assert choice["message"]["content"] == "" and "tool_calls" not in choice["message"]
    assert (choice["finish_reason"], choice["native_finish_reason"]) == (
        "error",
        "MALFORMED_FUNCTION_CALL",
    )


@pytest.mark.parametrize("stream", [False, True])
def test_empty_body(openrouter_emulator: OpenRouterEmulator, stream: bool) -> None:
    openrouter_emulator.enqueue(Fault.empty_body())
    response = post(openrouter_emulator, stream=stream)
    assert (response.status_code, response.content) == (200, b"")


@pytest.mark.parametrize("stream", [False, True])
def test_no_choices_and_no_usage(openrouter_emulator: OpenRouterEmulator, stream: bool) -> None:
    openrouter_emulator.enqueue(Fault.no_choices())
    response = post(openrouter_emulator, stream=stream)
    payload = json.loads(data_lines(response.text)[0]) if stream else response.json()
    assert payload["choices"] == [] and "usage" not in payload


def test_fault_and_reply_queue_interleave_fifo(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.enqueue(Fault.status(503), Reply.text("recovered"))
    assert post(openrouter_emulator).status_code == 503
    assert post(openrouter_emulator).json()["choices"][0]["message"]["content"] == "recovered"
