"""Deterministic token counts and OpenRouter's `usage` object (with cost) for emulated replies."""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["estimate_prompt_tokens", "text_tokens", "usage_object"]

# Rough per-part costs in tokens; Gemini's real rules (258 per image tile, 32 per audio second)
# need the media decoded, which an emulator has no reason to do.
_PART_TOKENS = {"image_url": 258, "file": 258, "input_audio": 160, "video_url": 263}
_PER_MESSAGE = 4
# Gemini 2.5 Flash on OpenRouter, USD per token: the fallback when the catalogue is missing.
_FALLBACK_PRICES = (0.30e-6, 2.50e-6)


def text_tokens(text: str | None) -> int:
    """Tokens for a piece of text: one per four characters, at least one when non-empty.

    Args:
        text: The text.

    Returns:
        The estimate.

    """
    if not text:
        return 0
    return max(1, len(text) // 4)


def estimate_prompt_tokens(body: Mapping[str, Any]) -> int:
    """Prompt tokens for a request: its texts, media parts and tool schemas.

    Args:
        body: The chat completions request body.

    Returns:
        The estimate (the same for the same body).

    """
    total = 0
    for message in body.get("messages") or []:
        if not isinstance(message, Mapping):
            continue
        total += _PER_MESSAGE
        content = message.get("content")
        if isinstance(content, str):
            total += text_tokens(content)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, Mapping):
                    kind = str(part.get("type"))
                    total += text_tokens(part.get("text")) if kind == "text" else 0
                    total += _PART_TOKENS.get(kind, 0)
        for call in message.get("tool_calls") or []:
            total += text_tokens(json.dumps(call))
    if body.get("tools"):
        total += text_tokens(json.dumps(body["tools"]))
    return total


@functools.lru_cache(maxsize=64)
def _prices(model: str) -> tuple[float, float]:
    """USD per prompt token and per completion token for `model`."""
    try:
        # Imported lazily and by name: the catalogue is optional for the emulator.
        estimate_cost = importlib.import_module(
            "langchain_openrouter_gemini.catalogue"
        ).estimate_cost
    except (ImportError, AttributeError):
        return _FALLBACK_PRICES
    try:
        per_million_in = estimate_cost(model, _usage_metadata(1_000_000, 0))
        per_million_out = estimate_cost(model, _usage_metadata(0, 1_000_000))
    except Exception:  # the catalogue is someone else's module: never let it break a reply
        return _FALLBACK_PRICES
    if per_million_in is None or per_million_out is None:
        return _FALLBACK_PRICES
    return per_million_in / 1_000_000, per_million_out / 1_000_000


def _usage_metadata(input_tokens: int, output_tokens: int) -> dict[str, int]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
    }


def usage_object(
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    *,
    reasoning_tokens: int = 0,
    image_tokens: int = 0,
    cached_tokens: int = 0,
    cache_write_tokens: int = 0,
    cost: float | None = None,
    billing: str = "credits",
) -> dict[str, Any]:
    """OpenRouter's `usage` object, with cost from the catalogue's prices.

    Args:
        model: The model id (prices are looked up for it).
        prompt_tokens: Prompt tokens.
        completion_tokens: Completion tokens (reasoning and image tokens included).
        reasoning_tokens: `completion_tokens_details.reasoning_tokens`.
        image_tokens: `completion_tokens_details.image_tokens`.
        cached_tokens: `prompt_tokens_details.cached_tokens`.
        cache_write_tokens: `prompt_tokens_details.cache_write_tokens`.
        cost: Overrides the computed cost (USD).
        billing: `"credits"` (OpenRouter bills: `cost`, `upstream_inference_cost: null`),
            `"byok"` (the user's provider key: `cost: 0`, `is_byok: true`, the upstream cost
            in `cost_details`) or `"unknown"` (no cost fields at all).

    Returns:
        The `usage` object.

    """
    price_in, price_out = _prices(model)
    prompt_cost = round(prompt_tokens * price_in, 10)
    completion_cost = round(completion_tokens * price_out, 10)
    total_cost = round(prompt_cost + completion_cost, 10) if cost is None else cost
    usage: dict[str, Any] = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
    if billing != "unknown":
        usage["cost"] = 0 if billing == "byok" else total_cost
        usage["is_byok"] = billing == "byok"
    usage.update(_token_details(cached_tokens, cache_write_tokens, reasoning_tokens, image_tokens))
    if billing != "unknown":
        usage["cost_details"] = {
            # OpenRouter fills the upstream total only when the user's own key paid upstream.
            "upstream_inference_cost": total_cost if billing == "byok" else None,
            "upstream_inference_prompt_cost": prompt_cost,
            "upstream_inference_completions_cost": completion_cost,
        }
    return usage


def _token_details(
    cached_tokens: int, cache_write_tokens: int, reasoning_tokens: int, image_tokens: int
) -> dict[str, Any]:
    return {
        "prompt_tokens_details": {
            "cached_tokens": cached_tokens,
            "cache_write_tokens": cache_write_tokens,
            "audio_tokens": 0,
            "video_tokens": 0,
        },
        "completion_tokens_details": {
            "reasoning_tokens": reasoning_tokens,
            "image_tokens": image_tokens,
            "audio_tokens": 0,
        },
    }
