"""An honest prompt-size estimate for Gemini, without a tokenizer.

Gemini's tokenizer is not public, so this is an estimate, not a count:

- Text: about one token per four characters (Google's own rule of thumb for Gemini).
- Images: 258 tokens when both sides are at most 384 px, otherwise 258 per 768x768 tile,
  with the size read from the PNG/JPEG/GIF header; 258 when the size is unknown (URLs). These
  are Gemini 2.x's published rules; Gemini 3 bills by `media_resolution` and may differ.
- Audio: 32 tokens per second, the duration read from a WAV header, else guessed from the size
  at 128 kbit/s (60 s for a URL).
- Video: 263 tokens per second, the duration read from an MP4 `mvhd` box, else guessed from the
  size at 1 Mbit/s (60 s for a URL).
- PDFs: 258 tokens per page, pages counted by `/Type /Page` objects.
- Plus a few tokens per message for the turn structure, and tool schemas counted as JSON text.

For an exact number ask the provider (OpenRouter reports `usage` on every reply).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import struct
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

__all__ = ["estimate_text_tokens", "estimate_tokens"]

CHARS_PER_TOKEN = 4
TOKENS_PER_IMAGE_TILE = 258
IMAGE_TILE_PX = 768
SMALL_IMAGE_PX = 384
AUDIO_TOKENS_PER_SECOND = 32
VIDEO_TOKENS_PER_SECOND = 263
TOKENS_PER_PDF_PAGE = 258
# Role and turn markers around each message: a guess, Gemini does not publish it.
TOKENS_PER_MESSAGE = 4

_AUDIO_BYTES_PER_SECOND = 16_000  # 128 kbit/s, a common compressed-audio bitrate
_VIDEO_BYTES_PER_SECOND = 125_000  # 1 Mbit/s
# Media behind a URL cannot be measured without fetching it; assume a minute.
_UNKNOWN_MEDIA_SECONDS = 60
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_DATA_URL = re.compile(r"^data:(?P<mime>[^;,]*)(?P<params>(?:;[^,]*)?),(?P<data>.*)$", re.DOTALL)


def estimate_text_tokens(text: str) -> int:
    """Estimate Gemini tokens for text: one per four characters, rounded up.

    Args:
        text: The text.

    Returns:
        The estimate (0 for empty text).

    """
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def image_tokens(width: int | None, height: int | None) -> int:
    """Gemini 2.x tokens for an image of the given size (258 when the size is unknown).

    Args:
        width: Pixels, or None when unknown.
        height: Pixels, or None when unknown.

    Returns:
        The tokens.

    """
    if not width or not height or (width <= SMALL_IMAGE_PX and height <= SMALL_IMAGE_PX):
        return TOKENS_PER_IMAGE_TILE
    tiles = math.ceil(width / IMAGE_TILE_PX) * math.ceil(height / IMAGE_TILE_PX)
    return tiles * TOKENS_PER_IMAGE_TILE


def _image_size(data: bytes) -> tuple[int, int] | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    # Walk the marker segments to the start-of-frame, which holds the size.
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None


def _wav_seconds(data: bytes) -> float | None:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    byte_rate = None
    index = 12
    while index + 8 <= len(data):
        chunk_id = data[index : index + 4]
        size = int.from_bytes(data[index + 4 : index + 8], "little")
        if chunk_id == b"fmt " and index + 20 <= len(data):
            byte_rate = int.from_bytes(data[index + 16 : index + 20], "little")
        elif chunk_id == b"data" and byte_rate:
            # Streams written before their length was known put 0 or 0xFFFFFFFF here.
            available = len(data) - index - 8
            return (size if 0 < size <= available else available) / byte_rate
        index += 8 + size + (size % 2)
    return None


def _mp4_seconds(data: bytes) -> float | None:
    index = data.find(b"mvhd")
    if index < 0 or index + 24 > len(data):
        return None
    version = data[index + 4]
    if version == 1:  # 64-bit times: creation, modification, then timescale and duration
        if index + 36 > len(data):
            return None
        timescale = int.from_bytes(data[index + 24 : index + 28], "big")
        duration = int.from_bytes(data[index + 28 : index + 36], "big")
    else:
        timescale = int.from_bytes(data[index + 16 : index + 20], "big")
        duration = int.from_bytes(data[index + 20 : index + 24], "big")
    return duration / timescale if timescale else None


def _decode(encoded: str) -> bytes:
    cleaned = "".join(encoded.split())
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        return b""


def _media(block: Mapping[str, Any]) -> tuple[str, bytes | None]:
    """The MIME type and decoded bytes of a block's payload (bytes None for a remote URL)."""
    mime = str(block.get("mime_type") or "")
    for key in ("base64", "data", "file_data"):
        value = block.get(key)
        if isinstance(value, str) and value:
            match = _DATA_URL.match(value)
            if match:
                return match["mime"] or mime, _decode(match["data"])
            return mime, _decode(value)
    url = block.get("url")
    if isinstance(url, Mapping):
        url = url.get("url")
    if isinstance(url, str):
        match = _DATA_URL.match(url)
        if match:
            return match["mime"] or mime, _decode(match["data"])
    return mime, None


def _seconds_or_guess(data: bytes | None, exact: float | None, bytes_per_second: int) -> float:
    if exact is not None:
        return exact
    if data is None:
        return _UNKNOWN_MEDIA_SECONDS
    return len(data) / bytes_per_second


def _audio_tokens(data: bytes | None) -> int:
    seconds = _seconds_or_guess(data, _wav_seconds(data or b""), _AUDIO_BYTES_PER_SECOND)
    return max(1, math.ceil(seconds * AUDIO_TOKENS_PER_SECOND))


def _video_tokens(data: bytes | None) -> int:
    seconds = _seconds_or_guess(data, _mp4_seconds(data or b""), _VIDEO_BYTES_PER_SECOND)
    return max(1, math.ceil(seconds * VIDEO_TOKENS_PER_SECOND))


def _image_block_tokens(data: bytes | None) -> int:
    size = _image_size(data) if data else None
    return image_tokens(*size) if size else TOKENS_PER_IMAGE_TILE


def _pdf_tokens(data: bytes | None) -> int:
    pages = len(_PDF_PAGE.findall(data)) if data else 0
    return max(1, pages) * TOKENS_PER_PDF_PAGE


def _by_mime(mime: str, data: bytes | None, fallback: str) -> int:
    kind = mime.split("/", 1)[0] if mime else fallback
    if mime == "application/pdf" or (not mime and data and data.startswith(b"%PDF")):
        return _pdf_tokens(data)
    if kind == "pdf":
        return _pdf_tokens(data)
    if kind == "image":
        return _image_block_tokens(data)
    if kind == "audio":
        return _audio_tokens(data)
    if kind == "video":
        return _video_tokens(data)
    if kind == "text" and data is not None:
        return estimate_text_tokens(data.decode("utf-8", errors="replace"))
    # An unknown attachment: Gemini turns most documents into pages, so count one page.
    return TOKENS_PER_PDF_PAGE


def _block_tokens(block: Any) -> int:
    if isinstance(block, str):
        return estimate_text_tokens(block)
    if not isinstance(block, Mapping):
        return 0
    kind = block.get("type")
    if kind in ("text", "reasoning", "thinking"):
        text = block.get("text") or block.get("reasoning") or block.get("thinking") or ""
        return estimate_text_tokens(str(text))
    if kind == "image_url":  # OpenAI's form: {"image_url": {"url": ...}} or a bare string
        return _image_block_tokens(_media({"url": block.get("image_url")})[1])
    if kind == "input_audio":
        audio = block.get("input_audio")
        return _audio_tokens(_media(audio)[1] if isinstance(audio, Mapping) else None)
    if kind == "video_url":
        return _video_tokens(_media({"url": block.get("video_url")})[1])
    if kind == "file" and isinstance(block.get("file"), Mapping):  # OpenAI's nested form
        mime, data = _media(block["file"])
        return _by_mime(mime, data, "pdf")
    if kind == "text-plain" and isinstance(block.get("text"), str):
        return estimate_text_tokens(block["text"])
    if kind in ("image", "audio", "video", "file", "text-plain"):  # LangChain's standard blocks
        mime, data = _media(block)
        return _by_mime(mime, data, "text" if kind == "text-plain" else str(kind))
    # Tool calls and anything unrecognised: count what would go on the wire as text.
    return estimate_text_tokens(json.dumps(block, default=str))


def _message_tokens(message: BaseMessage) -> int:
    content = message.content
    blocks: Sequence[Any] = [content] if isinstance(content, str) else content
    total = TOKENS_PER_MESSAGE + sum(_block_tokens(block) for block in blocks)
    if isinstance(message, AIMessage):
        for call in message.tool_calls:
            total += estimate_text_tokens(call["name"] + json.dumps(call["args"], default=str))
    return total


def estimate_tokens(
    messages: Sequence[BaseMessage], tools: Sequence[Mapping[str, Any]] | None = None
) -> int:
    """Estimate the prompt tokens Gemini will bill for these messages and tools.

    An estimate by Gemini's published per-item rules (see the module docstring), not a
    tokenizer count: expect text to be within roughly ±25% and media to be close when its size
    or duration can be read from the data.

    Args:
        messages: The conversation, in any LangChain content-block form (strings, OpenAI
            `image_url`/`input_audio`/`file` parts, LangChain `image`/`audio`/`video`/`file`
            blocks with base64 data or URLs).
        tools: Tool schemas as sent to the API; counted as their JSON text.

    Returns:
        The estimated number of prompt tokens.

    Raises:
        TypeError: An item of `messages` is not a LangChain message.

    """
    total = 0
    for message in messages:
        if not isinstance(message, BaseMessage):
            msg = (
                f"estimate_tokens takes LangChain messages, got {type(message).__name__}; "
                "convert with langchain_core.messages.convert_to_messages first."
            )
            raise TypeError(msg)
        total += _message_tokens(message)
    if tools:
        total += estimate_text_tokens(json.dumps(list(tools), default=str))
    return total
