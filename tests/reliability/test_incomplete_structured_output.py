"""A structured answer cut off by max_tokens fails, over a real socket, in every call style."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.errors import OpenRouterIncompleteOutputError
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply

ModelFactory = Callable[..., ChatOpenRouterGemini]
SCHEMA = {
    "title": "Cities",
    "type": "object",
    "properties": {"cities": {"type": "array", "items": {"type": "string"}}},
    "required": ["cities"],
}
CUT = Reply.text(
    '{"cities": ["Oslo", "Bergen", "Trondh',
    finish_reason="length",
    native_finish_reason="MAX_TOKENS",
    chunk_size=8,
)


async def _call(runnable: Any, mode: str) -> Any:
    if mode == "invoke":
        return runnable.invoke("Cities?")
    if mode == "ainvoke":
        return await runnable.ainvoke("Cities?")
    if mode == "stream":
        return list(runnable.stream("Cities?"))
    return [item async for item in runnable.astream("Cities?")]


@pytest.mark.parametrize("mode", ["invoke", "ainvoke", "stream", "astream"])
async def test_a_cut_off_answer_is_an_error_not_a_repaired_object(
    emulator: OpenRouterEmulator, chat_model: ModelFactory, mode: str
) -> None:
    emulator.enqueue(CUT)
    runnable = chat_model(max_tokens=12).with_structured_output(SCHEMA)
    with pytest.raises(OpenRouterIncompleteOutputError, match=r"'length'.*max_tokens=12"):
        await _call(runnable, mode)
    assert len(emulator.chat_requests) == 1  # not retried: the tokens were paid for


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
async def test_include_raw_keeps_the_message_and_its_usage(
    emulator: OpenRouterEmulator, chat_model: ModelFactory, mode: str
) -> None:
    emulator.enqueue(CUT)
    runnable = chat_model().with_structured_output(SCHEMA, method="json_mode", include_raw=True)
    result = await _call(runnable, mode)
    assert result["parsed"] is None
    assert isinstance(result["parsing_error"], OpenRouterIncompleteOutputError)
    assert result["raw"].response_metadata["native_finish_reason"] == "MAX_TOKENS"
    assert result["raw"].usage_metadata["output_tokens"] > 0
