"""OpenRouter `usage` objects to LangChain usage metadata and cost fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from langchain_core.messages.ai import InputTokenDetails, OutputTokenDetails, UsageMetadata

__all__ = ["cost_fields", "server_tool_use", "usage_to_metadata"]


def _int(value: Any) -> int | None:
    # Fuzzed or odd replies may carry floats or strings; only whole numbers count.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _details(raw: Any, mapping: Mapping[str, str]) -> dict[str, int]:
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, int] = {}
    for wire_key, lc_key in mapping.items():
        value = _int(raw.get(wire_key))
        if value is not None:
            out[lc_key] = value
    return out


_INPUT_DETAILS = {
    "cached_tokens": "cache_read",
    "cache_write_tokens": "cache_creation",
    "audio_tokens": "audio",
    "video_tokens": "video",
}
_OUTPUT_DETAILS = {
    "reasoning_tokens": "reasoning",
    "audio_tokens": "audio",
    "image_tokens": "image",
}


def usage_to_metadata(usage: Mapping[str, Any]) -> UsageMetadata:
    """Convert OpenRouter's `usage` object to LangChain's `UsageMetadata`.

    OpenRouter counts reasoning tokens inside `completion_tokens`, which is also
    LangChain's convention, so no arithmetic is needed beyond a missing total.
    """
    input_tokens = _int(usage.get("prompt_tokens")) or 0
    output_tokens = _int(usage.get("completion_tokens")) or 0
    total = _int(usage.get("total_tokens"))
    # langchain-core marks the detail keys NotRequired, but mypy (3.10 target) reads the
    # TypedDict as total; build it as a plain dict.
    metadata = cast(
        UsageMetadata,
        {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": total if total is not None else input_tokens + output_tokens,
        },
    )
    if input_details := _details(usage.get("prompt_tokens_details"), _INPUT_DETAILS):
        metadata["input_token_details"] = cast(InputTokenDetails, input_details)
    if output_details := _details(usage.get("completion_tokens_details"), _OUTPUT_DETAILS):
        metadata["output_token_details"] = cast(OutputTokenDetails, output_details)
    return metadata


def cost_fields(usage: Mapping[str, Any]) -> dict[str, Any]:
    """Pick the billing fields (`cost`, `cost_details`, `is_byok`) out of a `usage` object."""
    out: dict[str, Any] = {}
    cost = usage.get("cost")
    if isinstance(cost, (int, float)) and not isinstance(cost, bool):
        out["cost"] = float(cost)
    if isinstance(usage.get("cost_details"), Mapping):
        out["cost_details"] = dict(usage["cost_details"])
    if isinstance(usage.get("is_byok"), bool):
        out["is_byok"] = usage["is_byok"]
    if tools := server_tool_use(usage):
        out["server_tool_use"] = tools
    return out


_SERVER_TOOL_COUNTS = ("web_search_requests", "tool_calls_requested", "tool_calls_executed")


def server_tool_use(usage: Mapping[str, Any]) -> dict[str, int]:
    """Server-tool counts (`web_search_requests`, ...) from a `usage` object, as ints.

    Chat Completions names the object `server_tool_use_details`; the Responses API (and some
    replies) `server_tool_use`. Counts that are missing, null or not whole numbers are left
    out. OpenRouter notes `web_search_requests` may also be in `tool_calls_requested`: the
    two are reported side by side, never added.
    """
    raw = usage.get("server_tool_use_details")
    if not isinstance(raw, Mapping):
        raw = usage.get("server_tool_use")
    return _details(raw, {key: key for key in _SERVER_TOOL_COUNTS})
