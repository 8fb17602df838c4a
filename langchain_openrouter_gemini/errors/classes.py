"""The error classes: one per way OpenRouter can fail, each also LangChain's and the SDK's class."""

from __future__ import annotations

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

from langchain_openrouter_gemini.errors.parsing import (
    ErrorDetails,
    redact,
)

if TYPE_CHECKING:
    from langchain_core.messages import AIMessageChunk, UsageMetadata

# The one list of the error classes: `errors` re-exports it whole.
__all__ = [
    "OpenRouterAuthenticationError",
    "OpenRouterBadRequestError",
    "OpenRouterBudgetExceededError",
    "OpenRouterClientTimeoutError",
    "OpenRouterConnectionError",
    "OpenRouterContextLengthError",
    "OpenRouterError",
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
]

_PLACEHOLDER_URL = "https://openrouter.ai/api/v1/chat/completions"


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
    in_reply: bool = False
    """Whether the error was reported inside a reply that had started (HTTP 200)."""
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
        # Every attribute travels (Ray, multiprocessing) except the HTTP request and
        # response, which do not pickle; `__init__` is not called again, because each
        # subclass's takes different arguments.
        state = {k: v for k, v in self.__dict__.items() if k not in ("request", "response")}
        return (_rebuild, (type(self), self.description), state)


def _rebuild(cls: type[OpenRouterError], description: str) -> OpenRouterError:
    error = cls.__new__(cls)
    Exception.__init__(error, description)
    error.request = _placeholder_request()
    error.response = None
    return error


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


class OpenRouterGenerationNotFoundError(OpenRouterError, openai.NotFoundError):  # type: ignore[misc]
    """404 from `GET /generation`: OpenRouter has no record of that generation id (yet).

    A generation becomes queryable a moment after its reply ends; `get_generation` waits
    briefly (`wait=`) before raising this.
    """

    kind = "not_found"
