"""OpenRouter chat-completion JSON to LangChain messages (the non-streaming reply)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage, InvalidToolCall, ToolCall
from langchain_core.messages.ai import UsageMetadata
from langchain_core.output_parsers.openai_tools import make_invalid_tool_call, parse_tool_call
from langchain_core.outputs import ChatGeneration, ChatResult

from langchain_openrouter_gemini.errors import error_from_payload, malformed_response
from langchain_openrouter_gemini.wire.outputs import image_reply_blocks
from langchain_openrouter_gemini.wire.response.reasoning_details import reasoning_text
from langchain_openrouter_gemini.wire.response.usage import cost_fields, usage_to_metadata

__all__ = [
    "MODEL_PROVIDER",
    "completion_to_result",
    "parse_tool_calls",
    "reply_metadata",
    "tool_call_problem",
]

MODEL_PROVIDER = "openrouter"

# Top-level reply fields copied to `response_metadata` under LangChain's names.
_REPLY_FIELDS = (
    ("id", "id"),
    ("model", "model_name"),
    ("provider", "provider"),
    ("created", "created"),
    ("system_fingerprint", "system_fingerprint"),
    ("service_tier", "service_tier"),
)


def reply_metadata(data: Mapping[str, Any]) -> dict[str, Any]:
    """The reply-level `response_metadata` fields present in an OpenRouter reply or chunk."""
    meta: dict[str, Any] = {"model_provider": MODEL_PROVIDER}
    for wire_key, lc_key in _REPLY_FIELDS:
        if wire_key in data:
            meta[lc_key] = data[wire_key]
    return meta


def tool_call_problem(item: Mapping[str, Any], *, complete: bool) -> str | None:
    """Why a raw tool call (or streamed fragment) cannot be read, or `None` when it can.

    Args:
        item: One entry of `tool_calls`.
        complete: Whether it is a whole call (which needs a name) or a stream fragment.

    Returns:
        A sentence fragment for `malformed_response`, or `None`.

    """
    function = item.get("function")
    function = function if isinstance(function, Mapping) else {}
    fields = {"id": item.get("id"), "name": function.get("name")}
    fields["arguments"] = function.get("arguments")
    wrong = [
        key for key, value in fields.items() if value is not None and not isinstance(value, str)
    ]
    if wrong:
        return f"OpenRouter sent a tool call whose {' and '.join(wrong)} is not a string"
    if complete and not fields["name"]:
        return "OpenRouter sent a tool call without a function name"
    return None


def parse_tool_calls(raw: Any) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    """Split OpenRouter `tool_calls` into parsed calls and ones whose arguments are not JSON.

    Raises:
        OpenRouterMalformedResponseError: A call has no name, or a name, id or arguments
            that is not a string.

    """
    calls: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        return calls, invalid
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("function"), Mapping):
            continue
        if problem := tool_call_problem(item, complete=True):
            raise malformed_response(problem, json.dumps(item, default=str)[:500])
        call = dict(item)
        if not call["function"].get("arguments"):
            # Gemini sends "" for a call without arguments; that is `{}`, not an error.
            call["function"] = {**call["function"], "arguments": "{}"}
        try:
            calls.append(parse_tool_call(call, return_id=True))  # type: ignore[arg-type]
        except Exception as exc:  # parse_tool_call raises OutputParserException
            invalid.append(make_invalid_tool_call(call, str(exc)))
    return calls, invalid


def _message(
    raw: Mapping[str, Any],
    meta: dict[str, Any],
    usage: UsageMetadata | None,
    *,
    image_output: bool,
) -> AIMessage:
    raw_text = raw.get("content")
    text = raw_text if isinstance(raw_text, str) else ""
    content: str | list[str | dict[str, Any]] = text
    images = raw.get("images")
    if image_output or (isinstance(images, list) and images):
        # The same blocks a stream of this reply adds up to (see `image_reply_blocks`).
        content = list(image_reply_blocks(text, images))

    additional_kwargs: dict[str, Any] = {}
    details = raw.get("reasoning_details")
    reasoning = raw.get("reasoning")
    if not isinstance(reasoning, str) or not reasoning:
        reasoning = reasoning_text(details) if isinstance(details, list) else ""
    if reasoning:
        additional_kwargs["reasoning_content"] = reasoning
    if isinstance(details, list) and details:
        additional_kwargs["reasoning_details"] = details
    if isinstance(raw.get("refusal"), str) and raw["refusal"]:
        additional_kwargs["refusal"] = raw["refusal"]
    if isinstance(raw.get("annotations"), list) and raw["annotations"]:
        meta["annotations"] = raw["annotations"]

    tool_calls, invalid_tool_calls = parse_tool_calls(raw.get("tool_calls"))
    return AIMessage(
        content=content,
        additional_kwargs=additional_kwargs,
        tool_calls=tool_calls,
        invalid_tool_calls=invalid_tool_calls,
        usage_metadata=usage,
        response_metadata=meta,
    )


def completion_to_result(
    data: Mapping[str, Any], *, output_version: str | None = None, image_output: bool = False
) -> ChatResult:
    """Convert a decoded OpenRouter chat completion into a LangChain `ChatResult`.

    `image_output`: the request asked for images (`modalities` has `"image"`), so the content
    is a list of indexed blocks, text first, as the stream of the same reply adds up to.

    Raises:
        OpenRouterError: The reply reports an error (HTTP 200 with an `error` object,
            `finish_reason: "error"`, or Gemini's `MALFORMED_FUNCTION_CALL`).
        OpenRouterMalformedResponseError: The reply has no usable choice.

    """
    if (error := error_from_payload(data)) is not None:
        raise error
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], Mapping):
        raise malformed_response("OpenRouter's reply has no choices", json.dumps(data)[:500])
    choice = choices[0]
    raw_message = choice.get("message")
    if not isinstance(raw_message, Mapping):
        raise malformed_response("OpenRouter's reply has no message", json.dumps(data)[:500])

    meta = reply_metadata(data)
    meta["finish_reason"] = choice.get("finish_reason")
    meta["native_finish_reason"] = choice.get("native_finish_reason")
    if choice.get("logprobs") is not None:
        meta["logprobs"] = choice["logprobs"]
    if output_version == "v1":
        meta["output_version"] = "v1"
    usage = data.get("usage")
    if isinstance(usage, Mapping):
        meta.update(cost_fields(usage))

    message = _message(
        raw_message,
        meta,
        usage_to_metadata(usage) if isinstance(usage, Mapping) else None,
        image_output=image_output,
    )
    llm_output = {
        "token_usage": dict(usage) if isinstance(usage, Mapping) else {},
        "model_name": meta.get("model_name"),
        "model_provider": MODEL_PROVIDER,
        "id": meta.get("id"),
    }
    return ChatResult(generations=[ChatGeneration(message=message)], llm_output=llm_output)
