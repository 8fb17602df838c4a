"""From what OpenRouter (or the SDK, or a stream) reported to the matching typed error."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx2
import openai

from langchain_openrouter_gemini.errors.classes import (
    OpenRouterAuthenticationError,
    OpenRouterBadRequestError,
    OpenRouterClientTimeoutError,
    OpenRouterConnectionError,
    OpenRouterContextLengthError,
    OpenRouterError,
    OpenRouterInsufficientCreditsError,
    OpenRouterMalformedResponseError,
    OpenRouterModelNotFoundError,
    OpenRouterModerationError,
    OpenRouterRateLimitError,
    OpenRouterRequestTimeoutError,
    OpenRouterRequestTooLargeError,
    OpenRouterStreamError,
    OpenRouterUpstreamError,
)
from langchain_openrouter_gemini.errors.messages import (
    MessageContext,
    describe,
    stalled_stream_message,
    wrong_endpoint_message,
)
from langchain_openrouter_gemini.errors.parsing import (
    ErrorDetails,
    looks_like_context_overflow,
    parse_error_body,
    parse_retry_after,
    preview,
    redact,
    served_by_emulator,
    status_from_code,
)
from langchain_openrouter_gemini.errors.retryable import (
    MAX_SERVER_DELAY,
    server_delay,
    should_retry,
    transient_code,
)

_BY_STATUS: dict[int, type[OpenRouterError]] = {
    400: OpenRouterBadRequestError,
    401: OpenRouterAuthenticationError,
    402: OpenRouterInsufficientCreditsError,
    403: OpenRouterModerationError,
    404: OpenRouterModelNotFoundError,
    408: OpenRouterRequestTimeoutError,
    413: OpenRouterRequestTooLargeError,
    422: OpenRouterBadRequestError,
    429: OpenRouterRateLimitError,
}


def _class_for(status: int | None, details: ErrorDetails) -> type[OpenRouterError]:
    if looks_like_context_overflow(details.message, details.raw) and status in (None, 400, 413):
        return OpenRouterContextLengthError
    if status is None:
        return OpenRouterStreamError
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return OpenRouterUpstreamError
    return OpenRouterBadRequestError if 400 <= status < 500 else OpenRouterStreamError


# A missing route, as web servers and frameworks word it (OpenRouter's own 404s name a model).
_NO_ROUTE = re.compile(
    r"(?i)\bno route\b|^not found\.?$|\bcannot (?:get|post)\b|404 page not found"
)


def _wrong_endpoint(status: int | None, details: ErrorDetails) -> bool:
    """Whether a 404/405/501 says the URL is wrong, not the model: not OpenRouter's shape."""
    if status not in (404, 405, 501):
        return False
    openrouter_shaped = isinstance(details.body, Mapping) and not details.is_html
    return not openrouter_shaped or bool(_NO_ROUTE.search(details.message.strip()))


def _build(
    status: int | None,
    details: ErrorDetails,
    *,
    in_reply: bool,
    response: httpx2.Response | None = None,
    headers: Mapping[str, str] | None = None,
    request: httpx2.Request | None = None,
    retries: tuple[int, int] | None = None,
) -> OpenRouterError:
    retry_after = parse_retry_after(headers, details)
    cls = OpenRouterStreamError if in_reply and status is None else _class_for(status, details)
    sent = request if request is not None else _request_of(response)
    ctx = MessageContext(
        status=status,
        details=details,
        retry_after=retry_after,
        in_reply=in_reply,
        retried=None if in_reply or status is None else _retry_story(status, headers, retries),
        url=str(sent.url) if sent is not None else None,
        emulator=served_by_emulator(headers),
    )
    description = describe(cls.kind, ctx)
    if not in_reply and _wrong_endpoint(status, details):
        description = redact(
            wrong_endpoint_message(
                status, details.message, sent.method if sent is not None else "POST", ctx.url
            )
        )
    elif details.is_html:
        # A proxy's error page says nothing our sentence builders could use.
        description = (
            f"{details.message} (HTTP {status}). This is usually a short outage in front of "
            "OpenRouter; 5xx replies are retried automatically up to max_retries times."
        )
    error = cls(
        description,
        details=details,
        status_code=status,
        request=request,
        response=response,
        retry_after=retry_after,
    )
    error.in_reply = in_reply
    return error


def _retry_story(
    status: int, headers: Mapping[str, str] | None, retries: tuple[int, int] | None
) -> str | None:
    """Why an error reply was not (or no longer) retried, for its message; None if unknown."""
    headers = headers or {}
    if should_retry(status, headers):
        if retries is None:
            return None
        taken, most = retries
        return "off" if most == 0 else "exhausted" if taken >= most else None
    delay = server_delay(headers)
    if delay is not None and delay > MAX_SERVER_DELAY:
        return "long_wait"
    return "declined" if headers.get("x-should-retry") == "false" else "permanent"


def _request_of(response: httpx2.Response | None) -> httpx2.Request | None:
    if response is None:
        return None
    try:
        return response.request
    except RuntimeError:  # a response built by hand, without its request
        return None


def error_from_response(
    response: httpx2.Response,
    body: bytes | str | None = None,
    *,
    retries: tuple[int, int] | None = None,
) -> OpenRouterError:
    """The typed error for an HTTP error response from OpenRouter.

    Args:
        response: The error response (status and headers are read from it).
        body: Its body, when already read; otherwise `response.content` is used.
        retries: `(retries taken, max_retries)` when a retry loop gives up on this reply,
            so the message says what was tried (and never advises raising `max_retries`
            when that would not have helped).

    Returns:
        The matching `OpenRouterError` subclass.

    """
    raw_body = body if body is not None else response.content
    details = parse_error_body(raw_body)
    return _build(
        response.status_code,
        details,
        in_reply=False,
        response=_without_secrets(response, raw_body),
        headers=response.headers,
        retries=retries,
    )


def _without_secrets(response: httpx2.Response, body: bytes | str) -> httpx2.Response:
    # LangChain copies `error.response.json()` into traced runs; a server that echoes the
    # key back must not put it there. Bodies without secrets keep the original response.
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    clean = redact(text)
    if clean == text:
        return response
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in ("content-length", "content-encoding")
    ]
    try:
        request: httpx2.Request | None = response.request
    except RuntimeError:  # a response built by hand, without its request
        request = None
    return httpx2.Response(
        response.status_code, headers=headers, content=clean.encode(), request=request
    )


def error_from_openai(exc: openai.APIError) -> OpenRouterError:
    """Translate an `openai` SDK exception into the package's typed error.

    Args:
        exc: What the SDK raised (status errors, connection errors, timeouts).

    Returns:
        The matching `OpenRouterError`; the SDK's exception should be chained as its cause.

    """
    if isinstance(exc, OpenRouterError):
        return exc
    if isinstance(exc, openai.APIStatusError):
        return error_from_response(exc.response)
    if isinstance(exc, openai.APITimeoutError):
        return OpenRouterClientTimeoutError(
            "OpenRouter did not answer within the timeout. Gemini can think for minutes: raise "
            "timeout=... (seconds), or lower the reasoning effort. Timed-out requests are "
            "retried up to max_retries times.",
            request=exc.request,
        )
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        why = f" ({redact(type(cause).__name__ + ': ' + str(cause))})" if cause else ""
        return OpenRouterConnectionError(
            f"Could not reach OpenRouter{why}. Check the network and base_url (or "
            "OPENROUTER_BASE_URL); connection errors are retried up to max_retries times.",
            request=exc.request,
        )
    return OpenRouterStreamError(
        f"The OpenAI SDK reported an error talking to OpenRouter: {redact(str(exc))}",
        request=getattr(exc, "request", None),
    )


def error_from_payload(payload: Mapping[str, Any]) -> OpenRouterError | None:
    """The typed error hidden in an HTTP 200 reply or a stream event, if there is one.

    Covers a top-level `error` object, `finish_reason: "error"` and Gemini's
    `MALFORMED_FUNCTION_CALL`.

    Args:
        payload: A decoded reply or SSE event.

    Returns:
        The error, or `None` when the payload is an ordinary reply.

    """
    error = payload.get("error")
    if error:
        details = parse_error_body({"error": error, "id": payload.get("id")})
        return _build(status_from_code(details.code), details, in_reply=True)
    choices = payload.get("choices")
    choice = choices[0] if isinstance(choices, list) and choices else None
    if not isinstance(choice, Mapping):
        return None
    native = choice.get("native_finish_reason")
    if native == "MALFORMED_FUNCTION_CALL":
        details = ErrorDetails(
            code="MALFORMED_FUNCTION_CALL",
            message="Gemini produced a function call it could not format "
            "(native_finish_reason MALFORMED_FUNCTION_CALL)",
            generation_id=payload.get("id") if isinstance(payload.get("id"), str) else None,
        )
        return _build(None, details, in_reply=True)
    if choice.get("finish_reason") == "error":
        details = ErrorDetails(
            code="error",
            message=f"the reply ended with finish_reason 'error' (native: {native})",
            generation_id=payload.get("id") if isinstance(payload.get("id"), str) else None,
        )
        return _build(None, details, in_reply=True)
    return None


def stalled_stream(
    seconds: float | None, *, request: httpx2.Request | None = None
) -> OpenRouterClientTimeoutError:
    """The error for a stream that sent nothing for `seconds` after it had started.

    Args:
        seconds: The read timeout that fired, when known.
        request: The streaming request.

    Returns:
        The error, ready to raise (a timeout; LangChain's `ModelTimeoutError` too).

    """
    return OpenRouterClientTimeoutError(stalled_stream_message(seconds), request=request)


def malformed_response(reason: str, body: bytes | str | None) -> OpenRouterMalformedResponseError:
    """An error for a reply that cannot be read, quoting a short redacted preview of it.

    Args:
        reason: What is wrong, as a sentence fragment ("OpenRouter returned an empty body").
        body: The offending body.

    Returns:
        The error, ready to raise.

    """
    shown = preview(body)
    return OpenRouterMalformedResponseError(
        f"{reason}: {shown!r}. This is a server-side fault, not your request; retry it, and "
        "report it to OpenRouter if it persists.",
        details=ErrorDetails(message=reason, body=shown),
    )


def is_retryable(error: BaseException) -> bool:
    """Whether sending the same request again may succeed.

    The verdict of the table in `langchain_openrouter_gemini.errors.retryable`, which the
    automatic retries follow too: statuses 408, 409, 429 and every 5xx (unless the server
    said `x-should-retry: false`, or asked to wait more than two minutes), connection
    failures and timeouts, and errors inside a reply whose code is transient
    (`server_error`, a 5xx code, `finish_reason: "error"`; not `MALFORMED_FUNCTION_CALL`).
    Errors inside a reply are never resent automatically (the reply had started); this is
    for your own `.with_retry()` or retry loop.
    """
    if isinstance(error, OpenRouterConnectionError):  # our own timeouts included
        return True
    if isinstance(error, OpenRouterError):
        if error.in_reply:
            return transient_code(error.code if error.code is not None else error.status_code)
        if error.status_code is None:
            return False  # a spent budget, an unreadable reply: sending again changes nothing
        headers = error.response.headers if error.response is not None else {}
        return should_retry(error.status_code, headers)
    if isinstance(error, openai.APIStatusError):
        return should_retry(error.status_code, error.response.headers)
    return isinstance(error, (openai.APIConnectionError, httpx2.TransportError))
