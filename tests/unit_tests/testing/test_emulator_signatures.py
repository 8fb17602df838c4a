"""Thought signatures in the emulator: minted on tool calls, checked when they come back."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply, pytest_plugin
from langchain_openrouter_gemini.testing.signatures import SignatureBook, serving_provider

openrouter_emulator = pytest_plugin.openrouter_emulator  # the fixture, used explicitly
KEY = {"Authorization": "Bearer sk-or-test"}
FLASH = "google/gemini-2.5-flash"
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


def post(emu: OpenRouterEmulator, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{emu.base_url}/chat/completions", json=body, headers=KEY)


def first_turn(
    emu: OpenRouterEmulator, model: str = FLASH, **extra: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A tool call from the emulator; returns (request body, assistant message)."""
    body = {
        "model": model,
        "messages": [{"role": "user", "content": "Weather in 'Oslo'?"}],
        "tools": TOOLS,
        **extra,
    }
    message = post(emu, body).json()["choices"][0]["message"]
    return body, message


def follow_up(body: dict[str, Any], assistant: dict[str, Any], **extra: Any) -> dict[str, Any]:
    call_id = assistant["tool_calls"][0]["id"]
    sent = {k: v for k, v in assistant.items() if k in ("role", "content", "tool_calls")}
    if "reasoning_details" in assistant:
        sent["reasoning_details"] = assistant["reasoning_details"]
    tool = {"role": "tool", "tool_call_id": call_id, "content": "4 C, snow"}
    return {**body, "messages": [*body["messages"], sent, tool], **extra}


def test_tool_call_reply_carries_a_signature_tied_to_the_call(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    _, message = first_turn(openrouter_emulator)
    (detail,) = message["reasoning_details"]
    assert detail["type"] == "reasoning.encrypted"
    assert detail["format"] == "google-gemini-v1"
    assert detail["id"] == message["tool_calls"][0]["id"]
    assert message["tool_calls"][0]["id"].startswith("tool_get_weather_")


def test_signature_sent_back_unchanged_is_accepted(openrouter_emulator: OpenRouterEmulator) -> None:
    body, message = first_turn(openrouter_emulator)
    response = post(openrouter_emulator, follow_up(body, message))
    assert response.status_code == 200
    assert "4 C, snow" in response.json()["choices"][0]["message"]["content"]


@pytest.mark.parametrize("damage", ["drop", "edit", "rename"])
def test_missing_or_altered_signature_is_geminis_400(
    openrouter_emulator: OpenRouterEmulator, damage: str
) -> None:
    body, message = first_turn(openrouter_emulator)
    broken = copy.deepcopy(message)
    if damage == "drop":
        del broken["reasoning_details"]
    elif damage == "edit":
        broken["reasoning_details"][0]["data"] = "CiQBVKhcAAAA"
    else:
        broken["reasoning_details"][0]["id"] = "tool_other_call"
    openrouter_emulator.enqueue(Reply.text("never served"))
    response = post(openrouter_emulator, follow_up(body, broken))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"].startswith(
        "Gemini models require OpenRouter reasoning details to be preserved in each request"
    )
    assert "Function call is missing a thought_signature" in error["metadata"]["raw"]
    assert "get_weather" in error["metadata"]["raw"]
    assert openrouter_emulator.pending == 1, "the rejected request does not consume the script"


@pytest.mark.parametrize(
    ("first", "second", "accepted"),
    [
        ("google-vertex", "google-vertex", True),
        ("google-ai-studio", "google-ai-studio", True),
        ("google-vertex", "google-ai-studio", False),
        ("google-ai-studio", "google-vertex", False),
    ],
)
def test_signature_only_verifies_for_the_provider_that_minted_it(
    openrouter_emulator: OpenRouterEmulator, first: str, second: str, accepted: bool
) -> None:
    body, message = first_turn(openrouter_emulator, provider={"order": [first]})
    response = post(openrouter_emulator, follow_up(body, message, provider={"order": [second]}))
    assert (response.status_code == 200) is accepted
    if accepted:
        served_by = {"google-vertex": "Google", "google-ai-studio": "Google AI Studio"}[second]
        assert response.json()["provider"] == served_by


def test_scripted_parallel_calls_share_one_signature(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(
        Reply.tool_calls([("get_weather", {"city": "Oslo"}), ("get_weather", {"city": "Bergen"})])
    )
    body, message = first_turn(openrouter_emulator)
    assert len(message["tool_calls"]) == 2 and len(message["reasoning_details"]) == 1
    assert message["reasoning_details"][0]["id"] == message["tool_calls"][0]["id"]
    messages = [
        *body["messages"],
        {k: message[k] for k in ("role", "content", "tool_calls", "reasoning_details")},
        *(
            {"role": "tool", "tool_call_id": call["id"], "content": "fine"}
            for call in message["tool_calls"]
        ),
    ]
    assert post(openrouter_emulator, {**body, "messages": messages}).status_code == 200


HAND_WRITTEN = [
    {"role": "user", "content": "What is 1 + 2?"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "abc123",
                "type": "function",
                "function": {"name": "add", "arguments": '{"a":1,"b":2}'},
            }
        ],
    },
    {"role": "tool", "tool_call_id": "abc123", "content": "3"},
]


@pytest.mark.parametrize(
    ("model", "strict", "status"),
    [
        ("google/gemini-2.5-flash", False, 200),  # Gemini 2.5 accepts unsigned history
        ("google/gemini-2.5-flash", True, 400),
        ("google/gemini-3-pro-preview", False, 400),  # Gemini 3 checks the current turn
        ("openai/gpt-4o", True, 200),  # not a Gemini model: nothing to check
    ],
)
def test_hand_written_histories(model: str, strict: bool, status: int) -> None:
    with OpenRouterEmulator(strict_signatures=strict, models=["openai/gpt-4o"]) as emulator:
        response = post(emulator, {"model": model, "messages": HAND_WRITTEN})
        assert response.status_code == status


def test_gemini_3_accepts_unsigned_calls_from_earlier_turns() -> None:
    later_turn = [*HAND_WRITTEN, {"role": "assistant", "content": "3"}]
    later_turn.append({"role": "user", "content": "Thanks!"})
    with OpenRouterEmulator() as emulator:
        body = {"model": "google/gemini-3-pro-preview", "messages": later_turn}
        assert post(emulator, body).status_code == 200


def test_signatures_do_not_verify_across_emulators() -> None:
    one, other = SignatureBook(), SignatureBook()
    data = one.mint("tool_x", "Google")
    assert one.verifies(data, "tool_x", "Google")
    assert not other.verifies(data, "tool_x", "Google")
    assert not one.verifies(data, "tool_x", "Google AI Studio")
    assert not one.verifies("not base64!", "tool_x", "Google")
    assert "secret" not in repr(one)


@pytest.mark.parametrize(
    ("routing", "provider"),
    [
        (None, "Google AI Studio"),
        ({"order": ["google-vertex"]}, "Google"),
        ({"order": ["anthropic", "google-ai-studio"]}, "Google AI Studio"),
        ({"only": ["google-vertex/global"]}, "Google"),
    ],
)
def test_serving_provider_follows_routing(routing: Any, provider: str) -> None:
    body = {"model": FLASH} if routing is None else {"model": FLASH, "provider": routing}
    assert serving_provider(body) == provider
