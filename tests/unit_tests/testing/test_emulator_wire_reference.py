"""The emulator's replies have exactly the key paths of OpenRouter's real replies.

The reference sets below are written from /work/shared/openrouter-wire-format.md (the wire
format as observed in real traffic: the example bodies, the field lists, and "Seen in recorded
real traffic"), not from the emulator's output. Values are ignored; every key path of a JSON
body, and of every SSE event, is compared. A stream's reference is the set of event shapes it
is made of: each event must have one of them, and each must occur.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator, Reply

KEY = {"Authorization": "Bearer sk-or-test"}
FLASH = "google/gemini-2.5-flash"
GEMINI_3 = "google/gemini-3-pro-preview"
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


def key_paths(value: Any, prefix: str = "") -> frozenset[str]:
    """`a.b`, `a.list[].c`: every key path in a JSON value (list items merged)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            found.add(path)
            found |= key_paths(child, path)
    elif isinstance(value, list):
        for item in value:
            found |= key_paths(item, f"{prefix}[]")
    return frozenset(found)


def under(prefix: str, *names: str) -> frozenset[str]:
    """`prefix` and `prefix.name` for each name (`x[]` itself is not a key path)."""
    paths = frozenset(f"{prefix}.{name}" for name in names)
    return paths if prefix.endswith("[]") else paths | {prefix}


# The reference, from the shared document's shapes.

ENVELOPE = frozenset({"id", "provider", "model", "object", "created"})
USAGE = (
    under("usage", "prompt_tokens", "completion_tokens", "total_tokens", "cost", "is_byok")
    | under(
        "usage.prompt_tokens_details",
        "cached_tokens",
        "cache_write_tokens",
        "audio_tokens",
        "video_tokens",
    )
    | under("usage.completion_tokens_details", "reasoning_tokens", "image_tokens", "audio_tokens")
    | under(
        "usage.cost_details",
        "upstream_inference_cost",
        "upstream_inference_prompt_cost",
        "upstream_inference_completions_cost",
    )
)
CHOICE = {"choices"} | under(
    "choices[]", "index", "logprobs", "finish_reason", "native_finish_reason"
)
MESSAGE = under("choices[].message", "role", "content", "refusal", "reasoning", "annotations")
BODY = ENVELOPE | {"system_fingerprint"} | CHOICE | MESSAGE | USAGE
TOOL_CALLS = (
    {"choices[].message.tool_calls"}
    | under("choices[].message.tool_calls[]", "type", "index", "id", "function")
    | under("choices[].message.tool_calls[].function", "name", "arguments")
)
ENCRYPTED_FOR_CALL = ("type", "data", "format", "id", "index")
ENCRYPTED_ON_TEXT = ("type", "data", "format", "index")  # Gemini's text answers: no `id`
TEXT_DETAIL = ("type", "text", "format", "index")


def details(prefix: str, *fields: str) -> frozenset[str]:
    return frozenset({f"{prefix}.reasoning_details"}) | under(
        f"{prefix}.reasoning_details[]", *fields
    )


MESSAGE_DETAILS = "choices[].message"
PLAIN_BODY = BODY
TOOL_BODY = BODY | TOOL_CALLS | details(MESSAGE_DETAILS, *ENCRYPTED_FOR_CALL)
REASONING_BODY = BODY | details(MESSAGE_DETAILS, *TEXT_DETAIL, *ENCRYPTED_ON_TEXT)
GEMINI_3_BODY = REASONING_BODY | {"service_tier"}

D = "choices[].delta"
CHUNK = ENVELOPE | CHOICE | {D}
ROLE_DELTA = CHUNK | under(D, "role", "content")  # also the usage chunk's delta
CONTENT_DELTA = CHUNK | under(D, "role", "content", "reasoning", "reasoning_details")
USAGE_CHUNK = ROLE_DELTA | USAGE
# Tool calls stream as a header, then argument fragments (the wire notes' "Streaming").
TOOL_HEADER = (
    CHUNK
    | under(D, "role", "content", "tool_calls")
    | under(f"{D}.tool_calls[]", "index", "id", "type", "function")
    | under(f"{D}.tool_calls[].function", "name", "arguments")
)
TOOL_FRAGMENT = (
    CHUNK
    | under(D, "role", "content", "tool_calls")
    | under(f"{D}.tool_calls[]", "index", "function")
    | under(f"{D}.tool_calls[].function", "arguments")
)
SIGNATURE_DELTA = CHUNK | under(D, "role", "content", "reasoning") | details(D, *ENCRYPTED_FOR_CALL)
REASONING_DELTA = CHUNK | under(D, "role", "content", "reasoning") | details(D, *TEXT_DETAIL)
TEXT_SIGNATURE_DELTA = (
    CHUNK | under(D, "role", "content", "reasoning") | details(D, *ENCRYPTED_ON_TEXT)
)

PLAIN_STREAM = {ROLE_DELTA, CONTENT_DELTA, USAGE_CHUNK}
TOOL_STREAM = {ROLE_DELTA, SIGNATURE_DELTA, TOOL_HEADER, TOOL_FRAGMENT, CONTENT_DELTA, USAGE_CHUNK}
REASONING_STREAM = {ROLE_DELTA, REASONING_DELTA, CONTENT_DELTA, TEXT_SIGNATURE_DELTA, USAGE_CHUNK}


# Gemini 3: `service_tier` on every event, `annotations: []` on content deltas, and the
# encrypted entry in the chunk with the last text piece (and the finish reason).
TIER = {"service_tier"}
ANNOTATED = CONTENT_DELTA | {f"{D}.annotations"}
GEMINI_3_STREAM = {
    ROLE_DELTA | TIER,
    REASONING_DELTA | TIER,
    ANNOTATED | TIER,
    ANNOTATED | details(D, *ENCRYPTED_ON_TEXT) | TIER,
    USAGE_CHUNK | TIER,
}

ERROR_BODY = under("error", "message", "code") | {"user_id"}
NO_KEY_BODY = under("error", "message", "code")  # no `user_id`: no user was identified
PROVIDER_ERROR_BODY = ERROR_BODY | under("error.metadata", "provider_name", "raw")
MID_STREAM_ERROR = ROLE_DELTA | under("error", "code", "message")
ERROR_AFTER_FINISH = MID_STREAM_ERROR | USAGE
BYOK_BODY = PLAIN_BODY
UNKNOWN_COST_BODY = (
    PLAIN_BODY
    - {"usage.cost", "usage.is_byok"}
    - under(
        "usage.cost_details",
        "upstream_inference_cost",
        "upstream_inference_prompt_cost",
        "upstream_inference_completions_cost",
    )
)


def user(text: str, *parts: dict[str, Any]) -> list[dict[str, Any]]:
    content: Any = [{"type": "text", "text": text}, *parts] if parts else text
    return [{"role": "user", "content": content}]


CACHED = [
    {"type": "text", "text": "A long shared prefix. " * 400, "cache_control": {"type": "ephemeral"}}
]
VIDEO = {"type": "video_url", "video_url": {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}}

# (name, request body, script, reference for JSON, reference for the stream)
CASES: list[tuple[str, dict[str, Any], list[Any], frozenset[str], set[frozenset[str]]]] = [
    ("plain", {"model": FLASH, "messages": user("hi")}, [], PLAIN_BODY, PLAIN_STREAM),
    (
        "tools",
        {"model": FLASH, "messages": user("Weather in Oslo?"), "tools": TOOLS},
        [],
        TOOL_BODY,
        TOOL_STREAM,
    ),
    (
        "reasoning",
        {"model": FLASH, "messages": user("Is 221 prime?"), "reasoning": {"effort": "low"}},
        [],
        REASONING_BODY,
        REASONING_STREAM,
    ),
    (
        "gemini 3 reasons unasked",
        {"model": GEMINI_3, "messages": user("Is 221 prime?")},
        [],
        GEMINI_3_BODY,
        GEMINI_3_STREAM,
    ),
    (
        "cache",
        {"model": FLASH, "messages": [{"role": "user", "content": [*CACHED]}]},
        [Reply.text("ok", cached_tokens=2161, cache_write_tokens=2161, prompt_tokens=2168)],
        PLAIN_BODY,
        PLAIN_STREAM,
    ),
    (
        "video",
        {"model": FLASH, "messages": user("What happens?", VIDEO)},
        [Reply.text("A man sings.", prompt_tokens=0)],
        PLAIN_BODY,
        PLAIN_STREAM,
    ),
    (
        "byok",
        {"model": FLASH, "messages": user("hi")},
        [Reply.text("hi", billing="byok")],
        BYOK_BODY,
        PLAIN_STREAM,
    ),
    (
        "unknown cost",
        {"model": FLASH, "messages": user("hi")},
        [Reply.text("hi", billing="unknown")],
        UNKNOWN_COST_BODY,
        {ROLE_DELTA, CONTENT_DELTA, ROLE_DELTA | (UNKNOWN_COST_BODY & USAGE)},
    ),
]


def _post(emu: OpenRouterEmulator, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{emu.base_url}/chat/completions", json=body, **{"headers": KEY, **kwargs})


def _events(text: str) -> list[dict[str, Any]]:
    return [
        json.loads(block[len("data: ") :])
        for block in text.split("\n\n")
        if block.startswith("data: {")
    ]


def _describe(shapes: set[frozenset[str]], reference: set[frozenset[str]]) -> str:
    extra = [sorted(s - r) for s in shapes - reference for r in reference if len(s ^ r) < 6]
    return f"unexpected event shapes (nearest differences: {extra})"


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_json_and_stream_replies_have_the_references_key_paths(case: Any) -> None:
    _, body, script, json_reference, stream_reference = case
    with OpenRouterEmulator() as emulator:
        emulator.enqueue(*script, *script)
        reply = _post(emulator, body).json()
        assert key_paths(reply) == json_reference, (
            f"missing {sorted(json_reference - key_paths(reply))}, "
            f"extra {sorted(key_paths(reply) - json_reference)}"
        )
        events = _events(_post(emulator, {**body, "stream": True}).text)
    shapes = {key_paths(event) for event in events}
    assert shapes == stream_reference, _describe(shapes, stream_reference)
    assert "usage" in events[-1], "usage comes in the last event"
    assert all("usage" not in event for event in events[:-1]), "and only there"


@pytest.mark.parametrize(
    ("script", "body", "headers", "status", "reference"),
    [
        ([], {"model": "google/gemini-2.5-flsh", "messages": user("hi")}, KEY, 400, ERROR_BODY),
        (
            [],
            {"model": "google/gemini-2.5-flash:free", "messages": user("hi")},
            KEY,
            404,
            ERROR_BODY,
        ),
        ([], {"model": FLASH, "messages": user("hi")}, {}, 401, NO_KEY_BODY),
        (
            [Fault.status(429, metadata={"provider_name": "Google", "raw": "quota"})],
            {"model": FLASH, "messages": user("hi")},
            KEY,
            429,
            PROVIDER_ERROR_BODY,
        ),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_error_bodies_have_the_references_key_paths(
    script: list[Any],
    body: dict[str, Any],
    headers: dict[str, str],
    status: int,
    reference: frozenset[str],
    stream: bool,
) -> None:
    with OpenRouterEmulator() as emulator:
        emulator.enqueue(*script)
        response = _post(emulator, {**body, "stream": stream}, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert key_paths(response.json()) == reference


def test_signature_rejection_has_the_references_key_paths() -> None:
    history = [
        *user("Weather?"),
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "tool_get_weather_Ab12Cd34Ef56Gh78Ij90",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": "{}"},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "tool_get_weather_Ab12Cd34Ef56Gh78Ij90", "content": "4"},
    ]
    with OpenRouterEmulator() as emulator:
        response = _post(emulator, {"model": GEMINI_3, "messages": history})
    assert response.status_code == 400
    assert key_paths(response.json()) == PROVIDER_ERROR_BODY


@pytest.mark.parametrize(
    ("fault", "last_shape"),
    [
        (Fault.mid_stream_error(502, after_events=2), MID_STREAM_ERROR),
        (Fault.error_after_finish(400, "Token limit reached"), ERROR_AFTER_FINISH),
    ],
)
def test_stream_errors_have_the_references_key_paths(
    fault: Fault, last_shape: frozenset[str]
) -> None:
    with OpenRouterEmulator() as emulator:
        emulator.enqueue(fault)
        response = _post(emulator, {"model": FLASH, "messages": user("hi"), "stream": True})
    events = _events(response.text)
    assert key_paths(events[-1]) == last_shape
    assert {key_paths(event) for event in events[:-1]} <= PLAIN_STREAM
