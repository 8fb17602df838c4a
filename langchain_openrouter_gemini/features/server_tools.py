"""OpenRouter's server tools, web search first: tools OpenRouter runs itself, mid-request.

A server tool sits in `tools` next to function tools, as `{"type": "openrouter:<name>",
"parameters": {...}}`. The model decides whether (and how often) to call it; OpenRouter runs
the call and feeds the result back, so the reply carries no tool call for it, only the answer
(with `url_citation` annotations for web search) and a count in
`usage.server_tool_use_details`.

`openrouter:web_search` replaces the deprecated `web` plugin (`plugins=[{"id": "web"}]`, the
`:online` suffix); the plugin still works through `plugins=`. Option names and ranges follow
OpenRouter's web search server tool reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

__all__ = [
    "SERVER_TOOL_PREFIX",
    "WEB_SEARCH_OPTIONS",
    "WEB_SEARCH_TYPE",
    "add_server_tool",
    "is_server_tool",
    "server_tool_choice",
    "split_server_tools",
    "web_search_from_option",
    "web_search_tool",
]

SERVER_TOOL_PREFIX: Final = "openrouter:"
WEB_SEARCH_TYPE: Final = "openrouter:web_search"

SearchEngine = Literal["auto", "native", "exa", "firecrawl", "parallel", "perplexity"]
SearchContextSize = Literal["low", "medium", "high"]

WEB_SEARCH_OPTIONS: Final = (
    "engine",
    "mode",
    "max_results",
    "max_uses",
    "max_total_results",
    "search_context_size",
    "max_characters",
    "user_location",
    "allowed_domains",
    "excluded_domains",
)
"""The `parameters` OpenRouter documents for `openrouter:web_search`."""

_CHOICES: Final[Mapping[str, tuple[str, ...]]] = {
    "engine": ("auto", "native", "exa", "firecrawl", "parallel", "perplexity"),
    "search_context_size": ("low", "medium", "high"),
    "mode": (
        "instant",
        "fast",
        "auto",
        "deep-lite",
        "deep",
        "deep-reasoning",
        "turbo",
        "basic",
        "advanced",
    ),
}
# Documented ranges; `None` means no documented upper bound.
_RANGES: Final[Mapping[str, tuple[int, int | None]]] = {
    "max_results": (1, 25),
    "max_uses": (1, None),
    "max_total_results": (1, None),
    "max_characters": (1, 100_000),
}
_PLUGIN_ONLY: Final[Mapping[str, str]] = {
    "search_prompt": "the server tool has no search prompt; keep the web plugin for it"
    " (plugins=[web_plugin(search_prompt=...)])",
    "include_domains": "the server tool calls it allowed_domains",
    "exclude_domains": "the server tool calls it excluded_domains",
    "id": "that is a plugin field; web_search takes the server tool's parameters",
}


def web_search_tool(
    *,
    engine: SearchEngine | None = None,
    mode: str | None = None,
    max_results: int | None = None,
    max_uses: int | None = None,
    max_total_results: int | None = None,
    search_context_size: SearchContextSize | None = None,
    max_characters: int | None = None,
    user_location: Mapping[str, Any] | None = None,
    allowed_domains: Sequence[str] | None = None,
    excluded_domains: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The `openrouter:web_search` server tool, for `tools`, `bind_tools` or agents.

    Args:
        engine: `"auto"` (OpenRouter's default: the provider's own search when it has one,
            as Gemini 3 does, else Exa), `"native"`, `"exa"`, `"firecrawl"` (your own
            Firecrawl key), `"parallel"` or `"perplexity"`.
        mode: Engine-specific depth (Exa: `instant` ... `deep-reasoning`; Parallel:
            `turbo`, `fast`, `basic`, `advanced`).
        max_results: Results per search call, 1-25 (OpenRouter's default is 5; ignored by
            native search).
        max_uses: Most searches the model may run in one request.
        max_total_results: Most results across all searches of one request.
        search_context_size: `"low"`, `"medium"` or `"high"`: how much page text each
            result brings.
        max_characters: Exact characters of content per result, 1-100,000.
        user_location: `{"type": "approximate", "city": ..., "region": ..., "country": ...,
            "timezone": ...}`, for native search.
        allowed_domains: Only these domains (not with Gemini's native search: OpenRouter
            then falls back to Exa under `engine="auto"`).
        excluded_domains: Never these domains.

    Returns:
        `{"type": "openrouter:web_search"}`, with `parameters` when any option is set.

    Raises:
        ValueError: An option outside its documented values or range.

    """
    options = {
        "engine": engine,
        "mode": mode,
        "max_results": max_results,
        "max_uses": max_uses,
        "max_total_results": max_total_results,
        "search_context_size": search_context_size,
        "max_characters": max_characters,
        "user_location": user_location,
        "allowed_domains": allowed_domains,
        "excluded_domains": excluded_domains,
    }
    return _tool({key: value for key, value in options.items() if value is not None})


def web_search_from_option(value: Any) -> dict[str, Any] | None:
    """The server tool for a `web_search=` setting: `True`, `False`/`None`, or its options.

    Raises:
        ValueError: Not a bool or a dict, an unknown option (web plugin spellings get a
            pointer to the server tool's name), or a value outside its documented range.

    """
    if value is None or value is False:
        return None
    if value is True:
        return {"type": WEB_SEARCH_TYPE}
    if not isinstance(value, Mapping):
        msg = (
            "web_search must be True, False or a dict of openrouter:web_search parameters"
            f" such as {{'max_results': 3}}, got {value!r}."
        )
        raise ValueError(msg)
    for key in value:
        if key in _PLUGIN_ONLY:
            msg = f"web_search option {key!r} is a web plugin option: {_PLUGIN_ONLY[key]}."
            raise ValueError(msg)
        if key not in WEB_SEARCH_OPTIONS:
            msg = (
                f"Unknown web_search option {key!r}; openrouter:web_search takes"
                f" {', '.join(WEB_SEARCH_OPTIONS)}. For a parameter this package does not know"
                " yet, bind the tool dict itself: bind_tools([{'type': 'openrouter:web_search',"
                " 'parameters': {...}}])."
            )
            raise ValueError(msg)
    return _tool({key: item for key, item in value.items() if item is not None})


def is_server_tool(tool: Any) -> bool:
    """Whether `tool` is an OpenRouter server tool dict (`{"type": "openrouter:..."}`)."""
    return (
        isinstance(tool, Mapping)
        and isinstance(tool.get("type"), str)
        and tool["type"].startswith(SERVER_TOOL_PREFIX)
    )


def split_server_tools(tools: Sequence[Any]) -> tuple[list[Any], list[dict[str, Any]]]:
    """Split tools into (everything else, OpenRouter server tools), order kept."""
    others = [tool for tool in tools if not is_server_tool(tool)]
    servers = [_copy(tool) for tool in tools if is_server_tool(tool)]
    return others, servers


def add_server_tool(tools: Sequence[Any], server_tool: Mapping[str, Any]) -> list[Any]:
    """`tools` with `server_tool` appended, unless a tool of its type is already there.

    Raises:
        ValueError: A tool of the same type is there with different parameters (from
            `bind_tools` and from `web_search=`, say): which one to send is not ours to guess.

    """
    existing = next(
        (t for t in tools if is_server_tool(t) and t["type"] == server_tool["type"]), None
    )
    if existing is None:
        return [*tools, _copy(server_tool)]
    if dict(existing.get("parameters") or {}) != dict(server_tool.get("parameters") or {}):
        msg = (
            f"Two {server_tool['type']} tools with different parameters: {dict(existing)!r}"
            f" (bound tools) and {dict(server_tool)!r} (web_search). Set web search in one place."
        )
        raise ValueError(msg)
    return list(tools)


def server_tool_choice(tool_choice: Any) -> Any:
    """Rewrite a `tool_choice` naming a server tool into OpenRouter's form.

    `"openrouter:web_search"` and `{"type": "function", "function": {"name":
    "openrouter:web_search"}}` (what LangChain builds from a tool name) become
    `{"type": "openrouter:web_search"}`, which forces that server tool; anything else comes
    back unchanged.
    """
    if isinstance(tool_choice, str) and tool_choice.startswith(SERVER_TOOL_PREFIX):
        return {"type": tool_choice}
    if isinstance(tool_choice, Mapping) and tool_choice.get("type") == "function":
        function = tool_choice.get("function")
        name = function.get("name") if isinstance(function, Mapping) else None
        if isinstance(name, str) and name.startswith(SERVER_TOOL_PREFIX):
            return {"type": name}
    return tool_choice


def _tool(parameters: dict[str, Any]) -> dict[str, Any]:
    for key, value in parameters.items():
        _check(key, value)
    tool: dict[str, Any] = {"type": WEB_SEARCH_TYPE}
    if parameters:
        tool["parameters"] = _copy(parameters)
    return tool


def _check(key: str, value: Any) -> None:
    if key in _CHOICES and value not in _CHOICES[key]:
        msg = f"web_search {key} must be one of {', '.join(_CHOICES[key])}; got {value!r}."
        raise ValueError(msg)
    if key in _RANGES:
        low, high = _RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            msg = f"web_search {key} must be an integer >= {low}; got {value!r}."
            raise ValueError(msg)
        if high is not None and value > high:
            msg = f"web_search {key} must be at most {high} (OpenRouter's limit); got {value!r}."
            raise ValueError(msg)
    if key in ("allowed_domains", "excluded_domains") and (
        isinstance(value, str)
        or not isinstance(value, Sequence)
        or not all(isinstance(domain, str) and domain for domain in value)
    ):
        msg = (
            f"web_search {key} must be a list of domain names such as ['arxiv.org']; got {value!r}."
        )
        raise ValueError(msg)
    if key == "user_location" and not isinstance(value, Mapping):
        msg = (
            "web_search user_location must be a dict such as {'type': 'approximate',"
            f" 'country': 'US'}}; got {value!r}."
        )
        raise ValueError(msg)


def _copy(value: Any) -> Any:
    # Plain dicts and lists: the request body shares nothing with what the caller holds.
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(item) for item in value]
    return value
