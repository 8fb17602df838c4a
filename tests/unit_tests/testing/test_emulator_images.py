"""Generated images and `service_tier`: the emulator's shapes, and what the client makes of them.

Gemini's image models on OpenRouter answer a request whose `modalities` asks for images with a
line of text and `message.images: [{"type": "image_url", "image_url": {"url": "data:..."}}]`
(`delta.images` when streaming). Echo mode does the same, so image apps test offline.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply

KEY = {"Authorization": "Bearer sk-or-test"}
IMAGE_MODEL = "google/gemini-2.5-flash-image"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def request(model: str = IMAGE_MODEL, **extra: Any) -> dict[str, Any]:
    messages = [{"role": "user", "content": "Draw a lighthouse"}]
    return {"model": model, "messages": messages, "modalities": ["image", "text"], **extra}


def post(emulator: OpenRouterEmulator, payload: dict[str, Any]) -> httpx.Response:
    url = f"{emulator.base_url}/chat/completions"
    return httpx.post(url, json=payload, headers=KEY, timeout=10)


def png_of(url: str) -> bytes:
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix)
    return base64.b64decode(url.removeprefix(prefix))


def test_echo_answers_an_image_request_with_message_images(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    message = post(openrouter_emulator, request()).json()["choices"][0]["message"]
    assert message["content"] == "Here is an image for: Draw a lighthouse."
    (image,) = message["images"]
    assert image["type"] == "image_url" and set(image) == {"type", "image_url"}
    assert png_of(image["image_url"]["url"]).startswith(PNG_SIGNATURE)


def test_echo_streams_the_image_in_delta_images(openrouter_emulator: OpenRouterEmulator) -> None:
    text = post(openrouter_emulator, request(stream=True)).text
    events = [
        json.loads(line.removeprefix("data: "))
        for line in text.splitlines()
        if line.startswith("data: {")
    ]
    images = [
        image
        for event in events
        for choice in event.get("choices", [])
        for image in choice["delta"].get("images") or []
    ]
    assert len(images) == 1
    assert png_of(images[0]["image_url"]["url"]).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize(
    "payload",
    [
        request(modalities=["text"]),
        {k: v for k, v in request().items() if k != "modalities"},
        request(model="google/gemini-2.5-flash"),  # not an image model
    ],
    ids=["text-only", "no-modalities", "text-model"],
)
def test_no_image_unless_an_image_model_is_asked_for_one(
    openrouter_emulator: OpenRouterEmulator, payload: dict[str, Any]
) -> None:
    message = post(openrouter_emulator, payload).json()["choices"][0]["message"]
    assert "images" not in message
    assert message["content"].startswith("You said: Draw a lighthouse.")


def test_the_chat_model_returns_the_image_as_an_image_block(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    llm = ChatOpenRouterGemini(
        model=IMAGE_MODEL,
        modalities=["image", "text"],
        base_url=openrouter_emulator.base_url,
        api_key="sk-or-test",
    )
    whole, streamed = llm.invoke("Draw a lighthouse"), _joined(llm.stream("Draw a lighthouse"))
    assert whole.content == streamed.content  # the same blocks, read whole or streamed
    for reply in (whole, streamed):
        images = [b for b in reply.content if isinstance(b, dict) and b.get("type") == "image"]
        assert len(images) == 1 and images[0]["mime_type"] == "image/png"
        assert base64.b64decode(images[0]["base64"]).startswith(PNG_SIGNATURE)
        assert "Here is an image for: Draw a lighthouse." in reply.text


def _joined(chunks: Any) -> Any:
    full = None
    for chunk in chunks:
        full = chunk if full is None else full + chunk
    return full


def test_service_tier_reaches_response_metadata_and_the_generation_record(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    llm = ChatOpenRouterGemini(
        model="google/gemini-3-flash-preview",
        base_url=openrouter_emulator.base_url,
        api_key="sk-or-test",
    )
    reply = llm.invoke("hi")
    assert reply.response_metadata["service_tier"] == "default"
    assert llm.get_generation(reply, wait=0).service_tier == "default"
    openrouter_emulator.enqueue(Reply.text("Hi.", service_tier="flex"))
    flex = llm.invoke("hi")
    assert flex.response_metadata["service_tier"] == "flex"
    assert llm.get_generation(flex, wait=0).service_tier == "flex"
