"""`POST /chat/completions`: refuse what OpenRouter refuses, then serve the script or echo.

Checks run in OpenRouter's order, before anything is consumed from the script: the body
(`validation`), the model id (`models`), the thought signatures in the history
(`signatures`). A refused `stream: true` request gets a plain JSON error, never SSE.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from langchain_openrouter_gemini.testing import server_tools
from langchain_openrouter_gemini.testing.echo import echo_reply, thought_summary
from langchain_openrouter_gemini.testing.faults import Fault
from langchain_openrouter_gemini.testing.framing import (
    COMPACT,
    DONE,
    JSON_PADDING,
    KEEPALIVE,
    USER_ID,
)
from langchain_openrouter_gemini.testing.models import (
    ModelRoster,
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
    no_choices_body,
)
from langchain_openrouter_gemini.testing.replies import Reply
from langchain_openrouter_gemini.testing.signatures import missing_signature_error, serving_provider
from langchain_openrouter_gemini.testing.stream import error_chunk, finish_chunk, stream_chunks
from langchain_openrouter_gemini.testing.validation import request_problem

if TYPE_CHECKING:
    from langchain_openrouter_gemini.testing.handler import Handler

__all__ = ["model_refusal", "serve_chat", "thinking_for"]

_HTML_PAGE = (
    "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def serve_chat(handler: Handler, body: Any) -> None:
    """Answer one chat completions request (JSON or SSE), or refuse it as OpenRouter would.

    Args:
        handler: The connection's handler.
        body: The parsed JSON body (`None` when it was not JSON).

    """
    state = handler.state
    if body is None:
        handler.send_api_error(400, "The request body is not valid JSON.")
        return
    problem = request_problem(body)
    if problem is not None:
        handler.send_api_error(400, problem)
        return
    refusal = model_refusal(body, state.roster)
    if refusal is not None:
        status, message = refusal
        error = {"message": message, "code": status}
        handler.send_json(status, {"error": error, "user_id": USER_ID})
        return
    provider = serving_provider(body)
    rejected = state.book.find_rejected_call(
        body["messages"], body["model"], provider, strict=state.strict_signatures
    )
    if rejected is not None:
        error = missing_signature_error(*rejected, provider)
        handler.send_json(400, {"error": error, "user_id": USER_ID})
        return
    item = state.next_item()
    streaming = body.get("stream") is True
    if isinstance(item, Fault):
        _serve_fault(handler, item, body, streaming)
    elif item is not None and item.raw is not None:
        handler.send_bytes(200, item.raw, item.raw_content_type or "application/json")
    else:
        _serve(handler, item or server_tools.answer(body), body, streaming, None)


def model_refusal(body: Mapping[str, Any], roster: ModelRoster) -> tuple[int, str] | None:
    """OpenRouter's refusal of the request's `model` (or a `models` fallback), if any.

    Args:
        body: A validated request body.
        roster: The ids this emulator serves.

    Returns:
        `(status, message)` or `None`.

    """
    fallbacks = body.get("models")
    candidates = [body["model"], *(fallbacks if isinstance(fallbacks, list) else [])]
    for model_id in candidates:
        refusal = roster.refusal(str(model_id))
        if refusal is not None:
            return refusal
    return None


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


# Replies


def _render(handler: Handler, reply: Reply, body: Mapping[str, Any], streaming: bool) -> Rendered:
    state = handler.state
    thinking = thinking_for(body)
    thought = thought_summary(body) if thinking == "shown" else ""
    rendered = server_tools.count_searches(
        materialize(reply, body, state.book, thinking=thinking, thought=thought), body
    )
    state.remember_generation(rendered, streaming, body)
    return rendered


def _serve(
    handler: Handler,
    reply: Reply,
    body: Mapping[str, Any],
    streaming: bool,
    fault: Fault | None,
) -> None:
    rendered = _render(handler, reply, body, streaming)
    if fault is not None and fault.kind == "stall" and fault.before_first_byte:
        handler.wait(fault.seconds)
    if streaming:
        _stream(handler, rendered, fault)
    else:
        _json_reply(handler, rendered, fault)


def _json_reply(handler: Handler, rendered: Rendered, fault: Fault | None) -> None:
    text = json.dumps(completion_body(rendered), ensure_ascii=False, separators=COMPACT)
    payload = JSON_PADDING + text.encode()
    if fault is not None and fault.kind in ("mid_stream_error", "error_in_200"):
        payload = json.dumps(_error_body(fault), separators=COMPACT).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(payload)))
    handler.send_header("X-Generation-Id", rendered.id)
    handler.send_header("X-Provider-Name", rendered.provider)
    handler.end_headers()
    if fault is not None and fault.kind == "cut":
        handler.wfile.write(payload[: len(payload) // 2])
        handler.hang_up()
    if fault is not None and fault.kind == "stall" and not fault.before_first_byte:
        handler.wfile.write(JSON_PADDING)
        handler.wait(fault.seconds)
        payload = payload[len(JSON_PADDING) :]
    handler.wfile.write(payload)


def _stream(handler: Handler, rendered: Rendered, fault: Fault | None) -> None:
    chunks = stream_chunks(rendered)
    if fault is not None and fault.kind == "error_after_finish":
        _stream_error_after_finish(handler, rendered, chunks, fault)
        return
    strike = min(fault.after_events, len(chunks)) if fault is not None else -1
    handler.start_stream(rendered.id, rendered.provider)
    handler.write_chunk(KEEPALIVE)
    for sent in range(len(chunks) + 1):
        if sent == strike and fault is not None:
            if fault.kind == "stall" and fault.before_first_byte:
                pass  # already waited in _serve, before the headers
            elif fault.kind == "stall":
                handler.wait(fault.seconds, keepalive=fault.keepalive)
            elif fault.kind == "cut":
                handler.hang_up()
            elif fault.kind == "mid_stream_error":
                error = error_chunk(
                    rendered, fault.code, fault.message, fault.metadata, fault.finish_reason
                )
                handler.write_event(error)
                handler.end_stream()
                return
        if sent < len(chunks):
            handler.write_event(chunks[sent])
        if sent == 0:
            handler.write_chunk(KEEPALIVE)
    handler.write_chunk(DONE)
    handler.end_stream()


def _stream_error_after_finish(
    handler: Handler, rendered: Rendered, chunks: list[dict[str, Any]], fault: Fault
) -> None:
    handler.start_stream(rendered.id, rendered.provider)
    handler.write_chunk(KEEPALIVE)
    # Everything up to the finish chunk, the finish reason once more, then the error.
    for chunk in [*chunks[:-1], finish_chunk(rendered)]:
        handler.write_event(chunk)
    error = error_chunk(rendered, fault.code, fault.message, fault.metadata, None, with_usage=True)
    handler.write_event(error)
    handler.write_chunk(DONE)
    handler.end_stream()


# Faults


def _serve_fault(handler: Handler, fault: Fault, body: Mapping[str, Any], streaming: bool) -> None:
    if fault.kind == "status":
        extra = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
        handler.send_api_error(fault.status_code, fault.message, fault.metadata, extra)
    elif fault.kind == "html":
        page = _HTML_PAGE.format(status=fault.status_code).encode()
        handler.send_bytes(fault.status_code, page, "text/html; charset=UTF-8")
    elif fault.kind == "empty_body":
        if streaming:
            handler.start_stream("")
            handler.end_stream()
        else:
            handler.send_bytes(200, b"", "application/json")
    elif fault.kind in ("no_choices", "malformed_json"):
        rendered = _render(handler, echo_reply(body), body, streaming)
        if fault.kind == "no_choices":
            _serve_no_choices(handler, rendered, streaming)
        else:
            _serve_malformed(handler, rendered, streaming)
    elif fault.kind == "error_in_200" and streaming:
        rendered = _render(handler, echo_reply(body), body, streaming)
        handler.start_stream(rendered.id, rendered.provider)
        error = error_chunk(rendered, fault.code, fault.message, fault.metadata, "error")
        handler.write_event(error)
        handler.end_stream()
    elif fault.kind == "error_after_finish":
        reply = fault.reply or echo_reply(body).with_options(finish_reason="length")
        _serve(handler, reply, body, streaming, fault if streaming else None)
    else:
        _serve(handler, fault.reply or echo_reply(body), body, streaming, fault)


def _serve_no_choices(handler: Handler, rendered: Rendered, streaming: bool) -> None:
    if not streaming:
        handler.send_json(200, no_choices_body(rendered, streaming=False), padded=True)
        return
    handler.start_stream(rendered.id, rendered.provider)
    handler.write_event(no_choices_body(rendered, streaming=True))
    handler.write_chunk(DONE)
    handler.end_stream()


def _serve_malformed(handler: Handler, rendered: Rendered, streaming: bool) -> None:
    if not streaming:
        text = json.dumps(completion_body(rendered), ensure_ascii=False, separators=COMPACT)
        data = text.encode()
        handler.send_bytes(200, JSON_PADDING + data[: len(data) // 2], "application/json")
        return
    first, second, *_ = stream_chunks(rendered)
    handler.start_stream(rendered.id, rendered.provider)
    handler.write_event(first)
    broken = json.dumps(second, separators=COMPACT).encode()
    handler.write_chunk(b"data: " + broken[: len(broken) // 2] + b"\n\n")
    handler.write_chunk(DONE)
    handler.end_stream()


def _error_body(fault: Fault) -> dict[str, Any]:
    error: dict[str, Any] = {"code": fault.code, "message": fault.message}
    if fault.metadata is not None:
        error["metadata"] = dict(fault.metadata)
    return {"error": error, "user_id": USER_ID}
