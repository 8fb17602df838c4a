"""Load: 1,000 concurrent `ainvoke` calls with injected 429s and 502s, then no leaked sockets.

Over both async HTTP libraries (aiohttp, the default, and httpx2).

Every call must end with its own answer or a typed error, the retries must add up to
exactly the faults served, and once the client is closed every socket and file handle
the run opened (client and emulator side) must be gone.
"""

from __future__ import annotations

import asyncio
import os
import sys

import pytest
from pydantic import SecretStr

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.errors import OpenRouterError
from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator
from langchain_openrouter_gemini.testing.echo import echo_reply
from tests.reliability.conftest import ASYNC_TRANSPORTS

CALLS = 1000
FAULT_EVERY = 20  # 5% of the scripted answers fail
RUN_LIMIT = 60.0
SETTLE_LIMIT = 10.0  # closing is asynchronous on both sides; wait at most this long

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="counts handles through /proc/self/fd"
)


def _open_handles() -> set[tuple[str, str]]:
    """Every open file descriptor of this process, with what it points at."""
    handles = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            handles.add((name, os.readlink(f"/proc/self/fd/{name}")))
        except OSError:
            continue  # the descriptor listdir itself used, already closed
    return handles


def _sockets(handles: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {handle for handle in handles if handle[1].startswith("socket:")}


async def _leftovers(baseline: set[tuple[str, str]]) -> set[tuple[str, str]]:
    # Sockets close on the next loop turns (client) and in handler threads (emulator);
    # poll briefly instead of sleeping a fixed time.
    deadline = asyncio.get_running_loop().time() + SETTLE_LIMIT
    while (extra := _open_handles() - baseline) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    return extra


def _script() -> list[Fault]:
    # `Fault.stall(0)` serves the echo answer at once: a placeholder that keeps the
    # injected faults spread through the run instead of bunched at its start.
    script = []
    for index in range(CALLS):
        if index % FAULT_EVERY == FAULT_EVERY // 2:
            rate_limited = (index // FAULT_EVERY) % 2 == 0
            script.append(
                Fault.status(429, retry_after=0.05) if rate_limited else Fault.status(502)
            )
        else:
            script.append(Fault.stall(0))
    return script


def _answer(question: str) -> str:
    return echo_reply({"messages": [{"role": "user", "content": question}]}).content or ""


@pytest.mark.parametrize("transport", ASYNC_TRANSPORTS)
async def test_thousand_concurrent_calls_with_faults_answer_and_leak_nothing(
    emulator: OpenRouterEmulator, transport: str
) -> None:
    script = _script()
    faults = sum(1 for fault in script if fault.kind == "status")
    emulator.enqueue(*script)
    baseline = _open_handles()
    model = ChatOpenRouterGemini(
        base_url=emulator.base_url,
        api_key=SecretStr("sk-or-emulator"),
        async_transport=transport,
        max_retries=3,
        timeout=30.0,
    )
    questions = [f"call {index}" for index in range(CALLS)]

    async def call(question: str) -> str | BaseException:
        try:
            return (await model.ainvoke(question)).text
        except Exception as error:
            return error

    try:
        results = await asyncio.wait_for(asyncio.gather(*map(call, questions)), RUN_LIMIT)
        assert _sockets(_open_handles() - baseline), "the pool should hold connections now"
    finally:
        await model._async_client().close()  # the model's own client on this loop

    errors = [result for result in results if isinstance(result, BaseException)]
    untyped = [error for error in errors if not isinstance(error, OpenRouterError)]
    assert not untyped, f"untyped errors: {untyped[:3]!r}"
    wrong = [
        (question, result)
        for question, result in zip(questions, results, strict=True)
        if isinstance(result, str) and result != _answer(question)
    ]
    assert not wrong, f"calls got someone else's answer: {wrong[:3]!r}"
    # Each fault served is retried once, unless it was a call's last allowed attempt.
    assert emulator.pending == 0
    assert len(emulator.chat_requests) == CALLS + faults - len(errors)

    leftovers = await _leftovers(baseline)
    assert not leftovers, f"left open after the client closed: {sorted(leftovers)[:5]}"
