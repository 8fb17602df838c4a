"""OpenRouter request options: provider routing, plugins, per-call precedence, provider pinning."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from langchain_openrouter_gemini.features.routing import (
    MAX_SESSION_ID_LENGTH,
    MaxPrice,
    PercentileCutoffs,
    ProviderPreferences,
    ProviderPreferencesDict,
    ProviderSort,
    build_openrouter_body,
    context_compression_plugin,
    file_parser_plugin,
    merge_options,
    pin_provider,
    provider_slug,
    response_healing_plugin,
    web_plugin,
)

# (given as a dict, what OpenRouter receives)
PROVIDER_FIELDS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "order": ({"order": ["google-vertex", "google-ai-studio"]}, {"order": ["google-vertex", "google-ai-studio"]}),
    "only": ({"only": ["google-ai-studio"]}, {"only": ["google-ai-studio"]}),
    "ignore": ({"ignore": ["google-vertex"]}, {"ignore": ["google-vertex"]}),
    "allow_fallbacks": ({"allow_fallbacks": False}, {"allow_fallbacks": False}),
    "require_parameters": ({"require_parameters": True}, {"require_parameters": True}),
    "data_collection": ({"data_collection": "deny"}, {"data_collection": "deny"}),
    "zdr": ({"zdr": True}, {"zdr": True}),
    "enforce_distillable_text": ({"enforce_distillable_text": True}, {"enforce_distillable_text": True}),
    "quantizations": ({"quantizations": ["fp8", "bf16"]}, {"quantizations": ["fp8", "bf16"]}),
    "sort string": ({"sort": "latency"}, {"sort": "latency"}),
    "sort object": ({"sort": {"by": "price", "partition": "none"}}, {"sort": {"by": "price", "partition": "none"}}),
    "max_price": ({"max_price": {"prompt": 0.3, "completion": "2.5", "image": 0.001, "request": 0}},
                  {"max_price": {"prompt": 0.3, "completion": "2.5", "image": 0.001, "request": 0}}),
    "max latency number": ({"preferred_max_latency": 2.5}, {"preferred_max_latency": 2.5}),
    "max latency percentiles": ({"preferred_max_latency": {"p50": 1, "p99": 8}},
                                {"preferred_max_latency": {"p50": 1, "p99": 8}}),
    "min throughput number": ({"preferred_min_throughput": 50}, {"preferred_min_throughput": 50}),
    "min throughput percentiles": ({"preferred_min_throughput": {"p90": 20}},
                                   {"preferred_min_throughput": {"p90": 20}}),
    "unknown field passes through": ({"future_option": {"x": 1}}, {"future_option": {"x": 1}}),
    "None fields dropped": ({"order": None, "zdr": None, "sort": "price"}, {"sort": "price"}),
}  # fmt: skip


@pytest.mark.parametrize(("given", "sent"), PROVIDER_FIELDS.values(), ids=list(PROVIDER_FIELDS))
@pytest.mark.parametrize("form", ["dict", "model"])
def test_each_provider_field_reaches_the_body(
    given: dict[str, Any], sent: dict[str, Any], form: str
) -> None:
    provider = given if form == "dict" else ProviderPreferences(**given)

    body = build_openrouter_body({"provider": provider})

    assert body == {"provider": sent}
    assert json.loads(json.dumps(body)) == body


def test_the_typed_models_and_typeddict_build_the_same_body() -> None:
    typed: ProviderPreferencesDict = {
        "order": ["google-ai-studio"],
        "sort": {"by": "throughput"},
        "max_price": {"prompt": 1, "completion": 4},
        "preferred_max_latency": {"p90": 3},
    }
    model = ProviderPreferences(
        order=["google-ai-studio"],
        sort=ProviderSort(by="throughput"),
        max_price=MaxPrice(prompt=1, completion=4),
        preferred_max_latency=PercentileCutoffs(p90=3),
    )

    assert build_openrouter_body({"provider": typed}) == build_openrouter_body({"provider": model})


@pytest.mark.parametrize(
    ("provider", "problem"),
    [
        ({"sort": "cheapest"}, "sort"),
        ({"data_collection": "sometimes"}, "data_collection"),
        ({"order": "google-vertex"}, "order"),
        ({"max_price": {"prompt": [1]}}, "max_price.prompt"),
        ("google-vertex", "'provider' must be ProviderPreferences or a dict"),
    ],
)
def test_bad_provider_preferences_are_rejected_naming_the_field(
    provider: Any, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        build_openrouter_body({"provider": provider})


REQUEST_FIELDS: dict[str, tuple[Any, Any]] = {
    "models": (("google/gemini-2.5-flash", "google/gemini-2.5-pro"), ["google/gemini-2.5-flash", "google/gemini-2.5-pro"]),
    "route": ("fallback", "fallback"),
    "transforms": (["middle-out"], ["middle-out"]),
    "plugins": ([{"id": "file-parser", "pdf": {"engine": "native"}}], [{"id": "file-parser", "pdf": {"engine": "native"}}]),
    "session_id": ("conversation-42", "conversation-42"),
    "user": ("user-7", "user-7"),
    "metadata": ({"team": "search"}, {"team": "search"}),
    "modalities": (["image", "text"], ["image", "text"]),
    "image_config": ({"aspect_ratio": "16:9"}, {"aspect_ratio": "16:9"}),
    "prediction": ({"type": "content", "content": "draft"}, {"type": "content", "content": "draft"}),
    "verbosity": ("low", "low"),
    "reasoning": ({"effort": "high", "exclude": True}, {"effort": "high", "exclude": True}),
}  # fmt: skip


@pytest.mark.parametrize(("key", "given", "sent"), [(k, *v) for k, v in REQUEST_FIELDS.items()])
def test_each_request_option_reaches_the_body_as_openrouter_expects(
    key: str, given: Any, sent: Any
) -> None:
    assert build_openrouter_body({key: given}) == {key: sent}


def test_none_options_are_dropped() -> None:
    assert build_openrouter_body({key: None for key in REQUEST_FIELDS}) == {}


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"models": "google/gemini-2.5-flash"}, "'models' must be a list of strings"),
        ({"transforms": ["middle-out", 3]}, "'transforms' must be a list of strings"),
        ({"plugins": [{"engine": "native"}]}, "Each plugin needs a string 'id'"),
        ({"plugins": {"id": "web"}}, "'plugins' must be a list of plugin dicts"),
        ({"metadata": ["team", "search"]}, "'metadata' must be a dict"),
        ({"user": 7}, "'user' must be a string"),
        ({"web_search": "yes"}, "web_search must be True, False or a dict"),
        ({"temperature": 0.2}, "Unknown OpenRouter option.*'temperature'.*extra_body"),
    ],
)
def test_bad_options_raise_a_value_error_that_names_them(
    options: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        build_openrouter_body(options)


def test_session_id_up_to_the_limit_is_sent_and_longer_is_rejected() -> None:
    longest = "s" * MAX_SESSION_ID_LENGTH

    assert build_openrouter_body({"session_id": longest}) == {"session_id": longest}
    with pytest.raises(ValueError, match="257 characters; OpenRouter takes at most 256"):
        build_openrouter_body({"session_id": longest + "s"})


HEALING = {"id": "response-healing"}


WEB_SEARCH_TOOL = {"type": "openrouter:web_search"}


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"web_search": True}, {"tools": [WEB_SEARCH_TOOL]}),
        ({"web_search": {"max_results": 3, "engine": None}},
         {"tools": [{**WEB_SEARCH_TOOL, "parameters": {"max_results": 3}}]}),
        ({"web_search": True, "plugins": [HEALING]}, {"plugins": [HEALING], "tools": [WEB_SEARCH_TOOL]}),
        ({"web_search": False, "plugins": [HEALING]}, {"plugins": [HEALING]}),
        ({"plugins": [web_plugin(max_results=2)]}, {"plugins": [{"id": "web", "max_results": 2}]}),
    ],
    ids=["true", "settings", "beside plugins", "false", "plugin still available"],
)  # fmt: skip
def test_web_search_is_the_server_tool_and_the_plugin_stays_available(
    options: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert build_openrouter_body(options) == expected


def test_web_search_together_with_the_web_plugin_is_rejected() -> None:
    with pytest.raises(ValueError, match="both ask for web search"):
        build_openrouter_body({"web_search": True, "plugins": [web_plugin(max_results=2)]})


def test_the_body_shares_nothing_with_the_options() -> None:
    options = {"metadata": {"a": "1"}, "plugins": [file_parser_plugin("native")], "models": ["m"]}
    before = copy.deepcopy(options)

    body = build_openrouter_body(options)
    body["metadata"]["a"] = "changed"
    body["plugins"][0]["pdf"]["engine"] = "changed"
    body["models"].append("other")

    assert options == before


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [
        (web_plugin(), {"id": "web"}),
        (
            web_plugin(max_results=3, search_prompt="Sources:", engine="exa"),
            {"id": "web", "max_results": 3, "search_prompt": "Sources:", "engine": "exa"},
        ),
        (file_parser_plugin(), {"id": "file-parser"}),
        (file_parser_plugin("native"), {"id": "file-parser", "pdf": {"engine": "native"}}),
        (
            file_parser_plugin("mistral-ocr"),
            {"id": "file-parser", "pdf": {"engine": "mistral-ocr"}},
        ),
        (
            file_parser_plugin("cloudflare-ai"),
            {"id": "file-parser", "pdf": {"engine": "cloudflare-ai"}},
        ),
        (response_healing_plugin(), {"id": "response-healing"}),
        (context_compression_plugin(), {"id": "context-compression"}),
    ],
)
def test_plugin_helpers_build_openrouters_shapes(
    plugin: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert plugin == expected


@pytest.mark.parametrize("max_results", [0, -1, True, 2.5])
def test_web_plugin_rejects_a_max_results_that_is_not_a_positive_integer(max_results: Any) -> None:
    with pytest.raises(ValueError, match="positive integer"):
        web_plugin(max_results=max_results)


MODEL_LEVEL = {
    "provider": {"order": ["google-vertex"], "allow_fallbacks": False, "zdr": True},
    "session_id": "model-session",
    "plugins": [HEALING],
}


@pytest.mark.parametrize(
    ("call_level", "expected"),
    [
        ({}, MODEL_LEVEL),
        ({"session_id": "call-session"}, {**MODEL_LEVEL, "session_id": "call-session"}),
        (
            {"provider": {"only": ["google-ai-studio"]}},
            {**MODEL_LEVEL, "provider": {"only": ["google-ai-studio"]}},
        ),
        ({"provider": {}}, {**MODEL_LEVEL, "provider": {}}),
        ({"provider": None, "session_id": None}, MODEL_LEVEL),
        ({"plugins": []}, {**MODEL_LEVEL, "plugins": []}),
        ({"web_search": True}, {**MODEL_LEVEL, "web_search": True}),
    ],
    ids=[
        "nothing per call",
        "call wins",
        "provider replaced whole",
        "empty provider clears",
        "None keeps model",
        "empty plugins clears",
        "new key added",
    ],
)
def test_per_call_options_win_key_by_key(
    call_level: dict[str, Any], expected: dict[str, Any]
) -> None:
    model_before, call_before = copy.deepcopy(MODEL_LEVEL), copy.deepcopy(call_level)

    assert merge_options(MODEL_LEVEL, call_level) == expected
    assert (MODEL_LEVEL, call_level) == (model_before, call_before)


def test_a_merged_per_call_provider_is_what_is_sent() -> None:
    merged = merge_options(MODEL_LEVEL, {"provider": ProviderPreferences(sort="price")})

    assert build_openrouter_body(merged)["provider"] == {"sort": "price"}


@pytest.mark.parametrize(
    ("served_by", "slug"),
    [
        ("Google AI Studio", "google-ai-studio"),
        ("Google", "google-vertex"),
        ("Google Vertex", "google-vertex"),
        ("  google   AI studio ", "google-ai-studio"),
        ("google-vertex", "google-vertex"),
        ("google-ai-studio/flex", "google-ai-studio/flex"),
        ("Some New Provider", "some-new-provider"),
        ("Acme.AI (EU)", "acme-ai-eu"),
    ],
)
def test_provider_slug_maps_display_names(served_by: str, slug: str) -> None:
    assert provider_slug(served_by) == slug


@pytest.mark.parametrize("served_by", ["", "   ", "!!!"])
def test_provider_slug_rejects_names_without_letters(served_by: str) -> None:
    with pytest.raises(ValueError, match="Cannot make a provider slug"):
        provider_slug(served_by)


def test_pin_provider_pins_order_and_keeps_other_preferences() -> None:
    user = {"order": ["google-vertex", "google-ai-studio"], "data_collection": "deny", "zdr": True}
    before = copy.deepcopy(user)

    pinned = pin_provider(user, "Google AI Studio")

    assert pinned == {
        "order": ["google-ai-studio"],
        "allow_fallbacks": False,
        "data_collection": "deny",
        "zdr": True,
    }
    assert user == before


@pytest.mark.parametrize(
    "provider",
    [None, {}, ProviderPreferences(allow_fallbacks=True)],
    ids=["none", "empty", "model allowing fallbacks"],
)
def test_pin_provider_without_other_preferences(provider: Any) -> None:
    assert pin_provider(provider, "Google") == {
        "order": ["google-vertex"],
        "allow_fallbacks": False,
    }


def test_pinned_preferences_pass_through_build_openrouter_body_unchanged() -> None:
    pinned = pin_provider(ProviderPreferences(max_price=MaxPrice(prompt=1)), "Google")

    assert build_openrouter_body({"provider": pinned}) == {"provider": pinned}
