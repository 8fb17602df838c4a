"""Non-streaming reply shapes seen in recorded real OpenRouter traffic (the shared wire reference).

Each body below is written for this test from the facts in the reference's "Seen in recorded
real traffic" section (ids and signatures are made up; the shapes are the observed ones).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.usage.callbacks import get_openrouter_callback
from tests.unit_tests.fake_transport import FakeOpenRouter
from tests.unit_tests.models import chat_model

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"


def _reply(
    message: dict[str, Any],
    usage: dict[str, Any],
    *,
    model: str = "google/gemini-2.5-flash",
    finish: str = "stop",
    native: str = "STOP",
    **top: Any,
) -> dict[str, Any]:
    return {
        "id": "gen-1770000000-Rt5kQ2wN8pX4zB7yM1cD",
        "provider": "Google",
        "model": model,
        "object": "chat.completion",
        "created": 1770000000,
        "system_fingerprint": None,
        "choices": [
            {
                "index": 0,
                "logprobs": None,
                "finish_reason": finish,
                "native_finish_reason": native,
                "message": {"role": "assistant", "refusal": None, "reasoning": None, **message},
            }
        ],
        "usage": usage,
        **top,
    }


def _usage(prompt: int = 61, completion: int = 18, **extra: Any) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        **extra,
    }


def _served(reply: dict[str, Any], **kwargs: Any) -> tuple[ChatOpenRouterGemini, FakeOpenRouter]:
    fake = FakeOpenRouter(lambda body: copy.deepcopy(reply))
    return chat_model(fake, api_key=KEY, **kwargs), fake


def _invoke(reply: dict[str, Any], **kwargs: Any) -> AIMessage:
    model, _ = _served(reply, **kwargs)
    message = model.invoke("Hi")
    assert isinstance(message, AIMessage)
    return message


# --- Usage and cost ------------------------------------------------------------------------------


def test_byok_reply_reports_what_openrouter_billed_and_what_the_provider_charged() -> None:
    usage = _usage(
        cost=0,
        is_byok=True,
        prompt_tokens_details={"cached_tokens": 0, "cache_write_tokens": 0},
        cost_details={
            "upstream_inference_cost": 0.00019,
            "upstream_inference_prompt_cost": 0.00004,
            "upstream_inference_completions_cost": 0.00015,
        },
    )
    model, _ = _served(_reply({"content": "Hello."}, usage))
    with get_openrouter_callback() as totals:
        message = model.invoke("Hi")
    meta = message.response_metadata
    assert (meta["cost"], meta["upstream_cost"], meta["is_byok"]) == (0.0, 0.00019, True)
    assert totals.total_cost == 0.0
    assert totals.byok_cost == pytest.approx(0.00019)


def test_gemini_25_pro_reply_without_cost_or_is_byok_has_unknown_cost() -> None:
    reply = _reply({"content": "An answer."}, _usage(40, 300), model="google/gemini-2.5-pro")
    model, _ = _served(reply, model="google/gemini-2.5-pro")
    with get_openrouter_callback() as totals:
        message = model.invoke("Hi")
    assert message.response_metadata["cost"] is None
    assert "is_byok" not in message.response_metadata
    assert totals.unreported_cost_requests == 1
    assert totals.cost_is_estimated  # priced from the catalogue, and says so


def test_ordinary_reply_with_null_upstream_cost() -> None:
    usage = _usage(cost=0.0000633, is_byok=False, cost_details={"upstream_inference_cost": None})
    meta = _invoke(_reply({"content": "Hi."}, usage)).response_metadata
    assert meta["cost"] == 0.0000633
    assert "upstream_cost" not in meta
    assert meta["cost_details"] == {"upstream_inference_cost": None}


def test_first_cache_write_counts_overlap_but_details_fit_the_prompt() -> None:
    usage = _usage(
        2168,
        12,
        cost=0.0007,
        prompt_tokens_details={
            "cached_tokens": 2161,
            "cache_write_tokens": 2161,
            "audio_tokens": 0,
            "video_tokens": 0,
        },
    )
    metadata = _invoke(_reply({"content": "Cached."}, usage)).usage_metadata
    assert metadata is not None
    details = dict(metadata.get("input_token_details", {}))
    assert details["cache_creation"] == 2161
    assert sum(details.values()) <= metadata["input_tokens"] == 2168


def test_video_url_input_with_zero_prompt_tokens() -> None:
    usage = _usage(0, 25, cost=0.0001, prompt_tokens_details={"video_tokens": 1200})
    metadata = _invoke(_reply({"content": "A cat."}, usage)).usage_metadata
    assert metadata is not None
    assert metadata["input_tokens"] == 0
    assert sum(dict(metadata.get("input_token_details", {})).values()) == 0


def test_service_tier_is_kept() -> None:
    reply = _reply({"content": "Hi."}, _usage(cost=0.00001), service_tier="default")
    assert _invoke(reply).response_metadata["service_tier"] == "default"


# --- Models --------------------------------------------------------------------------------------


def test_dated_model_suffix_is_the_model_that_served_and_is_priced() -> None:
    served = "google/gemini-3-pro-preview-20251117"
    reply = _reply({"content": "Hi."}, _usage(1000, 100), model=served)
    model, _ = _served(reply, model="google/gemini-3-pro-preview")
    with get_openrouter_callback() as totals:
        message = model.invoke("Hi")
    assert message.response_metadata["model_name"] == served
    assert totals.total_cost > 0 and totals.cost_is_estimated  # the dated id maps to its entry


def test_a_preview_id_answered_as_another_id_trusts_the_reply() -> None:
    reply = _reply({"content": "Hi."}, _usage(cost=0.0001), model="google/gemini-2.5-pro")
    message = _invoke(reply, model="google/gemini-2.5-pro-preview")
    assert message.response_metadata["model_name"] == "google/gemini-2.5-pro"


# --- Tool calls and reasoning details ------------------------------------------------------------

CALL = {
    "type": "function",
    "index": 0,
    "id": "tool_get_weather_Qw3rTy7uIo9pAs1dFg5h",
    "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'},
}


def test_stop_with_tool_calls_trusts_the_tool_calls() -> None:
    reply = _reply({"content": "", "tool_calls": [CALL]}, _usage(cost=0.0001))
    message = _invoke(reply)
    assert message.response_metadata["finish_reason"] == "stop"
    assert message.tool_calls == [
        {"name": "get_weather", "args": {"city": "Oslo"}, "id": CALL["id"], "type": "tool_call"}
    ]


DETAILS_SEEN = {
    "format unknown (Gemini 2.5 Pro)": [
        {"type": "reasoning.text", "text": "Thinking about Oslo.", "format": "unknown", "index": 0},
        {"type": "reasoning.encrypted", "data": "Eu0BCuoB", "format": "unknown", "index": 1},
    ],
    "format null (other vendors)": [
        {"type": "reasoning.text", "text": "Hmm.", "format": None, "index": 0},
    ],
    "signature-only text entry (Gemini 3.6 Flash)": [
        {
            "type": "reasoning.text",
            "signature": "EtsBCtgBAb4+9vtQ",
            "format": "google-gemini-v1",
            "index": 0,
        },
    ],
    "encrypted entry without id (Gemini 3 Flash, plain text)": [
        {
            "type": "reasoning.encrypted",
            "data": "CiQBjz1rX",
            "format": "google-gemini-v1",
            "index": 0,
        },
    ],
    "Gemini 3 Pro: text and encrypted both at index 0": [
        {"type": "reasoning.text", "text": "Plan.", "format": "google-gemini-v1", "index": 0},
        {
            "type": "reasoning.encrypted",
            "data": "CiQBc2ln",
            "id": CALL["id"],
            "format": "google-gemini-v1",
            "index": 0,
        },
    ],
}


@pytest.mark.parametrize("details", DETAILS_SEEN.values(), ids=DETAILS_SEEN)
def test_reasoning_details_are_kept_and_sent_back_exactly(details: list[dict[str, Any]]) -> None:
    usage = _usage(cost=0.0001, completion_tokens_details={"reasoning_tokens": 25})
    reply = _reply(
        {"content": None, "tool_calls": [CALL], "reasoning_details": copy.deepcopy(details)},
        usage,
        finish="tool_calls",
        model="google/gemini-3-pro-preview",
    )
    model, fake = _served(reply, model="google/gemini-3-pro-preview")
    first = model.invoke("Weather in Oslo?")
    assert first.additional_kwargs["reasoning_details"] == details
    texts = "".join(d.get("text", "") for d in details if d["type"] == "reasoning.text")
    assert first.additional_kwargs.get("reasoning_content", "") == texts
    model.invoke(
        [HumanMessage("Weather in Oslo?"), first, ToolMessage("Sunny", tool_call_id=CALL["id"])]
    )
    sent = fake.bodies[1]["messages"][1]
    assert sent["reasoning_details"] == details
    assert sent["tool_calls"][0]["id"] == CALL["id"]
    assert sent["content"] is None


def test_signature_only_entry_with_null_reasoning_gives_no_reasoning_text() -> None:
    details = DETAILS_SEEN["signature-only text entry (Gemini 3.6 Flash)"]
    reply = _reply(
        {"content": "Oslo is sunny.", "reasoning": None, "reasoning_details": details},
        _usage(cost=0.0001, completion_tokens_details={"reasoning_tokens": 25}),
    )
    message = _invoke(reply)
    assert "reasoning_content" not in message.additional_kwargs
    assert message.additional_kwargs["reasoning_details"] == details
    assert message.usage_metadata is not None
    assert message.usage_metadata.get("output_token_details", {}).get("reasoning") == 25


async def test_the_same_shapes_read_the_same_async() -> None:
    reply = _reply(
        {"content": "", "tool_calls": [CALL]},
        _usage(cost=0, is_byok=True, cost_details={"upstream_inference_cost": 0.0002}),
        service_tier="default",
    )
    model, _ = _served(reply)
    message = await model.ainvoke("Hi")
    assert message.tool_calls[0]["id"] == CALL["id"]
    assert message.response_metadata["upstream_cost"] == 0.0002
    assert message.response_metadata["service_tier"] == "default"
