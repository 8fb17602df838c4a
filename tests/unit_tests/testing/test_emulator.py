"""The OpenRouter emulator over real HTTP: JSON shape, SSE framing, script, auth, lifecycle."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import httpx
import pytest

from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator, Reply, pytest_plugin

openrouter_emulator = pytest_plugin.openrouter_emulator  # the fixture, used explicitly
KEY = {"Authorization": "Bearer sk-or-test"}
MODEL = "google/gemini-2.5-flash"


def body(text: str = "Say hi to Oslo", **extra: Any) -> dict[str, Any]:
    return {"model": MODEL, "messages": [{"role": "user", "content": text}], **extra}


def post(emu: OpenRouterEmulator, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{emu.base_url}/chat/completions", json=payload, headers=KEY, **kwargs)


def sse_events(raw: str) -> list[str]:
    """Raw SSE blocks (comments and data lines), as separated on the wire."""
    assert raw.endswith("\n\n"), "every SSE block ends with a blank line"
    return raw[:-2].split("\n\n")


def data_chunks(raw: str) -> list[dict[str, Any]]:
    return [
        json.loads(block[len("data: ") :])
        for block in sse_events(raw)
        if block.startswith("data: {")
    ]


def test_json_reply_has_openrouters_exact_shape_after_whitespace_padding(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    response = post(openrouter_emulator, body())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.text.startswith("\n         \n{")
    reply = json.loads(response.text)
    assert reply["id"].startswith("gen-") and len(reply["id"].split("-")[2]) == 20
    assert reply["id"] == response.headers["x-generation-id"]
    assert reply["provider"] == "Google AI Studio"
    assert reply["model"] == MODEL
    assert reply["object"] == "chat.completion"
    assert reply["system_fingerprint"] is None
    choice = reply["choices"][0]
    assert choice["logprobs"] is None
    assert (choice["finish_reason"], choice["native_finish_reason"]) == ("stop", "STOP")
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["refusal"] is None and choice["message"]["reasoning"] is None
    assert "Oslo" in choice["message"]["content"]
    usage = reply["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["is_byok"] is False and usage["cost"] > 0
    assert set(usage["prompt_tokens_details"]) == {
        "cached_tokens",
        "cache_write_tokens",
        "audio_tokens",
        "video_tokens",
    }
    assert set(usage["completion_tokens_details"]) == {
        "reasoning_tokens",
        "image_tokens",
        "audio_tokens",
    }
    costs = usage["cost_details"]
    assert costs["upstream_inference_prompt_cost"] + costs[
        "upstream_inference_completions_cost"
    ] == pytest.approx(usage["cost"])


def test_stream_framing_comments_role_first_finish_usage_done(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.text("abcdefghij", chunk_size=3))
    response = post(openrouter_emulator, body(stream=True))
    assert response.headers["content-type"] == "text/event-stream"
    assert response.headers["transfer-encoding"] == "chunked"
    blocks = sse_events(response.text)
    assert blocks[0] == ": OPENROUTER PROCESSING"
    assert blocks.count(": OPENROUTER PROCESSING") >= 2
    assert blocks[-1] == "data: [DONE]"
    chunks = data_chunks(response.text)
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    texts = [c["choices"][0]["delta"].get("content") for c in chunks[1:-2]]
    assert texts == ["abc", "def", "ghi", "j"]
    finish, usage_chunk = chunks[-2], chunks[-1]
    assert finish["choices"][0]["finish_reason"] == "stop"
    assert "usage" not in finish
    # Default variant, the most common on the wire: an empty delta, no finish reason, usage.
    assert usage_chunk["choices"][0]["finish_reason"] is None
    assert usage_chunk["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert usage_chunk["usage"]["completion_tokens"] > 0


def test_usage_chunk_with_empty_choices_variant(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.enqueue(Reply.text("hi", usage_in_empty_choices=True))
    chunks = data_chunks(post(openrouter_emulator, body(stream=True)).text)
    assert chunks[-1]["choices"] == [] and "usage" in chunks[-1]
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"


def test_chunk_size_one_gives_one_delta_per_character(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.text("x" * 2000, chunk_size=1))
    chunks = data_chunks(post(openrouter_emulator, body(stream=True)).text)
    assert (
        sum(1 for c in chunks if c["choices"] and c["choices"][0]["delta"].get("content")) == 2000
    )


def test_reasoning_streams_text_fragments_then_answer(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.reasoning("think hard", "42", chunk_size=4))
    chunks = data_chunks(post(openrouter_emulator, body(stream=True)).text)
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    reasoning = [d for d in deltas if d.get("reasoning")]
    assert "".join(d["reasoning"] for d in reasoning) == "think hard"
    fragments = [d["reasoning_details"][0] for d in reasoning]
    assert {(f["type"], f["index"], f["format"]) for f in fragments} == {
        ("reasoning.text", 0, "google-gemini-v1")
    }
    assert "".join(f["text"] for f in fragments) == "think hard"
    assert all(d["content"] is None for d in reasoning)
    encrypted = [
        d["reasoning_details"][0]
        for d in deltas
        if d.get("reasoning_details") and d["reasoning_details"][0]["type"] == "reasoning.encrypted"
    ]
    assert len(encrypted) == 1 and encrypted[0]["data"]
    assert "".join(d.get("content") or "" for d in deltas) == "42"


def test_reasoning_json_carries_text_and_encrypted_details(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.reasoning("think hard", "42"))
    message = post(openrouter_emulator, body()).json()["choices"][0]["message"]
    assert message["reasoning"] == "think hard"
    kinds = [(d["type"], d["index"]) for d in message["reasoning_details"]]
    assert kinds == [("reasoning.text", 0), ("reasoning.encrypted", 1)]


def test_explicit_reasoning_details_are_sent_verbatim(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    # Gemini 3 shape: a reasoning.text entry carrying only a signature, plus an encrypted one.
    details = [
        {"type": "reasoning.text", "signature": "c2ln", "format": "google-gemini-v1", "index": 0},
        {
            "type": "reasoning.encrypted",
            "data": "ZGF0YQ==",
            "format": "google-gemini-v1",
            "index": 1,
        },
    ]
    reply = Reply.tool_call("f", {"x": 1}, id="call_1", reasoning_details=details)
    openrouter_emulator.enqueue(reply, reply)
    message = post(openrouter_emulator, body()).json()["choices"][0]["message"]
    assert message["reasoning_details"] == details
    assert message["tool_calls"][0]["id"] == "call_1"
    chunks = data_chunks(post(openrouter_emulator, body(stream=True)).text)
    streamed = [
        detail
        for c in chunks
        if c["choices"]
        for detail in c["choices"][0]["delta"].get("reasoning_details") or []
    ]
    assert streamed == details


def test_parallel_tool_calls_stream_header_then_argument_fragments(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(
        Reply.tool_calls([("get_weather", {"city": "Oslo"}), ("get_time", {"zone": "CET"})])
    )
    chunks = data_chunks(post(openrouter_emulator, body(stream=True)).text)
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    first_detail = next(i for i, d in enumerate(deltas) if d.get("reasoning_details"))
    first_call = next(i for i, d in enumerate(deltas) if d.get("tool_calls"))
    assert first_detail < first_call, "reasoning_details come before tool call deltas"
    details = deltas[first_detail]["reasoning_details"]
    calls: dict[int, dict[str, str]] = {}
    for delta in deltas:
        for call in delta.get("tool_calls") or []:
            if "id" in call:
                assert call["function"]["arguments"] == ""
                calls[call["index"]] = {
                    "id": call["id"],
                    "name": call["function"]["name"],
                    "args": "",
                }
            else:
                calls[call["index"]]["args"] += call["function"]["arguments"]
    assert [c["name"] for c in calls.values()] == ["get_weather", "get_time"]
    assert json.loads(calls[1]["args"]) == {"zone": "CET"}
    assert len(details) == 1 and details[0]["id"] == calls[0]["id"]
    assert chunks[-2]["choices"][0]["finish_reason"] == "tool_calls"


@pytest.mark.parametrize(
    ("reply", "field", "expected"),
    [
        (Reply.image(b"\x89PNG fake"), "images", "data:image/png;base64,"),
        (
            Reply.annotations("See [1].", [{"url": "https://example.com", "title": "Ex"}]),
            "annotations",
            "url_citation",
        ),
    ],
)
def test_images_and_annotations_in_json_and_stream(
    openrouter_emulator: OpenRouterEmulator, reply: Reply, field: str, expected: str
) -> None:
    openrouter_emulator.enqueue(reply, reply)
    message = post(openrouter_emulator, body()).json()["choices"][0]["message"]
    assert expected in json.dumps(message[field])
    chunks = data_chunks(post(openrouter_emulator, body(stream=True)).text)
    streamed = [
        c["choices"][0]["delta"][field] for c in chunks if field in c["choices"][0]["delta"]
    ]
    assert streamed == [message[field]]


def test_reply_options_model_provider_finish_usage(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(
        Reply.text(
            "cut",
            model="google/gemini-3-pro-preview-20251117",
            provider="Google",
            finish_reason="length",
            prompt_tokens=100,
            completion_tokens=7,
            cached_tokens=40,
            cost=0.5,
        )
    )
    reply = post(openrouter_emulator, body()).json()
    assert reply["model"] == "google/gemini-3-pro-preview-20251117"
    assert reply["provider"] == "Google"
    assert reply["choices"][0]["native_finish_reason"] == "MAX_TOKENS"
    usage = reply["usage"]
    assert (usage["prompt_tokens"], usage["completion_tokens"], usage["cost"]) == (100, 7, 0.5)
    assert usage["prompt_tokens_details"]["cached_tokens"] == 40


def test_script_is_fifo_then_echo_and_records_requests(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.text("first"), Reply.text("second"))
    answers = [post(openrouter_emulator, body(f"q{i}")).json() for i in range(3)]
    texts = [a["choices"][0]["message"]["content"] for a in answers]
    assert texts[:2] == ["first", "second"]
    assert "q2" in texts[2]  # script exhausted: echo mode
    recorded = openrouter_emulator.chat_requests
    assert [r.body["messages"][0]["content"] for r in recorded] == ["q0", "q1", "q2"]
    assert recorded[0].headers["authorization"] == "Bearer sk-or-test"
    assert "sk-or-test" not in repr(recorded[0])
    assert json.loads(recorded[0].raw) == recorded[0].body
    openrouter_emulator.enqueue(Reply.text("left over"))
    openrouter_emulator.reset()
    assert openrouter_emulator.requests == [] and openrouter_emulator.pending == 0


def test_enqueue_rejects_things_that_are_not_replies() -> None:
    with pytest.raises(TypeError, match=r"Reply\.text"):
        OpenRouterEmulator().enqueue("hello")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "Missing Authentication header"),
        ("Bearer", "No auth credentials found"),
        ("Basic abc", "No auth credentials found"),
    ],
)
def test_missing_key_is_401_with_openrouters_message(
    openrouter_emulator: OpenRouterEmulator, authorization: str | None, message: str
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = httpx.post(
        f"{openrouter_emulator.base_url}/chat/completions", json=body(), headers=headers
    )
    assert response.status_code == 401
    # Exactly OpenRouter's body: no `user_id`, since no user was identified.
    assert response.json() == {"error": {"message": message, "code": 401}}


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"messages": [{"role": "user", "content": "hi"}]}, "`model` is required"),
        ({"model": MODEL, "messages": []}, "`messages` must be a non-empty list"),
        (
            body(reasoning={"effort": "low", "max_tokens": 100}),
            "`effort` or `max_tokens`, not both",
        ),
        (
            {"model": MODEL, "messages": [{"role": "user", "content": [{"type": "audio"}]}]},
            "unsupported content part type 'audio'",
        ),
        (
            {
                "model": MODEL,
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "input_audio", "input_audio": {"data": "AA", "format": "mpeg"}}
                        ],
                    }
                ],
            },
            "codec name",
        ),
    ],
)
def test_invalid_requests_are_400_naming_the_problem(
    openrouter_emulator: OpenRouterEmulator, payload: dict[str, Any], fragment: str
) -> None:
    openrouter_emulator.enqueue(Reply.text("kept for the next valid request"))
    response = post(openrouter_emulator, payload)
    assert response.status_code == 400
    assert fragment in response.json()["error"]["message"]
    assert openrouter_emulator.pending == 1, "a rejected request does not consume the script"


def test_non_json_body_is_400(openrouter_emulator: OpenRouterEmulator) -> None:
    response = httpx.post(
        f"{openrouter_emulator.base_url}/chat/completions", content=b"{nope", headers=KEY
    )
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]["message"]


def test_models_endpoint_lists_gemini_models(openrouter_emulator: OpenRouterEmulator) -> None:
    response = httpx.get(f"{openrouter_emulator.base_url}/models")
    assert response.status_code == 200
    ids = [entry["id"] for entry in response.json()["data"]]
    assert "google/gemini-2.5-flash" in ids
    assert all(entry["id"].startswith("google/gemini") for entry in response.json()["data"])


def test_generation_lookup_and_added_files(openrouter_emulator: OpenRouterEmulator) -> None:
    reply = post(openrouter_emulator, body()).json()
    found = httpx.get(f"{openrouter_emulator.base_url}/generation", params={"id": reply["id"]})
    assert found.json()["data"]["tokens_prompt"] == reply["usage"]["prompt_tokens"]
    missing = httpx.get(f"{openrouter_emulator.base_url}/generation", params={"id": "gen-0-x"})
    assert missing.status_code == 404
    openrouter_emulator.add_file("/samples/a.pdf", b"%PDF-1.4 tiny", "application/pdf")
    served = httpx.get(f"{openrouter_emulator.root_url}/samples/a.pdf")
    assert (served.content, served.headers["content-type"]) == (b"%PDF-1.4 tiny", "application/pdf")
    assert httpx.get(f"{openrouter_emulator.root_url}/samples/b.pdf").status_code == 404
    with pytest.raises(ValueError, match="absolute path"):
        openrouter_emulator.add_file("samples/c.pdf", b"", "application/pdf")


def test_keep_alive_connection_serves_json_and_stream_in_turn(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    with httpx.Client(headers=KEY, limits=httpx.Limits(max_connections=1)) as client:
        url = f"{openrouter_emulator.base_url}/chat/completions"
        for streaming in (False, True, False, True):
            response = client.post(url, json=body(stream=streaming))
            assert response.status_code == 200
            assert response.text.endswith("data: [DONE]\n\n") == streaming


def test_500_concurrent_connections_all_get_their_answer(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    # All 500 connections are open before any request goes out, so the server really holds
    # them at once. (Plain sockets: httpx's async pool is far slower than the server here.)
    barrier = threading.Barrier(500, timeout=60)
    statuses: list[int] = []

    def one(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", openrouter_emulator.port, timeout=60)
        connection.connect()
        barrier.wait()
        payload = json.dumps(body(f"n{index}", stream=index % 2 == 0))
        connection.request("POST", "/api/v1/chat/completions", payload, KEY)
        response = connection.getresponse()
        text = response.read().decode()
        connection.close()
        statuses.append(response.status if f"n{index}" in text else -1)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(500)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 500
    assert len(openrouter_emulator.chat_requests) == 500


def test_stop_frees_the_port_and_hangs_up_idle_connections() -> None:
    emulator = OpenRouterEmulator().start()
    port = emulator.port
    client = httpx.Client(headers=KEY)
    assert client.post(f"{emulator.base_url}/chat/completions", json=body()).status_code == 200
    emulator.stop()
    emulator.stop()  # idempotent
    with pytest.raises(httpx.TransportError):
        client.post(f"http://127.0.0.1:{port}/api/v1/chat/completions", json=body())
    client.close()
    with OpenRouterEmulator(port=port) as again:
        assert again.port == port
        assert post(again, body()).status_code == 200


def test_start_twice_is_an_error() -> None:
    with OpenRouterEmulator() as emulator, pytest.raises(RuntimeError, match="already running"):
        emulator.start()


def test_stop_hangs_up_a_stalled_reply_instead_of_finishing_it() -> None:
    emulator = OpenRouterEmulator().start()
    emulator.enqueue(Fault.stall(60))
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            post(emulator, body(), timeout=httpx.Timeout(30))
        except httpx.HTTPError as error:
            outcome.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    while not emulator.chat_requests:
        time.sleep(0.01)
    emulator.stop()
    caller.join()
    # Hung up, not left to run into the client's 30 s read timeout.
    assert len(outcome) == 1 and not isinstance(outcome[0], httpx.TimeoutException)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_command_line_serves_until_terminated() -> None:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "langchain_openrouter_gemini.testing",
            "--port",
            str(port),
            "--model",
            "openai/gpt-4o",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline().strip()
        assert first_line == f"http://127.0.0.1:{port}/api/v1"
        response = httpx.post(f"{first_line}/chat/completions", json=body(), headers=KEY)
        assert response.status_code == 200
        added = {**body(), "model": "openai/gpt-4o"}
        assert httpx.post(f"{first_line}/chat/completions", json=added, headers=KEY).is_success
        unknown = {**body(), "model": "openai/gpt-5"}
        refused = httpx.post(f"{first_line}/chat/completions", json=unknown, headers=KEY)
        assert refused.status_code == 400
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
