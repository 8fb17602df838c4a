"""The Gemini catalogue: lookups, profiles, the /models shape and cost estimates."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from langchain_core.language_models.model_profile import ModelProfile

from langchain_openrouter_gemini.catalogue import (
    CATALOGUE,
    estimate_cost,
    fetch_profile,
    get_model,
    model_profile,
    models_endpoint_payload,
    profile_from_models_endpoint,
)


@pytest.mark.parametrize(
    ("model_id", "expected_id"),
    [
        ("google/gemini-2.5-flash", "google/gemini-2.5-flash"),
        ("gemini-2.5-flash", "google/gemini-2.5-flash"),
        ("openrouter:google/gemini-2.5-pro", "google/gemini-2.5-pro"),
        ("google/gemini-2.5-flash:nitro", "google/gemini-2.5-flash"),
        ("google/gemini-2.5-flash:floor:online", "google/gemini-2.5-flash"),
        ("google/gemini-3-pro-preview-20251117", "google/gemini-3-pro-preview"),
        ("google/gemini-2.5-flash:free", "google/gemini-2.5-flash:free"),
    ],
)
def test_get_model_normalises_ids(model_id: str, expected_id: str) -> None:
    model = get_model(model_id)
    assert model is not None
    assert model.id == expected_id


@pytest.mark.parametrize(
    "model_id", ["openai/gpt-4o", "google/gemini-9-ultra", "google/x-20251117"]
)
def test_unknown_models_are_none(model_id: str) -> None:
    assert get_model(model_id) is None
    assert model_profile(model_id) == {}
    assert estimate_cost(model_id, {"input_tokens": 10, "output_tokens": 10}) is None


def test_bad_id_raises_a_clear_error() -> None:
    with pytest.raises(ValueError, match="empty or contains spaces"):
        get_model("  ")


def test_seed_page_facts() -> None:
    preview = get_model("google/gemini-2.5-flash-preview")
    assert preview is not None
    assert (preview.prices.prompt, preview.prices.completion) == (0.15, 0.60)
    assert preview.prices.image == pytest.approx(0.619 / 1000)
    assert preview.context_window == 1_048_576
    assert preview.created == "2025-04-17"
    flash = get_model("google/gemini-2.5-flash")
    assert flash is not None
    assert flash.context_window == 1_048_576


def test_free_variant_costs_nothing() -> None:
    usage = {"input_tokens": 5000, "output_tokens": 2000, "images": 3}
    assert estimate_cost("google/gemini-2.5-flash:free", usage) == 0.0
    assert estimate_cost("google/gemini-2.5-flash", usage)


def test_catalogue_ids_are_unique_and_gemini() -> None:
    ids = [model.id for model in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert all(model_id.startswith("google/gemini-") for model_id in ids)


def test_profile_uses_only_model_profile_keys() -> None:
    declared = set(ModelProfile.__annotations__)
    for model in CATALOGUE:
        profile = model_profile(model.id)
        assert set(profile) <= declared, set(profile) - declared


def test_profile_of_gemini_2_5_flash() -> None:
    profile = model_profile("gemini-2.5-flash")
    assert profile["max_input_tokens"] == 1_048_576
    assert profile["max_output_tokens"] == 65_535
    for key in ("image_inputs", "pdf_inputs", "audio_inputs", "video_inputs", "tool_calling"):
        assert profile[key] is True, key
    assert profile["structured_output"] is True
    assert profile["reasoning_output"] is True
    assert profile["image_outputs"] is False


def test_payload_has_openrouters_models_shape() -> None:
    payload = models_endpoint_payload()
    assert set(payload) == {"data"}
    json.dumps(payload)  # it is served as-is
    for entry in payload["data"]:
        assert isinstance(entry["created"], int)
        assert isinstance(entry["context_length"], int)
        assert set(entry["architecture"]) >= {"input_modalities", "output_modalities", "modality"}
        assert isinstance(entry["top_provider"]["max_completion_tokens"], int)
        pricing = entry["pricing"]
        for key, value in pricing.items():
            if key == "overrides":  # OpenRouter's conditional (long-context) prices
                assert all(isinstance(o["min_prompt_tokens"], int) for o in value)
                assert all(isinstance(o["prompt"], str) for o in value)
            else:
                assert isinstance(value, str), key
        assert "e" not in pricing["prompt"]  # plain decimals, as OpenRouter writes them


def test_payload_prices_are_usd_per_token() -> None:
    entries = {entry["id"]: entry for entry in models_endpoint_payload()["data"]}
    pricing = entries["google/gemini-2.5-flash-preview"]["pricing"]
    assert float(pricing["prompt"]) == pytest.approx(0.15e-6)
    assert float(pricing["completion"]) == pytest.approx(0.60e-6)
    assert float(pricing["image"]) == pytest.approx(0.000619)
    # An unknown price is omitted rather than written as a free "0".
    assert "input_cache_write" not in pricing


@pytest.mark.parametrize("model", CATALOGUE, ids=lambda m: m.id)
def test_profile_round_trips_through_the_models_endpoint(model: Any) -> None:
    entry = next(e for e in models_endpoint_payload()["data"] if e["id"] == model.id)
    from_endpoint = profile_from_models_endpoint(entry)
    from_table = model_profile(model.id)
    shared = set(from_endpoint) & set(from_table)
    assert shared >= {"max_input_tokens", "max_output_tokens", "tool_calling", "image_inputs"}
    assert {k: from_endpoint[k] for k in shared} == {k: from_table[k] for k in shared}


def test_profile_from_a_sparse_endpoint_entry() -> None:
    entry = {
        "id": "google/gemma-3-27b-it",
        "name": "Google: Gemma 3 27B",
        "context_length": 131072,
        "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]},
        "supported_parameters": ["temperature", "response_format"],
    }
    profile = profile_from_models_endpoint(entry)
    assert profile["max_input_tokens"] == 131072
    assert "max_output_tokens" not in profile
    assert profile["image_inputs"] is True
    assert profile["pdf_inputs"] is False
    assert profile["tool_calling"] is False
    assert profile["structured_output"] is False


def test_profile_from_endpoint_rejects_non_mappings() -> None:
    with pytest.raises(TypeError, match="data\\[\\]"):
        profile_from_models_endpoint(["not", "a", "dict"])  # type: ignore[arg-type]


def _mock_client(payload: Any, seen: list[httpx2.Request], status: int = 200) -> httpx2.Client:
    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(status, json=payload)

    return httpx2.Client(transport=httpx2.MockTransport(handler))


def test_fetch_profile_reads_the_models_endpoint() -> None:
    seen: list[httpx2.Request] = []
    entry = {
        "id": "google/gemini-9-flash",
        "name": "Google: Gemini 9 Flash",
        "context_length": 2_000_000,
        "architecture": {
            "input_modalities": ["text", "image", "file"],
            "output_modalities": ["text"],
        },
        "top_provider": {"max_completion_tokens": 100_000},
        "supported_parameters": ["tools", "tool_choice", "structured_outputs", "reasoning"],
    }
    with _mock_client({"data": [entry]}, seen) as client:
        profile = fetch_profile(
            "google/gemini-9-flash:nitro", "http://127.0.0.1:9/api/v1/", "sk-or-x", client=client
        )
    assert str(seen[0].url) == "http://127.0.0.1:9/api/v1/models"
    assert seen[0].headers["authorization"] == "Bearer sk-or-x"
    assert profile["max_input_tokens"] == 2_000_000
    assert profile["max_output_tokens"] == 100_000
    assert profile["tool_calling"] is True
    assert profile["audio_inputs"] is False


def test_fetch_profile_of_an_unlisted_model_is_empty() -> None:
    seen: list[httpx2.Request] = []
    with _mock_client(models_endpoint_payload(), seen) as client:
        assert fetch_profile("openai/gpt-4o", "http://127.0.0.1:9/api/v1", client=client) == {}
        found = fetch_profile("google/gemini-2.5-pro", "http://127.0.0.1:9/api/v1", client=client)
    assert "authorization" not in seen[0].headers
    assert found == model_profile("google/gemini-2.5-pro")


def test_fetch_profile_errors() -> None:
    with _mock_client({"error": "nope"}, []) as client, pytest.raises(ValueError, match="base_url"):
        fetch_profile("google/gemini-2.5-pro", "http://127.0.0.1:9/api/v1", client=client)
    with (
        _mock_client({"error": {"code": 500}}, [], status=500) as client,
        pytest.raises(httpx2.HTTPStatusError),
    ):
        fetch_profile("google/gemini-2.5-pro", "http://127.0.0.1:9/api/v1", client=client)


@pytest.mark.parametrize(
    ("model_id", "usage", "expected"),
    [
        # 1M input at $0.30/M plus 1M output at $2.50/M.
        ("google/gemini-2.5-flash", {"input_tokens": 1_000_000, "output_tokens": 1_000_000}, 2.80),
        # Cached tokens are billed at the cache-read price, the rest at the prompt price.
        (
            "google/gemini-2.5-flash",
            {
                "input_tokens": 1_000_000,
                "output_tokens": 0,
                "input_token_details": {"cache_read": 400_000},
            },
            0.6 * 0.30 + 0.4 * 0.03,
        ),
        # Reasoning is part of output_tokens and billed once, at the completion price.
        (
            "google/gemini-2.5-flash-preview",
            {"input_tokens": 0, "output_tokens": 1000, "output_token_details": {"reasoning": 800}},
            1000 * 0.60e-6,
        ),
        # Audio tokens at the audio price.
        (
            "google/gemini-2.5-flash",
            {"input_tokens": 1000, "output_tokens": 0, "input_token_details": {"audio": 1000}},
            1000 * 1.00e-6,
        ),
        # Images at the per-image price (seed page: $0.619 per thousand).
        (
            "google/gemini-2.5-flash-preview",
            {"input_tokens": 0, "output_tokens": 0, "images": 1000},
            0.619,
        ),
        # Above 200K prompt tokens Pro models charge the long-context prices.
        ("google/gemini-2.5-pro", {"input_tokens": 200_000, "output_tokens": 0}, 0.25),
        ("google/gemini-2.5-pro", {"input_tokens": 400_000, "output_tokens": 100_000}, 1.0 + 1.5),
        # Unknown cache-read price falls back to the prompt price.
        (
            "google/gemini-2.5-flash-preview",
            {"input_tokens": 1000, "output_tokens": 0, "input_token_details": {"cache_read": 1000}},
            1000 * 0.15e-6,
        ),
    ],
)
def test_estimate_cost(model_id: str, usage: dict[str, Any], expected: float) -> None:
    assert estimate_cost(model_id, usage) == pytest.approx(expected)


@pytest.mark.parametrize("model_id", [None, "", "has space"])
def test_estimate_cost_without_a_usable_id_is_none(model_id: str | None) -> None:
    assert estimate_cost(model_id, {"input_tokens": 1, "output_tokens": 1}) is None


def test_estimate_cost_ignores_garbage_counts() -> None:
    usage = {"input_tokens": "many", "output_tokens": -5, "input_token_details": "x"}
    assert estimate_cost("google/gemini-2.5-flash", usage) == 0.0
