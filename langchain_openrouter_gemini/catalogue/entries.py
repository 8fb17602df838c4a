"""The catalogue's record types, and reading them from OpenRouter's `/models` entries.

One parser serves the bundled data file (`models.json`, written in `/models` form) and
live `GET /models` replies, so the two cannot drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from langchain_openrouter_gemini.wire.request.reasoning_rules import ReasoningRules

__all__ = ["EmbeddingModel", "GeminiModel", "Prices", "embedding_from_entry", "model_from_entry"]

_PER_MILLION = 1_000_000


@dataclass(frozen=True)
class Prices:
    """USD prices; token prices are per million tokens, `image` is per input image.

    `None` means unknown: the estimate then falls back to the prompt price for that item.
    """

    prompt: float
    completion: float
    cache_read: float | None = None
    cache_write: float | None = None
    audio: float | None = None
    image: float | None = None
    # Gemini's Pro models charge more once the prompt exceeds this many tokens
    # (OpenRouter's `pricing.overrides[].min_prompt_tokens`).
    long_context_threshold: int | None = None
    prompt_long: float | None = None
    completion_long: float | None = None
    cache_read_long: float | None = None
    internal_reasoning: float | None = None
    """Per million reasoning tokens, when OpenRouter lists it (it equals `completion`)."""


@dataclass(frozen=True)
class GeminiModel:
    """One Gemini chat model as OpenRouter serves it."""

    id: str
    name: str
    context_window: int
    max_output_tokens: int | None
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    supports_tools: bool
    supports_structured_output: bool
    supports_reasoning: bool
    prices: Prices
    created: str | None = None
    """ISO date the model was added to OpenRouter, when known."""
    reasoning: ReasoningRules | None = None
    """OpenRouter's per-model reasoning rules (mandatory, supported efforts)."""
    supported_parameters: tuple[str, ...] = ()
    canonical_slug: str | None = None
    expiration_date: str | None = None
    unverified: tuple[str, ...] = ()
    """Fields (dotted `/models` paths) not verified against OpenRouter's own listing."""
    source: str | None = None


@dataclass(frozen=True)
class EmbeddingModel:
    """One Gemini embedding model as OpenRouter serves it (`POST /embeddings`)."""

    id: str
    name: str
    context_window: int
    price_per_million: float
    """USD per million input tokens."""
    default_dimensions: int | None
    supported_dimensions: tuple[int, ...]
    created: str | None = None
    unverified: tuple[str, ...] = ()
    source: str | None = None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def positive_int(value: Any) -> int | None:
    """`value` when it is a positive int (not a bool), else None."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def release_date(created: Any) -> str | None:
    """The ISO date of a `/models` `created` Unix timestamp."""
    if isinstance(created, (int, float)) and not isinstance(created, bool) and created > 0:
        return datetime.fromtimestamp(created, tz=timezone.utc).date().isoformat()
    return None


def _price(value: Any, scale: int = _PER_MILLION) -> float | None:
    # Prices arrive as decimal strings of USD per token ("0.0000003"); "-1" marks dynamic
    # routers. Decimal keeps "0.0000003" * 1e6 at exactly 0.3.
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    return float(number * scale)


def _long_context(overrides: Any) -> dict[str, Any]:
    for override in overrides if isinstance(overrides, list) else ():
        override = _mapping(override)
        threshold = positive_int(override.get("min_prompt_tokens"))
        if threshold is None or "utc_start" in override:
            continue
        return {
            "long_context_threshold": threshold,
            "prompt_long": _price(override.get("prompt")),
            "completion_long": _price(override.get("completion")),
            "cache_read_long": _price(override.get("input_cache_read")),
        }
    return {}


def prices_from_pricing(pricing: Mapping[str, Any]) -> Prices:
    """Read `/models` `pricing` (USD per token strings) into per-million `Prices`."""
    return Prices(
        prompt=_price(pricing.get("prompt")) or 0.0,
        completion=_price(pricing.get("completion")) or 0.0,
        cache_read=_price(pricing.get("input_cache_read")),
        cache_write=_price(pricing.get("input_cache_write")),
        audio=_price(pricing.get("audio")),
        image=_price(pricing.get("image"), scale=1),
        internal_reasoning=_price(pricing.get("internal_reasoning")),
        **_long_context(pricing.get("overrides")),
    )


def model_from_entry(entry: Mapping[str, Any]) -> GeminiModel:
    """Build a `GeminiModel` from one `data[]` entry of `GET /models`.

    Raises:
        ValueError: The entry has no string `id`.

    """
    model_id = entry.get("id")
    if not isinstance(model_id, str) or not model_id:
        raise ValueError(f"A /models entry without an id: {dict(entry)!r:.200}")
    architecture = _mapping(entry.get("architecture"))
    top = _mapping(entry.get("top_provider"))
    parameters = _strings(entry.get("supported_parameters"))
    annotations = _mapping(entry.get("x_catalogue"))
    slug = entry.get("canonical_slug")
    expires = entry.get("expiration_date")
    return GeminiModel(
        id=model_id,
        name=str(entry.get("name") or model_id),
        context_window=positive_int(entry.get("context_length")) or 0,
        max_output_tokens=positive_int(top.get("max_completion_tokens")),
        input_modalities=_strings(architecture.get("input_modalities")),
        output_modalities=_strings(architecture.get("output_modalities")),
        supports_tools="tools" in parameters,
        supports_structured_output="structured_outputs" in parameters,
        supports_reasoning="reasoning" in parameters,
        prices=prices_from_pricing(_mapping(entry.get("pricing"))),
        created=release_date(entry.get("created")),
        reasoning=ReasoningRules.from_models_endpoint(entry.get("reasoning")),
        supported_parameters=parameters,
        canonical_slug=slug if isinstance(slug, str) else None,
        expiration_date=expires if isinstance(expires, str) else None,
        unverified=_strings(annotations.get("unverified")),
        source=annotations.get("source") if isinstance(annotations.get("source"), str) else None,
    )


def embedding_from_entry(entry: Mapping[str, Any]) -> EmbeddingModel:
    """Build an `EmbeddingModel` from one `/models` entry (`output_modalities: embeddings`)."""
    model = model_from_entry(entry)
    dimensions = _mapping(_mapping(entry.get("x_catalogue")).get("dimensions"))
    supported = dimensions.get("supported")
    return EmbeddingModel(
        id=model.id,
        name=model.name,
        context_window=model.context_window,
        price_per_million=model.prices.prompt,
        default_dimensions=positive_int(dimensions.get("default")),
        supported_dimensions=tuple(d for d in supported if positive_int(d) is not None)
        if isinstance(supported, list)
        else (),
        created=model.created,
        unverified=model.unverified,
        source=model.source,
    )


def is_embedding_entry(entry: Mapping[str, Any]) -> bool:
    """Whether a `/models` entry describes an embedding model."""
    outputs = _strings(_mapping(entry.get("architecture")).get("output_modalities"))
    return "embeddings" in outputs
