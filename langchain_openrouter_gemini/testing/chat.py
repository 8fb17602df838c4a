"""`POST /chat/completions`: refuse what OpenRouter refuses, then serve the script or echo.

Checks run in OpenRouter's order, before anything is consumed from the script: the body
(`validation`), the model id (`models`), the thought signatures in the history
(`signatures`). A refused `stream: true` request gets a plain JSON error, never SSE.
The answer goes out through a `ReplyWriter` (`delivery` lays it out, `fault_effects` breaks
it as a scripted `Fault` says).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_openrouter_gemini.testing import server_tools
from langchain_openrouter_gemini.testing.delivery import ChatExchange, deliver, thinking_for
from langchain_openrouter_gemini.testing.fault_effects import serve_fault
from langchain_openrouter_gemini.testing.faults import Fault
from langchain_openrouter_gemini.testing.framing import USER_ID
from langchain_openrouter_gemini.testing.models import ModelRoster
from langchain_openrouter_gemini.testing.signatures import missing_signature_error, serving_provider
from langchain_openrouter_gemini.testing.state import EmulatorState
from langchain_openrouter_gemini.testing.validation import request_problem
from langchain_openrouter_gemini.testing.writer import (
    ReplyWriter,
    send_bytes,
    send_error,
    send_json,
)

# `thinking_for` lives in `delivery` now; it is still importable from here.
__all__ = ["model_refusal", "serve_chat", "thinking_for"]


def serve_chat(writer: ReplyWriter, state: EmulatorState, body: Any) -> None:
    """Answer one chat completions request (JSON or SSE), or refuse it as OpenRouter would.

    Args:
        writer: The connection's framing.
        state: The emulator's shared state (script, roster, signatures).
        body: The parsed JSON body (`None` when it was not JSON).

    """
    if body is None:
        send_error(writer, 400, "The request body is not valid JSON.")
        return
    problem = request_problem(body)
    if problem is not None:
        send_error(writer, 400, problem)
        return
    refusal = model_refusal(body, state.roster)
    if refusal is not None:
        status, message = refusal
        error = {"message": message, "code": status}
        send_json(writer, status, {"error": error, "user_id": USER_ID})
        return
    provider = serving_provider(body)
    rejected = state.book.find_rejected_call(
        body["messages"], body["model"], provider, strict=state.strict_signatures
    )
    if rejected is not None:
        error = missing_signature_error(*rejected, provider)
        send_json(writer, 400, {"error": error, "user_id": USER_ID})
        return
    item = state.next_item()
    exchange = ChatExchange(writer, state, body, streaming=body.get("stream") is True)
    if isinstance(item, Fault):
        serve_fault(exchange, item)
    elif item is not None and item.raw is not None:
        send_bytes(writer, 200, item.raw, item.raw_content_type or "application/json")
    else:
        deliver(exchange, exchange.render(item or server_tools.answer(body)))


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
