"""Connection settings are worked out once per model, and again whenever a field changes.

A model keeps its `ConnectionSettings` between calls instead of rebuilding them per
request; these tests pin down that nothing stale is ever sent: copies (also with the
constructor's names, `api_key=`), assignment after the first call, fields changed in
place, threads each running their own event loop, and `asyncio.run` twice, without a
ResourceWarning.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pydantic import SecretStr

from langchain_openrouter_gemini.errors import OpenRouterTimeoutError
from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator
from tests.unit_tests.transport.test_client_lifecycle import (
    KEY_A,
    KEY_B,
    Model,
    acall,
    call,
    chat,
    embeddings,
)

# The chat model and the embeddings, on the emulator with tenant A's key and no retries.
BUILDERS: dict[str, Callable[..., Model]] = {"chat": chat, "embeddings": embeddings}
KINDS = sorted(BUILDERS)


def build(kind: str, emulator: OpenRouterEmulator, **settings: Any) -> Model:
    return BUILDERS[kind](emulator, **settings)


@pytest.fixture(params=KINDS)
def model(request: pytest.FixtureRequest, openrouter_emulator: OpenRouterEmulator) -> Model:
    """A chat model, then an embeddings model, on the emulator with tenant A's key."""
    return build(request.param, openrouter_emulator)


STYLES = pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])


# --- Copies ----------------------------------------------------------------------------------


@STYLES
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "update",
    [{"api_key": KEY_B}, {"openai_api_key": KEY_B}, {"openai_api_key": SecretStr(KEY_B)}],
    ids=["alias", "plain-string", "secret"],
)
def test_a_copy_with_another_api_key_sends_the_new_key(
    openrouter_emulator: OpenRouterEmulator, kind: str, use_async: bool, update: dict[str, Any]
) -> None:
    original = build(kind, openrouter_emulator)
    call(original, use_async=use_async)  # the original's settings exist before the copy
    copy = original.model_copy(update=update)
    call(copy, use_async=use_async)
    call(original, use_async=use_async)
    keys = [r.headers["authorization"] for r in openrouter_emulator.requests]
    assert keys == [f"Bearer {KEY_A}", f"Bearer {KEY_B}", f"Bearer {KEY_A}"]
    assert isinstance(copy.openai_api_key, SecretStr)  # never a plain string in a repr


def test_a_copy_with_the_base_url_alias_goes_there(openrouter_emulator: OpenRouterEmulator) -> None:
    original = chat(openrouter_emulator)
    original.invoke("hi")
    with OpenRouterEmulator() as other:
        original.model_copy(update={"base_url": other.base_url + "/"}).invoke("hi")
        assert len(other.requests) == 1
    assert len(openrouter_emulator.requests) == 1


def test_a_deep_copy_with_another_key_sends_it(
    openrouter_emulator: OpenRouterEmulator, model: Model
) -> None:
    original = model
    call(original, use_async=False)
    call(original.model_copy(update={"api_key": KEY_B}, deep=True), use_async=False)
    keys = [r.headers["authorization"] for r in openrouter_emulator.requests]
    assert keys == [f"Bearer {KEY_A}", f"Bearer {KEY_B}"]


# --- Assignment and in-place changes after the first call ------------------------------------


@STYLES
@pytest.mark.parametrize("kind", KINDS)
def test_assigning_base_url_after_the_first_call_takes_effect(
    openrouter_emulator: OpenRouterEmulator, kind: str, use_async: bool
) -> None:
    model = build(kind, openrouter_emulator)
    call(model, use_async=use_async)
    with OpenRouterEmulator() as other:
        model.openai_api_base = other.base_url
        call(model, use_async=use_async)
        assert len(other.requests) == 1
    assert len(openrouter_emulator.requests) == 1


@STYLES
def test_assigning_a_timeout_after_the_first_call_takes_effect(
    openrouter_emulator: OpenRouterEmulator, use_async: bool
) -> None:
    model = build("chat", openrouter_emulator)
    call(model, use_async=use_async)
    model.request_timeout = 0.3
    openrouter_emulator.enqueue(Fault.stall(3))
    with pytest.raises(OpenRouterTimeoutError):
        call(model, use_async=use_async)


@STYLES
@pytest.mark.parametrize("kind", KINDS)
def test_assigning_or_changing_headers_after_the_first_call_takes_effect(
    openrouter_emulator: OpenRouterEmulator, kind: str, use_async: bool
) -> None:
    model = build(kind, openrouter_emulator, default_headers={"X-Tenant": "a"})
    call(model, use_async=use_async)
    model.default_headers = {"X-Tenant": "b"}
    call(model, use_async=use_async)
    assert isinstance(model.default_headers, dict)
    model.default_headers["X-Tenant"] = "c"  # in place: the same dict, another value
    call(model, use_async=use_async)
    model.app_title = "Tenant D"
    call(model, use_async=use_async)
    tenants = [r.headers.get("x-tenant") for r in openrouter_emulator.requests]
    assert tenants == ["a", "b", "c", "c"]
    assert openrouter_emulator.requests[-1].headers.get("x-title") == "Tenant D"


def test_assigning_the_key_none_after_the_first_call_raises_the_missing_key_error(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    model = chat(openrouter_emulator)
    model.invoke("hi")
    model.openai_api_key = None
    with pytest.raises(ValueError, match="No OpenRouter API key"):
        model.invoke("hi")


# --- Event loops -------------------------------------------------------------------------------


def test_threads_each_running_their_own_loop_get_their_own_clients(
    openrouter_emulator: OpenRouterEmulator, model: Model
) -> None:
    ready = threading.Barrier(4)

    async def use() -> int:
        await acall(model)
        pool = id(model._async_client()._client)
        ready.wait(10)  # every loop is alive at once, so no pool id can be reused
        return pool

    with ThreadPoolExecutor(4) as threads:
        pools = list(threads.map(lambda _: asyncio.run(use()), range(4)))
    assert len(set(pools)) == 4
    assert len(openrouter_emulator.requests) == 4


def test_asyncio_run_twice_uses_a_new_pool_each_time(
    openrouter_emulator: OpenRouterEmulator, model: Model
) -> None:
    pools: list[Any] = []

    async def use() -> None:
        await acall(model)
        pools.append(model._async_client()._client)

    asyncio.run(use())
    asyncio.run(use())
    assert pools[0] is not pools[1]
    assert len(openrouter_emulator.requests) == 2


# --- No ResourceWarning ------------------------------------------------------------------------

_SCRIPT = """
import asyncio, gc, threading
from langchain_openrouter_gemini import ChatOpenRouterGemini, OpenRouterGeminiEmbeddings
from langchain_openrouter_gemini.testing import OpenRouterEmulator

with OpenRouterEmulator() as emulator:
    chat = ChatOpenRouterGemini(api_key="sk-or-a", base_url=emulator.base_url)
    embed = OpenRouterGeminiEmbeddings(api_key="sk-or-a", base_url=emulator.base_url)

    async def both(model_chat, model_embed):
        await model_chat.ainvoke("hi")
        await model_embed.aembed_query("hi")

    asyncio.run(both(chat, embed))
    asyncio.run(both(chat.model_copy(update={"api_key": "sk-or-b"}), embed))
    chat.openai_api_base = emulator.base_url + "/"
    asyncio.run(both(chat, embed))
    threads = [threading.Thread(target=asyncio.run, args=(both(chat, embed),)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    chat.invoke("hi")
    chat.close()
    embed.close()
    del chat, embed
    gc.collect()
print("ok")
"""


def test_copies_loops_and_threads_leave_no_resource_warning() -> None:
    # Unraisable warnings (a socket or session collected unclosed) only print under -W
    # error; the child's stderr shows them.
    done = subprocess.run(
        [sys.executable, "-W", "error", "-X", "dev", "-c", textwrap.dedent(_SCRIPT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    for sign in ("ResourceWarning", "Unclosed", "unclosed", "Exception ignored"):
        assert sign not in done.stderr, done.stderr
