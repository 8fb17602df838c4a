"""estimate_tokens(): Gemini's per-item rules over every LangChain content-block form."""

from __future__ import annotations

import base64
import io
import struct
import wave
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from langchain_openrouter_gemini.usage.tokens import (
    TOKENS_PER_MESSAGE,
    estimate_text_tokens,
    estimate_tokens,
    image_tokens,
)


def png(width: int, height: int) -> bytes:
    # Signature and IHDR are all the estimate reads.
    ihdr = struct.pack(">II5B", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\x00" * 4


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def wav(seconds: float, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * int(rate * seconds))
    return buffer.getvalue()


def mp4(seconds: int, timescale: int = 1000) -> bytes:
    mvhd_body = b"\x00" + b"\x00" * 3 + struct.pack(">IIII", 0, 0, timescale, seconds * timescale)
    mvhd = struct.pack(">I", 8 + len(mvhd_body)) + b"mvhd" + mvhd_body
    moov = struct.pack(">I", 8 + len(mvhd)) + b"moov" + mvhd
    return struct.pack(">I", 16) + b"ftypisom" + b"\x00" * 4 + moov


def pdf(pages: int) -> bytes:
    body = b"%PDF-1.4\n" + b"1 0 obj << /Type /Pages /Count %d >> endobj\n" % pages
    body += b"".join(b"%d 0 obj << /Type /Page >> endobj\n" % (i + 2) for i in range(pages))
    return body + b"%%EOF"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def only_content(content: Any) -> int:
    """Tokens for one human message's content, without the per-message overhead."""
    return estimate_tokens([HumanMessage(content=content)]) - TOKENS_PER_MESSAGE


@pytest.mark.parametrize(
    ("text", "expected"), [("", 0), ("abc", 1), ("abcd", 1), ("abcde", 2), ("x" * 400, 100)]
)
def test_text_is_one_token_per_four_characters(text: str, expected: int) -> None:
    assert estimate_text_tokens(text) == expected


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (384, 384, 258),  # small images are one unit
        (100, 50, 258),
        (385, 100, 258),  # just over: one 768 tile
        (768, 768, 258),
        (769, 768, 2 * 258),
        (1920, 1080, 3 * 2 * 258),
        (None, None, 258),  # size unknown
    ],
)
def test_image_tiles(width: int | None, height: int | None, expected: int) -> None:
    assert image_tokens(width, height) == expected


IMAGE_1536 = png(1536, 1536)  # 2 x 2 tiles
PDF_3_PAGES = pdf(3)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # OpenAI-style parts, data URLs decoded for their real size.
        (
            [
                {
                    "type": "image_url",
                    "image_url": {"url": f"data:image/png;base64,{b64(IMAGE_1536)}"},
                }
            ],
            4 * 258,
        ),
        (
            [{"type": "image_url", "image_url": f"data:image/jpeg;base64,{b64(jpeg(800, 300))}"}],
            2 * 258,
        ),
        ([{"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}], 258),
        # LangChain v1 standard blocks.
        ([{"type": "image", "base64": b64(IMAGE_1536), "mime_type": "image/png"}], 4 * 258),
        ([{"type": "image", "url": "https://example.com/cat.png"}], 258),
        # LangChain v0 standard blocks (source_type + data).
        (
            [
                {
                    "type": "image",
                    "source_type": "base64",
                    "data": b64(IMAGE_1536),
                    "mime_type": "image/png",
                }
            ],
            4 * 258,
        ),
        # PDFs: 258 per page, in OpenAI's nested form and LangChain's flat one.
        (
            [
                {
                    "type": "file",
                    "file": {
                        "filename": "r.pdf",
                        "file_data": f"data:application/pdf;base64,{b64(PDF_3_PAGES)}",
                    },
                }
            ],
            3 * 258,
        ),
        ([{"type": "file", "base64": b64(PDF_3_PAGES), "mime_type": "application/pdf"}], 3 * 258),
        ([{"type": "file", "base64": b64(PDF_3_PAGES)}], 3 * 258),  # recognised by its magic
        # Audio: 32 per second from the WAV header.
        ([{"type": "input_audio", "input_audio": {"data": b64(wav(2.0)), "format": "wav"}}], 64),
        ([{"type": "audio", "base64": b64(wav(10.0)), "mime_type": "audio/wav"}], 320),
        # Compressed audio: duration guessed at 128 kbit/s (16,000 bytes = 1 s).
        (
            [
                {
                    "type": "input_audio",
                    "input_audio": {"data": b64(b"\xff" * 48_000), "format": "mp3"},
                }
            ],
            96,
        ),
        # Video: 263 per second from the MP4 header.
        ([{"type": "video", "base64": b64(mp4(4)), "mime_type": "video/mp4"}], 4 * 263),
        (
            [{"type": "video_url", "video_url": {"url": f"data:video/mp4;base64,{b64(mp4(2))}"}}],
            2 * 263,
        ),
        # Plain text attachments count as text.
        ([{"type": "file", "base64": b64(b"x" * 40), "mime_type": "text/plain"}], 10),
        ([{"type": "text-plain", "text": "y" * 8, "mime_type": "text/plain"}], 2),
        # Strings and text parts.
        (["abcd", {"type": "text", "text": "abcdefgh"}], 3),
    ],
)
def test_content_block_forms(content: list[Any], expected: int) -> None:
    assert only_content(content) == expected


def test_text_and_media_add_up() -> None:
    content = [
        {"type": "text", "text": "Describe these." * 4},
        {"type": "image", "base64": b64(png(100, 100)), "mime_type": "image/png"},
        {"type": "audio", "base64": b64(wav(1.0)), "mime_type": "audio/wav"},
    ]
    assert only_content(content) == estimate_text_tokens("Describe these." * 4) + 258 + 32


def test_every_message_adds_overhead_and_tool_calls_count() -> None:
    call = {"name": "get_weather", "args": {"city": "Oslo"}, "id": "c1", "type": "tool_call"}
    messages = [
        SystemMessage(content="Be brief."),
        HumanMessage(content="Weather in Oslo?"),
        AIMessage(content="", tool_calls=[call]),
        ToolMessage(content="12 C and rain", tool_call_id="c1"),
    ]
    without_calls = estimate_tokens([*messages[:2], AIMessage(content=""), messages[3]])
    assert estimate_tokens(messages) > without_calls
    assert without_calls == 4 * TOKENS_PER_MESSAGE + sum(
        estimate_text_tokens(t) for t in ("Be brief.", "Weather in Oslo?", "12 C and rain")
    )


def test_tool_schemas_are_counted_as_text() -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    base = estimate_tokens([HumanMessage(content="hi")])
    with_tool = estimate_tokens([HumanMessage(content="hi")], tools=[tool])
    assert with_tool - base >= estimate_text_tokens("Current weather for a city.")


def test_empty_conversation_is_zero() -> None:
    assert estimate_tokens([]) == 0


def test_garbage_media_falls_back_to_the_published_defaults() -> None:
    content = [
        {"type": "image", "base64": "!!!not base64!!!", "mime_type": "image/png"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
    ]
    assert only_content(content) == 2 * 258


def test_non_messages_are_rejected_with_the_fix() -> None:
    with pytest.raises(TypeError, match="convert_to_messages"):
        estimate_tokens(["hello"])  # type: ignore[list-item]
