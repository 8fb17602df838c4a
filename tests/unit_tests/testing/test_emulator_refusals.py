"""What the emulator refuses, as OpenRouter refuses it, and what it must not refuse.

Model ids come from the catalogue (plus `OpenRouterEmulator(models=...)`); unknown ids get
HTTP 400, a variant without an endpoint 404; refusals of streamed requests are plain JSON;
and thought signatures it did not issue (a recorded live conversation) pass unless strict.
"""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_openrouter_gemini.catalogue import CATALOGUE
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply, pytest_plugin
from langchain_openrouter_gemini.testing.framing import USER_ID
from langchain_openrouter_gemini.testing.models import ModelRoster

openrouter_emulator = pytest_plugin.openrouter_emulator  # the fixture, used explicitly
KEY = {"Authorization": "Bearer sk-or-test"}


def request(model: str, **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": "hi"}], **extra}


def post(emu: OpenRouterEmulator, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
    return httpx.post(
        f"{emu.base_url}/chat/completions", json=payload, **{"headers": KEY, **kwargs}
    )


# Model ids


@pytest.mark.parametrize("model", [entry.id for entry in CATALOGUE])
def test_every_catalogued_model_is_served(
    openrouter_emulator: OpenRouterEmulator, model: str
) -> None:
    response = post(openrouter_emulator, request(model))
    assert response.status_code == 200
    assert response.json()["model"] == model


@pytest.mark.parametrize(
    "model",
    [
        "google/gemini-2.5-flash:nitro",
        "google/gemini-2.5-flash:floor",
        "google/gemini-2.5-flash:online",
        "google/gemini-2.5-pro:nitro",
        "google/gemini-2.5-flash:floor:online",
    ],
)
def test_routing_variants_of_known_models_are_served(
    openrouter_emulator: OpenRouterEmulator, model: str
) -> None:
    assert post(openrouter_emulator, request(model)).status_code == 200


@pytest.mark.parametrize(
    "model",
    [
        "google/gemini-2.5-flsh",
        "openai/gpt-4o",
        "gemini-2.5-flash",
        "google/gemini-2.5-flash:turbo",
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_unknown_model_id_is_openrouters_400(
    openrouter_emulator: OpenRouterEmulator, model: str, stream: bool
) -> None:
    openrouter_emulator.enqueue(Reply.text("kept"))
    response = post(openrouter_emulator, request(model, stream=stream))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json", "not SSE, even when streaming"
    assert response.json() == {
        "error": {"message": f"{model} is not a valid model ID", "code": 400},
        "user_id": USER_ID,
    }
    assert USER_ID.startswith("user_")
    assert openrouter_emulator.pending == 1, "a refused request does not consume the script"


@pytest.mark.parametrize("model", ["google/gemini-2.5-flash:free", "google/gemini-2.5-pro:exacto"])
def test_known_model_without_that_endpoint_is_404(
    openrouter_emulator: OpenRouterEmulator, model: str
) -> None:
    response = post(openrouter_emulator, request(model, stream=True))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == {"message": f"No endpoints found for {model}.", "code": 404}


@pytest.mark.parametrize(
    "model",
    ["~google/gemini-pro-latest", "@preset/moons-helper", "google/gemini-2.5-flash@preset/x"],
)
def test_aliases_and_presets_are_served(
    openrouter_emulator: OpenRouterEmulator, model: str
) -> None:
    # They live in the user's account, which the emulator cannot know: never refused.
    assert post(openrouter_emulator, request(model)).status_code == 200


def test_a_preset_needs_a_known_model_in_front() -> None:
    refusal = ModelRoster().refusal("google/gemini-9@preset/x")
    assert refusal == (400, "google/gemini-9@preset/x is not a valid model ID")


def test_a_fallback_model_list_is_checked_too(openrouter_emulator: OpenRouterEmulator) -> None:
    good = request("google/gemini-2.5-flash", models=["google/gemini-2.5-flash-lite"])
    assert post(openrouter_emulator, good).status_code == 200
    bad = request("google/gemini-2.5-flash", models=["google/gemini-2.5-flash", "x/typo"])
    response = post(openrouter_emulator, bad)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "x/typo is not a valid model ID"


def test_users_add_the_models_they_test() -> None:
    extra = ["openai/gpt-4o", "google/gemini-2.5-flash:free", "anthropic/claude-sonnet-4"]
    with OpenRouterEmulator(models=extra) as emulator:
        for model in [*extra, "openai/gpt-4o:nitro"]:
            response = post(emulator, request(model))
            assert response.status_code == 200, model
            assert response.json()["model"] == model
        # Another vendor's model does not reason unasked, nor get Gemini's signatures checked.
        message = post(emulator, request("openai/gpt-4o")).json()["choices"][0]["message"]
        assert message["reasoning"] is None
        assert post(emulator, request("openai/gpt-5")).status_code == 400


CATALOGUED = [entry.id for entry in CATALOGUE]
VARIANTS = ["nitro", "floor", "online", "free", "exacto", "thinking", "extended", "turbo"]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    base=st.sampled_from(CATALOGUED)
    | st.from_regex(r"[a-z]{1,8}/[a-z0-9.-]{1,12}", fullmatch=True),
    variants=st.lists(st.sampled_from(VARIANTS), max_size=3),
)
def test_refusals_follow_the_catalogue_and_the_variant_rules(
    base: str, variants: list[str]
) -> None:
    model = ":".join([base, *variants])
    refusal = ModelRoster().refusal(model)
    if base not in CATALOGUED or "turbo" in variants:
        assert refusal == (400, f"{model} is not a valid model ID")
    elif set(variants) <= {"nitro", "floor", "online"}:
        assert refusal is None
    else:
        assert refusal == (404, f"No endpoints found for {model}.")
    assert ModelRoster([model]).refusal(model) is None, "an added id is always served"


@pytest.mark.parametrize("bad", [[""], ["has space"], [3]])
def test_added_models_must_be_ids(bad: list[Any]) -> None:
    with pytest.raises(TypeError, match="model id strings"):
        OpenRouterEmulator(models=bad)


# Up-front refusals of streamed requests, and keys


def test_refused_stream_requests_get_plain_json(openrouter_emulator: OpenRouterEmulator) -> None:
    cases = [
        (request("google/gemini-2.5-flash", stream=True, messages=[]), 400, KEY),
        (request("google/gemini-2.5-flash", stream=True), 401, {}),
    ]
    for payload, status, headers in cases:
        response = post(openrouter_emulator, payload, headers=headers)
        assert response.status_code == status
        assert response.headers["content-type"] == "application/json"
        assert "error" in response.json()
    wrong_path = httpx.post(
        f"{openrouter_emulator.base_url}/chat/complete", json={"stream": True}, headers=KEY
    )
    assert wrong_path.status_code == 404
    assert wrong_path.headers["content-type"] == "application/json"


def test_no_key_at_all_is_missing_authentication_header(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    response = post(openrouter_emulator, request("google/gemini-2.5-flash"), headers={})
    assert response.status_code == 401
    assert response.json() == {"error": {"message": "Missing Authentication header", "code": 401}}


# Thought signatures: no false refusals, and the real checks

# A turn-2 tool loop as recorded from live traffic (shapes from the wire notes; the signature
# is well-formed base64 that this emulator never issued).
LIVE_SIGNATURE = "CiQBVKhcDeYHWMeSR8No/Ddo9triZj+3W03QtolyU91ztQa9jbEp4NZ6wGkJcLKkLeWw4SjjRSTmzGv7R8KCPMaIzo/l0Q=="
CALL_ID = "tool_get_weather_Ab12Cd34Ef56Gh78Ij90"


def recorded_turn_2(model: str) -> dict[str, Any]:
    details: list[dict[str, Any]] = [
        {
            "type": "reasoning.encrypted",
            "data": LIVE_SIGNATURE,
            "format": "google-gemini-v1",
            "id": CALL_ID,
            "index": 0,
        }
    ]
    if "gemini-3" in model:
        details.insert(
            0,
            {
                "type": "reasoning.text",
                "text": "**Checking the weather**",
                "format": "google-gemini-v1",
                "index": 0,
            },
        )
    return {
        "model": model,
        "messages": [
            {"role": "user", "content": "Weather in Oslo?"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "type": "function",
                        "index": 0,
                        "id": CALL_ID,
                        "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'},
                    }
                ],
                "reasoning_details": details,
            },
            {"role": "tool", "tool_call_id": CALL_ID, "content": "4 C, snow"},
        ],
    }


@pytest.mark.parametrize(
    "model", ["google/gemini-2.5-flash", "google/gemini-3-pro-preview", "google/gemini-2.5-pro"]
)
def test_replayed_live_signatures_pass_unless_strict(model: str) -> None:
    body = recorded_turn_2(model)
    with OpenRouterEmulator() as emulator:
        response = post(emulator, body)
        assert response.status_code == 200, response.text
        assert "4 C, snow" in response.json()["choices"][0]["message"]["content"]
    with OpenRouterEmulator(strict_signatures=True) as strict:
        response = post(strict, body)
        assert response.status_code == 400
        assert "thought_signature" in response.json()["error"]["metadata"]["raw"]


def test_gemini_3_still_needs_some_signature_on_a_current_turn_call() -> None:
    body = recorded_turn_2("google/gemini-3-pro-preview")
    del body["messages"][1]["reasoning_details"]
    with OpenRouterEmulator() as emulator:
        assert post(emulator, body).status_code == 400
    broken = recorded_turn_2("google/gemini-3-pro-preview")
    broken["messages"][1]["reasoning_details"][-1]["data"] = "not a signature!"
    with OpenRouterEmulator() as emulator:
        assert post(emulator, broken).status_code == 400


@pytest.mark.parametrize("damage", ["tamper", "move"])
def test_issued_signatures_are_still_checked(
    openrouter_emulator: OpenRouterEmulator, damage: str
) -> None:
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {}}}]
    first = request("google/gemini-2.5-flash", tools=tools)
    assistant = post(openrouter_emulator, first).json()["choices"][0]["message"]
    sent = copy.deepcopy(
        {k: assistant[k] for k in ("role", "content", "tool_calls", "reasoning_details")}
    )
    follow = {
        **first,
        "messages": [
            *first["messages"],
            sent,
            {"role": "tool", "tool_call_id": sent["tool_calls"][0]["id"], "content": "ok"},
        ],
    }
    assert post(openrouter_emulator, follow).status_code == 200
    if damage == "tamper":
        # Still well-formed base64, so only the emulator's own check can catch it.
        sent["reasoning_details"][0]["data"] = LIVE_SIGNATURE
    else:
        follow["provider"] = {"order": ["google-vertex"]}
    response = post(openrouter_emulator, follow)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Gemini models require OpenRouter")
