"""The emulator's `GET /generation?id=...` records, in the shape OpenRouter documents.

Every field OpenRouter's API reference lists as always present is there, with values taken
from the reply the emulator served (model, provider, tokens, cost, finish reasons, search
count) and the request (session id, user, streamed or not). Times are the emulator's own: it
does not think, so `generation_time` is a nominal 5 ms per completion token.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from typing import Any

from langchain_openrouter_gemini.testing.render import Rendered

__all__ = ["generation_record"]

_MS_PER_TOKEN = 5
_OVERHEAD_MS = 40


def generation_record(
    rendered: Rendered, streamed: bool, body: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The `data` object `GET /generation` returns for a reply the emulator served."""
    body = body or {}
    usage = rendered.usage
    prompt_details = usage.get("prompt_tokens_details") or {}
    completion_details = usage.get("completion_tokens_details") or {}
    searches = (usage.get("server_tool_use_details") or {}).get("web_search_requests") or 0
    generation_ms = max(1, _MS_PER_TOKEN * int(usage.get("completion_tokens") or 0))
    session = body.get("session_id")
    user = body.get("user")
    return {
        "id": rendered.id,
        "upstream_id": f"emulated-{rendered.id}",
        "request_id": f"req-{rendered.id.removeprefix('gen-')}",
        "api_type": "completions",
        "total_cost": usage.get("cost") or 0.0,
        "usage": usage.get("cost") or 0.0,
        "upstream_inference_cost": (usage.get("cost_details") or {}).get("upstream_inference_cost"),
        "cache_discount": _cache_discount(rendered.model, usage),
        "is_byok": bool(usage.get("is_byok")),
        "created_at": dt.datetime.fromtimestamp(rendered.created, dt.timezone.utc).isoformat(),
        "model": rendered.model,
        "app_id": None,
        "streamed": streamed,
        "cancelled": False,
        "provider_name": rendered.provider,
        "latency": generation_ms + _OVERHEAD_MS,
        "moderation_latency": None,
        "generation_time": generation_ms,
        "finish_reason": rendered.finish_reason,
        "native_finish_reason": rendered.native_finish_reason,
        "service_tier": rendered.service_tier,
        "tokens_prompt": usage.get("prompt_tokens"),
        "tokens_completion": usage.get("completion_tokens"),
        "native_tokens_prompt": usage.get("prompt_tokens"),
        "native_tokens_completion": usage.get("completion_tokens"),
        "native_tokens_completion_images": completion_details.get("image_tokens") or 0,
        "native_tokens_reasoning": completion_details.get("reasoning_tokens") or 0,
        "native_tokens_cached": prompt_details.get("cached_tokens") or 0,
        "num_media_prompt": None,
        "num_input_audio_prompt": None,
        "num_media_completion": len(rendered.images) or None,
        "num_search_results": searches * 5 if searches else None,
        "num_fetches": None,
        "web_search_engine": "exa" if searches else None,
        "session_id": session if isinstance(session, str) else None,
        "external_user": user if isinstance(user, str) else None,
        "origin": "",
        "router": None,
        "preset_id": None,
        "data_region": "global",
        "provider_responses": None,
    }


def _cache_discount(model: str, usage: Mapping[str, Any]) -> float | None:
    """What the cache saved, by the catalogue's prices; `None` without a cache hit."""
    cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
    written = (usage.get("prompt_tokens_details") or {}).get("cache_write_tokens") or 0
    if cached <= written:
        return None
    try:
        # Imported by name: the emulator runs without the rest of the package if need be.
        caching = importlib.import_module("langchain_openrouter_gemini.features.caching")
        metadata = {
            "input_tokens": usage.get("prompt_tokens") or 0,
            "input_token_details": {"cache_read": cached, "cache_creation": written},
        }
        saved = caching.estimate_cache_savings(model, metadata)
    except (ImportError, AttributeError):
        return None
    return None if saved is None else round(float(saved), 10)
