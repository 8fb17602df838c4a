"""The connection settings both models share, and the lazy, locked build of their SDK clients."""

from __future__ import annotations

import asyncio
import copy
import pickle
import threading
import time
from typing import Any

import httpx2
import openai
import pytest

from langchain_openrouter_gemini import ChatOpenRouterGemini, OpenRouterGeminiEmbeddings
from langchain_openrouter_gemini.transport.connection import (
    attribution_headers,
    normalize_base_url,
    resolve_timeout,
)
from tests.unit_tests.fake_transport import FakeOpenRouter

KEY = "sk-or-v1-connection-test"
THREADS = 16


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    """Replace `openai.<name>` by a slow constructor that records every client it builds."""
    real = getattr(openai, name)
    built: list[Any] = []

    def build(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.02)  # widen the window in which a second thread could slip in
        client = real(*args, **kwargs)
        built.append(client)
        return client

    monkeypatch.setattr(openai, name, build)
    return built


def _burst(action: Any) -> list[BaseException]:
    """Run `action` in THREADS threads released at the same instant; return their errors."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            action()
        except BaseException as exc:  # collected and re-raised by the test
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_burst_of_threads_builds_one_chat_client_per_kind(
    monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    fake = FakeOpenRouter()
    built = _counting(monkeypatch, "OpenAI" if kind == "sync" else "AsyncOpenAI")
    model = ChatOpenRouterGemini(api_key=KEY, base_url="https://or.test/api/v1", **fake.clients())

    def call() -> None:
        if kind == "sync":
            model.invoke("hi")
        else:
            asyncio.run(model.ainvoke("hi"))

    assert _burst(call) == []
    assert len(fake.requests) == THREADS
    assert len(built) == 1


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_burst_of_threads_builds_one_embeddings_client_per_kind(
    monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    built = _counting(monkeypatch, "OpenAI" if kind == "sync" else "AsyncOpenAI")

    def reply(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200,
            json={
                "object": "list",
                "model": "google/gemini-embedding-001",
                "data": [{"object": "embedding", "index": 0, "embedding": [0.6, 0.8]}],
                "usage": {"prompt_tokens": 1, "total_tokens": 1, "cost": 1.5e-7},
            },
        )

    transport = httpx2.MockTransport(reply)
    model = OpenRouterGeminiEmbeddings(
        api_key=KEY,
        http_client=httpx2.Client(transport=transport),
        http_async_client=httpx2.AsyncClient(transport=transport),
    )

    def call() -> None:
        if kind == "sync":
            model.embed_query("hi")
        else:
            asyncio.run(model.aembed_query("hi"))

    assert _burst(call) == []
    assert len(built) == 1


def test_pickled_and_deep_copied_models_build_their_own_clients() -> None:
    model = ChatOpenRouterGemini(api_key=KEY)
    first = model._sync_client()
    assert model._sync_client() is first  # built once, then reused
    assert pickle.loads(pickle.dumps(model))._clients.empty
    assert copy.deepcopy(model)._clients.empty


def test_attribution_headers_and_user_headers_win() -> None:
    headers = attribution_headers(
        app_url="https://app.example",
        app_title="My App",
        app_categories=["cli-agent", "cloud-agent"],
        default_headers={"X-Title": "Override"},
    )
    assert headers == {
        "HTTP-Referer": "https://app.example",
        "X-Title": "Override",
        "X-OpenRouter-Categories": "cli-agent,cloud-agent",
    }


def test_timeout_forms() -> None:
    assert resolve_timeout(30, 10.0) == httpx2.Timeout(30.0, connect=10.0)
    assert resolve_timeout(5, 10.0) == httpx2.Timeout(5.0, connect=5.0)  # connect never longer
    assert resolve_timeout((2, 40), 10.0) == httpx2.Timeout(40, connect=2)
    assert resolve_timeout(None, 10.0) == httpx2.Timeout(None, connect=10.0)
    explicit = httpx2.Timeout(1.0)
    assert resolve_timeout(explicit, 10.0) is explicit


def test_base_url_loses_trailing_slash_and_defaults() -> None:
    assert normalize_base_url("https://x.test/api/v1/") == "https://x.test/api/v1"
    assert normalize_base_url(None) == "https://openrouter.ai/api/v1"
