"""Builders for OpenRouter-shaped SSE streams, for parser tests."""

from __future__ import annotations

import json
from typing import Any

BASE = {
    "id": "gen-1770000000-Xq8vT2mN5pR7wK1yL3zA",
    "provider": "Google AI Studio",
    "model": "google/gemini-2.5-flash",
    "object": "chat.completion.chunk",
    "created": 1770000000,
}


def chunk(
    delta: dict[str, Any] | None = None,
    *,
    finish: str | None = None,
    native: str | None = None,
    usage: dict[str, Any] | None = None,
    choices: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    event: dict[str, Any] = {**BASE, **extra}
    if choices:
        choice: dict[str, Any] = {
            "index": 0,
            "delta": delta or {"role": "assistant", "content": ""},
            "finish_reason": finish,
            "native_finish_reason": native,
            "logprobs": None,
        }
        event["choices"] = [choice]
    else:
        event["choices"] = []
    if usage is not None:
        event["usage"] = usage
    return event


def lines(*events: dict[str, Any] | str, done: bool = True) -> list[str]:
    """SSE lines as httpx's iter_lines yields them: keep-alives, data lines, blank lines."""
    out = [": OPENROUTER PROCESSING", ""]
    for event in events:
        out.append(event if isinstance(event, str) else "data: " + json.dumps(event))
        out.append("")
    if done:
        out += ["data: [DONE]", ""]
    return out


USAGE = {
    "prompt_tokens": 61,
    "completion_tokens": 18,
    "total_tokens": 79,
    "cost": 0.0000633,
    "is_byok": False,
    "prompt_tokens_details": {
        "cached_tokens": 5,
        "cache_write_tokens": 0,
        "audio_tokens": 0,
        "video_tokens": 0,
    },
    "completion_tokens_details": {"reasoning_tokens": 7, "image_tokens": 0, "audio_tokens": 0},
    "cost_details": {"upstream_inference_cost": 0.0000633},
}
ENCRYPTED = {
    "type": "reasoning.encrypted",
    "data": "CiQBVKhcSIGNATURE",
    "format": "google-gemini-v1",
    "id": "tool_get_weather_Ab12Cd34Ef56Gh78Ij90",
    "index": 0,
}
