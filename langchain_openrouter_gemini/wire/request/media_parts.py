"""One `Media` record to the OpenRouter part it becomes, checked before anything is sent.

Images go as `image_url`, video as `video_url`, audio as `input_audio` (base64 only) and
everything else as a `file` part. The MIME type decides, not the block's own kind: a PDF
sent as an `image` block is still a PDF. Inline bytes are checked against their declared
type from a short decoded prefix only.
"""

from __future__ import annotations

import posixpath
import urllib.parse
from collections.abc import Mapping
from typing import Any

from langchain_openrouter_gemini.media.mime import (
    ACCEPTED_MEDIA_TYPES,
    AUDIO_FORMATS,
    AUDIO_URL_FIX,
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
from langchain_openrouter_gemini.wire.request.media_blocks import Media, MediaKind

__all__ = ["check_base64", "input_audio_part", "media_part"]

_AUDIO_FORMAT_NAMES = frozenset(AUDIO_FORMATS.values())
_KIND_BY_MAJOR_TYPE: dict[str, MediaKind] = {"image": "image", "audio": "audio", "video": "video"}


def media_part(media: Media, where: BlockLocation) -> dict[str, Any]:
    """The OpenRouter part for one piece of media, after every check a provider would make."""
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
            check_base64(url, start, where)
            if media.kind == "audio" or data_mime.startswith("audio/"):
                base64_data, url = url[start:], None
        elif not is_url(url):
            where.fail_bad_url(url, media.kind)
    elif base64_data is not None:
        check_base64(base64_data, 0, where)
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


def check_base64(text: str, start: int, where: BlockLocation) -> None:
    """Fail, with the fix, when `text[start:]` is not base64."""
    if (problem := base64_problem(text, start)) is not None:
        where.fail(
            f"the base64 data is not base64: {problem}.",
            "Pass the file's bytes base64-encoded (base64.b64encode(data).decode()), or build "
            "the block with `langchain_openrouter_gemini.content` (image(), audio(), video(), "
            "pdf()) from a path or bytes.",
        )


def _check_media_type(
    kind: MediaKind, mime_type: str, inline: str | None, where: BlockLocation
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


def _kind_for(block_kind: MediaKind, mime_type: str | None) -> MediaKind:
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


def input_audio_part(block: Mapping[str, Any], where: BlockLocation) -> dict[str, Any]:
    """An OpenAI `input_audio` part, checked: base64 data (no URL), a codec OpenRouter knows."""
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
    check_base64(data, 0, where)
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


def _resolve_filename(media: Media, url: str, mime_type: str | None) -> str:
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
