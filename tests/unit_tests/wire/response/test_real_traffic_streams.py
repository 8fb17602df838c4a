"""Stream shapes seen in recorded real OpenRouter traffic (the shared wire-format notes).

Each stream here is written from the facts in "Seen in recorded real traffic": the usage
chunk's third form, empty `reasoning_details`/`annotations` on every delta, Gemini 3's
two entries at one index, placeholder signatures, signature-only entries, entries
without `id`, every `format` seen, and an error after a normal finish. What a stream
yields must equal what the non-streamed reply gives, down to the `reasoning_details`
the next request sends back.
"""

from __future__ import annotations

import functools
import operator
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langchain_core.messages.utils import message_chunk_to_message

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini import errors as e
from langchain_openrouter_gemini.wire.response.chat import completion_to_result
from langchain_openrouter_gemini.wire.response.stream import StreamParser
from tests.unit_tests.fake_transport import completion
from tests.unit_tests.sse import USAGE, chunk, lines

SIGNATURE = "Et0BCtoBAXLI2nwSIGNATUREFORTESTSONLY"
ENCRYPTED_DATA = "CiQBVKhcENCRYPTEDFORTESTSONLY"


def delta(**fields: Any) -> dict[str, Any]:
    """A content delta as Gemini 3 sends it: empty lists and nulls included."""
    return {
        "role": "assistant",
        "content": "",
        "reasoning": None,
        "reasoning_details": [],
        "annotations": [],
        **fields,
    }


def streamed(*events: dict[str, Any]) -> AIMessage:
    parser = StreamParser()
    chunks = [c.message for line in lines(*events) if (c := parser.feed(line)) is not None]
    if (last := parser.finish()) is not None:
        chunks.append(last.message)
    total = functools.reduce(operator.add, chunks)
    assert isinstance(total, AIMessageChunk)
    message = message_chunk_to_message(total)
    assert isinstance(message, AIMessage)
    return message


def invoked(content: str, **message: Any) -> AIMessage:
    result = completion_to_result(completion(content, **message))
    reply = result.generations[0].message
    assert isinstance(reply, AIMessage)
    return reply


def sent_back(reply: AIMessage) -> dict[str, Any]:
    """The assistant turn as the next request sends it."""
    model = ChatOpenRouterGemini(api_key="sk-or-real-traffic")
    body = model._get_request_payload([HumanMessage("q"), reply, HumanMessage("and?")])
    turn = body["messages"][1]
    assert turn["role"] == "assistant"
    return dict(turn)


def test_usage_in_a_delta_with_empty_content_after_the_finish_is_counted_once() -> None:
    # The third form: one choice, delta {"role": "assistant", "content": ""},
    # finish_reason null, and the usage object.
    message = streamed(
        chunk(delta(content="Four")),
        chunk(delta(content=".")),
        chunk(delta(), finish="stop", native="STOP"),
        chunk({"role": "assistant", "content": ""}, usage=USAGE),
    )
    assert message.content == "Four."
    assert message.usage_metadata is not None
    assert message.usage_metadata["total_tokens"] == USAGE["total_tokens"]
    assert message.response_metadata["finish_reason"] == "stop"
    assert message.response_metadata["cost"] == pytest.approx(USAGE["cost"])
    # Empty lists on every delta are not details or citations to keep.
    assert "reasoning_details" not in message.additional_kwargs
    assert "annotations" not in message.response_metadata
    assert "reasoning_details" not in sent_back(message)


def gemini3_pro_details() -> tuple[dict[str, Any], dict[str, Any]]:
    text = {
        "type": "reasoning.text",
        "text": "**Adding up** Two and two make four.",
        "format": "google-gemini-v1",
        "index": 0,
    }
    encrypted = {
        "type": "reasoning.encrypted",
        "data": ENCRYPTED_DATA,
        "format": "google-gemini-v1",
        "index": 0,
    }
    return text, encrypted


def test_gemini3_pro_text_and_encrypted_entries_at_one_index() -> None:
    text, encrypted = gemini3_pro_details()
    pieces = ["**Adding up** ", "Two and two ", "make four."]
    fragments = [{**text, "text": piece} for piece in pieces]
    message = streamed(
        chunk(delta(reasoning=pieces[0], reasoning_details=[fragments[0]])),
        chunk(delta(reasoning=pieces[1], reasoning_details=[fragments[1]])),
        # The encrypted entry rides with the last text piece and the finish reason.
        chunk(
            delta(reasoning=pieces[2], reasoning_details=[fragments[2], encrypted]),
            finish="stop",
            native="STOP",
        ),
        chunk(delta(content="Four.")),
        chunk({"role": "assistant", "content": ""}, usage=USAGE),
    )
    reply = invoked("Four.", reasoning="".join(pieces), reasoning_details=[text, encrypted])
    assert message.additional_kwargs["reasoning_details"] == [text, encrypted]
    assert message.additional_kwargs == reply.additional_kwargs
    assert message.content == reply.content
    assert sent_back(message) == sent_back(reply)


@pytest.mark.parametrize("field", ["signature", "id", "format"])
def test_a_placeholder_first_and_the_value_last_keeps_the_value(field: str) -> None:
    value = {"signature": SIGNATURE, "id": "rs_0123abcd", "format": "anthropic-claude-v1"}[field]
    message = streamed(
        chunk(
            delta(reasoning_details=[{"type": "reasoning.text", "text": "", field: "", "index": 0}])
        ),
        chunk(
            delta(
                reasoning="Let me ",
                reasoning_details=[{"type": "reasoning.text", "text": "Let me ", "index": 0}],
            )
        ),
        chunk(
            delta(
                reasoning="think.",
                reasoning_details=[{"type": "reasoning.text", "text": "think.", "index": 0}],
            )
        ),
        chunk(delta(reasoning_details=[{"type": "reasoning.text", field: value, "index": 0}])),
        chunk(delta(content="Done."), finish="stop"),
        chunk({"role": "assistant", "content": ""}, usage=USAGE),
    )
    entry = {"type": "reasoning.text", "text": "Let me think.", field: value, "index": 0}
    assert message.additional_kwargs["reasoning_details"] == [entry]
    assert sent_back(message)["reasoning_details"] == [entry]
    reply = invoked("Done.", reasoning="Let me think.", reasoning_details=[entry])
    assert sent_back(message) == sent_back(reply)


def test_a_real_value_is_not_replaced_by_a_later_placeholder() -> None:
    entry = {"type": "reasoning.text", "text": "Hm.", "signature": SIGNATURE, "index": 0}
    message = streamed(
        chunk(delta(reasoning_details=[entry])),
        chunk(delta(reasoning_details=[{"type": "reasoning.text", "signature": "", "index": 0}])),
        chunk(delta(content="Ok."), finish="stop"),
    )
    assert message.additional_kwargs["reasoning_details"] == [entry]


def test_gemini36_flash_signature_only_text_entry_goes_back_exactly() -> None:
    entry = {
        "type": "reasoning.text",
        "signature": SIGNATURE,
        "format": "google-gemini-v1",
        "index": 0,
    }
    usage = {**USAGE, "completion_tokens_details": {"reasoning_tokens": 25, "image_tokens": 0}}
    message = streamed(
        chunk(delta(content="Paris.", reasoning_details=[entry])),
        chunk(delta(), finish="stop", native="STOP"),
        chunk({"role": "assistant", "content": ""}, usage=usage),
    )
    assert message.additional_kwargs["reasoning_details"] == [entry]
    assert "reasoning_content" not in message.additional_kwargs
    assert message.usage_metadata is not None
    assert message.usage_metadata["output_token_details"]["reasoning"] == 25
    reply = invoked("Paris.", reasoning=None, reasoning_details=[entry])
    assert sent_back(message) == sent_back(reply)
    assert sent_back(message)["reasoning_details"] == [entry]


def test_gemini3_flash_encrypted_entry_without_id_on_a_plain_answer() -> None:
    entry = {
        "type": "reasoning.encrypted",
        "data": ENCRYPTED_DATA,
        "format": "google-gemini-v1",
        "index": 0,
    }
    message = streamed(
        chunk(delta(content="Hi there.")),
        chunk(delta(reasoning_details=[entry]), finish="stop", native="STOP"),
        chunk({"role": "assistant", "content": ""}, usage=USAGE),
    )
    assert message.additional_kwargs["reasoning_details"] == [entry]
    assert sent_back(message) == sent_back(invoked("Hi there.", reasoning_details=[entry]))


# Gemini 2.5 Pro sent "unknown"; other vendors' models null or their own names.
@pytest.mark.parametrize("fmt", [None, "unknown", "anthropic-claude-v1", "openai-responses-v1"])
def test_every_format_seen_goes_back_unchanged(fmt: str | None) -> None:
    summary = {"type": "reasoning.summary", "summary": "Checked it.", "format": fmt, "index": 0}
    encrypted = {"type": "reasoning.encrypted", "data": ENCRYPTED_DATA, "format": fmt, "index": 1}
    message = streamed(
        chunk(delta(reasoning_details=[{**summary, "summary": "Checked "}])),
        chunk(delta(reasoning_details=[{**summary, "summary": "it."}])),
        chunk(delta(content="Yes.", reasoning_details=[encrypted]), finish="stop"),
        chunk({"role": "assistant", "content": ""}, usage=USAGE),
    )
    assert message.additional_kwargs["reasoning_details"] == [summary, encrypted]
    reply = invoked("Yes.", reasoning_details=[summary, encrypted])
    assert sent_back(message) == sent_back(reply)


def test_error_after_a_length_finish_raises_with_the_partial_answer_and_usage() -> None:
    error_event = chunk({"role": "assistant", "content": ""}, usage=USAGE)
    error_event["error"] = {"code": 400, "message": "Token limit reached"}
    parser = StreamParser()
    handed_out: list[str] = []
    with pytest.raises(e.OpenRouterError) as info:
        for line in lines(
            chunk(delta(content="The first")),
            chunk(delta(content=" part"), finish="length", native="MAX_TOKENS"),
            chunk(delta(), finish="length", native="MAX_TOKENS"),
            error_event,
            done=False,
        ):
            if (c := parser.feed(line)) is not None:
                handed_out.append(c.text)
    error = info.value
    assert "Token limit reached" in str(error)
    assert handed_out == ["The first", " part"]
    assert error.partial_message is not None
    assert error.partial_message.content == "The first part"
    assert error.partial_message.response_metadata["finish_reason"] == "length"
    assert error.partial_message.response_metadata["native_finish_reason"] == "MAX_TOKENS"
    assert error.usage_metadata is not None
    assert error.usage_metadata["input_tokens"] == USAGE["prompt_tokens"]


@pytest.mark.parametrize("code", [502, "server_error"])
def test_mid_stream_error_keeps_partial_text_tool_calls_and_details(code: object) -> None:
    _, encrypted = gemini3_pro_details()
    call = {
        "index": 0,
        "id": "tool_lookup_1",
        "type": "function",
        "function": {"name": "lookup", "arguments": '{"q": "mo'},
    }
    error_event = chunk({"role": "assistant", "content": ""})
    error_event["error"] = {"code": code, "message": "Upstream went away"}
    parser = StreamParser()
    with pytest.raises(e.OpenRouterError) as info:
        for line in lines(
            chunk(delta(content="Looking", reasoning_details=[encrypted])),
            chunk(delta(content=None, tool_calls=[call])),
            error_event,
        ):
            parser.feed(line)
    partial = info.value.partial_message
    assert partial is not None
    assert partial.content == "Looking"
    assert partial.additional_kwargs["reasoning_details"] == [encrypted]
    assert partial.tool_call_chunks[0]["args"] == '{"q": "mo'
    assert info.value.usage_metadata is None  # none was sent; nothing is made up


def test_nothing_after_done_belongs_to_the_reply() -> None:
    parser = StreamParser()
    sse_lines = lines(
        chunk(delta(content="Only this.")),
        chunk(delta(), finish="stop"),
        chunk({"role": "assistant", "content": ""}, usage=USAGE),
    )
    after = lines(chunk(delta(content=" Not this.")), chunk(choices=False, usage=USAGE))
    out = [c for line in [*sse_lines, *after, "data: {broken"] if (c := parser.feed(line))]
    assert parser.done
    assert [c.text for c in out] == ["Only this.", ""]
    usages = [c.message.usage_metadata for c in out if isinstance(c.message, AIMessageChunk)]
    assert [u["total_tokens"] for u in usages if u] == [USAGE["total_tokens"]]
