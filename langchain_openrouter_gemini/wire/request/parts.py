"""LangChain message content to OpenRouter content parts (the request side of multimodal input).

Accepted block shapes: plain strings and `text` blocks; OpenAI Chat Completions parts
(`image_url`, `input_audio`, `file`) and OpenRouter's `video_url`; LangChain v1 standard blocks
(`image`, `audio`, `video`, `file`, `text-plain` with `url`, `base64` + `mime_type` or `file_id`);
LangChain v0 blocks (`source_type` "url" | "base64" | "id" | "text"); Anthropic-style `image` and
`document` blocks with a `source`; and `non_standard` wrappers around any of these.

Base64 payloads are never decoded in full: only a short prefix is decoded to sniff a missing MIME
type, and data URLs are built with one concatenation, so a 20 MB PDF costs one string copy.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from langchain_openrouter_gemini.media.mime import (
    ACCEPTED_MEDIA_TYPES,
    AUDIO_FORMATS,
    SNIFF_BYTES,
    audio_format_for_mime,
    base64_problem,
    bytes_contradict,
    default_filename,
    extension_for_mime,
    normalize_mime,
    sniff_base64_mime,
)
from langchain_openrouter_gemini.wire.blocks import (
    DATA_URL_HEAD_MAX,
    BlockLocation,
    is_url,
    parse_data_url,
)
from langchain_openrouter_gemini.wire.outputs import annotations_to_citations, images_to_blocks

__all__ = [
    "AUDIO_URL_FIX",
    "annotations_to_citations",
    "convert_content",
    "images_to_blocks",
]

_Role = Literal["user", "assistant", "tool", "system"]
_Kind = Literal["image", "audio", "video", "file"]

AUDIO_URL_FIX = (
    "OpenRouter's input_audio takes base64 data only, not URLs: download the audio and pass its "
    "bytes as base64 (`{'type': 'audio', 'base64': ..., 'mime_type': 'audio/wav'}`), or build "
    "the block with `langchain_openrouter_gemini.content.audio(path_or_bytes)`."
)

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
_AUDIO_FORMAT_NAMES = frozenset(AUDIO_FORMATS.values())
_KIND_BY_MAJOR_TYPE: dict[str, _Kind] = {"image": "image", "audio": "audio", "video": "video"}


@dataclass(frozen=True)
class _Media:
    """One piece of binary media, however the block spelled it."""

    kind: _Kind
    url: str | None = None  # http(s) URL or data URL
    base64: str | None = None  # raw base64, no data URL prefix
    mime_type: str | None = None
    file_id: str | None = None
    filename: str | None = None
    title: str | None = None  # a document title, used as the filename when there is none
    detail: str | None = None


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
        return _openai_input_audio(block, where)
    if block_type == "document":
        source = block.get("source")
        if isinstance(source, Mapping) and source.get("type") == "text":
            return _plain_text(
                {"text": source.get("data"), "title": block.get("title")}, where, block
            )
        return _emit(_anthropic_media("file", block, where), where)
    if block_type in ("image_url", "video_url"):
        return _emit(_openai_url_media(block, where), where)
    if block_type == "file" and isinstance(block.get("file"), Mapping):
        return _emit(_openai_file(block["file"], block, where), where)
    if block_type in ("image", "audio", "video", "file"):
        kind: _Kind = block_type
        if isinstance(block.get("source"), Mapping):
            return _emit(_anthropic_media(kind, block, where), where)
        if "source_type" in block:
            if block["source_type"] == "text":
                return _plain_text(block, where)
            return _emit(_v0_media(kind, block, where), where)
        return _emit(_v1_media(kind, block, where), where)
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
            media = _Media(
                "file",
                url=url,
                mime_type="text/plain",
                filename=_filename(block),
                title=_title(block),
            )
            return _emit(media, where)
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
    _check_base64(encoded, 0, where)
    try:
        return base64.b64decode(encoded, validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        where.fail(
            "the plain-text block's base64 data is not base64-encoded UTF-8 text.",
            "Pass the text itself as {'type': 'text-plain', 'text': ...}, or send the file "
            "with its real MIME type as a 'file' block.",
        )


# --- Reading the various block shapes into _Media ----------------------------------------------


def _openai_url_media(block: Mapping[str, Any], where: BlockLocation) -> _Media:
    block_type = block["type"]
    payload = block.get(block_type)
    url = payload.get("url") if isinstance(payload, Mapping) else payload
    if not isinstance(url, str) or not url:
        where.fail(
            "the block has no URL.",
            f"Use {{'type': '{block_type}', '{block_type}': {{'url': 'https://...'}}}}.",
        )
    detail = payload.get("detail") if isinstance(payload, Mapping) else None
    kind: _Kind = "image" if block_type == "image_url" else "video"
    return _Media(kind, url=url, detail=detail)


def _openai_file(file: Mapping[str, Any], block: Mapping[str, Any], where: BlockLocation) -> _Media:
    filename = file.get("filename") if isinstance(file.get("filename"), str) else None
    data = file.get("file_data")
    if isinstance(data, str) and data:
        if is_url(data):
            return _Media("file", url=data, filename=filename)
        return _Media("file", base64=data, filename=filename)
    if file.get("file_id") is not None:
        where.fail_file_id()
    where.fail(
        "the OpenAI file block has no 'file_data'.",
        "Use {'type': 'file', 'file': {'filename': 'report.pdf', "
        "'file_data': 'data:application/pdf;base64,...'}}.",
    )


def _v1_media(kind: _Kind, block: Mapping[str, Any], where: BlockLocation) -> _Media:
    return _Media(
        kind,
        url=_optional_str(block, "url", where),
        base64=_optional_str(block, "base64", where),
        mime_type=_optional_str(block, "mime_type", where),
        file_id=_optional_str(block, "file_id", where),
        filename=_filename(block),
        title=_title(block),
        detail=_detail(block),
    )


def _v0_media(kind: _Kind, block: Mapping[str, Any], where: BlockLocation) -> _Media:
    source_type = block.get("source_type")
    common: dict[str, Any] = {
        "mime_type": _optional_str(block, "mime_type", where),
        "filename": _filename(block),
        "title": _title(block),
        "detail": _detail(block),
    }
    if source_type == "url":
        return _Media(kind, url=_optional_str(block, "url", where), **common)
    if source_type == "base64":
        return _Media(kind, base64=_optional_str(block, "data", where), **common)
    if source_type == "id":
        return _Media(kind, file_id=str(block.get("id")), **common)
    where.fail(
        f"unknown source_type {source_type!r}.",
        "Use source_type 'url', 'base64' or 'text', or a LangChain v1 block with 'url' or "
        "'base64' + 'mime_type'.",
    )


def _anthropic_media(kind: _Kind, block: Mapping[str, Any], where: BlockLocation) -> _Media:
    source = block.get("source")
    if not isinstance(source, Mapping):
        where.fail("the block has no 'source'.", "Give it {'source': {'type': 'base64', ...}}.")
    names = {"filename": _filename(block), "title": _title(block)}
    source_type = source.get("type")
    if source_type == "base64":
        return _Media(
            kind,
            base64=_optional_str(source, "data", where),
            mime_type=_optional_str(source, "media_type", where),
            **names,
        )
    if source_type == "url":
        return _Media(kind, url=_optional_str(source, "url", where), **names)
    if source_type == "file":
        where.fail_file_id()
    where.fail(
        f"source type {source_type!r} is not supported.",
        "Use a source of type 'base64' (with 'media_type'), 'url', or 'text' (documents).",
    )


def _document_source_type(block: Mapping[str, Any]) -> Any:
    source = block.get("source")
    return source.get("type") if isinstance(source, Mapping) else None


def _optional_str(block: Mapping[str, Any], key: str, where: BlockLocation) -> str | None:
    value = block.get(key)
    if value is None or isinstance(value, str):
        return value or None
    where.fail(
        f"'{key}' must be a string, got {type(value).__name__}.",
        "Pass base64 text, not bytes: `langchain_openrouter_gemini.content` helpers build "
        "correct blocks from bytes or a path.",
    )


def _detail(block: Mapping[str, Any]) -> str | None:
    for source in (block, block.get("extras"), block.get("metadata")):
        if isinstance(source, Mapping) and isinstance(source.get("detail"), str):
            detail: str = source["detail"]
            return detail
    return None


def _filename(block: Mapping[str, Any]) -> str | None:
    # The user's name for the file, wherever LangChain, OpenAI or Anthropic put it.
    for source in (block, block.get("extras"), block.get("metadata")):
        if not isinstance(source, Mapping):
            continue
        for key in ("filename", "name"):
            if isinstance(source.get(key), str) and source[key]:
                name: str = source[key]
                return name
    return None


def _title(block: Mapping[str, Any]) -> str | None:
    title = block.get("title")
    return title if isinstance(title, str) and title else None


# --- Emitting OpenRouter parts -----------------------------------------------------------------


def _emit(media: _Media, where: BlockLocation) -> dict[str, Any]:
    if media.file_id is not None and media.url is None and media.base64 is None:
        where.fail_file_id()
    url = media.url
    base64_data = media.base64
    if base64_data is not None and url is None and base64_data[:5].lower() == "data:":
        url, base64_data = base64_data, None  # a whole data URL where bare base64 belongs
    mime_type = normalize_mime(media.mime_type) if media.mime_type else None
    if mime_type == "application/octet-stream":
        mime_type = None  # says nothing; sniffing can do better
    if url is not None:
        if url.lower().startswith("data:"):
            data_mime, start = parse_data_url(url, where)
            mime_type = data_mime
            _check_base64(url, start, where)
            if media.kind == "audio" or data_mime.startswith("audio/"):
                base64_data, url = url[start:], None
        elif not is_url(url):
            where.fail_bad_url(url, media.kind)
    elif base64_data is not None:
        _check_base64(base64_data, 0, where)
    if base64_data is not None and mime_type is None:
        mime_type = sniff_base64_mime(base64_data)
        if mime_type is None:
            where.fail(
                "the base64 data has no MIME type and its bytes match no known format.",
                "Add 'mime_type' (e.g. 'image/png', 'application/pdf', 'audio/wav').",
            )
    if url is None and base64_data is None:
        where.fail("the block has no data.", "Give it 'base64' + 'mime_type', or a 'url'.")

    kind = _kind_for(media.kind, mime_type)
    if mime_type is not None:
        inline = base64_data if base64_data is not None else url
        if base64_data is None and inline is not None and inline[:5].lower() != "data:":
            inline = None  # an http(s) URL: OpenRouter fetches the bytes, only the type is known
        _check_media_type(kind, mime_type, inline, where)
    if kind == "audio":
        return _audio_part(base64_data, mime_type, where)
    if url is None:
        assert base64_data is not None and mime_type is not None  # checked above
        url = "data:" + mime_type + ";base64," + base64_data
    if kind == "image":
        image: dict[str, Any] = {"url": url}
        if media.detail is not None:
            image["detail"] = media.detail
        return {"type": "image_url", "image_url": image}
    if kind == "video":
        return {"type": "video_url", "video_url": {"url": url}}
    return {
        "type": "file",
        "file": {"filename": _resolve_filename(media, url, mime_type), "file_data": url},
    }


def _check_base64(text: str, start: int, where: BlockLocation) -> None:
    if (problem := base64_problem(text, start)) is not None:
        where.fail(
            f"the base64 data is not base64: {problem}.",
            "Pass the file's bytes base64-encoded (base64.b64encode(data).decode()), or build "
            "the block with `langchain_openrouter_gemini.content` (image(), audio(), video(), "
            "pdf()) from a path or bytes.",
        )


def _check_media_type(
    kind: _Kind, mime_type: str, inline: str | None, where: BlockLocation
) -> None:
    """Reject media whose type no Gemini provider takes, or whose inline bytes contradict it."""
    if kind == "file":
        return
    # Audio types are checked against OpenRouter's codec names in `_audio_part`.
    if kind != "audio" and mime_type not in ACCEPTED_MEDIA_TYPES[kind]:
        accepted = ", ".join(sorted(ACCEPTED_MEDIA_TYPES[kind]))
        where.fail(
            f"no Gemini provider accepts {kind} of MIME type {mime_type!r}.",
            f"Convert it to one of: {accepted}.",
        )
    if inline is None:
        return
    start = inline.find(",", 0, DATA_URL_HEAD_MAX) + 1 if inline[:5].lower() == "data:" else 0
    sniffed = sniff_base64_mime(inline[start : start + SNIFF_BYTES * 2])
    if bytes_contradict(mime_type, sniffed):
        found = f"the bytes are {sniffed}" if sniffed else "the bytes match no such format"
        where.fail(
            f"the data is declared {mime_type!r}, but {found}.",
            "Set 'mime_type' to what the data really is (or leave it out: it is then "
            "detected from the bytes).",
        )


def _kind_for(block_kind: _Kind, mime_type: str | None) -> _Kind:
    """Route by the data's MIME type when known: a PDF sent as an `image` block is still a PDF."""
    if mime_type is None:
        return block_kind
    return _KIND_BY_MAJOR_TYPE.get(mime_type.partition("/")[0], "file")


def _audio_part(
    base64_data: str | None, mime_type: str | None, where: BlockLocation
) -> dict[str, Any]:
    if base64_data is None:
        where.fail("audio given as a URL.", AUDIO_URL_FIX)
    audio_format = audio_format_for_mime(mime_type) if mime_type else None
    if audio_format is None:
        where.fail(
            f"OpenRouter has no audio format for MIME type {mime_type!r}.",
            "Convert the audio to WAV, MP3, FLAC, OGG, M4A, AAC or AIFF and pass that MIME type "
            "(e.g. 'audio/wav').",
        )
    return {"type": "input_audio", "input_audio": {"data": base64_data, "format": audio_format}}


def _openai_input_audio(block: Mapping[str, Any], where: BlockLocation) -> dict[str, Any]:
    payload = block.get("input_audio")
    if not isinstance(payload, Mapping) or not isinstance(payload.get("data"), str):
        where.fail(
            "the block has no 'input_audio.data' string.",
            "Use {'type': 'input_audio', 'input_audio': {'data': '<base64>', 'format': 'wav'}}.",
        )
    data: str = payload["data"]
    audio_format = payload.get("format")
    if data.lower().startswith("data:"):
        mime_type, start = parse_data_url(data, where)
        data = data[start:]
        audio_format = audio_format or audio_format_for_mime(mime_type)
    elif is_url(data):
        where.fail("audio given as a URL.", AUDIO_URL_FIX)
    _check_base64(data, 0, where)
    if isinstance(audio_format, str) and "/" in audio_format:
        audio_format = audio_format_for_mime(audio_format)  # a MIME type where a codec belongs
    if not audio_format:
        sniffed = sniff_base64_mime(data)
        audio_format = audio_format_for_mime(sniffed) if sniffed else None
    if not isinstance(audio_format, str) or not audio_format:
        where.fail(
            "the audio has no usable 'format' and its bytes match no known audio format.",
            f"Set 'format' to one of: {', '.join(sorted(_AUDIO_FORMAT_NAMES))}.",
        )
    _check_media_type("audio", "audio/" + audio_format.lower(), data, where)
    return {"type": "input_audio", "input_audio": {"data": data, "format": audio_format.lower()}}


def _resolve_filename(media: _Media, url: str, mime_type: str | None) -> str:
    if media.filename:
        return media.filename
    name = media.title
    if name is None and url[:5].lower() != "data:":
        name = posixpath.basename(urllib.parse.unquote(urllib.parse.urlsplit(url).path)) or None
    if name is None:
        return default_filename(mime_type) if mime_type else "document"
    if mime_type is not None and not posixpath.splitext(name)[1]:
        # A title like "Annual report" or a URL like /download: the extension tells the type.
        name += extension_for_mime(mime_type) or ""
    return name
