"""The async HTTP libraries: aiohttp by default, httpx2 on request, held to the same rules.

A connection that breaks before the reply head is a connection error (retried, then
typed), never a timeout; a cancelled call frees its connection; one model serves any
number of event loops, one after another (`asyncio.run` twice) or at once (threads), and
leaves no socket or aiohttp session for the garbage collector to warn about.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import openai
import pytest

from langchain_openrouter_gemini import ChatOpenRouterGemini, OpenRouterGeminiEmbeddings
from langchain_openrouter_gemini import errors as e
from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator
from langchain_openrouter_gemini.transport import async_http
from langchain_openrouter_gemini.transport import retry as _retry
from tests.loopback import BrokenServer
from tests.reliability.conftest import ASYNC_TRANSPORTS

KEY = "sk-or-emulator"
GUARD = 10.0  # only a hung call waits this long


@contextmanager
def nothing_left_unclosed() -> Iterator[None]:
    """Fail if a warning is raised, or a socket or aiohttp session is left to the collector."""
    unraisable: list[Any] = []
    previous = sys.unraisablehook
    sys.unraisablehook = unraisable.append
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            yield
            gc.collect()
    finally:
        sys.unraisablehook = previous
    assert not [str(u.exc_value) for u in unraisable], "left for the garbage collector"


async def _ask(call: str, model: ChatOpenRouterGemini) -> str:
    if call == "ainvoke":
        return (await model.ainvoke("hi")).text
    return "".join([chunk.text async for chunk in model.astream("hi")])


@pytest.mark.parametrize("transport", ASYNC_TRANSPORTS)
@pytest.mark.parametrize("call", ["ainvoke", "astream"])
@pytest.mark.parametrize("how", ["hang-up", "reset", "bad-status-line"])
async def test_a_connection_broken_before_the_reply_is_retried_then_a_connection_error(
    monkeypatch: pytest.MonkeyPatch, transport: str, call: str, how: str
) -> None:
    monkeypatch.setattr(_retry, "INITIAL_DELAY", 0.01)
    with BrokenServer(how) as server:
        model = ChatOpenRouterGemini(
            api_key=KEY, base_url=server.base_url, max_retries=1, async_transport=transport
        )
        with pytest.raises(e.OpenRouterConnectionError) as info:
            await asyncio.wait_for(_ask(call, model), GUARD)
    # aiohttp's own error says a reset "timed out"; it did not, and must not be told so.
    assert not isinstance(info.value, e.OpenRouterTimeoutError), str(info.value)
    assert "Could not reach OpenRouter" in str(info.value)
    assert server.requests == 2


def test_the_default_async_transport_is_aiohttp_and_httpx_can_be_chosen() -> None:
    async def library(**settings: Any) -> Any:
        model = ChatOpenRouterGemini(api_key=KEY, **settings)
        return model._async_client()._client

    assert isinstance(asyncio.run(library()), openai.DefaultAioHttpClient)
    chosen = asyncio.run(library(async_transport="httpx"))
    assert not isinstance(chosen, openai.DefaultAioHttpClient)


def test_an_unknown_async_transport_is_refused_before_sending() -> None:
    with pytest.raises(ValueError, match="aiohttp"):
        ChatOpenRouterGemini(api_key=KEY, async_transport="requests")


def test_without_aiohttp_the_default_falls_back_to_httpx2_and_says_so_once(
    monkeypatch: pytest.MonkeyPatch, emulator: OpenRouterEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    class Missing(openai.DefaultAioHttpClient):
        def __init__(self, **kwargs: Any) -> None:
            # What the SDK raises when the aiohttp extra is not installed.
            raise RuntimeError("To use the aiohttp client you must install aiohttp")

    monkeypatch.setattr(openai, "DefaultAioHttpClient", Missing)
    monkeypatch.setattr(async_http, "_told_missing", False)
    with caplog.at_level(logging.WARNING), nothing_left_unclosed():
        for _ in range(2):
            model = ChatOpenRouterGemini(api_key=KEY, base_url=emulator.base_url)
            assert asyncio.run(model.ainvoke("hi")).text
    told = [r for r in caplog.records if "httpx2, not aiohttp" in r.getMessage()]
    assert len(told) == 1


@pytest.mark.parametrize("transport", ASYNC_TRANSPORTS)
def test_asyncio_run_twice_on_one_model_and_one_embeddings(
    emulator: OpenRouterEmulator, transport: str
) -> None:
    with nothing_left_unclosed():
        model = ChatOpenRouterGemini(
            api_key=KEY, base_url=emulator.base_url, async_transport=transport
        )
        embeddings = OpenRouterGeminiEmbeddings(
            api_key=KEY, base_url=emulator.base_url, async_transport=transport
        )

        async def everything() -> None:
            reply = await model.ainvoke("hi")
            assert reply.text
            assert await _ask("astream", model) == reply.text
            assert (await model.aget_generation(reply)).id == reply.response_metadata["id"]
            assert (await model.aget_key_info()).usage is not None
            assert len(await embeddings.aembed_query("hi")) > 0

        for _ in range(2):
            asyncio.run(everything())


@pytest.mark.parametrize("transport", ASYNC_TRANSPORTS)
def test_threads_each_with_their_own_loops_share_one_model(
    emulator: OpenRouterEmulator, transport: str
) -> None:
    errors: list[BaseException] = []
    with nothing_left_unclosed():
        model = ChatOpenRouterGemini(
            api_key=KEY, base_url=emulator.base_url, async_transport=transport
        )

        async def burst() -> None:
            replies = await asyncio.gather(*(model.ainvoke(f"q{n}") for n in range(5)))
            assert all(reply.text for reply in replies)

        def run() -> None:
            try:
                for _ in range(2):
                    asyncio.run(burst())
            except BaseException as error:  # re-raised by the test below
                errors.append(error)

        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(GUARD)
    assert errors == []
    assert len(emulator.chat_requests) == 4 * 2 * 5


@pytest.mark.parametrize("transport", ASYNC_TRANSPORTS)
def test_a_model_dropped_while_its_loop_runs_leaves_nothing_unclosed(
    emulator: OpenRouterEmulator, transport: str
) -> None:
    async def use_and_drop() -> None:
        model = ChatOpenRouterGemini(
            api_key=KEY, base_url=emulator.base_url, async_transport=transport
        )
        await model.ainvoke("hi")
        del model
        gc.collect()
        await asyncio.sleep(0.05)

    with nothing_left_unclosed():
        asyncio.run(use_and_drop())


def _cancel_after_first_chunk(model: ChatOpenRouterGemini) -> Callable[[], Any]:
    async def run() -> list[str]:
        got: list[str] = []
        first = asyncio.Event()

        async def consume() -> None:
            async for chunk in model.astream("hi"):
                got.append(chunk.text)
                first.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(first.wait(), GUARD)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, GUARD)
        # The cancelled stream gave its connection back: the next call is answered.
        got.append((await asyncio.wait_for(model.ainvoke("again"), GUARD)).text)
        return got

    return run


@pytest.mark.parametrize("transport", ASYNC_TRANSPORTS)
def test_a_cancelled_stream_frees_its_connection(
    emulator: OpenRouterEmulator, transport: str
) -> None:
    emulator.enqueue(Fault.stall(30, after_events=2))
    with nothing_left_unclosed():
        model = ChatOpenRouterGemini(
            api_key=KEY, base_url=emulator.base_url, max_retries=0, async_transport=transport
        )
        got = asyncio.run(_cancel_after_first_chunk(model)())
        del model
    assert got[0] and got[-1]
    assert len(emulator.chat_requests) == 2


@pytest.mark.parametrize("transport", ASYNC_TRANSPORTS)
def test_a_cancelled_ainvoke_waiting_for_its_answer_ends_at_once(
    emulator: OpenRouterEmulator, transport: str
) -> None:
    emulator.enqueue(Fault.stall(30))

    async def run() -> str:
        model = ChatOpenRouterGemini(
            api_key=KEY, base_url=emulator.base_url, max_retries=0, async_transport=transport
        )
        task = asyncio.create_task(model.ainvoke("hi"))
        while not emulator.chat_requests:  # the request is out and waiting
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, GUARD)
        return (await asyncio.wait_for(model.ainvoke("again"), GUARD)).text

    with nothing_left_unclosed():
        assert asyncio.run(run())
