"""`FAULT_EFFECTS`: what each kind of `Fault` puts on the wire, one entry a kind.

Each effect answers the whole request, in JSON or SSE as the request asked (the `Fault`
classmethods document both). A new kind of fault is a `FaultKind`, a classmethod and one
entry here; the chat route looks the effect up and knows no kind by name.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from langchain_openrouter_gemini.testing.delivery import (
    ChatExchange,
    Strike,
    completion_payload,
    deliver,
    send_completion,
    send_stream,
    start_completion,
)
from langchain_openrouter_gemini.testing.echo import echo_reply
from langchain_openrouter_gemini.testing.faults import Fault, FaultKind
from langchain_openrouter_gemini.testing.framing import (
    COMPACT,
    DONE,
    JSON_PADDING,
    KEEPALIVE,
    error_body,
)
from langchain_openrouter_gemini.testing.render import Rendered, completion_body, no_choices_body
from langchain_openrouter_gemini.testing.stream import error_chunk, finish_chunk, stream_chunks
from langchain_openrouter_gemini.testing.writer import (
    ReplyWriter,
    send_bytes,
    send_error,
    send_json,
    write_event,
)

__all__ = ["FAULT_EFFECTS", "FaultEffect", "serve_fault"]

FaultEffect = Callable[[ChatExchange, Fault], None]

_HTML_PAGE = (
    "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def serve_fault(exchange: ChatExchange, fault: Fault) -> None:
    """Answer the request with the fault's effect.

    Args:
        exchange: The accepted request.
        fault: The scripted fault.

    """
    FAULT_EFFECTS[fault.kind](exchange, fault)


def _faulted_reply(exchange: ChatExchange, fault: Fault) -> Rendered:
    """The reply a fault starts from (its own, else the echo reply), rendered."""
    return exchange.render(fault.reply or echo_reply(exchange.body))


def _error_payload(fault: Fault) -> bytes:
    # No `ensure_ascii=False`: this body has always gone out ASCII-escaped.
    return json.dumps(
        error_body(fault.code, fault.message, fault.metadata), separators=COMPACT
    ).encode()


# Effects that never reach a model: no reply is rendered, no generation is kept.


def _status(exchange: ChatExchange, fault: Fault) -> None:
    extra = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
    send_error(exchange.writer, fault.status_code, fault.message, fault.metadata, extra)


def _html(exchange: ChatExchange, fault: Fault) -> None:
    page = _HTML_PAGE.format(status=fault.status_code).encode()
    send_bytes(exchange.writer, fault.status_code, page, "text/html; charset=UTF-8")


def _empty_body(exchange: ChatExchange, fault: Fault) -> None:
    if exchange.streaming:
        exchange.writer.start_stream("")
        exchange.writer.end_stream()
    else:
        send_bytes(exchange.writer, 200, b"", "application/json")


# Effects on a broken answer to an echo reply.


def _no_choices(exchange: ChatExchange, fault: Fault) -> None:
    rendered = exchange.render(echo_reply(exchange.body))
    writer = exchange.writer
    if not exchange.streaming:
        send_json(writer, 200, no_choices_body(rendered, streaming=False), padded=True)
        return
    writer.start_stream(rendered.id, rendered.provider)
    write_event(writer, no_choices_body(rendered, streaming=True))
    writer.write_chunk(DONE)
    writer.end_stream()


def _malformed_json(exchange: ChatExchange, fault: Fault) -> None:
    rendered = exchange.render(echo_reply(exchange.body))
    writer = exchange.writer
    if not exchange.streaming:
        text = json.dumps(completion_body(rendered), ensure_ascii=False, separators=COMPACT)
        data = text.encode()
        send_bytes(writer, 200, JSON_PADDING + data[: len(data) // 2], "application/json")
        return
    first, second, *_ = stream_chunks(rendered)
    writer.start_stream(rendered.id, rendered.provider)
    write_event(writer, first)
    broken = json.dumps(second, separators=COMPACT).encode()
    writer.write_chunk(b"data: " + broken[: len(broken) // 2] + b"\n\n")
    writer.write_chunk(DONE)
    writer.end_stream()


def _error_in_200(exchange: ChatExchange, fault: Fault) -> None:
    if not exchange.streaming:
        send_completion(exchange.writer, _faulted_reply(exchange, fault), _error_payload(fault))
        return
    # A stream holds nothing but the error chunk, whatever reply the fault names.
    rendered = exchange.render(echo_reply(exchange.body))
    writer = exchange.writer
    writer.start_stream(rendered.id, rendered.provider)
    write_event(writer, error_chunk(rendered, fault.code, fault.message, fault.metadata, "error"))
    writer.end_stream()


# Effects part way through a real reply.


def _mid_stream_error(exchange: ChatExchange, fault: Fault) -> None:
    rendered = _faulted_reply(exchange, fault)
    if not exchange.streaming:
        send_completion(exchange.writer, rendered, _error_payload(fault))
        return

    def error_event(writer: ReplyWriter, rendered: Rendered) -> bool:
        chunk = error_chunk(
            rendered, fault.code, fault.message, fault.metadata, fault.finish_reason
        )
        write_event(writer, chunk)
        writer.end_stream()
        return True

    send_stream(exchange.writer, rendered, Strike(fault.after_events, error_event))


def _error_after_finish(exchange: ChatExchange, fault: Fault) -> None:
    reply = fault.reply or echo_reply(exchange.body).with_options(finish_reason="length")
    rendered = exchange.render(reply)
    if not exchange.streaming:
        send_completion(exchange.writer, rendered)
        return
    writer = exchange.writer
    writer.start_stream(rendered.id, rendered.provider)
    writer.write_chunk(KEEPALIVE)
    # Everything up to the finish chunk, the finish reason once more, then the error.
    for chunk in [*stream_chunks(rendered)[:-1], finish_chunk(rendered)]:
        write_event(writer, chunk)
    error = error_chunk(rendered, fault.code, fault.message, fault.metadata, None, with_usage=True)
    write_event(writer, error)
    writer.write_chunk(DONE)
    writer.end_stream()


def _hang_up(writer: ReplyWriter, rendered: Rendered) -> bool:
    writer.hang_up()


def _cut(exchange: ChatExchange, fault: Fault) -> None:
    rendered = _faulted_reply(exchange, fault)
    if exchange.streaming:
        send_stream(exchange.writer, rendered, Strike(fault.after_events, _hang_up))
        return
    payload = completion_payload(rendered)
    start_completion(exchange.writer, rendered, len(payload))
    exchange.writer.write(payload[: len(payload) // 2])
    exchange.writer.hang_up()


def _stall(exchange: ChatExchange, fault: Fault) -> None:
    rendered = _faulted_reply(exchange, fault)
    writer = exchange.writer
    if fault.before_first_byte:
        writer.wait(fault.seconds)
        deliver(exchange, rendered)
        return
    if exchange.streaming:

        def silence(writer: ReplyWriter, rendered: Rendered) -> bool:
            writer.wait(fault.seconds, keepalive=fault.keepalive)
            return False

        send_stream(writer, rendered, Strike(fault.after_events, silence))
        return
    # A JSON reply stalls after its headers and padding, as a slow model's does.
    payload = completion_payload(rendered)
    start_completion(writer, rendered, len(payload))
    writer.write(JSON_PADDING)
    writer.wait(fault.seconds)
    writer.write(payload[len(JSON_PADDING) :])


def _reply(exchange: ChatExchange, fault: Fault) -> None:
    deliver(exchange, _faulted_reply(exchange, fault))


FAULT_EFFECTS: dict[FaultKind, FaultEffect] = {
    "status": _status,
    "html": _html,
    "empty_body": _empty_body,
    "no_choices": _no_choices,
    "malformed_json": _malformed_json,
    "error_in_200": _error_in_200,
    "mid_stream_error": _mid_stream_error,
    "error_after_finish": _error_after_finish,
    "cut": _cut,
    "stall": _stall,
    "reply": _reply,
}
