"""When a failed request is worth another try, and how long to wait before it.

The policy is the `openai` SDK's, restated here because requests are sent straight
through the SDK's HTTP client (see `_transport`): transient statuses (the table in
`errors.retryable`, which `errors.is_retryable` reads too: 408, 409, 429, 5xx) and
connection failures are retried up to `max_retries` times with jittered exponential
backoff, a server's `x-should-retry` is obeyed, and a server's `retry-after-ms` /
`Retry-After` wins when it asks for at most two minutes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

# The table of transient failures is shared with the public `errors.is_retryable`.
from langchain_openrouter_gemini.errors.retryable import (
    MAX_SERVER_DELAY,
    server_delay,
    should_retry,
)

__all__ = ["MAX_SERVER_DELAY", "Retries", "server_delay", "should_retry"]

INITIAL_DELAY = 0.5
MAX_DELAY = 8.0


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
