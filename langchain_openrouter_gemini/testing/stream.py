"""A rendered reply as OpenRouter streams it: the `chat.completion.chunk` objects, in order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from langchain_openrouter_gemini.testing.details import text_detail_of
from langchain_openrouter_gemini.testing.framing import error_object
from langchain_openrouter_gemini.testing.rendered import Rendered, envelope

__all__ = ["error_chunk", "finish_chunk", "stream_chunks", "usage_chunk"]


def _pieces(text: str, size: int) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def _content_delta(rendered: Rendered, content: str | None) -> dict[str, Any]:
    # Real content deltas say "no reasoning here" explicitly; Gemini 3 adds empty annotations.
    delta: dict[str, Any] = {
        "role": "assistant",
        "content": content,
        "reasoning": None,
        "reasoning_details": [],
    }
    if rendered.gemini_3:
        delta["annotations"] = []
    return delta


def _reasoning_deltas(rendered: Rendered) -> Iterator[dict[str, Any]]:
    text_detail = text_detail_of(rendered.reasoning_details, rendered.reasoning)
    if not rendered.reasoning:
        return
    # The `reasoning.text` detail arrives in fragments sharing its index; only `text` varies.
    fixed = {
        key: value for key, value in (text_detail or {}).items() if key not in ("text", "signature")
    }
    signature = (text_detail or {}).get("signature")
    placeholder = rendered.placeholder_details and isinstance(signature, str)
    if text_detail is not None and placeholder:
        # Some upstreams send every non-text field as "" first and its value at the end.
        first = {**fixed, "text": "", "signature": ""}
        yield {"role": "assistant", "content": "", "reasoning": "", "reasoning_details": [first]}
    pieces = list(_pieces(rendered.reasoning, rendered.chunk_size))
    for number, piece in enumerate(pieces, start=1):
        delta: dict[str, Any] = {"role": "assistant", "content": None, "reasoning": piece}
        if text_detail is not None:
            fragment = {**fixed, "text": piece}
            if signature is not None and not placeholder and number == len(pieces):
                fragment["signature"] = signature
            delta["reasoning_details"] = [fragment]
        yield delta
    if text_detail is not None and placeholder:
        last = {**fixed, "signature": signature}
        yield {"role": "assistant", "content": "", "reasoning": "", "reasoning_details": [last]}


def _tool_call_deltas(rendered: Rendered) -> Iterator[dict[str, Any]]:
    for call in rendered.tool_calls:
        header = {
            "index": call["index"],
            "id": call["id"],
            "type": "function",
            "function": {"name": call["function"]["name"], "arguments": ""},
        }
        yield {"role": "assistant", "content": None, "tool_calls": [header]}
        for piece in _pieces(call["function"]["arguments"], max(rendered.chunk_size, 8)):
            fragment = {"index": call["index"], "function": {"arguments": piece}}
            yield {"role": "assistant", "content": None, "tool_calls": [fragment]}


def stream_chunks(rendered: Rendered) -> list[dict[str, Any]]:
    """Every `chat.completion.chunk` of the stream, in order, ending with the usage chunk.

    Order as Gemini on OpenRouter sends it: role, reasoning fragments, text, images, the
    encrypted detail, tool calls (header then argument fragments), annotations, the finish
    chunk, then usage. Gemini 3 text answers send the encrypted detail in the chunk with the
    last text piece and the finish reason instead.

    Args:
        rendered: The rendered reply.

    Returns:
        The chunks (without SSE framing, comments or `[DONE]`).

    """
    text_detail = text_detail_of(rendered.reasoning_details, rendered.reasoning)
    rest = [d for d in rendered.reasoning_details if d is not text_detail]
    # Gemini 3 hands its signature over with the last text piece when no tool call follows.
    with_last_text = rendered.gemini_3 and not rendered.tool_calls and not rendered.images
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    deltas.extend(_reasoning_deltas(rendered))
    pieces = list(_pieces(rendered.content or "", rendered.chunk_size))
    if with_last_text and not pieces:
        pieces = [""]
    deltas.extend(_content_delta(rendered, piece) for piece in pieces)
    if rendered.images:
        deltas.append({"role": "assistant", "content": None, "images": rendered.images})
    if rest and not with_last_text:
        deltas.append(
            {"role": "assistant", "content": None, "reasoning": None, "reasoning_details": rest}
        )
    deltas.extend(_tool_call_deltas(rendered))
    if rendered.annotations:
        deltas.append({"role": "assistant", "content": "", "annotations": rendered.annotations})
    chunks = [_chunk(rendered, delta) for delta in deltas]
    if with_last_text:
        last = chunks[-1]["choices"][0]
        if rest:
            last["delta"]["reasoning_details"] = rest
        last["finish_reason"] = rendered.finish_reason
        last["native_finish_reason"] = rendered.native_finish_reason
    else:
        chunks.append(finish_chunk(rendered))
    chunks.append(usage_chunk(rendered))
    return chunks


def finish_chunk(rendered: Rendered) -> dict[str, Any]:
    """The chunk that carries the finish reason (an empty content delta).

    Args:
        rendered: The rendered reply.

    Returns:
        The chunk.

    """
    return _chunk(
        rendered,
        _content_delta(rendered, ""),
        rendered.finish_reason,
        rendered.native_finish_reason,
    )


def usage_chunk(rendered: Rendered, *, form: str | None = None) -> dict[str, Any]:
    """The stream's last chunk, carrying `usage`, in one of the three forms seen on the wire.

    Args:
        rendered: The rendered reply.
        form: `"delta"`, `"no_choices"` or `"repeat_finish"`; the reply's own when `None`.

    Returns:
        The chunk.

    """
    form = form or rendered.usage_chunk
    if form == "no_choices":
        chunk = {**envelope(rendered, "chat.completion.chunk"), "choices": []}
    elif form == "repeat_finish":
        chunk = _chunk(
            rendered,
            {"role": "assistant", "content": ""},
            rendered.finish_reason,
            rendered.native_finish_reason,
        )
    else:
        chunk = _chunk(rendered, {"role": "assistant", "content": ""})
    chunk["usage"] = rendered.usage
    return chunk


def _chunk(
    rendered: Rendered,
    delta: dict[str, Any],
    finish_reason: str | None = None,
    native_finish_reason: str | None = None,
) -> dict[str, Any]:
    chunk = envelope(rendered, "chat.completion.chunk")
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
    *,
    with_usage: bool = False,
) -> dict[str, Any]:
    """A mid-stream error chunk: top-level `error` plus a choice with `finish_reason`.

    Args:
        rendered: The rendered reply (for ids).
        code: `error.code`.
        message: `error.message`.
        metadata: `error.metadata` (omitted when `None`).
        finish_reason: `"error"` or `None`.
        with_usage: Attach the reply's `usage`, as the error after a normal finish does.

    Returns:
        The chunk.

    """
    chunk = _chunk(rendered, {"role": "assistant", "content": ""}, finish_reason)
    if finish_reason == "error":
        chunk["choices"][0]["native_finish_reason"] = "error"
    chunk["error"] = error_object(code, message, metadata)
    if with_usage:
        chunk["usage"] = rendered.usage
    return chunk
