"""Aliases and presets pass through; pinning and cost follow the model the reply names."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.catalogue import estimate_cost
from langchain_openrouter_gemini.model_ids import is_gemini, normalize_model_id
from langchain_openrouter_gemini.model_string import parse_model_string

ALIASES = [
    "~google/gemini-pro-latest",
    "~google/gemini-flash-latest",
    "@preset/support-bot",
    "google/gemini-2.5-flash@preset/support-bot",
]
# An unreachable base URL: aliases are unknown to the catalogue, and the profile lookup
# must not reach the real OpenRouter from a unit test.
OFFLINE = {"api_key": "sk-or-test", "base_url": "http://127.0.0.1:9/api/v1"}


@pytest.mark.parametrize("alias", ALIASES)
def test_normalize_keeps_aliases_and_presets(alias: str) -> None:
    assert normalize_model_id(alias) == alias
    assert normalize_model_id(f"openrouter:{alias}") == alias


@pytest.mark.parametrize("alias", ALIASES)
def test_model_strings_pass_aliases_through(alias: str) -> None:
    assert parse_model_string(f"openrouter:{alias}?temperature=0") == {
        "model": alias,
        "temperature": 0.0,
    }


@pytest.mark.parametrize("alias", ALIASES)
def test_the_request_names_the_alias(alias: str) -> None:
    model = ChatOpenRouterGemini(model=alias, **OFFLINE)
    assert model.model_name == alias
    assert model._get_request_payload("hi")["model"] == alias


def test_gemini_aliases_count_as_gemini() -> None:
    assert is_gemini("~google/gemini-pro-latest")
    assert not is_gemini("~anthropic/claude-opus-latest")
    assert not is_gemini("@preset/support-bot")


def _tool_turn(provider: str, served: str) -> list[Any]:
    call = {"id": "c1", "name": "lookup", "args": {}}
    reply = AIMessage(
        "",
        tool_calls=[call],
        additional_kwargs={"reasoning_details": [{"type": "reasoning.encrypted", "data": "x"}]},
        response_metadata={"provider": provider, "model_name": served},
    )
    return [HumanMessage("look it up"), reply, ToolMessage("found", tool_call_id="c1")]


def test_a_preset_is_pinned_when_the_reply_was_gemini() -> None:
    model = ChatOpenRouterGemini(model="@preset/support-bot", **OFFLINE)
    body = model._get_request_payload(
        _tool_turn("Google", "google/gemini-3.1-pro-preview-20260219")
    )
    assert body["provider"] == {"order": ["google-vertex"], "allow_fallbacks": False}


def test_a_gemini_alias_is_pinned() -> None:
    model = ChatOpenRouterGemini(model="~google/gemini-pro-latest", **OFFLINE)
    body = model._get_request_payload(_tool_turn("Google AI Studio", ""))
    assert body["provider"]["order"] == ["google-ai-studio"]


def test_a_preset_that_served_another_vendor_is_not_pinned() -> None:
    model = ChatOpenRouterGemini(model="@preset/support-bot", **OFFLINE)
    body = model._get_request_payload(_tool_turn("Anthropic", "anthropic/claude-opus-5"))
    assert "provider" not in body


def test_cost_is_estimated_for_the_model_the_reply_names() -> None:
    usage = {"input_tokens": 100_000, "output_tokens": 0}
    assert estimate_cost("~google/gemini-pro-latest", usage) is None  # an alias has no price
    assert estimate_cost("google/gemini-3.1-pro-preview-20260219", usage) == pytest.approx(0.2)


def test_reasoning_rules_of_the_reply_model_do_not_apply_to_an_alias_request() -> None:
    # The alias may resolve to any model: it is sent as asked, and OpenRouter decides.
    model = ChatOpenRouterGemini(
        model="~google/gemini-pro-latest", reasoning_effort="none", **OFFLINE
    )
    assert model._get_request_payload("hi")["reasoning"] == {"effort": "none"}
