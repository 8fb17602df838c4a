"""Gemini prompt caching on OpenRouter: where the breakpoint goes, and what a hit saved.

OpenRouter's rules for Gemini (its prompt caching guide): a `cache_control` breakpoint on a
text part marks the end of the prefix to cache; only the LAST breakpoint of a request counts
for Gemini (more are harmless, and keep a request portable to Anthropic); the first system
message becomes Gemini's `systemInstruction`, which a cache treats as immutable; a cache write
lives 5 minutes and is not extended by hits (the `"1h"` TTL is Anthropic's). Cached tokens
are billed at the model's cache-read price (the catalogue's `Prices.cache_read`, a tenth of
the input price in its list prices; OpenRouter's guide still says a quarter). Gemini 2.5
and newer also cache implicitly, without breakpoints, once a prompt passes the minimum size
(1,024 tokens on 2.5 Flash, 4,096 on 2.5 Pro).

Requests that share a cache must reach the same provider: OpenRouter routes them there by
itself after a cache hit, and from the first request when they share a `session_id`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from langchain_openrouter_gemini.catalogue import get_model
from langchain_openrouter_gemini.model_ids import is_gemini

__all__ = [
    "CACHE_TTLS",
    "CacheTTL",
    "cache_hit_tokens",
    "estimate_cache_savings",
    "mark_cache_breakpoint",
]

CacheTTL = Literal["5m", "1h"]
CACHE_TTLS: Final = ("5m", "1h")
_PER_MILLION = 1_000_000


def mark_cache_breakpoint(
    wire: list[dict[str, Any]],
    messages: Sequence[BaseMessage],
    *,
    model: str,
    ttl: CacheTTL | None = None,
) -> None:
    """Put the request's one cache breakpoint on the prompt prefix Gemini can cache.

    The breakpoint goes on the last text part of the first system message (Gemini's
    `systemInstruction`), or of the first user message when there is no system message. A
    request that already carries a `cache_control` anywhere is left alone: the user placed
    the breakpoint, and Gemini only honours one.

    Args:
        wire: The request's `messages` array, changed in place.
        messages: The LangChain messages it was built from (same order).
        model: The model id the request is for.
        ttl: `"5m"` or `"1h"`; omitted, OpenRouter's default (5 minutes). Gemini's cache
            lasts 5 minutes whatever is asked, so `"1h"` on a Gemini model warns.

    Raises:
        ValueError: `ttl` is not `"5m"` or `"1h"`.

    """
    if ttl is not None and ttl not in CACHE_TTLS:
        msg = f"cache_ttl must be '5m' or '1h' (OpenRouter's cache TTLs), got {ttl!r}."
        raise ValueError(msg)
    if ttl == "1h" and is_gemini(model):
        warnings.warn(
            f"cache_ttl='1h' has no effect on {model}: Gemini cache writes on OpenRouter last"
            " 5 minutes and are not extended by hits. The 1-hour TTL applies to Anthropic"
            " models (e.g. a `models` fallback).",
            UserWarning,
            stacklevel=4,
        )
    if any(_has_breakpoint(entry) for entry in wire):
        return
    target = _first(messages, SystemMessage)
    if target is None:
        target = _first(messages, HumanMessage)
    if target is None:
        return
    control: dict[str, Any] = {"type": "ephemeral"}
    if ttl is not None:
        control["ttl"] = ttl
    entry = wire[target]
    content = entry.get("content")
    if isinstance(content, str):
        entry["content"] = [{"type": "text", "text": content, "cache_control": control}]
    elif isinstance(content, list):
        texts = [part for part in content if isinstance(part, dict) and part.get("type") == "text"]
        if texts:
            texts[-1]["cache_control"] = control


def cache_hit_tokens(usage: Mapping[str, Any]) -> int:
    """Prompt tokens read from the cache in one reply (LangChain `usage_metadata`).

    OpenRouter has been seen reporting a first cache write with `cached_tokens` equal to
    `cache_write_tokens`: those tokens were written, not read, so they are not counted.
    """
    details = usage.get("input_token_details")
    if not isinstance(details, Mapping):
        return 0
    read = _count(details.get("cache_read"))
    written = _count(details.get("cache_creation"))
    return max(read - written, 0)


def estimate_cache_savings(model_id: str | None, usage: Mapping[str, Any]) -> float | None:
    """USD a reply saved by reading its prompt from the cache, from catalogue prices.

    The cache hit tokens (see `cache_hit_tokens`) times the difference between the model's
    input price and its cache-read price (long-context prices above the threshold). The exact
    figure OpenRouter billed is `cache_discount` in `get_generation(...)`.

    Returns:
        USD (0.0 without a hit), or `None` when the model or its cache price is unknown.

    """
    hits = cache_hit_tokens(usage)
    if not hits:
        return 0.0
    try:
        model = get_model(model_id) if model_id else None
    except ValueError:
        return None
    cache_read = model.prices.cache_read if model is not None else None
    if model is None or cache_read is None:
        return None
    prices = model.prices
    prompt_price = prices.prompt
    threshold = prices.long_context_threshold
    if threshold is not None and _count(usage.get("input_tokens")) > threshold:
        prompt_price = prices.prompt_long or prompt_price
    return max(prompt_price - cache_read, 0.0) * hits / _PER_MILLION


def _has_breakpoint(entry: Mapping[str, Any]) -> bool:
    content = entry.get("content")
    return isinstance(content, list) and any(
        isinstance(part, dict) and "cache_control" in part for part in content
    )


def _first(messages: Sequence[BaseMessage], kind: type[BaseMessage]) -> int | None:
    return next((i for i, message in enumerate(messages) if isinstance(message, kind)), None)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return max(int(value), 0)
