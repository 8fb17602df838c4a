"""pytest plugin: the `openrouter_emulator` fixture (registered as a `pytest11` entry point).

pytest loads this module in every project that has the package installed, so it imports
nothing of the package at load time: the emulator is imported when a test first asks for the
fixture, and if that import fails, that test errors with the reason while the rest of the
run goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from langchain_openrouter_gemini.testing.server import OpenRouterEmulator


@pytest.fixture
def openrouter_emulator() -> Iterator[OpenRouterEmulator]:
    """A started emulator on a free loopback port, stopped after the test.

    Yields:
        The emulator; give its `base_url` and any non-empty API key to the client.

    """
    try:
        from langchain_openrouter_gemini.testing.server import OpenRouterEmulator
    except Exception as exc:  # a broken install can raise more than ImportError
        pytest.fail(
            "the openrouter_emulator fixture could not import the emulator "
            f"({type(exc).__name__}: {exc}). Reinstall langchain-openrouter-gemini, or check "
            "the package named in that error.",
            pytrace=False,
        )
    with OpenRouterEmulator() as emulator:
        yield emulator
