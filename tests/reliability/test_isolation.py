"""Nothing shared that should not be: threads x their own event loops x copies with other keys.

Every tenant's model is a copy of one original (`model_copy(update=...)`, `bind`,
`with_config`, `configurable_fields`) with its own key, title and header; every request
names its tenant in its body. Against the emulator, whose recorded requests show the
headers each one carried, each request must carry exactly its tenant's. Along the way:
`asyncio.run` again and again on shared models, sync and async calls at once, and not
one ResourceWarning, here or in a fresh `python -W error -X dev` interpreter.
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_core.runnables import ConfigurableField
from pydantic import SecretStr

from langchain_openrouter_gemini import ChatOpenRouterGemini, OpenRouterGeminiEmbeddings
from langchain_openrouter_gemini.testing import OpenRouterEmulator, RecordedRequest
from tests.sockets import open_connections

TENANTS = 4
THREADS = 4
ROUNDS = 2
REPO = Path(__file__).resolve().parents[2]


def key(tenant: int) -> str:
    return f"sk-or-v1-tenant-{tenant}"


def settings(tenant: int) -> dict[str, Any]:
    """What tells tenant `tenant`'s requests apart: key, title, an own header."""
    return {
        "openai_api_key": SecretStr(key(tenant)),
        "app_title": f"App {tenant}",
        "default_headers": {"X-Tenant": str(tenant)},
    }


def tenant_of(request: RecordedRequest) -> int:
    """The tenant a request's body names ("tenant 3 ...")."""
    body = request.body
    text = body["messages"][-1]["content"] if "messages" in body else body["input"][0]
    return int(str(text).split()[1])


def assert_each_request_carried_its_tenants_settings(requests: list[RecordedRequest]) -> None:
    for request in requests:
        tenant = tenant_of(request)
        carried = (
            request.headers["authorization"],
            request.headers["x-title"],
            request.headers["x-tenant"],
        )
        assert carried == (f"Bearer {key(tenant)}", f"App {tenant}", str(tenant)), request


def run_threads(work: Callable[[int], None]) -> None:
    """`work(thread)` in THREADS threads at once; re-raise the first failure."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            work(index)
        except BaseException as exc:  # re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    if errors:
        raise errors[0]


def no_resource_warnings(run: Callable[[], None]) -> None:
    """Run `run`, collect garbage, and fail on any ResourceWarning raised meanwhile."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == []


@pytest.mark.usefixtures("fresh_sync_pool")
def test_chat_copies_across_threads_and_loops(openrouter_emulator: OpenRouterEmulator) -> None:
    original = ChatOpenRouterGemini(base_url=openrouter_emulator.base_url, **settings(0))
    copies = [original, *(original.model_copy(update=settings(t)) for t in range(1, TENANTS))]
    configurable = original.configurable_fields(
        openai_api_key=ConfigurableField(id="key"),
        app_title=ConfigurableField(id="title"),
        default_headers=ConfigurableField(id="headers"),
    )

    def configured(tenant: int) -> dict[str, Any]:
        values = settings(tenant)
        return {
            "configurable": {
                "key": values["openai_api_key"],
                "title": values["app_title"],
                "headers": values["default_headers"],
            }
        }

    async def in_own_loop(thread: int) -> None:
        calls = []
        for tenant, model in enumerate(copies):
            prompt = f"tenant {tenant} thread {thread}"
            calls.append(model.ainvoke(prompt))
            calls.append(model.bind(stop=["zz"]).ainvoke(prompt))
            calls.append(configurable.ainvoke(prompt, config=configured(tenant)))
            calls.append(_adrain(model.astream(prompt)))
        await asyncio.gather(*calls)

    def work(thread: int) -> None:
        for _ in range(ROUNDS):
            asyncio.run(in_own_loop(thread))  # a new loop every round
            for tenant, model in enumerate(copies):  # and sync calls in between
                model.with_config(tags=[f"t{thread}"]).invoke(f"tenant {tenant} sync")
                list(model.stream(f"tenant {tenant} stream"))

    no_resource_warnings(lambda: run_threads(work))
    requests = openrouter_emulator.chat_requests
    assert len(requests) == THREADS * ROUNDS * TENANTS * 6
    assert_each_request_carried_its_tenants_settings(requests)
    for model in copies:
        model.close()
    assert open_connections(openrouter_emulator.port) == 0


async def _adrain(chunks: Any) -> None:
    async for _chunk in chunks:
        pass


@pytest.mark.usefixtures("fresh_sync_pool")
def test_embeddings_copies_across_threads_and_loops(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    original = OpenRouterGeminiEmbeddings(
        base_url=openrouter_emulator.base_url, dimensions=8, **settings(0)
    )
    copies = [original, *(original.model_copy(update=settings(t)) for t in range(1, TENANTS))]

    async def in_own_loop(thread: int) -> None:
        calls = []
        for tenant, model in enumerate(copies):
            calls.append(model.aembed_query(f"tenant {tenant} thread {thread}"))
            calls.append(model.aembed_documents([f"tenant {tenant} a", f"tenant {tenant} b"]))
        await asyncio.gather(*calls)

    def work(thread: int) -> None:
        for _ in range(ROUNDS):
            asyncio.run(in_own_loop(thread))
            for tenant, model in enumerate(copies):
                model.embed_documents([f"tenant {tenant} sync"])

    no_resource_warnings(lambda: run_threads(work))
    requests = [r for r in openrouter_emulator.requests if r.path.endswith("/embeddings")]
    assert len(requests) == THREADS * ROUNDS * TENANTS * 3
    assert_each_request_carried_its_tenants_settings(requests)
    for model in copies:
        model.close()
    assert open_connections(openrouter_emulator.port) == 0


SCRIPT = """
import asyncio, gc, json, sys, threading
from pydantic import SecretStr
from langchain_openrouter_gemini import ChatOpenRouterGemini, OpenRouterGeminiEmbeddings
from langchain_openrouter_gemini.testing import OpenRouterEmulator

with OpenRouterEmulator() as emulator:
    chat = ChatOpenRouterGemini(base_url=emulator.base_url, api_key="sk-or-v1-a")
    other = chat.model_copy(update={"openai_api_key": SecretStr("sk-or-v1-b")})
    embed = OpenRouterGeminiEmbeddings(base_url=emulator.base_url, api_key="sk-or-v1-a")

    async def once():
        await asyncio.gather(chat.ainvoke("a"), other.ainvoke("b"), embed.aembed_query("c"))

    for _ in range(2):
        asyncio.run(once())  # again on a new loop: the first loop's clients are gone

    def thread():
        asyncio.run(once())
        chat.invoke("sync")

    threads = [threading.Thread(target=thread) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    async def closing():
        async with ChatOpenRouterGemini(base_url=emulator.base_url, api_key="sk-or-v1-c") as m:
            await m.ainvoke("d")

    asyncio.run(closing())
    with embed:
        embed.embed_query("e")
    keys = sorted({r.headers["authorization"] for r in emulator.requests})
    del chat, other, embed
    gc.collect()
print(json.dumps({"requests": len(emulator.requests), "keys": keys}))
"""


def test_no_resource_warning_in_a_fresh_interpreter_under_W_error() -> None:
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-X", "dev", "-c", SCRIPT],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Warning" not in completed.stderr and "Exception ignored" not in completed.stderr
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["requests"] == 2 * 3 + 3 * 4 + 2
    assert result["keys"] == ["Bearer sk-or-v1-a", "Bearer sk-or-v1-b", "Bearer sk-or-v1-c"]
