"""What one chat call needs besides its body: settings checks, timeouts and reply headers.

Kept apart from the chat model class so the class stays glue. Nothing here sends anything.
"""

from __future__ import annotations

from typing import Any

import httpx2
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import BaseModel

from langchain_openrouter_gemini.errors import OpenRouterError
from langchain_openrouter_gemini.wire.response.stream import StreamParser

__all__ = [
    "UNSUPPORTED_SETTINGS",
    "StreamReader",
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


class StreamReader:
    """One stream's reply: the chunks to yield, line by line, for the sync and async loops.

    The reply headers go on the first chunk yielded (the final one, if it is the only
    one). The loops differ only in how they wait for lines and callbacks.
    """

    def __init__(
        self,
        *,
        output_version: str | None,
        image_output: bool,
        reply_headers: dict[str, str] | None,
        limit: float | None,
    ) -> None:
        """Start a stream; `limit` is the longest gap allowed between chunks (or `None`)."""
        self.limit = limit
        self._parser = StreamParser(output_version=output_version, image_output=image_output)
        self._headers = reply_headers
        self._last: ChatGenerationChunk | None = None

    @property
    def done(self) -> bool:
        """Whether `[DONE]` arrived: leave the loop (its last chunk comes from `final`)."""
        return self._parser.done

    def feed(self, line: str) -> ChatGenerationChunk | None:
        """The chunk to yield for `line`, if any (none once the stream is done)."""
        chunk = self._last = self._parser.feed(line)
        if chunk is None or self._parser.done:
            return None
        return self._stamped(chunk)

    def final(self) -> ChatGenerationChunk | None:
        """The last chunk, once the lines ended: the `[DONE]` one, else what is left."""
        chunk = self._last if self._parser.done else self._parser.finish()
        return None if chunk is None else self._stamped(chunk)

    def keep_partial(self, error: OpenRouterError) -> None:
        """Attach what arrived to `error` (a stall or a cut the parser did not see)."""
        self._parser.keep_partial(error)

    def _stamped(self, chunk: ChatGenerationChunk) -> ChatGenerationChunk:
        with_reply_headers(chunk, self._headers)
        self._headers = None  # the first chunk carries them
        return chunk
