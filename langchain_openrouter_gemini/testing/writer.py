"""`ReplyWriter`: how a route puts its answer on the connection, as a body or as SSE chunks.

The protocol holds the few primitives a connection offers; the layouts built from them (a
JSON body, an error body, one SSE event) are functions here, so every route frames replies
the same way. The chat route and the fault effects write through this module only: they do
not know the HTTP handler that implements it (`handler.Handler`), and the handler can
import them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NoReturn, Protocol

from langchain_openrouter_gemini.testing.framing import COMPACT, JSON_PADDING, error_body

__all__ = ["ReplyWriter", "body_headers", "send_bytes", "send_error", "send_json", "write_event"]


class ReplyWriter(Protocol):
    """The framing primitives of one connection."""

    def start_body(self, status: int, headers: Mapping[str, str]) -> None:
        """Send the status line and `headers` (in order); the body follows with `write`."""

    def write(self, data: bytes) -> None:
        """Send body bytes as they are."""

    def start_stream(self, generation_id: str, provider: str = "") -> None:
        """Send the headers of a chunked `text/event-stream` reply (ids omitted when empty)."""

    def write_chunk(self, data: bytes) -> None:
        """Send bytes as one HTTP chunk (an SSE event, a comment, `data: [DONE]`)."""

    def end_stream(self) -> None:
        """Send the last (empty) HTTP chunk."""

    def hang_up(self) -> NoReturn:
        """Close the connection mid-reply (raises, to unwind the route)."""

    def wait(self, seconds: float, *, keepalive: float = 0.0) -> None:
        """Stay silent for `seconds` (in a stream: a keep-alive comment every `keepalive`)."""


def body_headers(
    content_type: str, length: int, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The headers of a body with a known length: type, length, then any `extra` ones.

    Args:
        content_type: The `Content-Type`.
        length: The `Content-Length`.
        extra: More headers (e.g. `Retry-After`, `X-Generation-Id`).

    Returns:
        The headers, in the order they go out.

    """
    return {"Content-Type": content_type, "Content-Length": str(length), **(extra or {})}


def send_bytes(
    writer: ReplyWriter,
    status: int,
    data: bytes,
    content_type: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Send a complete body with a `Content-Length`.

    Args:
        writer: The connection.
        status: The HTTP status.
        data: The body.
        content_type: Its `Content-Type`.
        headers: Extra response headers.

    """
    writer.start_body(status, body_headers(content_type, len(data), headers))
    writer.write(data)


def send_json(
    writer: ReplyWriter,
    status: int,
    obj: Any,
    *,
    headers: Mapping[str, str] | None = None,
    padded: bool = False,
) -> None:
    """Send a JSON body (compact, non-ASCII kept).

    Args:
        writer: The connection.
        status: The HTTP status.
        obj: The JSON value.
        headers: Extra response headers.
        padded: Start the body with OpenRouter's whitespace padding.

    """
    data = json.dumps(obj, ensure_ascii=False, separators=COMPACT).encode()
    send_bytes(writer, status, JSON_PADDING + data if padded else data, "application/json", headers)


def send_error(
    writer: ReplyWriter,
    status: int,
    message: str,
    metadata: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Send OpenRouter's error body: `{"error": {"code", "message"}, "user_id"}`.

    Args:
        writer: The connection.
        status: The HTTP status (also `error.code`).
        message: `error.message`.
        metadata: `error.metadata` (omitted when `None`).
        headers: Extra response headers (e.g. `Retry-After`).

    """
    send_json(writer, status, error_body(status, message, metadata), headers=headers)


def write_event(writer: ReplyWriter, chunk: Mapping[str, Any]) -> None:
    """Send one `data: {json}` SSE event.

    Args:
        writer: The connection.
        chunk: The event's JSON object.

    """
    text = json.dumps(chunk, ensure_ascii=False, separators=COMPACT)
    writer.write_chunk(b"data: " + text.encode() + b"\n\n")
