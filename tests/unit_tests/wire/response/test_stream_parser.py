"""The SSE parser against OpenRouter's real framing quirks and faults."""

from __future__ import annotations

import functools
import json
import operator

import pytest
from langchain_core.messages import AIMessageChunk

from langchain_openrouter_gemini.errors import (
    OpenRouterConnectionError,
    OpenRouterError,
    OpenRouterMalformedResponseError,
)
from langchain_openrouter_gemini.wire.response.chat import completion_to_result
from langchain_openrouter_gemini.wire.response.stream import StreamParser
from tests.unit_tests.sse import BASE, ENCRYPTED, USAGE, chunk, lines


def run(sse_lines: list[str], output_version: str | None = None) -> list[AIMessageChunk]:
    parser = StreamParser(output_version=output_version)
    out = [c for line in sse_lines if (c := parser.feed(line)) is not None]
    if (last := parser.finish()) is not None:
        out.append(last)
    return [c.message for c in out]  # type: ignore[misc]


def aggregate(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    return functools.reduce(operator.add, chunks)


def text_stream(usage_form: str) -> list[str]:
    events = [
        chunk({"role": "assistant", "content": "Hel"}),
        chunk({"role": "assistant", "content": None}),  # content: null happens
        chunk({"role": "assistant", "content": "lo"}),
        chunk({"role": "assistant", "content": ""}, finish="stop", native="STOP"),
    ]
    if usage_form == "empty_choices":
        events.append(chunk(choices=False, usage=USAGE))
    else:  # the usage chunk repeats the finish reason already sent
        events.append(
            chunk({"role": "assistant", "content": ""}, finish="stop", native="STOP", usage=USAGE)
        )
    return lines(*events)


@pytest.mark.parametrize("usage_form", ["empty_choices", "repeat_finish"])
def test_text_stream_aggregates_once(usage_form: str) -> None:
    chunks = run(text_stream(usage_form))
    # Keep-alives and empty deltas yield nothing; one final chunk carries the totals.
    assert [c.content for c in chunks] == ["Hel", "lo", ""]
    assert sum(1 for c in chunks if c.usage_metadata) == 1
    assert sum(1 for c in chunks if c.response_metadata.get("finish_reason")) == 1
    message = aggregate(chunks)
    assert message.content == "Hello"
    assert message.usage_metadata == {
        "input_tokens": 61,
        "output_tokens": 18,
        "total_tokens": 79,
        "input_token_details": {"cache_read": 5, "cache_creation": 0, "audio": 0, "video": 0},
        "output_token_details": {"reasoning": 7, "image": 0, "audio": 0},
    }
    meta = message.response_metadata
    assert meta["finish_reason"] == "stop"
    assert meta["native_finish_reason"] == "STOP"
    assert meta["model_name"] == "google/gemini-2.5-flash"
    assert meta["model_provider"] == "openrouter"
    assert meta["provider"] == "Google AI Studio"
    assert meta["id"] == BASE["id"]
    assert meta["cost"] == pytest.approx(0.0000633)
    assert meta["is_byok"] is False
    assert chunks[-1].chunk_position == "last"


def gemini3_tool_stream() -> list[str]:
    text_piece = {"type": "reasoning.text", "format": "google-gemini-v1", "index": 0}
    return lines(
        chunk(
            {
                "role": "assistant",
                "content": None,
                "reasoning": "Need the ",
                "reasoning_details": [{**text_piece, "text": "Need the "}],
            }
        ),
        chunk(
            {
                "role": "assistant",
                "content": None,
                "reasoning": "weather.",
                "reasoning_details": [{**text_piece, "text": "weather."}],
            }
        ),
        chunk(
            {"role": "assistant", "content": None, "reasoning_details": [{**ENCRYPTED, "index": 1}]}
        ),
        chunk(
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "tool_get_weather_Ab12Cd34Ef56Gh78Ij90",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": ""},
                    }
                ],
            }
        ),
        chunk(
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [{"index": 0, "function": {"arguments": '{"city":'}}],
            }
        ),
        chunk(
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [{"index": 0, "function": {"arguments": '"Oslo"}'}}],
            }
        ),
        chunk({"role": "assistant", "content": ""}, finish="tool_calls", native="STOP"),
        chunk(choices=False, usage=USAGE),
    )


def test_reasoning_details_merge_without_doubling() -> None:
    message = aggregate(run(gemini3_tool_stream()))
    details = message.additional_kwargs["reasoning_details"]
    assert details == [
        {
            "type": "reasoning.text",
            "format": "google-gemini-v1",
            "index": 0,
            "text": "Need the weather.",
        },
        {**ENCRYPTED, "index": 1},
    ]
    assert message.additional_kwargs["reasoning_content"] == "Need the weather."
    assert message.tool_calls == [
        {
            "name": "get_weather",
            "args": {"city": "Oslo"},
            "id": "tool_get_weather_Ab12Cd34Ef56Gh78Ij90",
            "type": "tool_call",
        }
    ]
    assert message.response_metadata["finish_reason"] == "tool_calls"
    assert (
        message.usage_metadata and message.usage_metadata["output_token_details"]["reasoning"] == 7
    )


def test_stream_equals_invoke() -> None:
    streamed = aggregate(run(gemini3_tool_stream()))
    body = {
        **BASE,
        "object": "chat.completion",
        "system_fingerprint": None,
        "usage": USAGE,
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "native_finish_reason": "STOP",
                "logprobs": None,
                "message": {
                    "role": "assistant",
                    "content": "",
                    "refusal": None,
                    "reasoning": "Need the weather.",
                    "reasoning_details": streamed.additional_kwargs["reasoning_details"],
                    "tool_calls": [
                        {
                            "type": "function",
                            "index": 0,
                            "id": "tool_get_weather_Ab12Cd34Ef56Gh78Ij90",
                            "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'},
                        }
                    ],
                },
            }
        ],
    }
    invoked = completion_to_result(body).generations[0].message
    assert streamed.content == invoked.content
    assert streamed.tool_calls == invoked.tool_calls  # type: ignore[attr-defined]
    assert streamed.additional_kwargs == invoked.additional_kwargs
    assert streamed.usage_metadata == invoked.usage_metadata  # type: ignore[attr-defined]
    for key in (
        "id",
        "model_name",
        "provider",
        "finish_reason",
        "native_finish_reason",
        "cost",
        "model_provider",
        "created",
    ):
        assert streamed.response_metadata[key] == invoked.response_metadata[key], key


def test_reasoning_blocks_in_content_blocks_and_v1() -> None:
    message = aggregate(run(gemini3_tool_stream(), output_version="v1"))
    kinds = [block["type"] for block in message.content_blocks]
    assert kinds[0] == "reasoning"
    assert "tool_call" in kinds
    assert message.content_blocks[0]["reasoning"] == "Need the weather."  # type: ignore[typeddict-item]


def test_signature_only_text_entry_kept() -> None:
    # Gemini 3 may send a reasoning.text entry with a signature and no text.
    entry = {
        "type": "reasoning.text",
        "signature": "sig-abc",
        "format": "google-gemini-v1",
        "index": 0,
    }
    message = aggregate(
        run(
            lines(
                chunk({"role": "assistant", "content": "ok", "reasoning_details": [entry]}),
                chunk({"content": ""}, finish="stop", native="STOP"),
            )
        )
    )
    assert message.additional_kwargs["reasoning_details"] == [entry]
    assert "reasoning_content" not in message.additional_kwargs


@pytest.mark.parametrize("code", [502, "server_error"])
@pytest.mark.parametrize("finish", ["error", None])
def test_mid_stream_error_raises_typed(code: object, finish: str | None) -> None:
    error_event = chunk({"content": ""}, finish=finish)
    error_event["error"] = {
        "code": code,
        "message": "Upstream went away",
        "metadata": {"provider_name": "Google"},
    }
    parser = StreamParser()
    seen = []
    with pytest.raises(OpenRouterError) as info:
        for line in lines(chunk({"role": "assistant", "content": "partial"}), error_event):
            if (c := parser.feed(line)) is not None:
                seen.append(c)
    assert [c.text for c in seen] == ["partial"]
    assert "Upstream went away" in str(info.value)
    assert info.value.provider_name == "Google"


def test_stream_cut_before_done_raises() -> None:
    parser = StreamParser()
    for line in lines(chunk({"role": "assistant", "content": "partial"}), done=False):
        parser.feed(line)
    with pytest.raises(OpenRouterConnectionError, match=r"\[DONE\]"):
        parser.finish()


def test_garbage_event_raises_malformed() -> None:
    parser = StreamParser()
    with pytest.raises(OpenRouterMalformedResponseError):
        for line in ["data: {not json", ""]:
            parser.feed(line)


def test_multiline_data_event_is_joined() -> None:
    event = json.dumps(chunk({"role": "assistant", "content": "hi"}), indent=1).split("\n")
    sse = [f"data: {part}" for part in event] + ["", "data: [DONE]", ""]
    assert aggregate(run(sse)).content == "hi"


def test_parallel_tool_calls_one_signature() -> None:
    message = aggregate(
        run(
            lines(
                chunk({"role": "assistant", "content": None, "reasoning_details": [ENCRYPTED]}),
                chunk(
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": "tool_a_1",
                                "type": "function",
                                "function": {"name": "a", "arguments": '{"x": 1}'},
                            },
                            {
                                "index": 1,
                                "id": "tool_b_2",
                                "type": "function",
                                "function": {"name": "b", "arguments": "{}"},
                            },
                        ],
                    }
                ),
                chunk({"content": ""}, finish="tool_calls", native="STOP"),
            )
        )
    )
    assert [c["name"] for c in message.tool_calls] == ["a", "b"]
    assert message.additional_kwargs["reasoning_details"] == [ENCRYPTED]


def _as_before(chunks: list[AIMessageChunk]) -> list[AIMessageChunk]:
    """The same chunks as the parser built them before: every field and metadata on each."""
    rebuilt = [
        AIMessageChunk(
            content=c.content,
            additional_kwargs=dict(c.additional_kwargs),
            tool_call_chunks=list(c.tool_call_chunks),
            response_metadata={"model_provider": "openrouter"},
        )
        for c in chunks[:-1]
    ]
    return [*rebuilt, chunks[-1]]


def test_constant_metadata_rides_on_the_first_and_last_chunk_only() -> None:
    calls = [
        {
            "index": 0,
            "id": "call_1",
            "type": "function",
            "function": {"name": "f", "arguments": ""},
        },
    ]
    events = [chunk({"role": "assistant", "content": f"part {i} "}) for i in range(50)]
    events.append(chunk({"role": "assistant", "reasoning": "thinking"}))
    events.append(chunk({"role": "assistant", "tool_calls": calls}))
    args = [{"index": 0, "function": {"arguments": '{"x": 1}'}}]
    events.append(chunk({"role": "assistant", "tool_calls": args}, finish="tool_calls"))
    events.append(chunk(choices=False, usage=USAGE))
    chunks = run(lines(*events))
    # A long stream keeps every chunk until it ends: no copy of constant metadata on each.
    assert chunks[0].response_metadata == {"model_provider": "openrouter"}
    assert all(not c.response_metadata for c in chunks[1:-1])
    assert chunks[-1].response_metadata["model_provider"] == "openrouter"
    merged = aggregate(chunks)
    assert merged == aggregate(_as_before(chunks))
    assert merged.content == "".join(f"part {i} " for i in range(50))
    assert merged.additional_kwargs["reasoning_content"] == "thinking"
    assert merged.tool_calls == [
        {"name": "f", "args": {"x": 1}, "id": "call_1", "type": "tool_call"}
    ]
    assert merged.response_metadata["finish_reason"] == "tool_calls"


def test_v1_output_keeps_its_version_on_every_chunk() -> None:
    events = [chunk({"role": "assistant", "content": w}) for w in ("a", "b", "c")]
    events.append(chunk(choices=False, usage=USAGE))
    chunks = run(lines(*events), output_version="v1")
    assert all(c.response_metadata.get("output_version") == "v1" for c in chunks)
