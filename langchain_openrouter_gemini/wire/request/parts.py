"""LangChain message content to OpenRouter content parts (the request side of multimodal input).

Accepted block shapes: plain strings and `text` blocks; OpenAI Chat Completions parts
(`image_url`, `input_audio`, `file`) and OpenRouter's `video_url`; LangChain v1 standard blocks
(`image`, `audio`, `video`, `file`, `text-plain` with `url`, `base64` + `mime_type` or `file_id`);
LangChain v0 blocks (`source_type` "url" | "base64" | "id" | "text"); Anthropic-style `image` and
`document` blocks with a `source`; and `non_standard` wrappers around any of these.

Base64 payloads are never decoded in full: only a short prefix is decoded to sniff a missing MIME
type, and data URLs are built with one concatenation, so a 20 MB PDF costs one string copy.

This module dispatches by block type and turns text into text parts; `media_blocks` reads the
media shapes into one record and `media_parts` checks it and emits the OpenRouter part.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, Literal

from langchain_openrouter_gemini.media.mime import AUDIO_URL_FIX
from langchain_openrouter_gemini.wire.blocks import BlockLocation, parse_data_url
from langchain_openrouter_gemini.wire.outputs import annotations_to_citations, images_to_blocks
from langchain_openrouter_gemini.wire.request.media_blocks import (
    Media,
    MediaKind,
    anthropic_media,
    block_filename,
    block_title,
    openai_file_media,
    openai_url_media,
    v0_media,
    v1_media,
)
from langchain_openrouter_gemini.wire.request.media_parts import (
    check_base64,
    input_audio_part,
    media_part,
)

__all__ = [
    "AUDIO_URL_FIX",
    "annotations_to_citations",
    "convert_content",
    "images_to_blocks",
]

_Role = Literal["user", "assistant", "tool", "system"]

# Blocks that live in AIMessage content but are not content parts on OpenRouter's wire. They are
# skipped in assistant messages only, because each travels another way (or not at all):
# - reasoning / thinking / redacted_thinking: Gemini's reasoning goes back through the message's
#   `reasoning_details` (taken from additional_kwargs); another provider's thinking text or
#   signatures mean nothing to Gemini.
# - tool_call / tool_call_chunk / invalid_tool_call, Anthropic `tool_use`, OpenAI Responses
#   `function_call`: mirrors of AIMessage.tool_calls, which are sent as `tool_calls`.
# - server_tool_call / server_tool_call_chunk / server_tool_result: records of tools the server
#   ran (web search); their outcome is already in the text and chat completions has no part
#   for them.
_ASSISTANT_ONLY_NON_CONTENT = frozenset(
    {
        "reasoning",
        "thinking",
        "redacted_thinking",
        "tool_call",
        "tool_call_chunk",
        "invalid_tool_call",
        "tool_use",
        "function_call",
        "server_tool_call",
        "server_tool_call_chunk",
        "server_tool_result",
    }
)
_MEDIA_BLOCK_TYPES = frozenset(
    {"image", "image_url", "audio", "input_audio", "video", "video_url", "file"}
)


def convert_content(
    content: str | list[str | dict[str, Any]],
    *,
    role: Literal["user", "assistant", "tool", "system"],
    message_index: int,
) -> str | list[dict[str, Any]]:
    """Convert a LangChain message's content to OpenRouter's `content` value.

    Args:
        content: The message content: a string, or a list of strings and content blocks.
        role: The OpenRouter role of the message. System messages take text only.
        message_index: Position of the message in the conversation, quoted in errors.

    Returns:
        A string stays a string. A list becomes a list of OpenRouter content parts (`text`,
        `image_url`, `file`, `input_audio`, `video_url`); when nothing is left (for example an
        assistant message holding only reasoning and tool-call blocks) the result is "".

    Raises:
        ValueError: A block OpenRouter cannot take: unknown type, audio URL, provider file id,
            base64 without a recognisable MIME type, malformed data URL, media in a system
            message. The message names the message and block index and what would work.

    """
    if isinstance(content, str):
        return content
    parts: list[dict[str, Any]] = []
    for block_index, item in enumerate(content):
        if isinstance(item, str):
            parts.append({"type": "text", "text": item})
            continue
        where = BlockLocation(message_index, block_index, item if isinstance(item, Mapping) else {})
        if not isinstance(item, Mapping):
            where.fail(
                f"content items must be strings or dicts, got {type(item).__name__}.",
                "Wrap the value in a block such as {'type': 'text', 'text': ...}.",
            )
        part = _convert_block(item, role, where)
        if part is not None:
            parts.append(part)
    return parts or ""


def _convert_block(
    block: Mapping[str, Any], role: _Role, where: BlockLocation
) -> dict[str, Any] | None:
    block_type = block.get("type")
    if block_type == "non_standard" and isinstance(block.get("value"), Mapping):
        # LangChain wraps blocks it does not recognise; the payload may still be one we do.
        inner = BlockLocation(where.message_index, where.block_index, block["value"])
        return _convert_block(block["value"], role, inner)
    if block_type in _ASSISTANT_ONLY_NON_CONTENT:
        if role == "assistant":
            return None
        where.fail(
            f"{block_type!r} blocks only belong in AIMessage content.",
            "Remove the block from this message.",
        )
    media_in_system = role == "system" and (
        block_type in _MEDIA_BLOCK_TYPES
        or (block_type == "document" and _document_source_type(block) != "text")
    )
    if media_in_system:
        where.fail(
            "system messages take text only.",
            "Move images, files, audio and video to a HumanMessage.",
        )
    part = _convert_by_type(block, where)
    if role == "system" and part["type"] != "text":
        where.fail(
            "system messages take text only.",
            "Move images, files, audio and video to a HumanMessage.",
        )
    return part


def _convert_by_type(block: Mapping[str, Any], where: BlockLocation) -> dict[str, Any]:
    block_type = block.get("type")
    if block_type == "text":
        if "source_type" in block:  # v0 plain-text document: {"type": "text", "source_type": ...}
            return _plain_text(block, where)
        return _text_part(block.get("text"), block, where)
    if block_type == "text-plain":
        return _plain_text(block, where)
    if block_type == "refusal":
        # The model's own words in an earlier turn; keeping them as text keeps the context.
        return _text_part(block.get("refusal"), block, where)
    if block_type == "input_audio":
        return input_audio_part(block, where)
    if block_type == "document":
        source = block.get("source")
        if isinstance(source, Mapping) and source.get("type") == "text":
            return _plain_text(
                {"text": source.get("data"), "title": block.get("title")}, where, block
            )
        return media_part(anthropic_media("file", block, where), where)
    if block_type in ("image_url", "video_url"):
        return media_part(openai_url_media(block, where), where)
    if block_type == "file" and isinstance(block.get("file"), Mapping):
        return media_part(openai_file_media(block["file"], block, where), where)
    if block_type in ("image", "audio", "video", "file"):
        kind: MediaKind = block_type
        if isinstance(block.get("source"), Mapping):
            return media_part(anthropic_media(kind, block, where), where)
        if "source_type" in block:
            if block["source_type"] == "text":
                return _plain_text(block, where)
            return media_part(v0_media(kind, block, where), where)
        return media_part(v1_media(kind, block, where), where)
    where.fail(
        f"unknown content block type {block_type!r}.",
        "Use one of: text, image, audio, video, file, text-plain (LangChain standard blocks), "
        "image_url, input_audio, file (OpenAI format), or video_url.",
    )


# --- Text -------------------------------------------------------------------------------------


def _text_part(text: Any, block: Mapping[str, Any], where: BlockLocation) -> dict[str, Any]:
    if not isinstance(text, str):
        where.fail("the block has no 'text' string.", "Give it {'text': '...'}.")
    part: dict[str, Any] = {"type": "text", "text": text}
    cache_control = _cache_control(block)
    if cache_control is not None:
        part["cache_control"] = cache_control
    return part


def _cache_control(block: Mapping[str, Any]) -> Any:
    if "cache_control" in block:
        return block["cache_control"]
    extras = block.get("extras")
    return extras.get("cache_control") if isinstance(extras, Mapping) else None


def _plain_text(
    block: Mapping[str, Any], where: BlockLocation, original: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Turn a plain-text document into a text part.

    Text parts reach every model unchanged, whereas a `text/plain` file part depends on
    OpenRouter's file handling, which is documented for PDFs only. Title and context are kept
    as a short header so nothing the user attached is lost. A text document only reachable by
    URL is the exception: it goes as a `file` part and OpenRouter fetches it.
    """
    original = original or block
    text = block.get("text")
    url = block.get("url")
    if not isinstance(text, str) and block.get("source_type") == "text" and isinstance(url, str):
        text = url  # v0 kept the text itself in `url`
        url = None
    if not isinstance(text, str):
        encoded = block.get("base64", block.get("data"))
        if isinstance(encoded, str):
            text = _decode_base64_text(encoded, where)
        elif isinstance(url, str) and url.lower().startswith("data:"):
            _, start = parse_data_url(url, where)
            text = _decode_base64_text(url[start:], where)
        elif isinstance(url, str):
            media = Media(
                "file",
                url=url,
                mime_type="text/plain",
                filename=block_filename(block),
                title=block_title(block),
            )
            return media_part(media, where)
        elif block.get("file_id") is not None or block.get("source_type") == "id":
            where.fail_file_id()
        else:
            where.fail(
                "the plain-text block has no text.",
                "Give it 'text', 'base64' (UTF-8 text) or an http(s) 'url'.",
            )
    header = [
        f"{label}: {value}"
        for label, value in (("Title", block.get("title")), ("Context", block.get("context")))
        if isinstance(value, str) and value
    ]
    if header:
        text = "\n".join(header) + "\n\n" + text
    return _text_part(text, original, where)


def _decode_base64_text(encoded: str, where: BlockLocation) -> str:
    # Plain-text documents are small, so decoding them whole is cheap.
    check_base64(encoded, 0, where)
    try:
        return base64.b64decode(encoded, validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        where.fail(
            "the plain-text block's base64 data is not base64-encoded UTF-8 text.",
            "Pass the text itself as {'type': 'text-plain', 'text': ...}, or send the file "
            "with its real MIME type as a 'file' block.",
        )


def _document_source_type(block: Mapping[str, Any]) -> Any:
    source = block.get("source")
    return source.get("type") if isinstance(source, Mapping) else None
