"""Cost estimates from the catalogue's list prices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_openrouter_gemini.catalogue.entries import GeminiModel
from langchain_openrouter_gemini.catalogue.lookup import get_model

__all__ = ["estimate_cost", "estimate_cost_for"]

_PER_MILLION = 1_000_000


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return 0
    return int(value)


def estimate_cost(model_id: str | None, usage: Mapping[str, Any]) -> float | None:
    """Estimate the USD cost of one reply from LangChain `usage_metadata`.

    This is an estimate from the catalogue's list prices, for replies that carry no `cost` of
    their own; OpenRouter's reported `cost` is authoritative. Uncached input tokens are billed
    at the prompt price (audio tokens at the audio price), `input_token_details.cache_read` at
    the cache-read price, `cache_creation` at the cache-write price, and all output tokens
    (reasoning included, as LangChain counts it) at the completion price. Above a model's
    long-context threshold the long-context prices apply. An optional non-standard `images`
    count adds the per-image price.

    Args:
        model_id: The model that served the reply (`response_metadata["model_name"]`, which
            names the model even when the request used an alias, a preset or fallbacks).
        usage: A `usage_metadata` dict (`input_tokens`, `output_tokens`, detail dicts).

    Returns:
        USD, or None when the model is unknown (not catalogued, and not in a `GET /models`
        list fetched this process), or no id was given.

    """
    if not model_id:
        return None
    from langchain_openrouter_gemini.catalogue.live import live_model

    try:
        # A model the catalogue lacks is priced from a `/models` list already fetched.
        model = get_model(model_id) or live_model(model_id)
    except ValueError:
        return None
    return None if model is None else estimate_cost_for(model, usage)


def estimate_cost_for(model: GeminiModel, usage: Mapping[str, Any]) -> float:
    """`estimate_cost` for a model already looked up (a catalogue or live `/models` entry)."""
    prices = model.prices
    input_tokens = _count(usage.get("input_tokens"))
    output_tokens = _count(usage.get("output_tokens"))
    input_details = usage.get("input_token_details")
    input_details = input_details if isinstance(input_details, Mapping) else {}
    cache_read = _count(input_details.get("cache_read"))
    cache_write = _count(input_details.get("cache_creation"))
    audio = _count(input_details.get("audio"))

    prompt_price, completion_price = prices.prompt, prices.completion
    cache_read_price = prices.cache_read
    threshold = prices.long_context_threshold
    if threshold is not None and input_tokens > threshold:
        prompt_price = prices.prompt_long or prompt_price
        completion_price = prices.completion_long or completion_price
        cache_read_price = prices.cache_read_long or cache_read_price

    def price_or_prompt(price: float | None) -> float:
        return prompt_price if price is None else price

    plain_input = max(input_tokens - cache_read - cache_write - audio, 0)
    per_million = (
        plain_input * prompt_price
        + cache_read * price_or_prompt(cache_read_price)
        + cache_write * price_or_prompt(prices.cache_write)
        + audio * price_or_prompt(prices.audio)
        + output_tokens * completion_price
    )
    return per_million / _PER_MILLION + _count(usage.get("images")) * (prices.image or 0.0)
