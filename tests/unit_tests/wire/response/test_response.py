"""Non-streaming replies: OpenRouter JSON to AIMessage."""

from __future__ import annotations

import json

import pytest

from langchain_openrouter_gemini.errors import OpenRouterError, OpenRouterMalformedResponseError
from langchain_openrouter_gemini.transport.body import decode_body
from langchain_openrouter_gemini.wire.response.chat import completion_to_result
from tests.unit_tests.fake_transport import completion
from tests.unit_tests.sse import ENCRYPTED


def message_of(body: dict) -> object:
    return completion_to_result(body).generations[0].message


def test_padding_before_json_is_fine() -> None:
    assert decode_body(b"\n   \n" + json.dumps(completion()).encode())["id"].startswith("gen-")


@pytest.mark.parametrize(
    "body", [b"", b"   \n ", b"<html><title>502</title></html>", b"[1, 2]", b'{"id": "x"']
)
def test_bad_bodies_raise_malformed(body: bytes) -> None:
    with pytest.raises(OpenRouterMalformedResponseError):
        decode_body(body)


def test_tool_calls_trusted_even_when_finish_reason_says_stop() -> None:
    body = completion(
        "",
        tool_calls=[
            {
                "type": "function",
                "index": 0,
                "id": ENCRYPTED["id"],
                "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'},
            }
        ],
        reasoning_details=[ENCRYPTED],
    )
    message = message_of(body)
    assert message.response_metadata["finish_reason"] == "stop"  # type: ignore[attr-defined]
    assert message.tool_calls[0]["args"] == {"city": "Oslo"}  # type: ignore[attr-defined]
    assert message.additional_kwargs["reasoning_details"] == [ENCRYPTED]  # type: ignore[attr-defined]


def test_bad_arguments_become_invalid_tool_calls_and_empty_args_are_empty_dict() -> None:
    body = completion(
        "",
        tool_calls=[
            {
                "type": "function",
                "index": 0,
                "id": "t1",
                "function": {"name": "f", "arguments": "{nope"},
            },
            {
                "type": "function",
                "index": 1,
                "id": "t2",
                "function": {"name": "g", "arguments": ""},
            },
        ],
    )
    message = message_of(body)
    assert [c["name"] for c in message.invalid_tool_calls] == ["f"]  # type: ignore[attr-defined]
    assert message.invalid_tool_calls[0]["args"] == "{nope"  # type: ignore[attr-defined]
    assert message.tool_calls == [{"name": "g", "args": {}, "id": "t2", "type": "tool_call"}]  # type: ignore[attr-defined]


def test_reasoning_text_and_usage_details() -> None:
    message = message_of(completion("42", reasoning="Let me think."))
    assert message.additional_kwargs["reasoning_content"] == "Let me think."  # type: ignore[attr-defined]
    assert message.content_blocks[0] == {"type": "reasoning", "reasoning": "Let me think."}  # type: ignore[attr-defined]
    assert message.usage_metadata["output_token_details"]["reasoning"] == 7  # type: ignore[attr-defined]
    assert message.response_metadata["cost_details"]["upstream_inference_cost"] == pytest.approx(
        0.0000633
    )  # type: ignore[attr-defined]


def test_images_become_image_blocks_and_annotations_are_kept() -> None:
    annotation = {
        "type": "url_citation",
        "url_citation": {
            "url": "https://example.org",
            "title": "Ex",
            "content": "c",
            "start_index": 0,
            "end_index": 2,
        },
    }
    body = completion(
        "Here.",
        images=[{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}],
        annotations=[annotation],
    )
    message = message_of(body)
    # Indexed like the blocks of a stream of the same reply, which add up to the same list.
    assert message.content[0] == {"type": "text", "text": "Here.", "index": 0}  # type: ignore[attr-defined,index]
    assert message.content[1]["type"] == "image"  # type: ignore[attr-defined,index]
    assert message.content[1]["index"] == 1  # type: ignore[attr-defined,index]
    assert message.response_metadata["annotations"] == [annotation]  # type: ignore[attr-defined]


def test_error_in_a_200_body_raises_typed() -> None:
    body = {
        "error": {
            "code": 429,
            "message": "Provider returned error",
            "metadata": {"provider_name": "Google", "raw": "quota"},
        },
        "user_id": "user_x",
    }
    with pytest.raises(OpenRouterError) as info:
        completion_to_result(body)
    assert info.value.status_code == 429 or info.value.code == 429


@pytest.mark.parametrize(
    "body", [{"id": "x"}, {"choices": []}, {"choices": [{"message": None}]}, {"choices": "no"}]
)
def test_no_usable_choice_raises_malformed(body: dict) -> None:
    with pytest.raises(OpenRouterMalformedResponseError):
        completion_to_result(body)
