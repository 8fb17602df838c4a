"""What one chat call needs besides its body: settings checks, timeouts and reply headers.

Kept apart from the chat model class so the class stays glue. Nothing here sends anything.
"""

from __future__ import annotations

from typing import Any

import httpx2
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import BaseModel

__all__ = [
    "UNSUPPORTED_SETTINGS",
    "refuse_unsupported_settings",
    "stream_timeout",
    "with_reply_headers",
]

# Inherited `BaseChatOpenAI` settings for OpenAI features OpenRouter does not have: setting
# one would do nothing at all, so the constructor says so (field -> why, and what to do).
UNSUPPORTED_SETTINGS = {
    "use_responses_api": (
        "this class always uses Chat Completions, the API OpenRouter serves Gemini on; "
        "drop use_responses_api"
    ),
    "store": (
        "OpenRouter does not keep chat completions for OpenAI's stored-completions API; "
        "drop store (request logging is a setting of your OpenRouter account)"
    ),
    "openai_organization": (
        "OpenRouter has no OpenAI organizations (the API key alone picks the account); "
        "drop organization="
    ),
}


def refuse_unsupported_settings(model: BaseModel) -> None:
    """Reject inherited OpenAI-only settings that were set (to anything but off).

    Raises:
        ValueError: One was set; the message names it, why it cannot work, and the fix.

    """
    for name, why in UNSUPPORTED_SETTINGS.items():
        # `False`/`None` ask for nothing OpenRouter lacks (no responses API, no storing).
        if name in model.model_fields_set and getattr(model, name) not in (None, False):
            alias = type(model).model_fields[name].alias or name
            msg = f"{type(model).__name__}({alias}=...) is not supported: {why}."
            raise ValueError(msg)


def stream_timeout(timeout: httpx2.Timeout, chunk_limit: float | None) -> httpx2.Timeout:
    """`timeout` with its read timeout capped at `chunk_limit` (for a stream).

    No byte at all for `chunk_limit` seconds means no chunk either; the transport checks
    the gap between chunks itself, so keep-alive bytes do not hide a stall.
    """
    if chunk_limit is None:
        return timeout
    read = chunk_limit if timeout.read is None else min(chunk_limit, timeout.read)
    return httpx2.Timeout(
        timeout.read, connect=timeout.connect, read=read, write=timeout.write, pool=timeout.pool
    )


def with_reply_headers(
    reply: ChatResult | ChatGenerationChunk, headers: dict[str, str] | None
) -> None:
    """Put the reply's HTTP headers in `generation_info["headers"]`, as ChatOpenAI does.

    LangChain copies `generation_info` into the message's `response_metadata`. For a
    stream, call it on the first chunk only. `headers=None` (not asked for) does nothing.
    """
    if headers is None:
        return
    generations: list[Any] = reply.generations if isinstance(reply, ChatResult) else [reply]
    for generation in generations:
        generation.generation_info = {**(generation.generation_info or {}), "headers": headers}
