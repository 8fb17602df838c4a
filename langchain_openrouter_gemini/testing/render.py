"""Turn a `Reply` into OpenRouter's exact wire objects: a completion body or stream chunks."""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from langchain_openrouter_gemini.testing.replies import Reply
from langchain_openrouter_gemini.testing.signatures import (
    SIGNATURE_FORMAT,
    SignatureBook,
    serving_provider,
)
from langchain_openrouter_gemini.testing.usage import (
    estimate_prompt_tokens,
    text_tokens,
    usage_object,
)

__all__ = [
    "Rendered",
    "completion_body",
    "error_chunk",
    "materialize",
    "new_generation_id",
    "no_choices_body",
    "stream_chunks",
]

_ALNUM = string.ascii_letters + string.digits
_TOKENS_PER_IMAGE = 1290  # what Gemini image models bill per generated image


def _alnum(length: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


def new_generation_id() -> str:
    """An OpenRouter generation id: `gen-<epoch>-<20 alnum>`.

    Returns:
        The id.

    """
    return f"gen-{int(time.time())}-{_alnum(20)}"


@dataclass(frozen=True)
class Rendered:
    """A reply with everything the wire needs decided: ids, signatures, usage."""

    id: str
    created: int
    model: str
    provider: str
    content: str | None
    reasoning: str | None
    reasoning_details: list[dict[str, Any]]
    tool_calls: list[dict[str, Any]]
    images: list[dict[str, Any]]
    annotations: list[dict[str, Any]]
    finish_reason: str | None
    native_finish_reason: str | None
    usage: dict[str, Any]
    chunk_size: int
    usage_in_empty_choices: bool


def materialize(reply: Reply, body: Mapping[str, Any], book: SignatureBook) -> Rendered:
    """Decide ids, signatures, finish reasons and usage for `reply` answering `body`.

    Args:
        reply: The scripted or echoed reply.
        body: The request body.
        book: The emulator's signature book.

    Returns:
        The rendered reply, ready for `completion_body` or `stream_chunks`.

    """
    generation = new_generation_id()
    model = reply.model or str(body.get("model", ""))
    provider = reply.provider or serving_provider(body)
    tool_calls: list[dict[str, Any]] = [
        {
            "type": "function",
            "index": index,
            "id": spec.id or f"tool_{spec.name}_{_alnum(20)}",
            "function": {"name": spec.name, "arguments": spec.arguments_json()},
        }
        for index, spec in enumerate(reply.calls)
    ]
    if reply.reasoning_details is not None:
        details = [dict(detail) for detail in reply.reasoning_details]
    else:
        details = _auto_details(reply, tool_calls, generation, provider, book)
    reasoning_tokens = (
        reply.reasoning_tokens
        if reply.reasoning_tokens is not None
        else text_tokens(reply.reasoning_text) + (8 if details else 0)
    )
    image_tokens = _TOKENS_PER_IMAGE * len(reply.images)
    completion_tokens = reply.completion_tokens
    if completion_tokens is None:
        completion_tokens = (
            text_tokens(reply.content)
            + sum(text_tokens(call["function"]["arguments"]) + 2 for call in tool_calls)
            + reasoning_tokens
            + image_tokens
        )
    prompt_tokens = (
        reply.prompt_tokens if reply.prompt_tokens is not None else estimate_prompt_tokens(body)
    )
    usage = usage_object(
        model,
        prompt_tokens,
        completion_tokens,
        reasoning_tokens=reasoning_tokens,
        image_tokens=image_tokens,
        cached_tokens=reply.cached_tokens,
        cache_write_tokens=reply.cache_write_tokens,
        cost=reply.cost,
    )
    finish = reply.finish_reason or ("tool_calls" if tool_calls else "stop")
    native = reply.native_finish_reason or ("MAX_TOKENS" if finish == "length" else "STOP")
    return Rendered(
        id=generation,
        created=int(time.time()),
        model=model,
        provider=provider,
        content=reply.content,
        reasoning=reply.reasoning_text,
        reasoning_details=details,
        tool_calls=tool_calls,
        images=[dict(image) for image in reply.images],
        annotations=[dict(annotation) for annotation in reply.citations],
        finish_reason=finish,
        native_finish_reason=native,
        usage=usage,
        chunk_size=reply.chunk_size,
        usage_in_empty_choices=reply.usage_in_empty_choices,
    )


def _auto_details(
    reply: Reply,
    tool_calls: list[dict[str, Any]],
    generation: str,
    provider: str,
    book: SignatureBook,
) -> list[dict[str, Any]]:
    details: list[dict[str, Any]] = []
    if reply.reasoning_text:
        details.append(
            {"type": "reasoning.text", "text": reply.reasoning_text, "format": SIGNATURE_FORMAT}
        )
    if tool_calls:
        # Gemini signs a turn once: parallel calls share one signature, tied to the first call.
        first_id = tool_calls[0]["id"]
        details.append(
            {
                "type": "reasoning.encrypted",
                "data": book.mint(first_id, provider),
                "format": SIGNATURE_FORMAT,
                "id": first_id,
            }
        )
    elif reply.reasoning_text:
        details.append(
            {
                "type": "reasoning.encrypted",
                "data": book.mint(generation, provider),
                "format": SIGNATURE_FORMAT,
            }
        )
    for index, detail in enumerate(details):
        detail["index"] = index
    return details


def _envelope(rendered: Rendered, obj: str) -> dict[str, Any]:
    return {
        "id": rendered.id,
        "provider": rendered.provider,
        "model": rendered.model,
        "object": obj,
        "created": rendered.created,
    }


def completion_body(rendered: Rendered) -> dict[str, Any]:
    """The non-streaming `chat.completion` body.

    Args:
        rendered: The rendered reply.

    Returns:
        The body, as OpenRouter sends it.

    """
    message: dict[str, Any] = {
        "role": "assistant",
        "content": rendered.content,
        "refusal": None,
        "reasoning": rendered.reasoning,
    }
    if rendered.reasoning_details:
        message["reasoning_details"] = rendered.reasoning_details
    if rendered.tool_calls:
        message["tool_calls"] = rendered.tool_calls
    if rendered.images:
        message["images"] = rendered.images
    if rendered.annotations:
        message["annotations"] = rendered.annotations
    choice = {
        "index": 0,
        "logprobs": None,
        "finish_reason": rendered.finish_reason,
        "native_finish_reason": rendered.native_finish_reason,
        "message": message,
    }
    body = _envelope(rendered, "chat.completion")
    body["system_fingerprint"] = None
    body["choices"] = [choice]
    body["usage"] = rendered.usage
    return body


def no_choices_body(rendered: Rendered, *, streaming: bool) -> dict[str, Any]:
    """A body (or chunk) with `choices: []` and no usage.

    Args:
        rendered: The rendered reply (for ids).
        streaming: Build a `chat.completion.chunk` rather than a `chat.completion`.

    Returns:
        The body.

    """
    body = _envelope(rendered, "chat.completion.chunk" if streaming else "chat.completion")
    body["choices"] = []
    return body


def _pieces(text: str, size: int) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def stream_chunks(rendered: Rendered) -> list[dict[str, Any]]:
    """Every `chat.completion.chunk` of the stream, in order, ending with the usage chunk.

    Order as Gemini on OpenRouter sends it: role, reasoning fragments, text, images, the
    encrypted detail, tool calls (header then argument fragments), annotations, the finish
    chunk, then usage (repeating the finish reason, or with `choices: []`).

    Args:
        rendered: The rendered reply.

    Returns:
        The chunks (without SSE framing, comments or `[DONE]`).

    """
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    text_detail = next(
        (d for d in rendered.reasoning_details if d.get("type") == "reasoning.text"), None
    )
    # A reasoning.text detail holding exactly the reasoning text streams in fragments with it.
    fragmented = (
        text_detail is not None
        and bool(rendered.reasoning)
        and text_detail.get("text") == rendered.reasoning
    )
    if rendered.reasoning:
        for piece in _pieces(rendered.reasoning, rendered.chunk_size):
            delta: dict[str, Any] = {"role": "assistant", "content": None, "reasoning": piece}
            if fragmented and text_detail is not None:
                # The same detail arrives in fragments sharing its index; only `text` varies.
                fragment = {key: value for key, value in text_detail.items() if key != "text"}
                delta["reasoning_details"] = [{**fragment, "text": piece}]
            deltas.append(delta)
    for piece in _pieces(rendered.content or "", rendered.chunk_size):
        deltas.append({"role": "assistant", "content": piece, "reasoning": None})
    if rendered.images:
        deltas.append({"role": "assistant", "content": None, "images": rendered.images})
    rest = [d for d in rendered.reasoning_details if not (fragmented and d is text_detail)]
    if rest:
        deltas.append(
            {"role": "assistant", "content": None, "reasoning": None, "reasoning_details": rest}
        )
    for call in rendered.tool_calls:
        header = {
            "index": call["index"],
            "id": call["id"],
            "type": "function",
            "function": {"name": call["function"]["name"], "arguments": ""},
        }
        deltas.append({"role": "assistant", "content": None, "tool_calls": [header]})
        for piece in _pieces(call["function"]["arguments"], max(rendered.chunk_size, 8)):
            fragment = {"index": call["index"], "function": {"arguments": piece}}
            deltas.append({"role": "assistant", "content": None, "tool_calls": [fragment]})
    if rendered.annotations:
        deltas.append({"role": "assistant", "content": "", "annotations": rendered.annotations})
    chunks = [_chunk(rendered, delta) for delta in deltas]
    finish = _chunk(
        rendered,
        {"role": "assistant", "content": ""},
        rendered.finish_reason,
        rendered.native_finish_reason,
    )
    chunks.append(finish)
    usage_chunk = (
        {**_envelope(rendered, "chat.completion.chunk"), "choices": []}
        if rendered.usage_in_empty_choices
        else dict(finish)
    )
    usage_chunk["usage"] = rendered.usage
    chunks.append(usage_chunk)
    return chunks


def _chunk(
    rendered: Rendered,
    delta: dict[str, Any],
    finish_reason: str | None = None,
    native_finish_reason: str | None = None,
) -> dict[str, Any]:
    chunk = _envelope(rendered, "chat.completion.chunk")
    chunk["choices"] = [
        {
            "index": 0,
            "delta": delta,
            "finish_reason": finish_reason,
            "native_finish_reason": native_finish_reason,
            "logprobs": None,
        }
    ]
    return chunk


def error_chunk(
    rendered: Rendered,
    code: int | str | None,
    message: str,
    metadata: Mapping[str, Any] | None,
    finish_reason: str | None,
) -> dict[str, Any]:
    """A mid-stream error chunk: top-level `error` plus a choice with `finish_reason`.

    Args:
        rendered: The rendered reply (for ids).
        code: `error.code`.
        message: `error.message`.
        metadata: `error.metadata` (omitted when `None`).
        finish_reason: `"error"` or `None`.

    Returns:
        The chunk.

    """
    error: dict[str, Any] = {"code": code, "message": message}
    if metadata is not None:
        error["metadata"] = dict(metadata)
    chunk = _chunk(rendered, {"role": "assistant", "content": ""}, finish_reason)
    if finish_reason == "error":
        chunk["choices"][0]["native_finish_reason"] = "error"
    chunk["error"] = error
    return chunk
