"""The Gemini model catalogue: limits, modalities, prices, reasoning rules, profiles, costs.

The data is `models.json` in this package: OpenRouter `GET /api/v1/models` entries for every
Gemini model OpenRouter lists (checked 2026-12-01), each with an `x_catalogue` note saying
where its facts came from and which fields could not be verified against OpenRouter's own
listing. `openrouter-gemini models --live --write` rewrites it from the live endpoint.

Everything here is static data and pure functions, except `fetch_profile`,
`fetch_models` and `resolve_profile` (with a key), which perform one `GET {base_url}/models`
only when called (never at import).
"""

from __future__ import annotations

from langchain_openrouter_gemini.catalogue.cost import estimate_cost, estimate_cost_for
from langchain_openrouter_gemini.catalogue.endpoint import (
    fetch_profile,
    models_endpoint_payload,
)
from langchain_openrouter_gemini.catalogue.entries import EmbeddingModel, GeminiModel, Prices
from langchain_openrouter_gemini.catalogue.live import (
    CatalogueDiff,
    clear_live_cache,
    diff_catalogue,
    fetch_models,
    reasoning_rules,
    refreshed_document,
    resolve_profile,
)
from langchain_openrouter_gemini.catalogue.lookup import (
    CATALOGUE,
    EMBEDDING_MODELS,
    catalogue_document,
    closest_model_id,
    get_embedding_model,
    get_model,
    model_kind,
)
from langchain_openrouter_gemini.catalogue.profiles import (
    generic_profile,
    model_profile,
    profile_from_models_endpoint,
)
from langchain_openrouter_gemini.wire.request.reasoning_rules import ReasoningRules

__all__ = [
    "CATALOGUE",
    "EMBEDDING_MODELS",
    "CatalogueDiff",
    "EmbeddingModel",
    "GeminiModel",
    "Prices",
    "ReasoningRules",
    "catalogue_document",
    "clear_live_cache",
    "closest_model_id",
    "diff_catalogue",
    "estimate_cost",
    "estimate_cost_for",
    "fetch_models",
    "fetch_profile",
    "generic_profile",
    "get_embedding_model",
    "get_model",
    "model_kind",
    "model_profile",
    "models_endpoint_payload",
    "profile_from_models_endpoint",
    "reasoning_rules",
    "refreshed_document",
    "resolve_profile",
]
