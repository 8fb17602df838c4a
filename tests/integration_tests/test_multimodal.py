"""Multimodal input in every LangChain block form, as it reaches OpenRouter (from cassettes)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_openrouter_gemini import ChatOpenRouterGemini, content
from tests import recording
from tests.integration_tests.samples import pdf, png, wav

pytestmark = pytest.mark.vcr

PNG = png()
PNG_B64 = base64.b64encode(PNG).decode()
PDF_B64 = base64.b64encode(pdf("Invoice 42: total 17 EUR")).decode()
WAV_B64 = base64.b64encode(wav()).decode()
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def model(**kwargs: Any) -> ChatOpenRouterGemini:
    return ChatOpenRouterGemini(
        model="google/gemini-2.5-flash", temperature=0, **recording.connection_settings(), **kwargs
    )


def sent_parts(vcr: Any) -> list[dict[str, Any]]:
    body = json.loads(vcr.requests[-1].body)
    parts = body["messages"][-1]["content"]
    assert isinstance(parts, list)
    return parts


BLOCKS: dict[str, tuple[dict[str, Any], str]] = {
    "v1_image_base64": (
        {"type": "image", "base64": PNG_B64, "mime_type": "image/png"},
        "image_url",
    ),
    "openai_image_data_url": (
        {
            "type": "image_url",
            "image_url": {"url": f"data:image/png;base64,{PNG_B64}", "detail": "low"},
        },
        "image_url",
    ),
    "anthropic_image": (
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}},
        "image_url",
    ),
    "v0_image_source_type": (
        {"type": "image", "source_type": "base64", "data": PNG_B64, "mime_type": "image/png"},
        "image_url",
    ),
    "v1_pdf": ({"type": "file", "base64": PDF_B64, "mime_type": "application/pdf"}, "file"),
    "anthropic_document": (
        {
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": PDF_B64},
        },
        "file",
    ),
    "helper_pdf": (content.pdf(base64.b64decode(PDF_B64), filename="invoice.pdf"), "file"),
    "v1_audio": ({"type": "audio", "base64": WAV_B64, "mime_type": "audio/wav"}, "input_audio"),
    "openai_input_audio": (
        {"type": "input_audio", "input_audio": {"data": WAV_B64, "format": "wav"}},
        "input_audio",
    ),
    "v1_video_url": ({"type": "video", "url": YOUTUBE}, "video_url"),
}


STREAMED = ["v1_image_base64", "v1_pdf", "v1_audio", "v1_video_url"]


def ask(message: HumanMessage, *, stream: bool) -> AIMessage:
    if not stream:
        return model().invoke([message])
    reply: Any = None
    for chunk in model().stream([message]):
        reply = chunk if reply is None else reply + chunk
    assert isinstance(reply, AIMessage)
    return reply


@pytest.mark.parametrize(
    ("name", "stream"),
    [(name, False) for name in BLOCKS] + [(name, True) for name in STREAMED],
    ids=list(BLOCKS) + [f"{name}-stream" for name in STREAMED],
)
def test_block_form_reaches_openrouter_and_is_answered(name: str, stream: bool, vcr: Any) -> None:
    block, wire_type = BLOCKS[name]
    message = HumanMessage(
        [{"type": "text", "text": "Describe the attachment in one line."}, block]
    )
    reply = ask(message, stream=stream)
    assert reply.text
    assert reply.usage_metadata and reply.usage_metadata["input_tokens"] > 0
    parts = sent_parts(vcr)
    assert [p["type"] for p in parts] == ["text", wire_type]
    if wire_type == "file":
        assert parts[1]["file"]["filename"].endswith(".pdf")
        assert parts[1]["file"]["file_data"].startswith("data:application/pdf;base64,")
    if wire_type == "input_audio":
        assert parts[1]["input_audio"]["format"] == "wav"


def test_tool_results_with_an_image_and_a_pdf(vcr: Any) -> None:
    call = {"name": "render", "args": {"what": "chart"}, "id": "call_render_1", "type": "tool_call"}
    history = [
        HumanMessage("Render the chart and the invoice, then describe both."),
        AIMessage("", tool_calls=[call]),
        ToolMessage(
            [
                {"type": "text", "text": "Rendered."},
                content.image(PNG),
                content.pdf(base64.b64decode(PDF_B64), filename="invoice.pdf"),
            ],
            tool_call_id="call_render_1",
        ),
    ]
    reply = model().invoke(history)
    assert reply.text
    body = json.loads(vcr.requests[-1].body)
    tool_message = body["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_render_1"
    assert [p["type"] for p in tool_message["content"]] == ["text", "image_url", "file"]
