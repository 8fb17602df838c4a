"""Scripted failures: the ways OpenRouter (or the network in front of it) goes wrong."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_openrouter_gemini.testing.replies import Reply

__all__ = ["Fault", "FaultKind"]

FaultKind = Literal[
    "status",
    "mid_stream_error",
    "cut",
    "stall",
    "malformed_json",
    "html",
    "error_in_200",
    "empty_body",
    "no_choices",
    "reply",
    "error_after_finish",
]

_STATUS_MESSAGES = {
    400: "Provider returned error",
    401: "User not found.",
    402: "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
    403: "Your input was flagged by moderation.",
    404: "No endpoints found for this model.",
    408: "Request timed out",
    413: "Request entity too large",
    422: "Unprocessable entity",
    429: "Provider returned error",
    500: "Internal Server Error",
    502: "Provider returned error",
    503: "No available providers meet your routing requirements",
    524: "Provider timed out",
    529: "Provider overloaded",
}


@dataclass(frozen=True)
class Fault:
    """One scripted failure, consumed from the queue like a `Reply`.

    Build one with the classmethods; the fields are what they configure.

    Attributes:
        kind: Which failure.
        status_code: HTTP status (for `status` and `html`).
        code: The `error.code` (an int, or a string such as `"server_error"` mid-stream).
        message: The `error.message`.
        metadata: The `error.metadata` (omitted when `None`).
        retry_after: `Retry-After` header value in seconds (omitted when `None`).
        after_events: How many SSE events go out before the fault strikes.
        seconds: How long a stall lasts.
        before_first_byte: A stall before the response headers (else after `after_events`).
        finish_reason: The finish reason in a mid-stream error chunk (`"error"` or `None`).
        reply: The reply served by a `reply` fault (e.g. a malformed function call), or the
            one a stall, cut or mid-stream error starts from (the echo reply when `None`).
        keepalive: During a stall inside a stream, send OpenRouter's
            `: OPENROUTER PROCESSING` comment every this many seconds (0: stay silent).

    """

    kind: FaultKind
    status_code: int = 200
    code: int | str | None = None
    message: str = ""
    metadata: Mapping[str, Any] | None = None
    retry_after: float | None = None
    after_events: int = 0
    seconds: float = 0.0
    before_first_byte: bool = True
    finish_reason: str | None = "error"
    reply: Reply | None = field(default=None)
    keepalive: float = 0.0

    @classmethod
    def status(
        cls,
        code: int,
        message: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        retry_after: float | None = None,
    ) -> Fault:
        """An HTTP error with OpenRouter's error body.

        Args:
            code: The HTTP status, also sent as `error.code`.
            message: `error.message`; a typical OpenRouter message for the code when `None`.
            metadata: `error.metadata` (e.g. `{"provider_name": "Google", "raw": "..."}`).
            retry_after: Seconds for a `Retry-After` header.

        Returns:
            The fault.

        Raises:
            ValueError: When `code` is not an HTTP error status.

        """
        if not 400 <= code <= 599:
            raise ValueError(f"Fault.status needs an HTTP error status (400-599), got {code}.")
        text = message if message is not None else _STATUS_MESSAGES.get(code, "Error")
        return cls("status", code, code, text, metadata, retry_after)

    @classmethod
    def mid_stream_error(
        cls,
        code: int | str = 502,
        message: str = "Provider returned error",
        *,
        after_events: int = 2,
        finish_reason: str | None = "error",
        metadata: Mapping[str, Any] | None = None,
        reply: Reply | None = None,
    ) -> Fault:
        """An error chunk after HTTP 200 and `after_events` normal events; no `[DONE]`.

        A non-streaming request gets the same error as an HTTP 200 body.

        Args:
            code: `error.code`: a number (`502`) or a string (`"server_error"`).
            message: `error.message`.
            after_events: Normal SSE events sent first.
            finish_reason: `choices[0].finish_reason` of the error chunk (`"error"` or `None`).
            metadata: `error.metadata`.
            reply: The reply whose first events go out (the echo reply when `None`).

        Returns:
            The fault.

        """
        return cls(
            "mid_stream_error",
            code=code,
            message=message,
            metadata=metadata,
            after_events=after_events,
            finish_reason=finish_reason,
            reply=reply,
        )

    @classmethod
    def error_after_finish(
        cls,
        code: int | str = 400,
        message: str = "Token limit reached",
        *,
        metadata: Mapping[str, Any] | None = None,
        reply: Reply | None = None,
    ) -> Fault:
        """A stream that finishes normally, then sends an error event anyway.

        As seen on the wire: the finish chunk (`finish_reason: "length"` for the default
        reply), a chunk repeating that finish reason, then a chunk with a top-level `error`,
        `finish_reason: null` and the usage, then `[DONE]`. A client must surface the error,
        not return the answer as if it were complete. A non-streaming request gets the
        reply's normal JSON body (the error only exists in streams).

        Args:
            code: `error.code`.
            message: `error.message`.
            metadata: `error.metadata`.
            reply: The reply that finishes first (the echo reply, cut short with
                `finish_reason="length"`, when `None`).

        Returns:
            The fault.

        """
        return cls(
            "error_after_finish",
            code=code,
            message=message,
            metadata=metadata,
            finish_reason=None,
            reply=reply,
        )

    @classmethod
    def cut(cls, after_events: int = 2, *, reply: Reply | None = None) -> Fault:
        """Close the connection after `after_events` SSE events, without `[DONE]`.

        A non-streaming request gets half of its JSON body, then the connection closes.

        Args:
            after_events: Events sent before the cut.
            reply: The reply being cut (the echo reply when `None`).

        Returns:
            The fault.

        """
        return cls("cut", after_events=after_events, reply=reply)

    @classmethod
    def stall(
        cls,
        seconds: float,
        *,
        before_first_byte: bool = True,
        after_events: int | None = None,
        reply: Reply | None = None,
        keepalive: float | None = None,
    ) -> Fault:
        """Go silent for `seconds`, then answer normally (unless the client gave up).

        Args:
            seconds: How long to stall.
            before_first_byte: Stall before the status line and headers.
            after_events: Stall after this many SSE events instead (implies
                `before_first_byte=False`); a JSON reply stalls after its headers.
            reply: The reply served after the stall (the echo reply when `None`).
            keepalive: With `after_events`, stall as OpenRouter does while the model is
                slow: no events, but a `: OPENROUTER PROCESSING` comment every
                `keepalive` seconds.

        Returns:
            The fault.

        Raises:
            ValueError: When `seconds` is negative, or `keepalive` is not positive or
                comes without `after_events`.

        """
        if seconds < 0:
            raise ValueError(f"Fault.stall needs seconds >= 0, got {seconds}.")
        if keepalive is not None and (keepalive <= 0 or after_events is None):
            msg = (
                "Fault.stall(keepalive=...) needs a positive number of seconds and "
                f"after_events=... (keep-alives go inside a stream), got {keepalive!r}."
            )
            raise ValueError(msg)
        if after_events is not None:
            return cls(
                "stall",
                seconds=seconds,
                before_first_byte=False,
                after_events=after_events,
                reply=reply,
                keepalive=keepalive or 0.0,
            )
        return cls("stall", seconds=seconds, before_first_byte=before_first_byte, reply=reply)

    @classmethod
    def malformed_json(cls) -> Fault:
        """HTTP 200 whose JSON body (or one SSE event) is cut off mid-object.

        Returns:
            The fault.

        """
        return cls("malformed_json")

    @classmethod
    def html(cls, status: int = 502) -> Fault:
        """A non-JSON HTML error page, as a CDN in front of OpenRouter sends it.

        Args:
            status: The HTTP status.

        Returns:
            The fault.

        """
        return cls("html", status_code=status)

    @classmethod
    def error_in_200(
        cls,
        code: int | str = 502,
        message: str = "Provider returned error",
        metadata: Mapping[str, Any] | None = None,
    ) -> Fault:
        """HTTP 200 whose body is an OpenRouter error object (an error chunk when streaming).

        Args:
            code: `error.code`.
            message: `error.message`.
            metadata: `error.metadata`.

        Returns:
            The fault.

        """
        return cls("error_in_200", code=code, message=message, metadata=metadata)

    @classmethod
    def malformed_function_call(cls) -> Fault:
        """Gemini's `MALFORMED_FUNCTION_CALL`: finish reason `error`, empty content.

        Returns:
            The fault.

        """
        reply = Reply(
            content="", finish_reason="error", native_finish_reason="MALFORMED_FUNCTION_CALL"
        )
        return cls("reply", reply=reply)

    @classmethod
    def empty_body(cls) -> Fault:
        """HTTP 200 with an empty body (no SSE events at all when streaming).

        Returns:
            The fault.

        """
        return cls("empty_body")

    @classmethod
    def no_choices(cls) -> Fault:
        """HTTP 200 with `choices: []` and no usage.

        Returns:
            The fault.

        """
        return cls("no_choices")
