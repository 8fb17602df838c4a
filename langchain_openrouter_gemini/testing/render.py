"""Turn a `Reply` into what goes on the wire: every decision made, then the completion body.

`materialize` decides ids, signatures, reasoning, finish reasons and usage once;
`completion_body` (here) and `stream_chunks` (in `stream`, also importable from here) only lay
the result out.
"""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Mapping
from typing import Any, Literal

from langchain_openrouter_gemini.testing.details import DetailsPlan, build_details
from langchain_openrouter_gemini.testing.models import gemini_3
from langchain_openrouter_gemini.testing.rendered import Rendered, envelope
from langchain_openrouter_gemini.testing.replies import Reply
from langchain_openrouter_gemini.testing.signatures import SignatureBook, serving_provider
from langchain_openrouter_gemini.testing.stream import error_chunk, stream_chunks
from langchain_openrouter_gemini.testing.usage import (
    estimate_prompt_tokens,
    text_tokens,
    usage_object,
)

__all__ = [
    "Rendered",
    "Thinking",
    "completion_body",
    "error_chunk",
    "materialize",
    "new_generation_id",
    "no_choices_body",
    "stream_chunks",
]

Thinking = Literal["shown", "hidden"] | None
_ALNUM = string.ascii_letters + string.digits
_TOKENS_PER_IMAGE = 1290  # what Gemini image models bill per generated image
_HIDDEN_REASONING_TOKENS = 24  # billed even when `reasoning.exclude` keeps the text back


def _alnum(length: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


def new_generation_id() -> str:
    """An OpenRouter generation id: `gen-<epoch>-<20 alnum>`.

    Returns:
        The id.

    """
    return f"gen-{int(time.time())}-{_alnum(20)}"


def materialize(
    reply: Reply,
    body: Mapping[str, Any],
    book: SignatureBook,
    *,
    thinking: Thinking = None,
    thought: str = "",
) -> Rendered:
    """Decide ids, signatures, reasoning, finish reasons and usage for `reply` answering `body`.

    Args:
        reply: The scripted or echoed reply.
        body: The request body.
        book: The emulator's signature book.
        thinking: Whether the model reasons for this request (`"shown"`, or `"hidden"` when
            the request excludes the text); `None` when it does not.
        thought: The reasoning text used when the model reasons and the reply scripts none.

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
    layout_3 = reply.details_layout == "gemini-3" or (
        reply.details_layout == "auto" and gemini_3(model)
    )
    automatic = reply.auto_reasoning and reply.reasoning_details is None
    reasoning = reply.reasoning_text
    if reasoning is None and automatic and thinking == "shown" and not reply.signature_only:
        reasoning = thought or "Reading the request and working out the answer."
    if reply.reasoning_details is not None:
        details = [dict(detail) for detail in reply.reasoning_details]
    else:
        plan = DetailsPlan(
            reasoning_text=reasoning,
            tool_calls=tool_calls,
            generation=generation,
            provider=provider,
            gemini_3=layout_3,
            signature_only=reply.signature_only,
            placeholder=reply.placeholder_details,
        )
        details = build_details(plan, book)
    hidden = _HIDDEN_REASONING_TOKENS if automatic and thinking == "hidden" else 0
    reasoning_tokens = (
        reply.reasoning_tokens
        if reply.reasoning_tokens is not None
        else text_tokens(reasoning) + (8 if details else 0) + hidden
    )
    usage = _usage(reply, body, model, tool_calls, reasoning_tokens)
    finish = reply.finish_reason or ("tool_calls" if tool_calls else "stop")
    native = reply.native_finish_reason or ("MAX_TOKENS" if finish == "length" else "STOP")
    tier = reply.service_tier
    if tier == "auto":
        tier = "default" if gemini_3(model) else None
    return Rendered(
        id=generation,
        created=int(time.time()),
        model=model,
        provider=provider,
        content=reply.content,
        reasoning=reasoning,
        reasoning_details=details,
        tool_calls=tool_calls,
        images=[dict(image) for image in reply.images],
        annotations=[dict(annotation) for annotation in reply.citations],
        finish_reason=finish,
        native_finish_reason=native,
        usage=usage,
        chunk_size=reply.chunk_size,
        usage_chunk=reply.usage_chunk,
        gemini_3=layout_3,
        service_tier=tier,
        placeholder_details=reply.placeholder_details,
    )


def _usage(
    reply: Reply,
    body: Mapping[str, Any],
    model: str,
    tool_calls: list[dict[str, Any]],
    reasoning_tokens: int,
) -> dict[str, Any]:
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
    return usage_object(
        model,
        prompt_tokens,
        completion_tokens,
        reasoning_tokens=reasoning_tokens,
        image_tokens=image_tokens,
        cached_tokens=reply.cached_tokens,
        cache_write_tokens=reply.cache_write_tokens,
        cost=reply.cost,
        billing=reply.billing,
    )


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
    message["annotations"] = rendered.annotations
    choice = {
        "index": 0,
        "logprobs": None,
        "finish_reason": rendered.finish_reason,
        "native_finish_reason": rendered.native_finish_reason,
        "message": message,
    }
    body = envelope(rendered, "chat.completion")
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
    body = envelope(rendered, "chat.completion.chunk" if streaming else "chat.completion")
    body["choices"] = []
    return body
