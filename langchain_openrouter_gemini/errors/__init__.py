"""Typed errors for everything OpenRouter can answer besides a good reply.

Every class subclasses `OpenRouterError`, LangChain's matching standard exception
(`ModelRateLimitError`, `ContextOverflowError`, ...) and the `openai` SDK's matching class,
so handlers written for any of the three keep working. `str(error)` is a sentence for
people: what happened and what to do. Keys never appear in it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx2
import openai
from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
)

from langchain_openrouter_gemini._connection import served_by_emulator
from langchain_openrouter_gemini.errors.incomplete import OpenRouterIncompleteOutputError
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
    status_from_code,
)

if TYPE_CHECKING:
    from langchain_core.messages import AIMessageChunk, UsageMetadata

__all__ = [
    "OpenRouterAuthenticationError",
    "OpenRouterBadRequestError",
    "OpenRouterBudgetExceededError",
    "OpenRouterConnectionError",
    "OpenRouterContextLengthError",
    "OpenRouterError",
    "OpenRouterIncompleteOutputError",
    "OpenRouterGenerationNotFoundError",
    "OpenRouterInsufficientCreditsError",
    "OpenRouterMalformedResponseError",
    "OpenRouterModelNotFoundError",
    "OpenRouterModerationError",
    "OpenRouterRateLimitError",
    "OpenRouterRequestTimeoutError",
    "OpenRouterRequestTooLargeError",
    "OpenRouterStreamError",
    "OpenRouterTimeoutError",
    "OpenRouterUpstreamError",
    "error_from_openai",
    "error_from_payload",
    "error_from_response",
    "is_retryable",
    "malformed_response",
    "stalled_stream",
]

_PLACEHOLDER_URL = "https://openrouter.ai/api/v1/chat/completions"
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 524, 529})


def _placeholder_request() -> httpx2.Request:
    # The SDK's base class wants a request; errors found inside a reply body have none.
    return httpx2.Request("POST", _PLACEHOLDER_URL)


class OpenRouterError(openai.APIError, ModelError):
    """Base class: OpenRouter (or the provider behind it) did not give a usable reply.

    Attributes:
        status_code: The HTTP status, or the status-like code of an error inside a reply.
        code: OpenRouter's error `code` (`429`, `"server_error"`, ...).
        message: OpenRouter's own message (redacted); `str(error)` adds what to do.
        provider_name: The upstream provider that failed, when OpenRouter says.
        metadata: OpenRouter's error `metadata` (redacted).
        raw: The upstream provider's raw error text, when OpenRouter passes it on.
        generation_id: The generation id (`gen-...`) when known.
        retry_after: Seconds the server asked us to wait, when it said.
        partial_message: For a stream that failed after it had started (an error event,
            even one after a normal finish, a cut, a stall, a malformed event): everything
            received before the failure, merged into one `AIMessageChunk` (text, reasoning,
            tool-call fragments, `reasoning_details`, finish reason, cost in
            `response_metadata`). `None` when nothing had arrived.
        usage_metadata: The usage the stream reported before failing (tokens you are
            billed for), or `None`; the same as `partial_message.usage_metadata`.

    """

    kind = "stream"
    partial_message: AIMessageChunk | None = None
    # Wider than the SDK's own declarations: errors found inside a 200 reply have no
    # HTTP status or response, and OpenRouter's codes are ints as often as strings.
    status_code: int | None
    response: httpx2.Response | None
    code: int | str | None  # type: ignore[assignment]

    def __init__(
        self,
        description: str,
        *,
        details: ErrorDetails | None = None,
        status_code: int | None = None,
        request: httpx2.Request | None = None,
        response: httpx2.Response | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Build an error; use the `error_from_*` functions rather than calling this."""
        details = details or ErrorDetails(message=redact(description))
        description = redact(description)
        # Each base class's own __init__ wants different arguments; set what they would.
        Exception.__init__(self, description)
        if request is None:
            request = response.request if response is not None else _placeholder_request()
        self.request = request
        self.response = response
        self.body = details.body
        self.param = None
        self.type = None
        self.description = description
        self.details = details
        self.status_code = status_code
        self.code = details.code if details.code is not None else status_code
        self.message = details.message or description
        self.provider_name = details.provider_name
        self.metadata = details.metadata
        self.raw = details.raw
        self.generation_id = details.generation_id
        self.retry_after = retry_after
        self.request_id = response.headers.get("x-request-id") if response is not None else None

    def __str__(self) -> str:
        return self.description

    @property
    def usage_metadata(self) -> UsageMetadata | None:
        """The usage a failed stream reported before the failure, when it did."""
        return self.partial_message.usage_metadata if self.partial_message is not None else None

    def attach_partial(self, message: AIMessageChunk) -> None:
        """Keep what a stream delivered before this error on `partial_message`."""
        if self.partial_message is None:
            self.description += (
                " What arrived before the failure (text, tool calls, usage) is on "
                "error.partial_message."
            )
            self.args = (self.description,)
        self.partial_message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle by the description alone: requests and responses do not pickle.
        return (_rebuild, (type(self), self.description, self.details, self.status_code))


def _rebuild(
    cls: type[OpenRouterError], description: str, details: ErrorDetails, status: int | None
) -> OpenRouterError:
    return cls(description, details=details, status_code=status)


class OpenRouterBadRequestError(OpenRouterError, openai.BadRequestError, ModelInvalidRequestError):  # type: ignore[misc]
    """400: OpenRouter or the provider rejected the request as invalid."""

    kind = "bad_request"


class OpenRouterContextLengthError(OpenRouterBadRequestError, ContextOverflowError):  # type: ignore[misc]
    """400: the input does not fit the model's context window."""

    kind = "context"


class OpenRouterAuthenticationError(  # type: ignore[misc]
    OpenRouterError, openai.AuthenticationError, ModelAuthenticationError
):
    """401: the API key is missing, wrong or revoked."""

    kind = "auth"


class OpenRouterInsufficientCreditsError(OpenRouterError, openai.APIStatusError):  # type: ignore[misc]
    """402: the account or key has too few credits for this request."""

    kind = "credits"


class OpenRouterModerationError(  # type: ignore[misc]
    OpenRouterError, openai.PermissionDeniedError, ModelPermissionDeniedError
):
    """403: moderation flagged the input, or the key may not use this model.

    Attributes:
        reasons: Why moderation flagged the input, when OpenRouter says.
        flagged_input: The flagged text (a snippet), when OpenRouter says.

    """

    kind = "moderation"

    @property
    def reasons(self) -> list[str]:
        """Why the input was flagged."""
        return self.details.reasons

    @property
    def flagged_input(self) -> str | None:
        """The text moderation flagged."""
        return self.details.flagged_input


class OpenRouterModelNotFoundError(OpenRouterError, openai.NotFoundError, ModelNotFoundError):  # type: ignore[misc]
    """404: no such model, or no provider can serve this request for it."""

    kind = "not_found"


class OpenRouterTimeoutError(OpenRouterError, ModelTimeoutError):
    """The model took too long: OpenRouter's 408, or our own connect/read/stream timeout."""

    kind = "timeout"


class OpenRouterRequestTimeoutError(OpenRouterTimeoutError, openai.APIStatusError):  # type: ignore[misc]
    """408: OpenRouter gave up waiting for the provider."""


class OpenRouterRequestTooLargeError(  # type: ignore[misc]
    OpenRouterError, openai.APIStatusError, ModelInvalidRequestError
):
    """413: the request body is larger than OpenRouter accepts."""

    kind = "too_large"


class OpenRouterRateLimitError(OpenRouterError, openai.RateLimitError, ModelRateLimitError):  # type: ignore[misc]
    """429: too many requests for the key, the model, or the upstream provider."""

    kind = "rate_limit"


class OpenRouterUpstreamError(OpenRouterError, openai.InternalServerError, ModelAPIError):  # type: ignore[misc]
    """5xx (500, 502, 503, 524, 529): OpenRouter or the provider failed or is unavailable."""

    kind = "upstream"


class OpenRouterStreamError(OpenRouterError, ModelAPIError):
    """An error reported inside a reply that had already started (HTTP 200)."""

    kind = "stream"


class OpenRouterConnectionError(OpenRouterError, openai.APIConnectionError, ModelConnectionError):
    """OpenRouter could not be reached, or the connection dropped mid-reply."""

    kind = "connection"


class OpenRouterClientTimeoutError(
    OpenRouterTimeoutError, OpenRouterConnectionError, openai.APITimeoutError
):
    """Our own timeout fired: connecting, waiting for the reply, or between stream events."""

    kind = "timeout"


class OpenRouterMalformedResponseError(OpenRouterError, ModelAPIError):
    """OpenRouter's reply could not be read: not JSON, or missing what every reply has."""

    kind = "malformed"


class OpenRouterBudgetExceededError(OpenRouterError):
    """A `get_openrouter_callback(max_cost=...)` budget is spent; the call was not sent.

    Attributes:
        max_cost: The budget, in USD.
        total_cost: What the runs inside the block had cost when this call was stopped.

    """

    kind = "budget"

    def __init__(self, max_cost: float, total_cost: float) -> None:
        """Build the error for a budget of `max_cost` USD that `total_cost` USD has reached."""
        self.max_cost = max_cost
        self.total_cost = total_cost
        super().__init__(
            f"OpenRouter budget reached: ${total_cost:.6f} spent of max_cost=${max_cost:.6f}, "
            "so this model call was not sent. The totals so far stay on the callback handler; "
            "raise max_cost, or start a new get_openrouter_callback() block, to go on."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.max_cost, self.total_cost))


class OpenRouterGenerationNotFoundError(OpenRouterError, openai.NotFoundError):  # type: ignore[misc]
    """404 from `GET /generation`: OpenRouter has no record of that generation id (yet).

    A generation becomes queryable a moment after its reply ends; `get_generation` waits
    briefly (`wait=`) before raising this.
    """

    kind = "not_found"


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
) -> OpenRouterError:
    retry_after = parse_retry_after(headers, details)
    cls = OpenRouterStreamError if in_reply and status is None else _class_for(status, details)
    sent = request if request is not None else _request_of(response)
    ctx = MessageContext(
        status=status,
        details=details,
        retry_after=retry_after,
        in_reply=in_reply,
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
    return cls(
        description,
        details=details,
        status_code=status,
        request=request,
        response=response,
        retry_after=retry_after,
    )


def _request_of(response: httpx2.Response | None) -> httpx2.Request | None:
    if response is None:
        return None
    try:
        return response.request
    except RuntimeError:  # a response built by hand, without its request
        return None


def error_from_response(
    response: httpx2.Response, body: bytes | str | None = None
) -> OpenRouterError:
    """The typed error for an HTTP error response from OpenRouter.

    Args:
        response: The error response (status and headers are read from it).
        body: Its body, when already read; otherwise `response.content` is used.

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
            "(native_finish_reason MALFORMED_FUNCTION_CALL); simplify the tool schemas or "
            "retry",
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
    """Whether retrying the same request may succeed (408, 429, 5xx, connection errors)."""
    if isinstance(error, OpenRouterError):
        if isinstance(error, (OpenRouterConnectionError, OpenRouterStreamError)):
            return True
        return error.status_code in RETRYABLE_STATUSES
    return isinstance(error, (openai.APIConnectionError, httpx2.TransportError))
