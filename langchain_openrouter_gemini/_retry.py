"""When a failed request is worth another try, and how long to wait before it.

The policy is the `openai` SDK's, restated here because requests are sent straight
through the SDK's HTTP client (see `_transport`): transient statuses (408, 409, 429,
5xx) and connection failures are retried up to `max_retries` times with jittered
exponential backoff, a server's `x-should-retry` is obeyed, and a server's
`retry-after-ms` / `Retry-After` wins when it asks for at most two minutes.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Mapping

__all__ = ["Retries", "server_delay", "should_retry"]

INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
# A server asking for a longer pause than this is not retried at all: a caller is
# better served by the error (and its Retry-After) than by a call that hangs for minutes.
MAX_SERVER_DELAY = 120.0


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
    return status in (408, 409, 429) or status >= 500


class Retries:
    """The retry budget of one request: answers "wait how long, or give up?"."""

    def __init__(self, max_retries: int) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {max_retries}.")
        self.max_retries = max_retries
        self.taken = 0

    def after_status(self, status: int, headers: Mapping[str, str]) -> float | None:
        """Seconds to wait before retrying an error reply, or `None` to give up."""
        if self.taken >= self.max_retries or not should_retry(status, headers):
            return None
        return self._next(headers)

    def after_failure(self) -> float | None:
        """Seconds to wait after a connection failure or timeout, or `None` to give up."""
        if self.taken >= self.max_retries:
            return None
        return self._next({})

    def _next(self, headers: Mapping[str, str]) -> float:
        asked = server_delay(headers)
        backoff = min(INITIAL_DELAY * 2.0 ** min(self.taken, 1000), MAX_DELAY)
        self.taken += 1
        if asked is not None and math.isfinite(asked) and 0 < asked <= MAX_SERVER_DELAY:
            return asked
        # Up to a quarter off, so clients that failed together do not retry together.
        return backoff * (1 - 0.25 * random.random())
