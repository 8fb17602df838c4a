"""The error for a structured reply the model did not finish (`finish_reason` not a normal end)."""

from __future__ import annotations

from typing import Any

from langchain_core.exceptions import OutputParserException
from langchain_core.messages import BaseMessage

__all__ = ["INCOMPLETE_FINISH_REASONS", "OpenRouterIncompleteOutputError"]

INCOMPLETE_FINISH_REASONS = frozenset({"length", "content_filter", "error"})
"""Finish reasons after which a reply's text is a fragment, not an answer."""

_WHY = {
    "length": "the reply ran out of output tokens",
    "content_filter": "a content filter stopped the reply",
    "error": "the provider reported an error in the middle of the reply",
}
_FIX = {
    "length": "Raise max_tokens, or ask for a shorter answer.",
    "content_filter": "Rephrase the request; the filter decides on the prompt and the answer.",
    "error": "Retry the request.",
}


class OpenRouterIncompleteOutputError(OutputParserException):
    """Structured output was requested, but the model stopped before the answer was complete.

    Raised instead of parsing (or "repairing") a cut-off object. With
    `with_structured_output(..., include_raw=True)` it is returned as `parsing_error`, next
    to the raw message. It is an `OutputParserException`, so handlers for unparseable
    output catch it too.

    Attributes:
        finish_reason: OpenRouter's `finish_reason` (`length`, `content_filter`, `error`).
        native_finish_reason: The provider's own reason (e.g. Gemini's `MAX_TOKENS`), if sent.
        max_tokens: The `max_tokens` the request set, if any.
        raw_message: The message as received, text and usage included.

    """

    def __init__(
        self,
        finish_reason: str,
        *,
        native_finish_reason: Any = None,
        max_tokens: int | None = None,
        raw_message: BaseMessage | None = None,
    ) -> None:
        """Build the error; the message names the finish reason and `max_tokens`."""
        native = f", native {native_finish_reason!r}" if native_finish_reason else ""
        why = _WHY.get(finish_reason, "the model stopped early")
        if finish_reason == "length" and max_tokens is not None:
            why += f" (max_tokens={max_tokens})"
        msg = (
            f"Structured output is incomplete: finish_reason {finish_reason!r}{native}: {why}, "
            f"so the text is a fragment and was not parsed. {_FIX.get(finish_reason, '')}"
        ).rstrip()
        text = raw_message.text if raw_message is not None else None
        super().__init__(msg, llm_output=text if isinstance(text, str) else None)
        self.finish_reason = finish_reason
        self.native_finish_reason = native_finish_reason
        self.max_tokens = max_tokens
        self.raw_message = raw_message

    def __reduce__(self) -> tuple[Any, ...]:
        # The default pickles `args` (the finished message) and passes them back as
        # `finish_reason`, nesting the message into itself: rebuild from the fields instead.
        fields = (self.finish_reason, self.native_finish_reason, self.max_tokens, self.raw_message)
        return (_rebuild, (type(self), *fields), dict(self.__dict__))


def _rebuild(
    cls: type[OpenRouterIncompleteOutputError],
    finish_reason: str,
    native_finish_reason: Any,
    max_tokens: int | None,
    raw_message: BaseMessage | None,
) -> OpenRouterIncompleteOutputError:
    return cls(
        finish_reason,
        native_finish_reason=native_finish_reason,
        max_tokens=max_tokens,
        raw_message=raw_message,
    )
