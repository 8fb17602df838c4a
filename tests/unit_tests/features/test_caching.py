"""Gemini prompt caching: one breakpoint where Gemini honours it, and what cache hits saved."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_openrouter_gemini import get_openrouter_callback
from langchain_openrouter_gemini.features.caching import cache_hit_tokens, estimate_cache_savings
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply
from tests.unit_tests.models import chat_model

MANUAL = "Section 1: keep the lid closed. " * 200


def breakpoints(body: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return [
        (index, part["cache_control"])
        for index, message in enumerate(body["messages"])
        if isinstance(message["content"], list)
        for part in message["content"]
        if isinstance(part, dict) and "cache_control" in part
    ]


def test_the_breakpoint_goes_on_the_first_system_message(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    messages = [SystemMessage(MANUAL), SystemMessage("Answer briefly."), HumanMessage("Lid?")]
    chat_model(openrouter_emulator, cache_prompt=True).invoke(messages)
    body = openrouter_emulator.requests[-1].body
    assert breakpoints(body) == [(0, {"type": "ephemeral"})]
    assert body["messages"][1]["content"] == "Answer briefly."


def test_without_a_system_message_the_first_user_message_is_cached(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    messages = [HumanMessage(MANUAL), AIMessage("Read it."), HumanMessage("Lid?")]
    chat_model(openrouter_emulator, cache_prompt=True).invoke(messages)
    assert breakpoints(openrouter_emulator.requests[-1].body) == [(0, {"type": "ephemeral"})]


def test_a_breakpoint_the_user_placed_anywhere_is_the_only_one(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    marked = {"type": "text", "text": MANUAL, "cache_control": {"type": "ephemeral", "ttl": "5m"}}
    messages = [SystemMessage("Be terse."), HumanMessage([marked]), HumanMessage("Lid?")]
    chat_model(openrouter_emulator, cache_prompt=True).invoke(messages)
    assert breakpoints(openrouter_emulator.requests[-1].body) == [
        (1, {"type": "ephemeral", "ttl": "5m"})
    ]


def test_the_ttl_is_sent_and_one_hour_on_gemini_warns(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    messages = [SystemMessage(MANUAL), HumanMessage("Lid?")]
    chat_model(openrouter_emulator, cache_prompt=True, cache_ttl="5m").invoke(messages)
    assert breakpoints(openrouter_emulator.requests[-1].body)[0][1]["ttl"] == "5m"
    with pytest.warns(UserWarning, match="Gemini cache writes on OpenRouter last 5 minutes"):
        chat_model(openrouter_emulator, cache_prompt=True, cache_ttl="1h").invoke(messages)
    assert breakpoints(openrouter_emulator.requests[-1].body)[0][1] == {
        "type": "ephemeral",
        "ttl": "1h",
    }
    # Another vendor's model (served once the emulator is told of it) takes "1h" silently.
    with (
        OpenRouterEmulator(models=["anthropic/claude-sonnet-4"]) as other,
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("error")
        chat_model(other, model="anthropic/claude-sonnet-4", cache_prompt=True,
                   cache_ttl="1h").invoke(messages)  # fmt: skip


def test_a_ttl_openrouter_does_not_know_is_refused(openrouter_emulator: OpenRouterEmulator) -> None:
    with pytest.raises(ValueError, match="cache_ttl"):
        chat_model(openrouter_emulator, cache_prompt=True, cache_ttl="10m")
    assert openrouter_emulator.requests == []


def test_the_session_id_is_sent_as_the_sticky_routing_key(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    chat_model(openrouter_emulator, cache_prompt=True, session_id="agent-7").invoke(
        [SystemMessage(MANUAL), HumanMessage("Lid?")]
    )
    assert openrouter_emulator.requests[-1].body["session_id"] == "agent-7"


def test_cache_hits_and_their_savings_are_in_the_callback_summary(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(
        # First call writes the cache (OpenRouter reports the write in both counts)...
        Reply.text("a", prompt_tokens=2168, cached_tokens=2161, cache_write_tokens=2161),
        # ...the second reads it.
        Reply.text("b", prompt_tokens=2168, cached_tokens=2161),
    )
    llm = chat_model(openrouter_emulator, cache_prompt=True)
    messages = [SystemMessage(MANUAL), HumanMessage("Lid?")]
    with get_openrouter_callback() as usage:
        llm.invoke(messages)
        llm.invoke(messages)
    assert usage.cache_hit_requests == 1
    assert usage.cache_read_tokens == 2161
    # Gemini 2.5 Flash: input $0.30/M, cached $0.03/M.
    assert usage.cache_savings == pytest.approx(2161 * 0.27 / 1_000_000)
    assert "cache hits 1 request(s) saving about $0.000583" in repr(usage)


@pytest.mark.parametrize(
    ("details", "hits"),
    [
        ({"cache_read": 900}, 900),
        ({"cache_read": 2161, "cache_creation": 2161}, 0),
        ({"cache_creation": 100}, 0),
        ({"cache_read": "9"}, 0),
        (None, 0),
    ],
    ids=["hit", "first write", "write only", "not a number", "no details"],
)
def test_cache_hit_tokens(details: Any, hits: int) -> None:
    usage: dict[str, Any] = {"input_tokens": 3000}
    if details is not None:
        usage["input_token_details"] = details
    assert cache_hit_tokens(usage) == hits


def test_savings_follow_each_model_s_cache_price() -> None:
    usage = {"input_tokens": 2_000_000, "input_token_details": {"cache_read": 1_000_000}}
    assert estimate_cache_savings("google/gemini-2.5-flash", usage) == pytest.approx(0.27)
    assert estimate_cache_savings("not-a-model/at-all", usage) is None
    assert estimate_cache_savings("google/gemini-2.5-flash", {"input_tokens": 5}) == 0.0
