"""Model strings and `init_chat_model`."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_openrouter_gemini import ChatOpenRouterGemini, init_chat_model
from langchain_openrouter_gemini.model_string import parse_model_string


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("openrouter:google/gemini-2.5-flash", {"model": "google/gemini-2.5-flash"}),
        ("google/gemini-2.5-flash", {"model": "google/gemini-2.5-flash"}),
        ("gemini-2.5-flash", {"model": "google/gemini-2.5-flash"}),
        ("google/gemini-2.5-flash-preview", {"model": "google/gemini-2.5-flash-preview"}),
        ("openrouter:gemini-2.5-pro:nitro", {"model": "google/gemini-2.5-pro:nitro"}),
        ("google/gemini-2.5-flash:free:online", {"model": "google/gemini-2.5-flash:free:online"}),
        ("openai/gpt-4o", {"model": "openai/gpt-4o"}),  # any OpenRouter id passes through
        (
            "openrouter:google/gemini-2.5-flash?temperature=0&reasoning_effort=low",
            {"model": "google/gemini-2.5-flash", "temperature": 0.0, "reasoning_effort": "low"},
        ),
        (
            "gemini-2.5-flash?models=google/gemini-2.5-pro,google/gemini-2.5-flash-lite&top_k=40&cache_prompt=true",
            {
                "model": "google/gemini-2.5-flash",
                "models": ["google/gemini-2.5-pro", "google/gemini-2.5-flash-lite"],
                "top_k": 40,
                "cache_prompt": True,
            },
        ),
    ],
)
def test_valid_specs(spec: str, expected: dict[str, Any]) -> None:
    assert parse_model_string(spec) == expected


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ("", "empty"),
        ("anthropic:claude-3-5-sonnet", "names provider 'anthropic'"),
        ("openrouter:", "empty"),
        ("google/gemini-2.5-flash:turbo", "unknown variant ':turbo'"),
        ("gemini 2.5 flash", "spaces"),
        ("flash", "vendor/model"),
        ("gemini-2.5-flash?temprature=0", "unknown parameter 'temprature'"),
        ("gemini-2.5-flash?temperature=hot", "bad value 'hot' for 'temperature'"),
        ("gemini-2.5-flash?reasoning_effort=extreme", "bad value 'extreme'"),
        ("gemini-2.5-flash?cache_prompt=maybe", "bad value 'maybe'"),
        ("gemini-2.5-flash?temperature", "malformed parameter list"),
    ],
)
def test_bad_specs_name_the_problem(spec: str, complaint: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_model_string(spec)
    assert complaint in str(info.value)
    if spec:
        assert repr(spec) in str(info.value)


def test_key_in_spec_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError) as info:
        parse_model_string("gemini-2.5-flash?api_key=sk-or-v1-secretsecret")
    assert "sk-or-v1-secretsecret" not in str(info.value)
    assert "OPENROUTER_API_KEY" in str(info.value)


def test_kwargs_win_over_string(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test")
    model = init_chat_model("gemini-2.5-flash?temperature=0.1&top_k=5", temperature=0.9)
    assert isinstance(model, ChatOpenRouterGemini)
    assert model.temperature == 0.9
    assert model.top_k == 5
    same = ChatOpenRouterGemini.from_model_string("openrouter:gemini-2.5-flash?seed=7")
    assert (same.model_name, same.seed) == ("google/gemini-2.5-flash", 7)


def test_configurable_model_switches_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test")
    configurable = init_chat_model("gemini-2.5-flash", configurable_fields=("model", "temperature"))
    chosen = configurable.with_config(
        configurable={"model": "openrouter:gemini-2.5-pro", "temperature": 0.2}
    )
    # `_prepare` is what invoke uses to resolve the configured model.
    resolved, _ = chosen._prepare(chosen.config)  # type: ignore[attr-defined]
    assert resolved.model_name == "google/gemini-2.5-pro"
    assert resolved.temperature == 0.2


def test_configurable_prefix_and_unknown_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test")
    configurable = init_chat_model(configurable_fields="any", config_prefix="llm")
    keys = {spec.id for spec in configurable.config_specs}
    assert {"llm_model", "llm_temperature", "llm_reasoning_effort"} <= keys
    with pytest.raises(ValueError, match="'colour'"):
        init_chat_model(configurable_fields=("colour",))


def test_configurable_model_replays_bind_tools_on_the_chosen_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from langchain_core.tools import tool

    @tool
    def lookup(city: str) -> str:
        """Look a city up."""
        return city

    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test")
    configurable = init_chat_model("gemini-2.5-flash", configurable_fields=("model",))
    bound = configurable.bind_tools([lookup]).with_config(
        configurable={"model": "google/gemini-2.5-pro"}
    )
    resolved, _ = bound._prepare(bound.config)  # type: ignore[attr-defined]
    # The tools are bound to the model chosen at run time, not to the default one.
    assert resolved.bound.model_name == "google/gemini-2.5-pro"  # type: ignore[attr-defined]
    assert resolved.kwargs["tools"][0]["function"]["name"] == "lookup"  # type: ignore[attr-defined]


def test_token_estimate_is_gemini_not_tiktoken(monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_core.messages import HumanMessage

    from langchain_openrouter_gemini import ChatOpenRouterGemini
    from langchain_openrouter_gemini.usage.tokens import estimate_tokens

    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test")
    llm = ChatOpenRouterGemini()
    messages = [HumanMessage("word " * 400)]
    assert llm.get_num_tokens_from_messages(messages) == estimate_tokens(messages)
    assert 400 <= llm.get_num_tokens("word " * 400) <= 600
