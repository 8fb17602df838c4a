"""The one table of which failures are transient: the retry loop and `is_retryable` both read it.

A failure is transient when sending the same request again may succeed:

- HTTP statuses 408, 409 (a conflicting concurrent request), 429 and every 5xx (500, 502,
  503, 504, 524, 529, ...); never 400, 401, 402, 403, 404, 413 or 422, which fail the same
  way every time;
- a server's `x-should-retry: true|false` overrides the status, and a server asking to wait
  more than `MAX_SERVER_DELAY` seconds makes the failure not worth retrying now;
- an error reported inside a 200 reply takes the verdict of its code: an HTTP-like code as
  the status above; `server_error`, `finish_reason: "error"` (code `"error"`) or no code at
  all as a provider failure (transient); Gemini's `MALFORMED_FUNCTION_CALL` is not (the
  model could not write a call for these tool schemas, and tends to fail the same way), nor
  is any other code OpenRouter does not document as transient.

The transport resends a transient failure by itself only while nothing of the reply has been
read (HTTP error statuses, connection failures); an error inside a reply is left to the
caller (`.with_retry()`), who can use `is_retryable` to decide.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping

__all__ = [
    "MAX_SERVER_DELAY",
    "TRANSIENT_CODES",
    "TRANSIENT_STATUSES",
    "server_delay",
    "should_retry",
    "transient_code",
    "transient_status",
]

MAX_SERVER_DELAY = 120.0
"""A server asking for a longer pause than this (seconds) is not retried: a caller is better
served by the error and its `retry_after` than by a call that hangs for minutes."""

TRANSIENT_STATUSES = frozenset({408, 409, 429})
"""Transient statuses below 500; every status from 500 to 599 is transient too."""

TRANSIENT_CODES = frozenset({"server_error", "error"})
"""Transient codes of errors inside a reply that are not HTTP statuses (compared lowercased)."""


def transient_status(status: int) -> bool:
    """Whether an HTTP status (or a status-like error code) is worth a retry."""
    return status in TRANSIENT_STATUSES or 500 <= status <= 599


def transient_code(code: int | str | None) -> bool:
    """Whether an error reported inside a reply, with this OpenRouter `code`, is transient.

    Args:
        code: The error's `code`: an HTTP-like status (`502`, `"502"`), a name
            (`"server_error"`, `"MALFORMED_FUNCTION_CALL"`), or `None` when none was given.

    """
    if code is None:
        return True  # a provider that failed mid-reply without saying why
    if isinstance(code, int) and not isinstance(code, bool):
        return transient_status(code)
    text = str(code).strip()
    if text.isdigit() and len(text) == 3:
        return transient_status(int(text))
    return text.lower() in TRANSIENT_CODES


def server_delay(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms`, then `Retry-After`), if any."""
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            delay = float(value)
        except ValueError:
            continue
        if math.isinf(delay) and value.strip().lower().lstrip("+") not in ("inf", "infinity"):
            return MAX_SERVER_DELAY + 1  # digits too long for a float: an absurd wait
        return delay / divisor
    when = headers.get("retry-after")
    if when is None:
        return None
    try:
        parsed = email.utils.parsedate_tz(when)
        return None if parsed is None else float(email.utils.mktime_tz(parsed) - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


def should_retry(status: int, headers: Mapping[str, str]) -> bool:
    """Whether an error status is transient, by the server's say-so first."""
    delay = server_delay(headers)
    if delay is not None and math.isfinite(delay) and delay > MAX_SERVER_DELAY:
        return False
    verdict = headers.get("x-should-retry")
    if verdict in ("true", "false"):
        return verdict == "true"
    return transient_status(status)
