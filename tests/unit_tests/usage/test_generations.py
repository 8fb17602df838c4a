"""Exact cost after the fact (`GET /generation`) and the key's limit and usage (`GET /key`)."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage

from langchain_openrouter_gemini import (
    ChatOpenRouterGemini,
    Generation,
    KeyInfo,
    OpenRouterGenerationNotFoundError,
)
from langchain_openrouter_gemini.errors import OpenRouterMalformedResponseError
from langchain_openrouter_gemini.features.caching import estimate_cache_savings
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply
from langchain_openrouter_gemini.testing.keys import KEY_LIMIT
from langchain_openrouter_gemini.usage.account import key_info_from_payload
from langchain_openrouter_gemini.usage.generations import generation_from_payload
from tests.unit_tests.models import chat_model

KEY = "sk-or-v1-" + "a" * 64
# `data` as OpenRouter's API reference gives it for GET /generation.
DOCUMENTED = {
    "id": "gen-3bhGkxlo4XFrqiabUM7NDtwDzWwG",
    "upstream_id": "chatcmpl-791bcf62",
    "total_cost": 0.0015,
    "cache_discount": None,
    "upstream_inference_cost": 0.0012,
    "created_at": "2024-07-15T23:33:19.433273+00:00",
    "model": "sao10k/l3-stheno-8b",
    "app_id": 12345,
    "streamed": True,
    "cancelled": False,
    "provider_name": "Infermatic",
    "latency": 1250,
    "moderation_latency": 50,
    "generation_time": 1200,
    "finish_reason": "stop",
    "service_tier": "priority",
    "tokens_prompt": 10,
    "tokens_completion": 25,
    "native_tokens_prompt": 10,
    "native_tokens_completion": 25,
    "native_tokens_completion_images": 0,
    "native_tokens_reasoning": 5,
    "native_tokens_cached": 3,
    "num_media_prompt": 1,
    "num_input_audio_prompt": 0,
    "num_media_completion": 0,
    "num_search_results": 5,
    "num_fetches": 0,
    "origin": "https://openrouter.ai/",
    "usage": 0.0015,
    "is_byok": False,
    "web_search_engine": "exa",
    "workspace_id": "550e8400-e29b-41d4-a716-446655440000",
}


def model(emulator: OpenRouterEmulator, **kwargs: Any) -> ChatOpenRouterGemini:
    return chat_model(emulator, api_key=KEY, **kwargs)


def mocked(handle: Callable[[httpx2.Request], httpx2.Response]) -> ChatOpenRouterGemini:
    return chat_model(handle, api_key=KEY)


def gets(emulator: OpenRouterEmulator, path: str) -> int:
    return sum(r.method == "GET" and f"/{path}" in r.path for r in emulator.requests)


def test_a_reply_s_generation_has_its_exact_cost_tokens_and_provider(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    llm = model(openrouter_emulator, session_id="chat-42")
    reply = llm.invoke("Name a moon of Jupiter.")
    generation = llm.get_generation(reply)
    assert isinstance(generation, Generation)
    assert generation.id == reply.response_metadata["id"]
    assert generation.total_cost == pytest.approx(reply.response_metadata["cost"])
    assert reply.usage_metadata is not None
    assert generation.tokens_prompt == reply.usage_metadata["input_tokens"]
    assert generation.tokens_completion == reply.usage_metadata["output_tokens"]
    assert generation.provider_name == reply.response_metadata["provider"]
    assert generation.model == reply.response_metadata["model_name"]
    assert generation.streamed is False and generation.session_id == "chat-42"
    assert generation.latency_seconds is not None and generation.latency_seconds > 0
    request = openrouter_emulator.requests[-1]
    assert request.path.endswith(f"/generation?id={generation.id}")
    assert request.headers["authorization"] == f"Bearer {KEY}"


def test_aget_generation_of_a_streamed_reply(openrouter_emulator: OpenRouterEmulator) -> None:
    llm = model(openrouter_emulator)

    async def run() -> Generation:
        merged: Any = None
        async for chunk in llm.astream("Count to three."):
            merged = chunk if merged is None else merged + chunk
        return await llm.aget_generation(merged.response_metadata["id"])

    generation = asyncio.run(run())
    assert generation.streamed is True and generation.total_cost


def test_the_cache_discount_is_what_the_cache_hit_saved(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.text("ok", prompt_tokens=5000, cached_tokens=4000))
    llm = model(openrouter_emulator)
    reply = llm.invoke("Again, from the cached manual.")
    generation = llm.get_generation(reply)
    assert reply.usage_metadata is not None
    expected = estimate_cache_savings("google/gemini-2.5-flash", reply.usage_metadata)
    assert expected  # 4000 tokens at ($0.30 - $0.03) per million
    assert generation.cache_discount == pytest.approx(expected)
    assert generation.native_tokens_cached == 4000


def test_an_unknown_generation_is_a_typed_404_after_the_wait(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    llm = model(openrouter_emulator)
    with pytest.raises(OpenRouterGenerationNotFoundError) as raised:
        llm.get_generation("gen-0-unknown", wait=0)
    assert gets(openrouter_emulator, "generation") == 1
    assert raised.value.status_code == 404
    assert "gen-0-unknown" in str(raised.value) and "wait=" in str(raised.value)
    with pytest.raises(OpenRouterGenerationNotFoundError):
        llm.get_generation("gen-0-unknown", wait=0.6)
    assert gets(openrouter_emulator, "generation") >= 3  # it looked again while waiting


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_a_generation_recorded_a_moment_late_is_waited_for(use_async: bool) -> None:
    seen: list[httpx2.Request] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        if len(seen) < 3:
            return httpx2.Response(404, json={"error": {"code": 404, "message": "Not found"}})
        return httpx2.Response(200, json={"data": DOCUMENTED})

    llm = mocked(handle)
    if use_async:
        generation = asyncio.run(llm.aget_generation(DOCUMENTED["id"]))
    else:
        generation = llm.get_generation(DOCUMENTED["id"])
    assert len(seen) == 3
    assert generation.total_cost == 0.0015 and generation.provider_name == "Infermatic"
    assert generation.native_tokens_cached == 3 and generation.latency_seconds == 1.25
    assert generation.workspace_id == "550e8400-e29b-41d4-a716-446655440000"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "payload",
    [
        {"generation": DOCUMENTED},
        {"data": "gen-1"},
        {"data": {**DOCUMENTED, "total_cost": "a lot"}},
    ],
    ids=["no data", "data not an object", "wrong type"],
)
def test_a_malformed_generation_reply_is_a_typed_error(payload: dict[str, Any]) -> None:
    llm = mocked(lambda request: httpx2.Response(200, json=payload))
    with pytest.raises(OpenRouterMalformedResponseError):
        llm.get_generation("gen-1")


@pytest.mark.parametrize(
    ("generation", "problem"),
    [
        ("", "non-empty string without spaces"),
        (" gen-1", "non-empty string without spaces"),
        (HumanMessage("hi"), "names no OpenRouter generation"),
        (AIMessage("hi"), "names no OpenRouter generation"),
    ],
)
def test_a_bad_id_fails_before_sending(
    openrouter_emulator: OpenRouterEmulator, generation: Any, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        model(openrouter_emulator).get_generation(generation)
    assert openrouter_emulator.requests == []


def test_key_info_shows_the_limit_usage_and_what_is_left(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.text("a", cost=0.25), Reply.text("b", cost=0.5))
    llm = model(openrouter_emulator)
    llm.invoke("one")
    llm.invoke("two")
    info = llm.get_key_info()
    assert isinstance(info, KeyInfo)
    assert info.limit == KEY_LIMIT
    assert info.usage == pytest.approx(0.75)
    assert info.remaining == pytest.approx(KEY_LIMIT - 0.75)
    assert info.is_free_tier is False
    assert KEY not in repr(info) and KEY not in info.model_dump_json()
    assert asyncio.run(llm.aget_key_info()).usage == pytest.approx(0.75)
    assert openrouter_emulator.requests[-1].headers["authorization"] == f"Bearer {KEY}"


def test_key_info_reads_the_documented_shape() -> None:
    documented = {
        "label": "sk-or-v1-au7...890",
        "limit": None,
        "limit_remaining": None,
        "limit_reset": None,
        "usage": 25.5,
        "usage_daily": 25.5,
        "usage_weekly": 25.5,
        "usage_monthly": 25.5,
        "byok_usage": 17.38,
        "byok_usage_daily": 17.38,
        "byok_usage_weekly": 17.38,
        "byok_usage_monthly": 17.38,
        "is_free_tier": False,
        "is_management_key": False,
        "is_provisioning_key": False,
        "include_byok_in_limit": False,
        "creator_user_id": "user_2dHFtVWx2n56w6HkM0000000000",
        "expires_at": "2027-12-31T23:59:59Z",
        "rate_limit": {"requests": 1000, "interval": "1h", "note": "deprecated"},
    }
    info = mocked(lambda request: httpx2.Response(200, json={"data": documented})).get_key_info()
    assert info.limit is None and info.remaining is None and info.byok_usage == 17.38
    assert info.expires_at == "2027-12-31T23:59:59Z"


def test_the_emulator_s_key_endpoint_wants_a_key(openrouter_emulator: OpenRouterEmulator) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(f"{openrouter_emulator.base_url}/key")
    assert raised.value.code == 401
    body = json.loads(raised.value.read())
    assert body["error"]["message"] == "Missing Authentication header"


def test_the_emulator_s_generation_record_has_every_documented_required_field(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    reply = model(openrouter_emulator).invoke("hi")
    url = f"{openrouter_emulator.base_url}/generation?id={reply.response_metadata['id']}"
    record = json.loads(urllib.request.urlopen(url).read())["data"]
    required = {
        "id", "upstream_id", "total_cost", "cache_discount", "upstream_inference_cost",
        "created_at", "model", "app_id", "streamed", "cancelled", "provider_name", "latency",
        "moderation_latency", "generation_time", "finish_reason", "service_tier",
        "tokens_prompt", "tokens_completion", "native_tokens_prompt",
        "native_tokens_completion", "native_tokens_completion_images",
        "native_tokens_reasoning", "native_tokens_cached", "num_media_prompt",
        "num_input_audio_prompt", "num_media_completion", "num_search_results", "num_fetches",
        "origin", "usage", "is_byok",
    }  # fmt: skip
    assert required <= set(record)
    Generation.model_validate(record)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)
_records = st.dictionaries(
    st.sampled_from(["id", "total_cost", "latency", "tokens_prompt", "label", "limit", "usage"]),
    _json,
)


@given(st.one_of(_json, st.builds(lambda record: {"data": record}, st.one_of(_records, _json))))
def test_any_reply_reads_as_a_record_or_a_typed_error(payload: Any) -> None:
    for read in (generation_from_payload, key_info_from_payload):
        try:
            record = read(payload if isinstance(payload, dict) else {"data": payload})
        except OpenRouterMalformedResponseError:
            continue
        assert isinstance(record, (Generation, KeyInfo))
