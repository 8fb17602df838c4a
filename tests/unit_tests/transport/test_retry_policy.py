"""The retry policy on its own: which failures are retried and how long each wait is."""

from __future__ import annotations

import email.utils
import time

import pytest

from langchain_openrouter_gemini.transport.retry import (
    MAX_DELAY,
    Retries,
    server_delay,
    should_retry,
)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        # Milliseconds win when a server sends both.
        ({"retry-after-ms": "100", "retry-after": "30"}, 0.1),
        ({"retry-after-ms": "soon", "retry-after": "2"}, 2.0),
        ({}, None),
        ({"retry-after": "whenever"}, None),
    ],
)
def test_server_delay_reads_both_headers(headers: dict[str, str], seconds: float | None) -> None:
    assert server_delay(headers) == seconds


def test_server_delay_reads_an_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    delay = server_delay({"retry-after": when})
    assert delay is not None and 25 < delay <= 31


def test_an_overflowing_delay_counts_as_too_long() -> None:
    assert not should_retry(429, {"retry-after": "9" * 400})


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 524, 529])
def test_transient_statuses_are_retryable(status: int) -> None:
    assert should_retry(status, {})


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 413, 422])
def test_client_errors_are_not_retryable(status: int) -> None:
    assert not should_retry(status, {})


def test_the_server_has_the_last_word() -> None:
    assert not should_retry(503, {"x-should-retry": "false"})
    assert should_retry(400, {"x-should-retry": "true"})


def test_a_server_asking_for_more_than_two_minutes_is_not_retried() -> None:
    assert not should_retry(429, {"retry-after": "121"})
    assert should_retry(429, {"retry-after": "120"})


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    retries = Retries(max_retries=8)
    waits = [retries.after_failure() for _ in range(8)]
    for taken, wait in enumerate(waits):
        full = min(0.5 * 2**taken, MAX_DELAY)
        assert wait is not None and 0.75 * full <= wait <= full
    assert retries.after_failure() is None  # budget spent


def test_the_server_delay_replaces_backoff() -> None:
    retries = Retries(max_retries=2)
    assert retries.after_status(429, {"retry-after-ms": "40"}) == pytest.approx(0.04)
    # Zero or negative asks fall back to the backoff rather than hammering the server.
    wait = retries.after_status(503, {"retry-after": "0"})
    assert wait is not None and 0.75 <= wait <= 1.0


def test_max_retries_zero_never_retries() -> None:
    retries = Retries(max_retries=0)
    assert retries.after_status(503, {}) is None
    assert retries.after_failure() is None


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(ValueError, match="max_retries must be 0 or more"):
        Retries(max_retries=-1)
