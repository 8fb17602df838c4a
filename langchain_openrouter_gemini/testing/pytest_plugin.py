"""pytest plugin: the `openrouter_emulator` fixture (registered as a `pytest11` entry point)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from langchain_openrouter_gemini.testing.server import OpenRouterEmulator


@pytest.fixture
def openrouter_emulator() -> Iterator[OpenRouterEmulator]:
    """A started emulator on a free loopback port, stopped after the test.

    Yields:
        The emulator; give its `base_url` and any non-empty API key to the client.

    """
    with OpenRouterEmulator() as emulator:
        yield emulator
