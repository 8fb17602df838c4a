"""Shared fixtures for the reliability tests: one emulator per module, models bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx2
import pytest

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.testing import OpenRouterEmulator

ModelFactory = Callable[..., ChatOpenRouterGemini]


@pytest.fixture(scope="module")
def emulator() -> Iterator[OpenRouterEmulator]:
    """A started emulator shared by a module; stopping it hangs up stalled replies."""
    with OpenRouterEmulator() as started:
        yield started


@pytest.fixture(autouse=True)
def _fresh_script(request: pytest.FixtureRequest) -> None:
    # A fault left in the queue by one test must not strike the next one.
    if "emulator" in request.fixturenames:
        request.getfixturevalue("emulator").reset()


ASYNC_TRANSPORTS = ("aiohttp", "httpx")


@pytest.fixture
async def chat_model(emulator: OpenRouterEmulator) -> AsyncIterator[ModelFactory]:
    """Build models pointed at the emulator; their HTTP clients are closed afterwards.

    The sync client is created here (not by the SDK), so every socket it opened is closed
    when the test ends, whatever the test did. The async client is the model's own, over
    `async_transport=` (aiohttp unless a test says otherwise), as a user gets it: the
    model closes it when the test's event loop shuts down.
    """
    sync_clients: list[httpx2.Client] = []

    def build(**settings: Any) -> ChatOpenRouterGemini:
        sync_clients.append(httpx2.Client())
        settings.setdefault("api_key", "sk-or-emulator")
        return ChatOpenRouterGemini(
            base_url=emulator.base_url, http_client=sync_clients[-1], **settings
        )

    yield build
    for client in sync_clients:
        client.close()
