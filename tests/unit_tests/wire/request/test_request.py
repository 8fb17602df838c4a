"""LangChain messages to OpenRouter messages, and thought signatures going back."""

from __future__ import annotations

import json

import pytest
from langchain_core.load import dumpd, load
from langchain_core.messages import (
    AIMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    messages_from_dict,
    messages_to_dict,
)

from langchain_openrouter_gemini.wire.request.messages import messages_to_wire
from tests.unit_tests.sse import ENCRYPTED

TOOL_CALL = {
    "name": "get_weather",
    "args": {"city": "Oslo"},
    "id": ENCRYPTED["id"],
    "type": "tool_call",
}


def gemini_turn() -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[TOOL_CALL],
        additional_kwargs={"reasoning_details": [ENCRYPTED], "reasoning_content": "thinking"},
        response_metadata={"provider": "Google AI Studio", "model_provider": "openrouter"},
    )


def test_plain_conversation() -> None:
    wire = messages_to_wire(
        [
            SystemMessage("Be brief."),
            HumanMessage("Hi", name="ada"),
            AIMessage("Hello!"),
            HumanMessage("Weather?"),
        ]
    )
    assert wire == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi", "name": "ada"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Weather?"},
    ]


def test_tool_turn_carries_reasoning_details_exactly() -> None:
    wire = messages_to_wire(
        [
            HumanMessage("Weather in Oslo?"),
            gemini_turn(),
            ToolMessage("12C, rain", tool_call_id=ENCRYPTED["id"]),
        ]
    )
    assert wire[1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "type": "function",
                "id": ENCRYPTED["id"],
                "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
            }
        ],
        "reasoning_details": [ENCRYPTED],
    }
    assert wire[2] == {"role": "tool", "tool_call_id": ENCRYPTED["id"], "content": "12C, rain"}


@pytest.mark.parametrize("round_trip", ["dumpd_load", "json_dicts", "model_copy"])
def test_signatures_survive_serialization(round_trip: str) -> None:
    original = gemini_turn()
    if round_trip == "dumpd_load":
        restored = load(dumpd(original))
    elif round_trip == "json_dicts":
        restored = messages_from_dict(json.loads(json.dumps(messages_to_dict([original]))))[0]
    else:
        restored = original.model_copy(deep=True)
    assert messages_to_wire([restored]) == messages_to_wire([original])
    assert messages_to_wire([restored])[0]["reasoning_details"] == [ENCRYPTED]


def test_other_providers_messages_still_work() -> None:
    foreign = AIMessage(
        content="", tool_calls=[TOOL_CALL], response_metadata={"model_provider": "anthropic"}
    )
    wire = messages_to_wire([HumanMessage("q"), foreign])
    assert "reasoning_details" not in wire[1]
    assert wire[1]["tool_calls"][0]["function"]["name"] == "get_weather"


def test_invalid_tool_call_goes_back_verbatim() -> None:
    message = AIMessage(
        content="",
        invalid_tool_calls=[
            {
                "name": "f",
                "args": "{oops",
                "id": "call_1",
                "error": "bad json",
                "type": "invalid_tool_call",
            }
        ],
    )
    assert messages_to_wire([message])[0]["tool_calls"] == [
        {"type": "function", "id": "call_1", "function": {"name": "f", "arguments": "{oops"}}
    ]


def test_file_annotations_go_back_to_spare_reparsing() -> None:
    file_note = {"type": "file", "file": {"hash": "abc", "name": "paper.pdf", "content": []}}
    url_note = {"type": "url_citation", "url_citation": {"url": "https://e.x"}}
    message = AIMessage("Summary", response_metadata={"annotations": [url_note, file_note]})
    assert messages_to_wire([message])[0]["annotations"] == [file_note]


def test_unsupported_message_type_is_named() -> None:
    with pytest.raises(ValueError, match=r"Message 1 is a FunctionMessage.*HumanMessage"):
        messages_to_wire([HumanMessage("x"), FunctionMessage(content="y", name="f")])
