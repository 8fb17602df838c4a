"""Image-output replies have the same content whether invoked or streamed."""

from __future__ import annotations

import asyncio
import base64
from functools import reduce
from operator import add
from typing import Any

import pytest
from langchain_core.messages import BaseMessageChunk

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply
from tests.unit_tests.models import chat_model

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"
B64 = base64.b64encode(PNG).decode()
SECOND = "https://example.com/second.png"


@pytest.fixture
def emulator(openrouter_emulator: OpenRouterEmulator) -> OpenRouterEmulator:
    return openrouter_emulator


def _llm(emulator: OpenRouterEmulator, **kwargs: Any) -> ChatOpenRouterGemini:
    return chat_model(
        emulator, model="google/gemini-2.5-flash-image", modalities=["image", "text"], **kwargs
    )


def _two_images() -> Reply:
    reply = Reply.image(PNG, text="Here are two cats, as asked.")
    second = {"type": "image_url", "image_url": {"url": SECOND}}
    return reply.with_options(images=(*reply.images, second))


EXPECTED = [
    {"type": "text", "text": "Here are two cats, as asked.", "index": 0},
    {"type": "image", "base64": B64, "mime_type": "image/png", "index": 1},
    {"type": "image", "url": SECOND, "index": 2},
]


def _merged(chunks: list[BaseMessageChunk]) -> BaseMessageChunk:
    return reduce(add, chunks)


def test_invoke_and_stream_give_the_same_blocks(emulator: OpenRouterEmulator) -> None:
    emulator.enqueue(_two_images(), _two_images())
    llm = _llm(emulator)
    invoked = llm.invoke("Draw two cats.")
    streamed = _merged(list(llm.stream("Draw two cats.")))
    assert invoked.content == EXPECTED
    assert streamed.content == invoked.content
    assert streamed.text == invoked.text == "Here are two cats, as asked."


def test_async_too(emulator: OpenRouterEmulator) -> None:
    emulator.enqueue(_two_images(), _two_images())
    llm = _llm(emulator)

    async def both() -> tuple[Any, Any]:
        invoked = await llm.ainvoke("Draw two cats.")
        chunks = [chunk async for chunk in llm.astream("Draw two cats.")]
        return invoked.content, _merged(chunks).content

    invoked, streamed = asyncio.run(both())
    assert invoked == streamed == EXPECTED


def test_a_text_only_reply_to_an_image_request_is_the_same_both_ways(
    emulator: OpenRouterEmulator,
) -> None:
    emulator.enqueue(Reply.text("I cannot draw that."), Reply.text("I cannot draw that."))
    llm = _llm(emulator)
    invoked = llm.invoke("Draw it.")
    streamed = _merged(list(llm.stream("Draw it.")))
    assert invoked.content == streamed.content
    assert streamed.text == invoked.text == "I cannot draw that."


def test_text_requests_keep_plain_string_content(emulator: OpenRouterEmulator) -> None:
    emulator.enqueue(Reply.text("Hello."), Reply.text("Hello."))
    llm = chat_model(emulator, model="google/gemini-2.5-flash")
    assert llm.invoke("hi").content == "Hello."
    assert _merged(list(llm.stream("hi"))).content == "Hello."
