"""Web search with citations, exact cost, budgets, the key's credits and prompt caching."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from langchain_openrouter_gemini import (
    ChatOpenRouterGemini,
    OpenRouterBudgetExceededError,
    get_openrouter_callback,
)
from tests import recording

pytestmark = pytest.mark.vcr

MANUAL = "Section 1: keep the lid closed while the kettle boils. " * 120


def model(**kwargs: Any) -> ChatOpenRouterGemini:
    return ChatOpenRouterGemini(
        model="google/gemini-2.5-flash", **recording.connection_settings(), **kwargs
    )


def chat_bodies(vcr: Any) -> list[Any]:
    return [json.loads(r.body) for r in vcr.requests if r.uri.endswith("/chat/completions")]


def test_web_search_answer_carries_citations_and_a_search_count(vcr: Any) -> None:
    reply = model(web_search={"max_results": 3}).invoke("What is the tallest building today?")
    body = chat_bodies(vcr)[-1]
    assert body["tools"] == [{"type": "openrouter:web_search", "parameters": {"max_results": 3}}]
    text_blocks = [b for b in reply.content_blocks if b["type"] == "text"]
    citations = [a for b in text_blocks for a in b.get("annotations", [])]
    assert citations and all(c["type"] == "citation" and c["url"] for c in citations)
    assert reply.response_metadata["annotations"][0]["type"] == "url_citation"
    assert reply.response_metadata["server_tool_use"]["web_search_requests"] >= 1


def test_streamed_web_search_answer_carries_the_same_citations(vcr: Any) -> None:
    merged: Any = None
    for chunk in model(web_search=True).stream("Who won the latest Tour de France?"):
        merged = chunk if merged is None else merged + chunk
    assert merged is not None
    citations = [
        a for b in merged.content_blocks if b["type"] == "text" for a in b.get("annotations", [])
    ]
    assert citations and citations[0]["type"] == "citation"


def test_get_generation_reports_the_billed_cost(vcr: Any) -> None:
    llm = model()
    reply = llm.invoke("Name a moon of Saturn.")
    generation = llm.get_generation(reply)
    assert generation.id == reply.response_metadata["id"]
    assert generation.total_cost == pytest.approx(reply.response_metadata["cost"])
    assert generation.provider_name and generation.latency is not None
    assert any("/generation?id=" in r.uri for r in vcr.requests)


def test_key_info_has_limit_usage_and_remaining(vcr: Any) -> None:
    info = model().get_key_info()
    assert info.usage is not None and info.usage >= 0
    assert info.limit is None or info.remaining is not None
    assert any(r.uri.endswith("/key") for r in vcr.requests)


def test_a_spent_budget_stops_the_next_call_before_it_is_sent(
    script: Callable[..., None], vcr: Any
) -> None:
    from langchain_openrouter_gemini.testing import Reply

    script(Reply.text("A long answer.", cost=0.02))
    llm = model()
    with get_openrouter_callback(max_cost=0.01) as usage:
        llm.invoke("Write a long answer.")
        with pytest.raises(OpenRouterBudgetExceededError):
            llm.invoke("And another.")
    assert len(chat_bodies(vcr)) == 1
    assert usage.total_cost >= 0.01 and usage.successful_requests == 1


def test_cache_breakpoint_ttl_and_session_reach_openrouter(
    script: Callable[..., None], vcr: Any
) -> None:
    from langchain_openrouter_gemini.testing import Reply

    script(
        Reply.text("Keep it closed.", prompt_tokens=1520, cached_tokens=0, cache_write_tokens=0),
        Reply.text("Closed.", prompt_tokens=1520, cached_tokens=1500),
    )
    llm = model(cache_prompt=True, cache_ttl="5m", session_id="kettle-manual")
    with get_openrouter_callback() as usage:
        # The same cached prefix; the questions differ (as they would, and so replay tells
        # the two requests apart).
        llm.invoke([SystemMessage(MANUAL), HumanMessage("What about the lid?")])
        llm.invoke([SystemMessage(MANUAL), HumanMessage("And the handle?")])
    first = chat_bodies(vcr)[-1]
    assert first["session_id"] == "kettle-manual"
    assert first["messages"][0]["content"][-1]["cache_control"] == {
        "type": "ephemeral",
        "ttl": "5m",
    }
    assert usage.cache_hit_requests >= 1 and usage.cache_savings > 0
