"""Web search through OpenRouter's `openrouter:web_search` server tool, end to end on the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import HumanMessage
from langchain_core.tools import tool

from langchain_openrouter_gemini import web_search_tool
from langchain_openrouter_gemini.features.routing import web_plugin
from langchain_openrouter_gemini.features.server_tools import (
    WEB_SEARCH_OPTIONS,
    add_server_tool,
    server_tool_choice,
    split_server_tools,
    web_search_from_option,
)
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply
from langchain_openrouter_gemini.usage.callbacks import get_openrouter_callback
from langchain_openrouter_gemini.wire.response.usage import cost_fields, server_tool_use
from tests.unit_tests.models import chat_model

SEARCH = {"type": "openrouter:web_search"}


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"4 °C in {city}"


def test_web_search_true_sends_the_server_tool_not_the_plugin(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    chat_model(openrouter_emulator, web_search=True).invoke("What happened today?")
    body = openrouter_emulator.requests[-1].body
    assert body["tools"] == [SEARCH]
    assert "plugins" not in body


def test_web_search_options_become_the_tool_parameters(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    options = {"max_results": 3, "engine": "exa", "allowed_domains": ["arxiv.org"]}
    chat_model(openrouter_emulator, web_search=options).invoke("Latest on fusion?")
    assert openrouter_emulator.requests[-1].body["tools"] == [{**SEARCH, "parameters": options}]


def test_the_deprecated_plugin_stays_available_through_plugins(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    chat_model(openrouter_emulator, plugins=[web_plugin(max_results=2)]).invoke("News?")
    body = openrouter_emulator.requests[-1].body
    assert body["plugins"] == [{"id": "web", "max_results": 2}]
    assert "tools" not in body


def test_web_search_is_added_after_bound_function_tools(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.text("It is 4 °C."))
    bound = chat_model(openrouter_emulator, web_search=True).bind_tools(
        [get_weather], tool_choice="any"
    )
    bound.invoke("Weather in Oslo?")
    body = openrouter_emulator.requests[-1].body
    assert [t["type"] for t in body["tools"]] == ["function", "openrouter:web_search"]
    assert body["tools"][0]["function"]["name"] == "get_weather"
    assert body["tool_choice"] == "required"


def test_bind_tools_takes_the_server_tool_and_a_tool_choice_that_forces_it(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    bound = chat_model(openrouter_emulator).bind_tools(
        [get_weather, web_search_tool(max_results=2)], tool_choice="openrouter:web_search"
    )
    reply = bound.invoke("Who won the match yesterday?")
    body = openrouter_emulator.requests[-1].body
    assert body["tools"][1] == {**SEARCH, "parameters": {"max_results": 2}}
    assert body["tool_choice"] == {"type": "openrouter:web_search"}
    assert reply.response_metadata["server_tool_use"]["web_search_requests"] == 1


def test_the_same_tool_bound_and_set_on_the_model_is_sent_once(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    llm = chat_model(openrouter_emulator, web_search=True)
    llm.bind_tools([web_search_tool()]).invoke("News?")
    assert openrouter_emulator.requests[-1].body["tools"] == [SEARCH]


def test_a_bound_tool_and_web_search_that_disagree_fail_before_sending(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    llm = chat_model(openrouter_emulator, web_search={"max_results": 5})
    with pytest.raises(ValueError, match="Set web search in one place"):
        llm.bind_tools([web_search_tool(max_results=2)]).invoke("News?")
    assert openrouter_emulator.requests == []


def test_web_search_false_per_call_turns_it_off(openrouter_emulator: OpenRouterEmulator) -> None:
    chat_model(openrouter_emulator, web_search=True).invoke("Hi", web_search=False)
    assert "tools" not in openrouter_emulator.requests[-1].body


def test_searches_are_counted_in_metadata_streams_and_the_callback(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    llm = chat_model(openrouter_emulator, web_search=True)
    with get_openrouter_callback() as usage:
        reply = llm.invoke("What is new in astronomy?")
        merged = None
        for chunk in llm.stream("And in geology?"):
            merged = chunk if merged is None else merged + chunk
    assert reply.response_metadata["server_tool_use"] == {
        "web_search_requests": 1,
        "tool_calls_requested": 1,
        "tool_calls_executed": 1,
    }
    assert merged is not None
    assert merged.response_metadata["server_tool_use"]["web_search_requests"] == 1
    assert usage.web_search_requests == 2
    assert "web searches 2" in repr(usage)


def test_a_scripted_answer_without_citations_counts_no_search(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.text("2 + 2 = 4"))
    reply = chat_model(openrouter_emulator, web_search=True).invoke("2 + 2?")
    assert "server_tool_use" not in reply.response_metadata


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("yes", "web_search must be True, False or a dict"),
        ({"search_prompt": "Sources:"}, "search_prompt.*web plugin option"),
        ({"include_domains": ["a.org"]}, "allowed_domains"),
        ({"max_result": 3}, "Unknown web_search option 'max_result'"),
        ({"max_results": 0}, "max_results must be an integer >= 1"),
        ({"max_results": 26}, "at most 25"),
        ({"max_characters": 100_001}, "at most 100000"),
        ({"max_uses": True}, "max_uses must be an integer"),
        ({"engine": "google"}, "engine must be one of auto, native, exa"),
        ({"search_context_size": "huge"}, "search_context_size must be one of low"),
        ({"allowed_domains": "arxiv.org"}, "allowed_domains must be a list of domain names"),
        ({"user_location": "Oslo"}, "user_location must be a dict"),
    ],
)
def test_bad_web_search_settings_fail_before_sending(
    openrouter_emulator: OpenRouterEmulator, value: Any, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        chat_model(openrouter_emulator).invoke("News?", web_search=value)
    assert openrouter_emulator.requests == []


def test_every_documented_option_is_accepted() -> None:
    values: dict[str, Any] = {
        "engine": "parallel",
        "mode": "basic",
        "max_results": 25,
        "max_uses": 3,
        "max_total_results": 20,
        "search_context_size": "high",
        "max_characters": 2000,
        "user_location": {"type": "approximate", "country": "NO"},
        "allowed_domains": ["arxiv.org"],
        "excluded_domains": ["reddit.com"],
    }
    assert set(values) == set(WEB_SEARCH_OPTIONS)
    assert web_search_from_option(values) == {**SEARCH, "parameters": values}
    assert web_search_tool(**values) == {**SEARCH, "parameters": values}


def test_the_tool_shares_nothing_with_the_options() -> None:
    domains = ["arxiv.org"]
    tool_dict = web_search_from_option({"allowed_domains": domains})
    assert tool_dict is not None
    tool_dict["parameters"]["allowed_domains"].append("changed.org")
    assert domains == ["arxiv.org"]


def test_helpers_split_merge_and_rewrite() -> None:
    function = {"type": "function", "function": {"name": "f"}}
    assert split_server_tools([function, SEARCH]) == ([function], [SEARCH])
    assert add_server_tool([function], SEARCH) == [function, SEARCH]
    assert add_server_tool([SEARCH], SEARCH) == [SEARCH]
    named = {"type": "function", "function": {"name": "openrouter:web_search"}}
    assert server_tool_choice(named) == SEARCH
    assert server_tool_choice("openrouter:web_search") == SEARCH
    assert server_tool_choice("auto") == "auto"
    assert server_tool_choice({"type": "function", "function": {"name": "f"}})["function"]


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        ({"server_tool_use_details": {"web_search_requests": 2}}, {"web_search_requests": 2}),
        ({"server_tool_use": {"web_search_requests": 1}}, {"web_search_requests": 1}),
        (
            {"server_tool_use_details": {"tool_calls_requested": 2, "tool_calls_executed": 2}},
            {"tool_calls_requested": 2, "tool_calls_executed": 2},
        ),
        ({"server_tool_use_details": None}, {}),
        ({"server_tool_use_details": {"web_search_requests": None}}, {}),
        ({"server_tool_use_details": {"web_search_requests": "2"}}, {}),
        ({}, {}),
    ],
    ids=["chat", "responses", "tool calls", "null", "null count", "string count", "absent"],
)
def test_server_tool_counts_are_read_from_either_spelling(
    usage: dict[str, Any], expected: dict[str, int]
) -> None:
    assert server_tool_use(usage) == expected
    assert cost_fields(usage).get("server_tool_use", {}) == expected


def test_agent_with_web_search_sends_the_tool_on_every_turn(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    from langchain.agents import create_agent

    openrouter_emulator.enqueue(
        Reply.tool_call("get_weather", {"city": "Oslo"}), Reply.text("4 °C in Oslo.")
    )
    agent = create_agent(chat_model(openrouter_emulator, web_search=True), tools=[get_weather])
    result = agent.invoke({"messages": [HumanMessage("Weather in Oslo?")]})
    assert result["messages"][-1].text == "4 °C in Oslo."
    chats = [r.body for r in openrouter_emulator.requests if r.path.endswith("/chat/completions")]
    assert len(chats) == 2
    for body in chats:
        assert [t["type"] for t in body["tools"]] == ["function", "openrouter:web_search"]


_counts = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10), st.floats(allow_nan=False), st.text(max_size=3)
)
_details = st.one_of(
    _counts,
    st.dictionaries(
        st.sampled_from(
            ["web_search_requests", "tool_calls_requested", "tool_calls_executed", "other"]
        ),
        _counts,
    ),
)


@given(st.dictionaries(st.sampled_from(["server_tool_use_details", "server_tool_use"]), _details))
def test_any_server_tool_usage_reads_as_whole_numbers(usage: dict[str, Any]) -> None:
    counts = server_tool_use(usage)
    assert set(counts) <= {"web_search_requests", "tool_calls_requested", "tool_calls_executed"}
    assert all(type(value) is int for value in counts.values())
