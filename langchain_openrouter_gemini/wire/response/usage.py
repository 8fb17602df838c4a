"""OpenRouter `usage` objects to LangChain usage metadata and cost fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from langchain_core.messages.ai import InputTokenDetails, OutputTokenDetails, UsageMetadata

__all__ = ["cost_fields", "input_token_details", "server_tool_use", "usage_to_metadata", "usd"]


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

    `input_token_details` never adds up to more than `input_tokens` (see
    `input_token_details`): cost calculators price each detail as a separate slice of the
    prompt, so overlapping counts would bill tokens twice.
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
    if input_details := input_token_details(usage.get("prompt_tokens_details"), input_tokens):
        metadata["input_token_details"] = cast(InputTokenDetails, input_details)
    if output_details := _details(usage.get("completion_tokens_details"), _OUTPUT_DETAILS):
        metadata["output_token_details"] = cast(OutputTokenDetails, output_details)
    return metadata


def input_token_details(raw: Any, input_tokens: int) -> dict[str, int]:
    """LangChain's `input_token_details` from `prompt_tokens_details`, never more than the prompt.

    OpenRouter's counts can overlap: a first cache write was reported as
    `cached_tokens: 2161` and `cache_write_tokens: 2161` out of `prompt_tokens: 2168`. The rule:

    1. A count is never negative nor larger than `input_tokens`.
    2. When `cached_tokens + cache_write_tokens` exceed `input_tokens`, `cached_tokens` is read
       as including the tokens just written: `cache_creation` is `cache_write_tokens` and
       `cache_read` is `cached_tokens - cache_write_tokens` (at least 0). The example above
       gives `cache_creation` 2161 and `cache_read` 0.
    3. `audio` and `video` (modalities, which may also be cached) get what room is left after
       the cache counts, which change the price, in that order.

    So the details always add up to at most `input_tokens`. OpenRouter's own counts stay
    unchanged in `llm_output["token_usage"]`.

    Args:
        raw: The `prompt_tokens_details` object (anything else gives no details).
        input_tokens: The prompt's token count.

    Returns:
        The details present in `raw`, under LangChain's names.

    """
    details = {
        key: min(max(value, 0), input_tokens)
        for key, value in _details(raw, _INPUT_DETAILS).items()
    }
    read, write = details.get("cache_read", 0), details.get("cache_creation", 0)
    if read + write > input_tokens:
        details["cache_read"] = max(read - write, 0)
    room = input_tokens - details.get("cache_read", 0) - details.get("cache_creation", 0)
    for key in ("audio", "video"):
        if key in details:
            details[key] = min(details[key], room)
            room -= details[key]
    return details


def cost_fields(usage: Mapping[str, Any]) -> dict[str, Any]:
    """Pick the billing fields out of a `usage` object, saying plainly what is not known.

    - `cost`: USD OpenRouter billed for the request, or None when the reply carries no
      `cost` (seen on real replies): unknown, which is not the same as free.
    - `upstream_cost`: USD the upstream provider charged (`cost_details.upstream_inference_cost`),
      when reported. On a BYOK request (`is_byok`) OpenRouter bills (nearly) nothing and this
      is what your own provider account pays.
    - `cost_details` and `is_byok`, as sent.
    """
    out: dict[str, Any] = {"cost": usd(usage.get("cost"))}
    details = usage.get("cost_details")
    if isinstance(details, Mapping):
        out["cost_details"] = dict(details)
        if (upstream := usd(details.get("upstream_inference_cost"))) is not None:
            out["upstream_cost"] = upstream
    if isinstance(usage.get("is_byok"), bool):
        out["is_byok"] = usage["is_byok"]
    if tools := server_tool_use(usage):
        out["server_tool_use"] = tools
    return out


def usd(value: Any) -> float | None:
    """A USD amount as a float, or None for anything that is not a number (missing, null)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


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
