"""The current Gemini lineup, unknown models via GET /models, and refreshing the catalogue."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.catalogue import (
    CATALOGUE,
    EMBEDDING_MODELS,
    catalogue_document,
    clear_live_cache,
    diff_catalogue,
    estimate_cost,
    fetch_models,
    generic_profile,
    get_embedding_model,
    get_model,
    model_profile,
    models_endpoint_payload,
    reasoning_rules,
    refreshed_document,
    resolve_profile,
)
from langchain_openrouter_gemini.catalogue.entries import model_from_entry
from langchain_openrouter_gemini.testing import OpenRouterEmulator

# A model OpenRouter might list tomorrow, in the exact /models shape.
NEW_MODEL: dict[str, Any] = {
    "id": "google/gemini-9-flash",
    "canonical_slug": "google/gemini-9-flash-20270101",
    "name": "Google: Gemini 9 Flash",
    "created": 1798761600,
    "context_length": 2_097_152,
    "architecture": {
        "modality": "text+image+file->text",
        "input_modalities": ["text", "image", "file"],
        "output_modalities": ["text"],
        "tokenizer": "Gemini",
        "instruct_type": None,
    },
    "pricing": {"prompt": "0.000001", "completion": "0.000004", "input_cache_read": "0.0000001"},
    "top_provider": {"context_length": 2_097_152, "max_completion_tokens": 131_072},
    "supported_parameters": ["reasoning", "structured_outputs", "tools", "tool_choice"],
    "reasoning": {
        "mandatory": True,
        "default_enabled": True,
        "supported_efforts": ["high", "low"],
        "default_effort": "high",
    },
    "expiration_date": None,
}


@pytest.fixture(autouse=True)
def _fresh_live_cache() -> Iterator[None]:
    clear_live_cache()
    yield
    clear_live_cache()


@pytest.fixture
def emulator() -> Iterator[OpenRouterEmulator]:
    with OpenRouterEmulator() as running:
        yield running


def _serve_models(emulator: OpenRouterEmulator, data: list[dict[str, Any]]) -> str:
    """Serve a /models list other than the catalogue's; returns the base URL that reaches it."""
    emulator.add_file(
        "/other/api/v1/models", json.dumps({"data": data}).encode(), "application/json"
    )
    return emulator.root_url + "/other/api/v1"


# --- the lineup ----------------------------------------------------------------------


def test_gemini_3_1_pro_facts_from_openrouters_listing() -> None:
    model = get_model("google/gemini-3.1-pro-preview")
    assert model is not None
    assert model.context_window == 1_048_576
    assert model.max_output_tokens == 65_536
    assert (model.prices.prompt, model.prices.completion) == (2.0, 12.0)
    assert (model.prices.cache_read, model.prices.cache_write) == (0.2, 0.375)
    assert model.prices.audio == 2.0
    assert set(model.input_modalities) == {"audio", "file", "image", "text", "video"}
    assert model.reasoning is not None and model.reasoning.mandatory
    # Replies name the dated slug; it is the same entry.
    assert get_model("google/gemini-3.1-pro-preview-20260219") == model


def test_gemini_3_1_pro_profile_is_no_longer_empty() -> None:
    profile = ChatOpenRouterGemini(
        model="google/gemini-3.1-pro-preview", api_key="sk-or-test"
    ).profile
    assert profile is not None
    assert profile["max_input_tokens"] == 1_048_576
    assert profile["max_output_tokens"] == 65_536
    assert profile["reasoning_output"] is True
    assert profile["tool_calling"] is True


@pytest.mark.parametrize(
    "model_id",
    [
        "google/gemini-3.6-flash",
        "google/gemini-3.5-flash",
        "google/gemini-3.5-flash-lite",
        "google/gemini-3.1-flash-lite",
        "google/gemini-3.1-flash-lite-preview",
        "google/gemini-3-flash-preview",
        "google/gemini-3-pro-preview",
        "google/gemini-2.5-pro",
        "google/gemini-2.5-flash",
        "google/gemini-2.5-flash-lite",
        "google/gemini-2.0-flash-001",
    ],
)
def test_text_models_of_the_lineup_are_catalogued(model_id: str) -> None:
    model = get_model(model_id)
    assert model is not None, model_id
    assert model.context_window == 1_048_576
    assert "text" in model.output_modalities
    assert model.supports_tools


@pytest.mark.parametrize(
    "model_id",
    [
        "google/gemini-3.1-flash-image",
        "google/gemini-3.1-flash-image-preview",
        "google/gemini-3-pro-image-preview",
        "google/gemini-2.5-flash-image",
    ],
)
def test_image_output_models_say_so_in_their_profile(model_id: str) -> None:
    profile = model_profile(model_id)
    assert profile["image_outputs"] is True
    assert profile["text_outputs"] is True
    assert profile["tool_calling"] is False  # OpenRouter lists no `tools` for them


def test_the_3_5_flash_reasoning_rules_are_openrouters() -> None:
    # The example in OpenRouter's reasoning-tokens guide, verbatim in meaning.
    rules = reasoning_rules("google/gemini-3.5-flash")
    assert rules is not None
    assert rules.mandatory is True
    assert rules.supported_efforts == ("high", "medium", "low", "minimal")
    assert rules.default_effort == "medium"
    assert rules.lowest_effort() == "minimal"


@pytest.mark.parametrize(
    ("model_id", "mandatory"),
    [
        ("google/gemini-2.5-pro", True),
        ("google/gemini-3-pro-preview", True),
        ("google/gemini-3-flash-preview", True),
        ("google/gemini-3.1-pro-preview", True),
        ("google/gemini-3.6-flash", True),
        ("google/gemini-2.5-flash", False),
        ("google/gemini-2.5-flash-lite", False),
    ],
)
def test_which_models_must_reason(model_id: str, mandatory: bool) -> None:
    rules = reasoning_rules(model_id)
    assert rules is not None
    assert rules.mandatory is mandatory


def test_no_reasoning_rules_for_models_that_do_not_reason() -> None:
    assert reasoning_rules("google/gemini-2.0-flash-001") is None
    assert reasoning_rules("openai/gpt-4o") is None


def test_every_entry_names_its_source_and_what_is_unverified() -> None:
    document = catalogue_document()
    assert document["checked"]
    known_fields = {
        "created",
        "context_length",
        "expiration_date",
        "pricing",
        "reasoning",
        "top_provider",
        "x_catalogue",
    }
    for entry in document["data"]:
        notes = entry["x_catalogue"]
        assert notes["source"], entry["id"]
        for field in notes["unverified"]:
            assert field.split(".")[0] in known_fields, (entry["id"], field)
    # Nothing is marked verified by accident: the 3.1 Pro reasoning object was not seen.
    pro = get_model("google/gemini-3.1-pro-preview")
    assert pro is not None and "reasoning" in pro.unverified
    assert get_model("google/gemini-3.5-flash").unverified == ()  # type: ignore[union-attr]


def test_long_context_tier_of_3_1_pro() -> None:
    usage = {"input_tokens": 300_000, "output_tokens": 10_000}
    expected = 300_000 * 4.0 / 1e6 + 10_000 * 18.0 / 1e6
    assert estimate_cost("google/gemini-3.1-pro-preview", usage) == pytest.approx(expected)
    short = {"input_tokens": 100_000, "output_tokens": 10_000}
    assert estimate_cost("google/gemini-3.1-pro-preview", short) == pytest.approx(0.2 + 0.12)


def test_embedding_model_lookup() -> None:
    model = get_embedding_model("google/gemini-embedding-001")
    assert model is not None
    assert model.context_window == 20_000
    assert model.price_per_million == 0.15
    assert model.default_dimensions == 3072
    assert set(model.supported_dimensions) >= {768, 1536, 3072}
    assert get_embedding_model("gemini-embedding-001") == model
    assert get_model("google/gemini-embedding-001") is None  # not a chat model
    assert [m.id for m in EMBEDDING_MODELS] == ["google/gemini-embedding-001"]


def test_models_endpoint_filters_by_output_modality_like_openrouter() -> None:
    def ids(payload: dict[str, Any]) -> set[str]:
        return {e["id"] for e in payload["data"]}

    text = ids(models_endpoint_payload())
    assert "google/gemini-embedding-001" not in text
    assert "google/gemini-3.1-flash-image" in text  # writes text too
    assert ids(models_endpoint_payload("embeddings")) == {"google/gemini-embedding-001"}
    assert "google/gemini-2.0-flash-001" not in ids(models_endpoint_payload("image"))
    assert ids(models_endpoint_payload("all")) == text | {"google/gemini-embedding-001"}
    assert all(not k.startswith("x_") for e in models_endpoint_payload()["data"] for k in e)


def test_the_data_file_parses_as_what_the_catalogue_holds() -> None:
    entries = {e["id"]: e for e in catalogue_document()["data"]}
    for model in CATALOGUE:
        assert model_from_entry(entries[model.id]) == model


# --- models the catalogue does not know ----------------------------------------------


def test_unknown_model_profile_comes_from_models_once_per_process(
    emulator: OpenRouterEmulator,
) -> None:
    base_url = _serve_models(emulator, [NEW_MODEL])
    first = ChatOpenRouterGemini(model="google/gemini-9-flash", base_url=base_url, api_key="k")
    second = ChatOpenRouterGemini(model="gemini-9-flash:nitro", base_url=base_url, api_key="k")
    assert first.profile is not None
    assert first.profile["max_input_tokens"] == 2_097_152
    assert first.profile["max_output_tokens"] == 131_072
    assert first.profile["audio_inputs"] is False
    assert second.profile == first.profile
    fetched = [r for r in emulator.requests if r.path.startswith("/other/api/v1/models")]
    assert len(fetched) == 1
    assert "authorization" in fetched[0].headers  # the key went along (the emulator masks it)
    # Its reasoning rules and prices now apply too.
    rules = reasoning_rules("google/gemini-9-flash")
    assert rules is not None and rules.mandatory
    usage = {"input_tokens": 1_000_000, "output_tokens": 1_000_000}
    assert estimate_cost("google/gemini-9-flash-20270101", usage) == pytest.approx(1.0 + 4.0)
    with pytest.raises(ValueError, match="lowest effort it accepts is 'low'"):
        ChatOpenRouterGemini(
            model="google/gemini-9-flash", base_url=base_url, api_key="k", reasoning_effort="none"
        )


def test_unknown_models_are_unpriced_until_a_list_is_fetched() -> None:
    assert estimate_cost("google/gemini-9-flash", {"input_tokens": 10}) is None


def test_unknown_model_against_the_emulators_models_gets_a_generic_profile(
    emulator: OpenRouterEmulator,
) -> None:
    model = ChatOpenRouterGemini(
        model="google/gemini-10-ultra", base_url=emulator.base_url, api_key="k"
    )
    assert model.profile == generic_profile("google/gemini-10-ultra")
    assert model.profile is not None
    assert model.profile["tool_calling"] is True
    assert "max_input_tokens" not in model.profile  # limits are not guessed
    assert any(r.path.startswith("/api/v1/models") for r in emulator.requests)


def test_unreachable_models_endpoint_is_no_error() -> None:
    # Port 9 (discard) refuses connections: the profile falls back, the model still builds.
    model = ChatOpenRouterGemini(
        model="vendor/other-model", base_url="http://127.0.0.1:9/api/v1", api_key="k"
    )
    assert model.profile == {
        "name": "vendor/other-model",
        "text_inputs": True,
        "text_outputs": True,
    }


def test_without_a_key_no_request_and_a_generic_profile(emulator: OpenRouterEmulator) -> None:
    assert resolve_profile("~google/gemini-pro-latest", base_url=emulator.base_url) == (
        generic_profile("~google/gemini-pro-latest")
    )
    assert emulator.requests == []
    assert resolve_profile("bad id with spaces") == generic_profile("bad id with spaces")


def test_known_models_never_fetch(emulator: OpenRouterEmulator) -> None:
    ChatOpenRouterGemini(model="google/gemini-2.5-flash", base_url=emulator.base_url, api_key="k")
    assert emulator.requests == []


# --- refreshing the catalogue ----------------------------------------------------------


def _live_list() -> list[dict[str, Any]]:
    live = copy.deepcopy(models_endpoint_payload("all")["data"])
    for entry in live:
        if entry["id"] == "google/gemini-3.1-pro-preview":
            entry["pricing"]["prompt"] = "0.0000025"
    live = [e for e in live if e["id"] != "google/gemini-2.5-flash-preview"]
    return [*live, NEW_MODEL, {"id": "openai/gpt-9", "pricing": {"prompt": "1"}}]


def test_diff_names_new_changed_and_gone_gemini_models() -> None:
    diff = diff_catalogue(_live_list())
    assert [e["id"] for e in diff.new] == ["google/gemini-9-flash"]  # other vendors ignored
    assert diff.changed == {
        "google/gemini-3.1-pro-preview": ["pricing.prompt: '0.000002' -> '0.0000025'"]
    }
    assert diff.gone == ["google/gemini-2.5-flash-preview"]
    assert not diff_catalogue(models_endpoint_payload("all")["data"])


def test_refreshed_document_is_a_catalogue_the_package_reads() -> None:
    document = refreshed_document(_live_list(), "2027-01-02")
    assert document["checked"] == "2027-01-02"
    entries = {e["id"]: e for e in document["data"]}
    new = model_from_entry(entries["google/gemini-9-flash"])
    assert new.prices.prompt == pytest.approx(1.0)
    assert new.reasoning is not None and new.reasoning.supported_efforts == ("high", "low")
    assert entries["google/gemini-9-flash"]["x_catalogue"]["unverified"] == []
    assert entries["google/gemini-2.5-flash-preview"]["x_catalogue"]["listed"] is False
    assert "openai/gpt-9" not in entries
    # Facts /models does not carry survive.
    dims = entries["google/gemini-embedding-001"]["x_catalogue"]["dimensions"]
    assert dims["default"] == 3072


def test_fetch_models_asks_for_every_modality(emulator: OpenRouterEmulator) -> None:
    models = fetch_models(emulator.base_url, "k")
    assert "google/gemini-embedding-001" in {m["id"] for m in models}
    assert emulator.requests[-1].path.endswith("/models?output_modalities=all")
