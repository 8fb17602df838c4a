"""The media block shapes users send, read into one `Media` record.

OpenAI Chat Completions parts (`image_url`, `video_url`, `file`), LangChain v1 standard
blocks (`url`, `base64` + `mime_type`, `file_id`), LangChain v0 blocks (`source_type`) and
Anthropic-style blocks with a `source` all spell the same few facts differently: where the
bytes are, their type, and the user's name for them. Checking and emitting them is
`media_parts`' work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from langchain_openrouter_gemini.wire.blocks import BlockLocation, is_url

__all__ = [
    "Media",
    "MediaKind",
    "anthropic_media",
    "block_filename",
    "block_title",
    "openai_file_media",
    "openai_url_media",
    "v0_media",
    "v1_media",
]

MediaKind = Literal["image", "audio", "video", "file"]


@dataclass(frozen=True)
class Media:
    """One piece of binary media, however the block spelled it."""

    kind: MediaKind
    url: str | None = None  # http(s) URL or data URL
    base64: str | None = None  # raw base64, no data URL prefix
    mime_type: str | None = None
    file_id: str | None = None
    filename: str | None = None
    title: str | None = None  # a document title, used as the filename when there is none
    detail: str | None = None


def openai_url_media(block: Mapping[str, Any], where: BlockLocation) -> Media:
    """An OpenAI `image_url` or OpenRouter `video_url` part: the URL and the detail hint."""
    block_type = block["type"]
    payload = block.get(block_type)
    url = payload.get("url") if isinstance(payload, Mapping) else payload
    if not isinstance(url, str) or not url:
        where.fail(
            "the block has no URL.",
            f"Use {{'type': '{block_type}', '{block_type}': {{'url': 'https://...'}}}}.",
        )
    detail = payload.get("detail") if isinstance(payload, Mapping) else None
    kind: MediaKind = "image" if block_type == "image_url" else "video"
    return Media(kind, url=url, detail=detail)


def openai_file_media(
    file: Mapping[str, Any], block: Mapping[str, Any], where: BlockLocation
) -> Media:
    """An OpenAI `file` part: `file_data` is a URL or base64; a provider's `file_id` cannot go."""
    filename = file.get("filename") if isinstance(file.get("filename"), str) else None
    data = file.get("file_data")
    if isinstance(data, str) and data:
        if is_url(data):
            return Media("file", url=data, filename=filename)
        return Media("file", base64=data, filename=filename)
    if file.get("file_id") is not None:
        where.fail_file_id()
    where.fail(
        "the OpenAI file block has no 'file_data'.",
        "Use {'type': 'file', 'file': {'filename': 'report.pdf', "
        "'file_data': 'data:application/pdf;base64,...'}}.",
    )


def v1_media(kind: MediaKind, block: Mapping[str, Any], where: BlockLocation) -> Media:
    """A LangChain v1 standard block: `url`, `base64` + `mime_type`, or `file_id`."""
    return Media(
        kind,
        url=_optional_str(block, "url", where),
        base64=_optional_str(block, "base64", where),
        mime_type=_optional_str(block, "mime_type", where),
        file_id=_optional_str(block, "file_id", where),
        filename=block_filename(block),
        title=block_title(block),
        detail=_detail(block),
    )


def v0_media(kind: MediaKind, block: Mapping[str, Any], where: BlockLocation) -> Media:
    """A LangChain v0 block, whose `source_type` says where the data is."""
    source_type = block.get("source_type")
    common: dict[str, Any] = {
        "mime_type": _optional_str(block, "mime_type", where),
        "filename": block_filename(block),
        "title": block_title(block),
        "detail": _detail(block),
    }
    if source_type == "url":
        return Media(kind, url=_optional_str(block, "url", where), **common)
    if source_type == "base64":
        return Media(kind, base64=_optional_str(block, "data", where), **common)
    if source_type == "id":
        return Media(kind, file_id=str(block.get("id")), **common)
    where.fail(
        f"unknown source_type {source_type!r}.",
        "Use source_type 'url', 'base64' or 'text', or a LangChain v1 block with 'url' or "
        "'base64' + 'mime_type'.",
    )


def anthropic_media(kind: MediaKind, block: Mapping[str, Any], where: BlockLocation) -> Media:
    """An Anthropic-style `image` or `document` block with a `source`."""
    source = block.get("source")
    if not isinstance(source, Mapping):
        where.fail("the block has no 'source'.", "Give it {'source': {'type': 'base64', ...}}.")
    names = {"filename": block_filename(block), "title": block_title(block)}
    source_type = source.get("type")
    if source_type == "base64":
        return Media(
            kind,
            base64=_optional_str(source, "data", where),
            mime_type=_optional_str(source, "media_type", where),
            **names,
        )
    if source_type == "url":
        return Media(kind, url=_optional_str(source, "url", where), **names)
    if source_type == "file":
        where.fail_file_id()
    where.fail(
        f"source type {source_type!r} is not supported.",
        "Use a source of type 'base64' (with 'media_type'), 'url', or 'text' (documents).",
    )


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


def block_filename(block: Mapping[str, Any]) -> str | None:
    """The user's name for the file, wherever LangChain, OpenAI or Anthropic put it."""
    for source in (block, block.get("extras"), block.get("metadata")):
        if not isinstance(source, Mapping):
            continue
        for key in ("filename", "name"):
            if isinstance(source.get(key), str) and source[key]:
                name: str = source[key]
                return name
    return None


def block_title(block: Mapping[str, Any]) -> str | None:
    """The block's document title, when it has a non-empty one."""
    title = block.get("title")
    return title if isinstance(title, str) and title else None
