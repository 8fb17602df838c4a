"""The cheap checks OpenRouter makes on a chat request before any model sees it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from langchain_openrouter_gemini.wire.reasoning import EFFORTS

__all__ = ["PART_TYPES", "request_problem"]

PART_TYPES = frozenset({"text", "image_url", "file", "input_audio", "video_url"})
_ROLES = frozenset({"system", "developer", "user", "assistant", "tool"})
# The emulator accepts what OpenRouter accepts, as the client knows it.
_EFFORTS = frozenset(EFFORTS)
_AUDIO_FORMATS = frozenset({"wav", "mp3", "flac", "ogg", "m4a", "aac", "aiff", "pcm16", "pcm24"})


def request_problem(body: Any) -> str | None:
    """What is wrong with a chat completions request body, if anything.

    Args:
        body: The parsed JSON body.

    Returns:
        A message naming the problem and the fix, or `None` for a valid body.

    """
    if not isinstance(body, Mapping):
        return "The request body must be a JSON object."
    model = body.get("model")
    if not isinstance(model, str) or not model.strip():
        return "`model` is required: a model id such as 'google/gemini-2.5-flash'."
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "`messages` must be a non-empty list of messages."
    for position, message in enumerate(messages):
        problem = _message_problem(message, position)
        if problem is not None:
            return problem
    for name, check in _OPTIONAL_FIELDS.items():
        value = body.get(name)
        problem = None if value is None else check(value)
        if problem is not None:
            return problem
    return None


def _message_problem(message: Any, position: int) -> str | None:
    where = f"messages[{position}]"
    if not isinstance(message, Mapping):
        return f"{where} must be an object with `role` and `content`."
    role = message.get("role")
    if role not in _ROLES:
        return f"{where}.role must be one of {sorted(_ROLES)}, got {role!r}."
    content = message.get("content")
    if content is None:
        if role == "assistant":  # an assistant turn with only tool calls
            return None
        return f"{where}.content is required for a {role} message."
    if isinstance(content, str):
        return None
    if not isinstance(content, list):
        return f"{where}.content must be a string or a list of content parts."
    for index, part in enumerate(content):
        problem = _part_problem(part, f"{where}.content[{index}]", str(role))
        if problem is not None:
            return problem
    return None


def _part_problem(part: Any, where: str, role: str) -> str | None:
    if not isinstance(part, Mapping) or part.get("type") not in PART_TYPES:
        kind = part.get("type") if isinstance(part, Mapping) else type(part).__name__
        return (
            f"{where} has unsupported content part type {kind!r}; use one of {sorted(PART_TYPES)}."
        )
    kind = str(part["type"])
    if role in ("system", "developer") and kind != "text":
        return f"{where}: {role} messages take text parts only, got {kind!r}."
    payload = part.get(kind)
    if kind == "text":
        return None if isinstance(payload, str) else f"{where}.text must be a string."
    if not isinstance(payload, Mapping):
        return f"{where}.{kind} must be an object."
    if kind in ("image_url", "video_url") and not isinstance(payload.get("url"), str):
        return f"{where}.{kind}.url must be a URL or a data URL string."
    if kind == "file" and not isinstance(payload.get("file_data") or payload.get("file_id"), str):
        return f"{where}.file needs `file_data` (a data URL or https URL) and a `filename`."
    if kind == "input_audio":
        if not isinstance(payload.get("data"), str):
            return f"{where}.input_audio.data must be base64 audio (URLs are not accepted)."
        if payload.get("format") not in _AUDIO_FORMATS:
            return (
                f"{where}.input_audio.format must be a codec name such as 'wav' or 'mp3', "
                f"got {payload.get('format')!r}."
            )
    return None


def _reasoning_problem(reasoning: Any) -> str | None:
    if not isinstance(reasoning, Mapping):
        return "`reasoning` must be an object such as {'effort': 'low'} or {'max_tokens': 2048}."
    if reasoning.get("effort") is not None and reasoning.get("max_tokens") is not None:
        return (
            "`reasoning` takes `effort` or `max_tokens`, not both: "
            "pick one (e.g. {'effort': 'low'} or {'max_tokens': 2048})."
        )
    effort = reasoning.get("effort")
    if effort is not None and effort not in _EFFORTS:
        return f"`reasoning.effort` must be one of {sorted(_EFFORTS)}, got {effort!r}."
    budget = reasoning.get("max_tokens")
    if budget is not None and (not isinstance(budget, int) or budget < 0):
        return f"`reasoning.max_tokens` must be a non-negative integer, got {budget!r}."
    return None


def _tools_problem(tools: Any) -> str | None:
    if not isinstance(tools, list):
        return "`tools` must be a list of {'type': 'function', 'function': {...}} objects."
    for index, tool in enumerate(tools):
        if not isinstance(tool, Mapping):
            return f"tools[{index}] must be an object."
        function = tool.get("function")
        if tool.get("type") == "function" and not (
            isinstance(function, Mapping) and isinstance(function.get("name"), str)
        ):
            return f"tools[{index}].function needs a `name`."
    return None


# Optional top-level fields, checked in this order when present; absent (or null) is fine.
_OPTIONAL_FIELDS: dict[str, Callable[[Any], str | None]] = {
    "reasoning": _reasoning_problem,
    "tools": _tools_problem,
}
