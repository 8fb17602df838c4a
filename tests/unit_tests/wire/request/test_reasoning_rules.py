"""Reasoning rules per model: mandatory reasoning is never switched off; efforts are mapped."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.wire.request.reasoning_rules import (
    EFFORT_ORDER,
    ReasoningRules,
    apply_reasoning_rules,
    nearest_effort,
)

PRO = "google/gemini-3.1-pro-preview"  # mandatory; efforts high, medium, low
KEY = {"api_key": "sk-or-test"}

OFF_SETTINGS: list[dict[str, Any]] = [
    {"reasoning_effort": "none"},
    {"reasoning": {"effort": "none"}},
    {"reasoning": {"enabled": False}},
    {"thinking_budget": 0},
]


def _payload(chat_model: ChatOpenRouterGemini, /, **kwargs: Any) -> dict[str, Any]:
    return chat_model._get_request_payload("hi", **kwargs)


@pytest.mark.parametrize("setting", OFF_SETTINGS, ids=lambda s: str(s))
@pytest.mark.parametrize(
    ("model_id", "lowest"),
    [(PRO, "low"), ("google/gemini-3.5-flash", "minimal"), ("google/gemini-2.5-pro", "minimal")],
)
def test_constructor_refuses_to_switch_mandatory_reasoning_off(
    setting: dict[str, Any], model_id: str, lowest: str
) -> None:
    with pytest.raises(ValueError, match="cannot be switched off") as raised:
        ChatOpenRouterGemini(model=model_id, **KEY, **setting)
    message = str(raised.value)
    assert model_id in message
    assert f"reasoning_effort={lowest!r}" in message


@pytest.mark.parametrize("setting", OFF_SETTINGS, ids=lambda s: str(s))
def test_per_call_arguments_are_checked_before_sending(setting: dict[str, Any]) -> None:
    model = ChatOpenRouterGemini(model=PRO, **KEY)
    with pytest.raises(ValueError, match=f"{PRO} always reasons"):
        _payload(model, **setting)


def test_model_strings_are_checked() -> None:
    with pytest.raises(ValueError, match="lowest effort it accepts is 'low'"):
        ChatOpenRouterGemini.from_model_string(
            "openrouter:google/gemini-3.1-pro-preview?reasoning_effort=none", **KEY
        )


@pytest.mark.parametrize(
    "call",
    [
        {"extra_body": {"reasoning": {"effort": "none"}}},
        {"extra_body": {"reasoning_effort": "none"}},
        {"model": PRO, "reasoning_effort": "none"},  # a per-call model override
    ],
    ids=["extra_body", "top_level_effort", "model_override"],
)
def test_every_way_into_the_body_is_checked(call: dict[str, Any]) -> None:
    model = ChatOpenRouterGemini(model="google/gemini-3-pro-preview", **KEY)
    with pytest.raises(ValueError, match="cannot be switched off"):
        _payload(model, **call)


def test_model_kwargs_are_checked() -> None:
    # LangChain lifts a known field out of model_kwargs, so this fails at construction.
    with pytest.raises(ValueError, match="cannot be switched off"), pytest.warns(UserWarning):
        ChatOpenRouterGemini(model=PRO, model_kwargs={"reasoning_effort": "none"}, **KEY)
    model = ChatOpenRouterGemini(model=PRO, model_kwargs={"include_reasoning": True}, **KEY)
    with pytest.raises(ValueError, match="cannot be switched off"):
        _payload(model, extra_body={"reasoning": {"max_tokens": 0}})


@pytest.mark.parametrize("setting", OFF_SETTINGS, ids=lambda s: str(s))
def test_optional_reasoning_may_be_switched_off(setting: dict[str, Any]) -> None:
    model = ChatOpenRouterGemini(model="google/gemini-2.5-flash", **KEY, **setting)
    body = _payload(model)
    assert body["reasoning"] in ({"effort": "none"}, {"enabled": False}, {"max_tokens": 0})


def test_unknown_models_are_sent_as_asked() -> None:
    model = ChatOpenRouterGemini(
        model="vendor/model", base_url="http://127.0.0.1:9/api/v1", reasoning_effort="none", **KEY
    )
    assert _payload(model)["reasoning"] == {"effort": "none"}


@pytest.mark.parametrize(
    ("model_id", "asked", "sent"),
    [
        (PRO, "xhigh", "high"),  # OpenRouter's docs: Gemini 3 maps xhigh down to high
        (PRO, "max", "high"),
        (PRO, "minimal", "low"),  # 3.1 Pro has no minimal level
        ("google/gemini-3-pro-preview", "medium", "high"),  # low/high only; a tie goes up
        ("google/gemini-3.5-flash", "xhigh", "high"),
    ],
)
def test_unsupported_efforts_map_with_a_warning(model_id: str, asked: str, sent: str) -> None:
    model = ChatOpenRouterGemini(model=model_id, reasoning_effort=asked, **KEY)
    with pytest.warns(UserWarning, match=f"does not support reasoning effort '{asked}'"):
        body = _payload(model)
    assert body["reasoning"] == {"effort": sent}


def test_supported_efforts_are_sent_silently() -> None:
    model = ChatOpenRouterGemini(model=PRO, **KEY)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        body = _payload(model, reasoning={"effort": "medium", "exclude": True})
        assert body["reasoning"] == {"effort": "medium", "exclude": True}
        # Budget-based models take any effort; OpenRouter turns it into a budget.
        flash = ChatOpenRouterGemini(
            model="google/gemini-2.5-flash", reasoning_effort="xhigh", **KEY
        )
        assert _payload(flash)["reasoning"] == {"effort": "xhigh"}


def test_top_level_reasoning_effort_is_mapped_too() -> None:
    model = ChatOpenRouterGemini(model=PRO, **KEY)
    with pytest.warns(UserWarning):
        body = _payload(model, extra_body={"reasoning_effort": "xhigh"})
    assert body["reasoning_effort"] == "high"


def test_rules_from_a_models_entry() -> None:
    rules = ReasoningRules.from_models_endpoint(
        {"mandatory": True, "supported_efforts": ["high", "bogus", "low"], "default_effort": 3}
    )
    assert rules == ReasoningRules(mandatory=True, supported_efforts=("high", "low"))
    assert ReasoningRules.from_models_endpoint(None) is None
    assert ReasoningRules.from_models_endpoint({"mandatory": "yes"}) == ReasoningRules()
    round_trip = ReasoningRules.from_models_endpoint(rules.to_models_endpoint())
    assert round_trip == rules


def test_apply_leaves_the_input_alone() -> None:
    body = {"model": PRO, "reasoning": {"effort": "xhigh"}}
    rules = ReasoningRules(mandatory=True, supported_efforts=("high", "low"))
    with pytest.warns(UserWarning):
        result = apply_reasoning_rules(body, PRO, rules)
    assert result["reasoning"] == {"effort": "high"}
    assert body["reasoning"] == {"effort": "xhigh"}


_LEVELS = st.lists(st.sampled_from(EFFORT_ORDER[1:]), min_size=1, unique=True).map(tuple)


@given(effort=st.sampled_from(EFFORT_ORDER[1:]), supported=_LEVELS)
def test_nearest_effort_is_supported_and_closest(effort: str, supported: tuple[str, ...]) -> None:
    chosen = nearest_effort(effort, supported)
    assert chosen in supported
    rank = EFFORT_ORDER.index
    distance = abs(rank(chosen) - rank(effort))
    assert all(abs(rank(s) - rank(effort)) >= distance for s in supported)
    if effort in supported:
        assert chosen == effort


@given(
    supported=_LEVELS,
    body=st.fixed_dictionaries(
        {"reasoning": st.fixed_dictionaries({"effort": st.sampled_from(EFFORT_ORDER[1:])})}
    ),
)
def test_a_mapped_body_always_names_a_supported_effort(
    supported: tuple[str, ...], body: dict[str, Any]
) -> None:
    rules = ReasoningRules(mandatory=True, supported_efforts=supported)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = apply_reasoning_rules(body, "m", rules)
    assert result["reasoning"]["effort"] in supported
