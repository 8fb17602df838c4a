"""Parity with langchain-openrouter's `ChatOpenRouter`: `OPENROUTER_SESSION_ID` and `trace`.

Checked on what reaches the wire: the emulator's recorded request bodies.
"""

from __future__ import annotations

from typing import Any

import pytest

from langchain_openrouter_gemini.testing import OpenRouterEmulator
from tests.unit_tests.models import chat_model

TRACE = {"trace_id": "trace-abc123", "span_name": "summarize", "team": "search"}


def sent(emulator: OpenRouterEmulator) -> dict[str, Any]:
    body = emulator.chat_requests[-1].body
    assert isinstance(body, dict)
    return body


def test_session_id_falls_back_to_the_environment(
    openrouter_emulator: OpenRouterEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENROUTER_SESSION_ID", "ci-run-17")
    llm = chat_model(openrouter_emulator)
    assert llm.session_id == "ci-run-17"
    llm.invoke("hi")
    assert sent(openrouter_emulator)["session_id"] == "ci-run-17"
    # An argument wins over the environment, and a per-call value over both.
    chat_model(openrouter_emulator, session_id="mine").invoke("hi")
    assert sent(openrouter_emulator)["session_id"] == "mine"
    llm.invoke("hi", session_id="this-call")
    assert sent(openrouter_emulator)["session_id"] == "this-call"


def test_an_empty_session_id_variable_sends_nothing(
    openrouter_emulator: OpenRouterEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENROUTER_SESSION_ID", "")
    chat_model(openrouter_emulator).invoke("hi")
    assert "session_id" not in sent(openrouter_emulator)
    monkeypatch.delenv("OPENROUTER_SESSION_ID")
    chat_model(openrouter_emulator).invoke("hi")
    assert "session_id" not in sent(openrouter_emulator)


def test_trace_is_sent_from_the_model_and_per_call(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    llm = chat_model(openrouter_emulator, trace=TRACE)
    llm.invoke("hi")
    assert sent(openrouter_emulator)["trace"] == TRACE
    list(llm.stream("hi"))
    assert sent(openrouter_emulator)["trace"] == TRACE
    # A per-call trace replaces the model's as a whole, like every other option.
    llm.invoke("hi", trace={"trace_id": "other"})
    assert sent(openrouter_emulator)["trace"] == {"trace_id": "other"}
    llm.bind(trace={"span_name": "bound"}).invoke("hi")
    assert sent(openrouter_emulator)["trace"] == {"span_name": "bound"}
    chat_model(openrouter_emulator).invoke("hi")
    assert "trace" not in sent(openrouter_emulator)


async def test_trace_is_sent_by_async_calls(openrouter_emulator: OpenRouterEmulator) -> None:
    await chat_model(openrouter_emulator).ainvoke("hi", trace=TRACE)
    assert sent(openrouter_emulator)["trace"] == TRACE


def test_a_trace_that_is_not_a_dict_is_refused_before_sending(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    with pytest.raises(ValueError, match="'trace' must be a dict"):
        chat_model(openrouter_emulator).invoke("hi", trace="trace-abc123")
    assert openrouter_emulator.chat_requests == []
