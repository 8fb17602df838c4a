"""Schemas are rewritten for Gemini only; other vendors' models get them exactly as given."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_openrouter_gemini import ChatOpenRouterGemini
from tests.unit_tests.fake_transport import FakeOpenRouter
from tests.unit_tests.models import chat_model

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"

PARAMETERS = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "title": "City"},
        "options": {"type": "object", "properties": {}, "additionalProperties": False},
    },
    "required": ["city", "options"],
    "additionalProperties": False,
}
TOOL = {
    "type": "function",
    "function": {"name": "get_weather", "description": "Weather.", "parameters": PARAMETERS},
}
RESPONSE_FORMAT = {
    "type": "json_schema",
    "json_schema": {"name": "City", "strict": True, "schema": PARAMETERS},
}


def _body(model: str, **call: Any) -> dict[str, Any]:
    fake = FakeOpenRouter()
    llm = chat_model(fake, api_key=KEY, model=model)
    llm.bind_tools([copy.deepcopy(TOOL)]).invoke("Weather?", **call)
    body: dict[str, Any] = fake.bodies[0]
    return body


def _format_body(model: str, **kwargs: Any) -> dict[str, Any]:
    fake = FakeOpenRouter()
    llm = chat_model(fake, api_key=KEY, model=model, **kwargs)
    llm.invoke("City?", response_format=copy.deepcopy(RESPONSE_FORMAT))
    body: dict[str, Any] = fake.bodies[0]
    return body


@pytest.mark.parametrize(
    "model", ["anthropic/claude-sonnet-4", "openai/gpt-4o", "google/gemma-3-27b-it", "x-ai/grok-4"]
)
def test_other_vendors_get_schemas_exactly_as_given(model: str) -> None:
    assert _body(model)["tools"][0]["function"]["parameters"] == PARAMETERS
    assert _format_body(model)["response_format"] == RESPONSE_FORMAT


@pytest.mark.parametrize(
    "model",
    ["google/gemini-2.5-flash", "gemini-2.5-pro", "google/gemini-3-pro-preview-20251117:nitro"],
)
def test_gemini_gets_the_gemini_safe_rewrite(model: str) -> None:
    parameters = _body(model)["tools"][0]["function"]["parameters"]
    assert "additionalProperties" not in parameters
    assert "title" not in parameters["properties"]["city"]
    schema = _format_body(model)["response_format"]["json_schema"]["schema"]
    assert "additionalProperties" not in schema


def test_a_gemini_fallback_in_models_gets_the_rewrite() -> None:
    # Another vendor's model first, Gemini as a fallback: the schema must suit Gemini.
    body = _format_body("anthropic/claude-sonnet-4", models=["google/gemini-2.5-flash"])
    assert "additionalProperties" not in body["response_format"]["json_schema"]["schema"]
    body = _body("openai/gpt-4o", models=["gemini-2.5-flash"])
    assert "additionalProperties" not in body["tools"][0]["function"]["parameters"]


def test_fallbacks_of_other_vendors_only_keep_the_schema() -> None:
    body = _format_body("openai/gpt-4o", models=["anthropic/claude-sonnet-4"])
    assert body["response_format"] == RESPONSE_FORMAT


def test_turning_the_rewrite_off_still_works_for_gemini() -> None:
    body = _format_body("google/gemini-2.5-flash", gemini_safe_schemas=False)
    assert body["response_format"] == RESPONSE_FORMAT


def test_a_turn_another_vendor_answered_does_not_pin_gemini_to_its_provider() -> None:
    # A `models` fallback answered with Claude (on Anthropic); the next Gemini turn must not
    # be pinned to a provider that cannot serve Gemini.
    call = {"name": "get_weather", "args": {"city": "Oslo"}, "id": "toolu_01"}
    claude_turn = AIMessage(
        "",
        tool_calls=[call],
        additional_kwargs={
            "reasoning_details": [
                {"type": "reasoning.text", "text": "...", "format": "anthropic-claude-v1"}
            ]
        },
        response_metadata={"provider": "Anthropic", "model_name": "anthropic/claude-sonnet-4"},
    )
    history = [HumanMessage("Weather?"), claude_turn, ToolMessage("Sunny", tool_call_id="toolu_01")]
    fake = FakeOpenRouter()
    llm = ChatOpenRouterGemini(api_key=KEY, **fake.clients())
    llm.invoke(history)
    assert "provider" not in fake.bodies[0]

    gemini_turn = claude_turn.model_copy(
        update={
            "response_metadata": {
                "provider": "Google AI Studio",
                "model_name": "google/gemini-2.5-flash",
            }
        }
    )
    llm.invoke([history[0], gemini_turn, history[2]])
    assert fake.bodies[1]["provider"]["order"] == ["google-ai-studio"]
