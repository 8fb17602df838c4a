"""How one chat reply goes out: rendered once, then sent as a JSON body or as an SSE stream.

A fault changes a reply at one point only (before the headers, part way through the body or
after some events), so the layouts here take that point as an argument instead of knowing
the faults: `send_stream` runs a `Strike` after a number of events, and the JSON layout is
exposed in its parts (`completion_payload`, `start_completion`) for a fault to split.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from langchain_openrouter_gemini.testing import server_tools
from langchain_openrouter_gemini.testing.echo import thought_summary
from langchain_openrouter_gemini.testing.framing import COMPACT, DONE, JSON_PADDING, KEEPALIVE
from langchain_openrouter_gemini.testing.models import (
    reasoning_by_default,
    reasoning_hidden,
    reasoning_requested,
    supports_reasoning,
)
from langchain_openrouter_gemini.testing.render import (
    Rendered,
    Thinking,
    completion_body,
    materialize,
)
from langchain_openrouter_gemini.testing.replies import Reply
from langchain_openrouter_gemini.testing.state import EmulatorState
from langchain_openrouter_gemini.testing.stream import stream_chunks
from langchain_openrouter_gemini.testing.writer import ReplyWriter, body_headers, write_event

__all__ = [
    "ChatExchange",
    "Strike",
    "completion_payload",
    "deliver",
    "send_completion",
    "send_stream",
    "start_completion",
    "thinking_for",
]


@dataclass(frozen=True)
class ChatExchange:
    """One accepted chat request: where its answer goes and what it asked for.

    Attributes:
        writer: The connection's framing.
        state: The emulator's shared state (signatures, generation records).
        body: The validated request body.
        streaming: Whether the request asked for SSE (`stream: true`).

    """

    writer: ReplyWriter
    state: EmulatorState
    body: Mapping[str, Any]
    streaming: bool

    def render(self, reply: Reply) -> Rendered:
        """Decide everything about `reply` for this request, and keep its `/generation` record.

        Args:
            reply: The scripted (or echo) reply.

        Returns:
            The rendered reply.

        """
        thinking = thinking_for(self.body)
        thought = thought_summary(self.body) if thinking == "shown" else ""
        rendered = server_tools.count_searches(
            materialize(reply, self.body, self.state.book, thinking=thinking, thought=thought),
            self.body,
        )
        self.state.remember_generation(rendered, self.streaming, self.body)
        return rendered


def thinking_for(body: Mapping[str, Any]) -> Thinking:
    """Whether the requested model reasons for this request, and shows it.

    Gemini 2.5 Pro and 3.x reason on every request; other reasoning models when asked.

    Args:
        body: A validated request body.

    Returns:
        `"shown"`, `"hidden"` (the request sets `reasoning.exclude`) or `None`.

    """
    model = str(body["model"])
    asked = reasoning_requested(body)
    if reasoning_by_default(model) or (asked and supports_reasoning(model)):
        return "hidden" if reasoning_hidden(body) else "shown"
    return None


def deliver(exchange: ChatExchange, rendered: Rendered) -> None:
    """Send a rendered reply whole, in the framing the request asked for.

    Args:
        exchange: The request.
        rendered: The reply.

    """
    if exchange.streaming:
        send_stream(exchange.writer, rendered)
    else:
        send_completion(exchange.writer, rendered)


# JSON


def completion_payload(rendered: Rendered) -> bytes:
    """The JSON body of a completion, after OpenRouter's whitespace padding.

    Args:
        rendered: The reply.

    Returns:
        The body bytes.

    """
    text = json.dumps(completion_body(rendered), ensure_ascii=False, separators=COMPACT)
    return JSON_PADDING + text.encode()


def start_completion(writer: ReplyWriter, rendered: Rendered, length: int) -> None:
    """Send the status line and headers of a completion body of `length` bytes.

    Args:
        writer: The connection.
        rendered: The reply (its generation id and provider go in headers).
        length: The `Content-Length`.

    """
    ids = {"X-Generation-Id": rendered.id, "X-Provider-Name": rendered.provider}
    writer.start_body(200, body_headers("application/json", length, ids))


def send_completion(writer: ReplyWriter, rendered: Rendered, payload: bytes | None = None) -> None:
    """Send a completion's headers and body (`payload` in place of the body when given).

    Args:
        writer: The connection.
        rendered: The reply.
        payload: Bytes to send under the reply's headers instead (an error in a 200).

    """
    data = completion_payload(rendered) if payload is None else payload
    start_completion(writer, rendered, len(data))
    writer.write(data)


# SSE


@dataclass(frozen=True)
class Strike:
    """What a fault does to a stream once `after` of its events are out.

    Attributes:
        after: Events sent first (more than the stream has: after the last one, before
            `[DONE]`).
        act: Called with the connection and the reply; returns True when it ended the
            stream itself (nothing more is sent), False to let the stream go on.

    """

    after: int
    act: Callable[[ReplyWriter, Rendered], bool]


def send_stream(writer: ReplyWriter, rendered: Rendered, strike: Strike | None = None) -> None:
    """Stream a reply as OpenRouter does: keep-alive comments, the events, then `[DONE]`.

    Args:
        writer: The connection.
        rendered: The reply.
        strike: A fault's action part way through (none: the whole stream goes out).

    """
    chunks = stream_chunks(rendered)
    at = -1 if strike is None else min(strike.after, len(chunks))
    writer.start_stream(rendered.id, rendered.provider)
    writer.write_chunk(KEEPALIVE)
    for sent in range(len(chunks) + 1):
        if strike is not None and sent == at and strike.act(writer, rendered):
            return
        if sent < len(chunks):
            write_event(writer, chunks[sent])
        if sent == 0:
            writer.write_chunk(KEEPALIVE)
    writer.write_chunk(DONE)
    writer.end_stream()
