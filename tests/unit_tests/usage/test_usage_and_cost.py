"""Usage and cost say what is known: BYOK upstream cost, unknown cost, overlapping cache counts."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
from hypothesis import given
from hypothesis import strategies as st

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.usage.callbacks import get_openrouter_callback
from langchain_openrouter_gemini.wire.response.usage import cost_fields, usage_to_metadata
from tests.unit_tests.fake_transport import FakeOpenRouter, completion
from tests.unit_tests.models import chat_model
from tests.unit_tests.sse import chunk, lines

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"

# The first cache write seen on the wire: the two counts overlap.
FIRST_CACHE_WRITE = {
    "prompt_tokens": 2168,
    "completion_tokens": 12,
    "total_tokens": 2180,
    "cost": 0.00071,
    "is_byok": False,
    "prompt_tokens_details": {"cached_tokens": 2161, "cache_write_tokens": 2161},
    "cost_details": {"upstream_inference_cost": None},
}
BYOK = {
    "prompt_tokens": 61,
    "completion_tokens": 18,
    "total_tokens": 79,
    "cost": 0,
    "is_byok": True,
    "cost_details": {
        "upstream_inference_cost": 0.0000633,
        "upstream_inference_prompt_cost": 0.0000183,
        "upstream_inference_completions_cost": 0.000045,
    },
}
# Gemini 2.5 Pro, September 2025: neither `cost` nor `is_byok`.
NO_COST = {"prompt_tokens": 40, "completion_tokens": 300, "total_tokens": 340}


def _model(usage: dict[str, Any], model: str = "google/gemini-2.5-pro") -> ChatOpenRouterGemini:
    def reply(body: dict[str, Any]) -> dict[str, Any]:
        data = completion("Hi.")
        data["usage"] = usage
        data["model"] = model
        return data

    return chat_model(FakeOpenRouter(reply), api_key=KEY, model=model)


def _sum(details: dict[str, int]) -> int:
    return sum(details.values())


def test_overlapping_cache_counts_follow_the_documented_rule() -> None:
    metadata = usage_to_metadata(FIRST_CACHE_WRITE)
    details = metadata.get("input_token_details", {})
    assert details == {"cache_read": 0, "cache_creation": 2161}
    assert _sum(dict(details)) <= metadata["input_tokens"] == 2168


def test_disjoint_counts_are_kept_as_sent() -> None:
    usage = {
        "prompt_tokens": 3000,
        "completion_tokens": 5,
        "prompt_tokens_details": {
            "cached_tokens": 2000,
            "cache_write_tokens": 500,
            "audio_tokens": 300,
            "video_tokens": 0,
        },
    }
    details = usage_to_metadata(usage).get("input_token_details", {})
    assert details == {"cache_read": 2000, "cache_creation": 500, "audio": 300, "video": 0}


counts = st.integers(min_value=0, max_value=2_000_000)


@given(
    prompt=counts,
    cached=st.one_of(st.none(), counts),
    written=st.one_of(st.none(), counts),
    audio=st.one_of(st.none(), counts),
    video=st.one_of(st.none(), counts),
)
def test_input_token_details_never_exceed_input_tokens(
    prompt: int, cached: int | None, written: int | None, audio: int | None, video: int | None
) -> None:
    raw = {
        key: value
        for key, value in (
            ("cached_tokens", cached),
            ("cache_write_tokens", written),
            ("audio_tokens", audio),
            ("video_tokens", video),
        )
        if value is not None
    }
    metadata = usage_to_metadata(
        {"prompt_tokens": prompt, "completion_tokens": 1, "prompt_tokens_details": raw}
    )
    details = dict(metadata.get("input_token_details", {}))
    assert all(value >= 0 for value in details.values())
    assert _sum(details) <= metadata["input_tokens"] == prompt
    assert set(details) == {
        {"cached_tokens": "cache_read", "cache_write_tokens": "cache_creation"}.get(
            key, key.removesuffix("_tokens")
        )
        for key in raw
    }
    if sum(raw.values()) <= prompt:  # nothing overlaps: nothing changes
        assert _sum(details) == sum(raw.values())


def test_byok_reports_billed_and_upstream_cost() -> None:
    fields = cost_fields(BYOK)
    assert fields["cost"] == 0.0
    assert fields["upstream_cost"] == 0.0000633
    assert fields["is_byok"] is True

    with get_openrouter_callback() as usage:
        reply = _model(BYOK).invoke("Hi")
    assert reply.response_metadata["cost"] == 0.0
    assert reply.response_metadata["upstream_cost"] == 0.0000633
    assert usage.total_cost == 0.0  # what OpenRouter billed
    assert usage.byok_cost == 0.0000633  # what the provider account pays
    assert usage.byok_requests == 1
    assert not usage.cost_is_estimated
    assert "BYOK upstream $0.000063" in repr(usage)


def test_an_ordinary_reply_has_no_upstream_cost_when_it_is_null() -> None:
    with get_openrouter_callback() as usage:
        reply = _model(FIRST_CACHE_WRITE).invoke("Hi")
    assert reply.response_metadata["cost"] == 0.00071
    assert "upstream_cost" not in reply.response_metadata
    assert usage.total_cost == 0.00071
    assert usage.byok_cost == 0.0
    assert usage.byok_requests == 0
    assert usage.unreported_cost_requests == 0


def test_a_reply_without_cost_says_cost_unknown() -> None:
    reply = _model(NO_COST).invoke("Hi")
    assert "cost" in reply.response_metadata
    assert reply.response_metadata["cost"] is None  # unknown, not 0
    assert "is_byok" not in reply.response_metadata


def test_the_callback_tells_unknown_cost_apart_from_free() -> None:
    with get_openrouter_callback() as usage:
        _model(NO_COST).invoke("Hi")
        _model(NO_COST, model="vendor/unknown-model").invoke("Hi")
    assert usage.successful_requests == 2
    assert usage.unreported_cost_requests == 2
    assert usage.cost_is_estimated  # the catalogue priced the Gemini one
    assert usage.total_cost > 0
    assert usage.unpriced_requests == 1  # the unknown model could not be priced
    assert "unpriced" in repr(usage)


class ByokStream(FakeOpenRouter):
    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        events = [
            chunk({"role": "assistant", "content": "Hi."}),
            chunk({"content": ""}, finish="stop", native="STOP"),
            chunk(choices=False, usage=BYOK),
        ]
        body = ("\n".join(lines(*events)) + "\n").encode()
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})


def test_a_streamed_byok_reply_is_totalled_apart() -> None:
    model = ChatOpenRouterGemini(api_key=KEY, **ByokStream().clients())
    with get_openrouter_callback() as usage:
        chunks = list(model.stream("Hi"))
    final = chunks[-1]
    assert final.response_metadata["upstream_cost"] == 0.0000633
    assert usage.total_cost == 0.0
    assert usage.byok_cost == 0.0000633
    assert usage.byok_requests == 1
