"""How a stream ends, on a real socket: at `[DONE]`, in an error, or in silence.

A loopback server sends exactly the scripted bytes and then keeps the connection open,
as a proxy in front of OpenRouter may: the answer must not wait for the server to close,
and nothing the server sends after `[DONE]` belongs to it.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from langchain_core import exceptions as lc
from langchain_core.messages import AIMessageChunk, BaseMessageChunk

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini import errors as e
from tests.loopback import LoopbackSSE, sse
from tests.unit_tests.sse import USAGE, chunk

# Short enough that a reader waiting for the server to close would trip it every time.
CHUNK_TIMEOUT = 1.0


def model(server: LoopbackSSE, mode: str = "astream") -> ChatOpenRouterGemini:
    transport = "httpx" if mode.endswith("/httpx") else "aiohttp"
    return ChatOpenRouterGemini(
        api_key="sk-or-loopback",
        base_url=server.base_url,
        timeout=30,
        stream_chunk_timeout=CHUNK_TIMEOUT,
        max_retries=0,
        async_transport=transport,
    )


def answer(*pieces: str) -> list[str]:
    events = [json.dumps(chunk({"role": "assistant", "content": p})) for p in pieces]
    events.append(json.dumps(chunk({"role": "assistant", "content": ""}, finish="stop")))
    events.append(json.dumps(chunk(choices=False, usage=USAGE)))
    return events


async def collect(llm: ChatOpenRouterGemini, mode: str) -> AIMessageChunk:
    chunks: list[BaseMessageChunk] = []
    if mode == "stream":
        chunks.extend(llm.stream("hi"))
    else:
        chunks.extend([c async for c in llm.astream("hi")])
    total = chunks[0]
    for piece in chunks[1:]:
        total = total + piece
    assert isinstance(total, AIMessageChunk)
    return total


MODES = ["stream", "astream", "astream/httpx"]  # astream over aiohttp, then over httpx2


@pytest.mark.parametrize("mode", MODES)
async def test_done_ends_the_stream_though_the_server_keeps_the_connection_open(
    mode: str,
) -> None:
    # One write, so the whole reply is in the client's hands long before the timeout.
    with LoopbackSSE([sse(*answer("Hel", "lo"), "[DONE]")], hold=10 * CHUNK_TIMEOUT) as server:
        message = await collect(model(server, mode), mode)
        assert message.content == "Hello"
        assert message.usage_metadata is not None
        assert message.usage_metadata["total_tokens"] == USAGE["total_tokens"]
        # The client let go of the connection; the server did not have to close it.
        assert server.client_hung_up.wait(5)


@pytest.mark.parametrize("mode", MODES)
async def test_nothing_after_done_is_read(mode: str) -> None:
    late = [
        json.dumps(chunk({"role": "assistant", "content": " and more"})),
        json.dumps(chunk(choices=False, usage=USAGE)),
        "{not json",
    ]
    pieces = [sse(*answer("Hello"), "[DONE]"), sse(*late, "[DONE]"), b"\xff\xfe garbage\n\n"]
    with LoopbackSSE(pieces, hold=0) as server:
        message = await collect(model(server, mode), mode)
    assert message.content == "Hello"
    assert message.usage_metadata is not None
    assert message.usage_metadata["input_tokens"] == USAGE["prompt_tokens"]
    assert message.response_metadata["cost"] == pytest.approx(USAGE["cost"])


@pytest.mark.parametrize("mode", MODES)
async def test_done_without_its_blank_line_still_ends_the_stream(mode: str) -> None:
    # A proxy that buffers the final blank line must not hold the answer back.
    pieces = [sse(*answer("ok")) + b"data: [DONE]\n"]
    with LoopbackSSE(pieces, hold=10 * CHUNK_TIMEOUT) as server:
        assert (await collect(model(server, mode), mode)).content == "ok"


# Characters `str.splitlines()` breaks at; JSON may carry the first three raw.
LINE_BREAK_LIKE = "\u2028\u2029\x85"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
async def test_unicode_line_separators_inside_json_do_not_split_events(
    mode: str, newline: str
) -> None:
    content = f"one{LINE_BREAK_LIKE}two\u2028"
    call = {
        "index": 0,
        "id": "tool_note_1",
        "type": "function",
        "function": {
            "name": "note",
            "arguments": json.dumps({"text": "a\u2029b"}, ensure_ascii=False),
        },
    }
    events = [
        json.dumps(chunk({"role": "assistant", "content": content}), ensure_ascii=False),
        json.dumps(chunk({"role": "assistant", "tool_calls": [call]}), ensure_ascii=False),
        json.dumps(chunk({"content": ""}, finish="tool_calls")),
        json.dumps(chunk(choices=False, usage=USAGE)),
        "[DONE]",
    ]
    comment = f": keep-alive \x0b\x0c\x1c\x1d\x1e{LINE_BREAK_LIKE}{newline}{newline}".encode()
    with LoopbackSSE([comment + sse(*events, newline=newline)], hold=0) as server:
        message = await collect(model(server, mode), mode)
    assert message.content == content
    assert message.tool_calls[0]["args"] == {"text": "a\u2029b"}


def error_after_finish() -> list[bytes]:
    # As recorded: finish_reason "length" twice, then an error event carrying the usage.
    error = chunk({"role": "assistant", "content": ""}, usage=USAGE)
    error["error"] = {"code": 400, "message": "Token limit reached"}
    events = [
        json.dumps(chunk({"role": "assistant", "content": "A long ans"})),
        json.dumps(chunk({"role": "assistant", "content": "wer"}, finish="length")),
        json.dumps(chunk({"role": "assistant", "content": ""}, finish="length")),
        json.dumps(error),
    ]
    return [sse(*events)]


@pytest.mark.parametrize("mode", MODES)
async def test_error_after_a_finish_raises_and_keeps_what_was_paid_for(mode: str) -> None:
    received: list[str] = []
    with LoopbackSSE(error_after_finish(), hold=0) as server:
        llm = model(server, mode)
        with pytest.raises(e.OpenRouterError) as info:
            if mode == "stream":
                for piece in llm.stream("hi"):
                    received.append(piece.text)
            else:
                async for piece in llm.astream("hi"):
                    received.append(piece.text)
    error = info.value
    assert isinstance(error, e.OpenRouterBadRequestError)
    assert isinstance(error, lc.ModelInvalidRequestError)
    assert "Token limit reached" in str(error)
    assert "partial_message" in str(error)
    partial = error.partial_message
    assert partial is not None
    assert partial.content == "".join(received) == "A long answer"
    assert partial.response_metadata["finish_reason"] == "length"
    assert partial.response_metadata["cost"] == pytest.approx(USAGE["cost"])
    assert error.usage_metadata is not None
    assert error.usage_metadata["output_tokens"] == USAGE["completion_tokens"]


@pytest.mark.parametrize("mode", MODES)
async def test_a_stalled_stream_says_it_stalled_and_keeps_the_partial_answer(mode: str) -> None:
    pieces = [sse(json.dumps(chunk({"role": "assistant", "content": "Half an"})))]
    with LoopbackSSE(pieces, hold=10 * CHUNK_TIMEOUT) as server:
        llm = model(server, mode)
        with pytest.raises(e.OpenRouterTimeoutError) as info:
            await collect(llm, mode)
    error = info.value
    assert isinstance(error, lc.ModelTimeoutError)
    text = str(error)
    assert "stalled" in text
    assert f"{CHUNK_TIMEOUT:g} s" in text
    assert "not retried" in text
    assert "timeout=" not in text.replace("stream_chunk_timeout=", "")
    assert error.partial_message is not None
    assert error.partial_message.content == "Half an"
    assert server.requests == 1


@pytest.mark.parametrize("mode", MODES)
async def test_a_stream_cut_before_done_keeps_the_partial_answer(mode: str) -> None:
    pieces = [sse(*answer("Almost"))]
    with LoopbackSSE(pieces, hold=0) as server, pytest.raises(e.OpenRouterConnectionError) as info:
        await collect(model(server, mode), mode)
    partial = info.value.partial_message
    assert partial is not None
    assert partial.content == "Almost"
    assert info.value.usage_metadata is not None


@pytest.mark.parametrize("mode", MODES)
async def test_a_finished_stream_leaves_its_connection_for_the_next_request(mode: str) -> None:
    # The body's end follows [DONE] at once: reading it keeps the connection in the pool,
    # so the next call skips a new TCP (and TLS) handshake.
    with LoopbackSSE([sse(*answer("Hel", "lo"), "[DONE]")], hold=0) as server:
        llm = model(server, mode)
        for _ in range(3):
            assert (await collect(llm, mode)).content == "Hello"
    assert server.requests == 3
    assert server.connections == 1


def test_threads_streaming_at_once_each_end_at_done() -> None:
    # Every drain shares one watchdog; each held-open stream must still be cut off.
    with LoopbackSSE([sse(*answer("Hel", "lo"), "[DONE]")], hold=10 * CHUNK_TIMEOUT) as server:
        llm = model(server)
        with ThreadPoolExecutor(8) as pool:
            texts = list(pool.map(lambda _: "".join(c.text for c in llm.stream("hi")), range(8)))
    assert texts == ["Hello"] * 8
    assert server.requests == 8


@pytest.mark.parametrize("mode", MODES)
async def test_the_usage_callback_counts_what_a_failed_stream_was_billed(mode: str) -> None:
    from langchain_openrouter_gemini import get_openrouter_callback

    with (
        LoopbackSSE(error_after_finish(), hold=0) as server,
        get_openrouter_callback() as cb,
        pytest.raises(e.OpenRouterError),
    ):
        await collect(model(server, mode), mode)
    assert cb.successful_requests == 0
    assert cb.failed_requests == 1
    assert cb.total_cost == pytest.approx(USAGE["cost"])
    assert cb.completion_tokens == USAGE["completion_tokens"]
    assert "1 failed stream(s)" in repr(cb)


async def test_a_request_that_failed_before_streaming_costs_nothing_in_the_callback() -> None:
    from langchain_openrouter_gemini import get_openrouter_callback

    llm = ChatOpenRouterGemini(api_key="sk-or-x", base_url="http://127.0.0.1:9", max_retries=0)
    with get_openrouter_callback() as cb, pytest.raises(e.OpenRouterError):
        llm.invoke("hi")
    assert (cb.successful_requests, cb.failed_requests, cb.total_cost) == (0, 0, 0.0)
