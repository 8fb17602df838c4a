"""Test-wide settings: no ambient credentials or endpoints leak into tests."""

from __future__ import annotations

import os

import pytest

# Tracing or an OpenAI base URL from the developer's shell must not change what tests send.
for _name in (
    "LANGSMITH_TRACING",
    "LANGCHAIN_TRACING_V2",
    "OPENAI_BASE_URL",
    "OPENAI_API_BASE",
    "OPENROUTER_BASE_URL",
    "OPENROUTER_API_BASE",
    "OPENROUTER_APP_URL",
    "OPENROUTER_APP_TITLE",
):
    os.environ.pop(_name, None)


@pytest.fixture(autouse=True)
def _no_ambient_key(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    # Unit tests pass keys explicitly; a developer's real key must never be picked up.
    if request.node.get_closest_marker("vcr") is None:
        monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)


@pytest.fixture
def fresh_sync_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's models get a sync connection pool of their own, used by no earlier test.

    Models share the process's sync pool, and `close()` closes it only when no other live
    model uses it: a model some other test left alive would keep it open.
    """
    from langchain_openrouter_gemini.transport import clients as _clients

    monkeypatch.setattr(_clients._REGISTRY, "sync_default", None)
