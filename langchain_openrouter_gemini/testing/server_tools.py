"""The emulator's side of OpenRouter's web search server tool (`openrouter:web_search`).

A request that offers the tool and gets a text answer (always, when `tool_choice` forces it)
is answered as if one search ran: the echo answer cites one made-up result with a
`url_citation`, and the usage counts the search in `server_tool_use_details` and bills it.
Scripted replies are left as they are, except that one carrying citations also counts as one
search.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from langchain_openrouter_gemini.testing.echo import echo_reply
from langchain_openrouter_gemini.testing.render import Rendered
from langchain_openrouter_gemini.testing.replies import Reply

__all__ = ["SEARCH_PRICES", "answer", "count_searches", "web_search_parameters"]

WEB_SEARCH = "openrouter:web_search"
# USD per search, from OpenRouter's web search pricing table (Exa's auto mode, Parallel's
# basic mode, Perplexity). Native search is passed through from the provider at its own
# rate; the emulator bills it as Exa, the engine `auto` falls back to.
SEARCH_PRICES: Mapping[str, float] = {
    "exa": 0.007,
    "parallel": 0.005,
    "perplexity": 0.005,
    "firecrawl": 0.0,  # billed to your own Firecrawl key
}
_DEFAULT_PRICE = 0.007


def web_search_parameters(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The web search tool's `parameters` when the request offers the tool, else `None`."""
    for tool in body.get("tools") or []:
        if isinstance(tool, Mapping) and tool.get("type") == WEB_SEARCH:
            parameters = tool.get("parameters")
            return parameters if isinstance(parameters, Mapping) else {}
    return None


def answer(body: Mapping[str, Any]) -> Reply:
    """The unscripted reply: the echo answer, citing one search result when it could search.

    A `tool_choice` that forces the search answers with text even when function tools are
    offered too.
    """
    choice = body.get("tool_choice")
    forced = isinstance(choice, Mapping) and choice.get("type") == WEB_SEARCH
    reply = echo_reply({k: v for k, v in body.items() if k != "tools"} if forced else body)
    if web_search_parameters(body) is None or reply.calls or not reply.content:
        return reply
    text = reply.content
    citation = {
        "type": "url_citation",
        "url_citation": {
            "url": "https://example.org/emulated-search-result",
            "title": "Emulated search result (OpenRouter emulator)",
            "content": "An excerpt the emulator made up; a live search returns page text.",
            "start_index": 0,
            "end_index": len(text),
        },
    }
    return reply.with_options(citations=(citation,))


def count_searches(rendered: Rendered, body: Mapping[str, Any]) -> Rendered:
    """`rendered` with the search counted and billed in its usage, when one ran."""
    parameters = web_search_parameters(body)
    if parameters is None or not rendered.annotations:
        return rendered
    price = SEARCH_PRICES.get(str(parameters.get("engine")), _DEFAULT_PRICE)
    usage = dict(rendered.usage)
    usage["server_tool_use_details"] = {
        "web_search_requests": 1,
        "tool_calls_requested": 1,
        "tool_calls_executed": 1,
    }
    if isinstance(usage.get("cost"), (int, float)):
        usage["cost"] = round(usage["cost"] + price, 10)
    return dataclasses.replace(rendered, usage=usage)
