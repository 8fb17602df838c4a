"""Build multimodal content blocks from a local file, raw bytes or a URL.

Each helper returns a LangChain standard (v1) content block, ready to put in a message:

```python
from langchain_core.messages import HumanMessage
from langchain_openrouter_gemini import content

message = HumanMessage(
    [
        {"type": "text", "text": "What does the chart show, and does the report agree?"},
        content.image("chart.png"),
        content.pdf("report.pdf"),
    ]
)
```

The MIME type is read from the file's first bytes (the extension is only a fallback), so a
`.jpg` that is really a PNG is still sent correctly. URLs are passed through without being
downloaded; OpenRouter fetches them.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any, Literal

from langchain_openrouter_gemini.media.mime import (
    AUDIO_URL_FIX,
    SNIFF_BYTES,
    looks_like_text,
    mime_from_filename,
    normalize_mime,
    sniff_mime,
)

__all__ = ["ContentSourceError", "audio", "file", "image", "pdf", "video"]

Source = str | os.PathLike[str] | bytes
"""A local path, the file's bytes, or an http(s) URL."""

_Kind = Literal["image", "audio", "video", "file"]


class ContentSourceError(ValueError):
    """A source a helper cannot turn into a block of its kind; the message says why and what works.

    Attributes:
        kind: The block the helper builds: `"image"`, `"audio"`, `"video"` or `"file"`
            (`"file"` also for `pdf()`).
        reason: `"wrong_type"` (the data is another type), `"unknown_type"` (no type could
            be read from the bytes or name) or `"audio_url"` (audio must be sent inline).
        detected: The MIME type read from the data, when there is one.

    """

    def __init__(
        self, message: str, *, kind: str, reason: str, detected: str | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.reason = reason
        self.detected = detected

    def __reduce__(self) -> tuple[Any, ...]:
        # The default would call `__init__` with the message alone; its fields are keywords.
        fields = (str(self), self.kind, self.reason, self.detected)
        return (_rebuild_source_error, (type(self), *fields))


def _rebuild_source_error(
    cls: type[ContentSourceError], message: str, kind: str, reason: str, detected: str | None
) -> ContentSourceError:
    return cls(message, kind=kind, reason=reason, detected=detected)


def image(
    source: Source, *, mime_type: str | None = None, detail: str | None = None
) -> dict[str, Any]:
    """Build an image block from a path, bytes or an http(s) URL.

    Args:
        source: Local path (`str` or `os.PathLike`), the image bytes, or an http(s) URL.
        mime_type: Overrides the detected type, e.g. `"image/png"`.
        detail: OpenAI-style detail hint (`"low"`, `"high"` or `"auto"`), sent as
            `image_url.detail`.

    Returns:
        `{"type": "image", "base64": ..., "mime_type": ...}` (or `{"type": "image", "url": ...}`).

    Raises:
        FileNotFoundError: The path does not exist.
        ValueError: The data is not an image, or its type cannot be determined.

    Example:
        ```python
        HumanMessage([{"type": "text", "text": "Describe this."}, content.image("cat.jpg")])
        ```

    """
    block = _build("image", source, mime_type=mime_type)
    if detail is not None:
        block["extras"] = {"detail": detail}
    return block


def pdf(source: Source, *, filename: str | None = None) -> dict[str, Any]:
    """Build a PDF file block from a path, bytes or an http(s) URL.

    Args:
        source: Local path, the PDF bytes, or an http(s) URL.
        filename: Name shown to the model; defaults to the file's own name (or `document.pdf`
            for bytes).

    Returns:
        `{"type": "file", "base64": ..., "mime_type": "application/pdf", "extras": {...}}`
        (or a `url` block for a URL).

    Raises:
        FileNotFoundError: The path does not exist.
        ValueError: The data is not a PDF.

    Example:
        ```python
        HumanMessage([{"type": "text", "text": "Summarize."}, content.pdf("paper.pdf")])
        ```

    """
    return _build("file", source, mime_type="application/pdf", filename=filename, expect_pdf=True)


def audio(source: Source, *, mime_type: str | None = None) -> dict[str, Any]:
    """Build an audio block from a path or bytes (OpenRouter takes no audio URLs).

    Args:
        source: Local path or the audio bytes (WAV, MP3, FLAC, OGG, M4A, AAC or AIFF).
        mime_type: Overrides the detected type, e.g. `"audio/mpeg"`.

    Returns:
        `{"type": "audio", "base64": ..., "mime_type": ...}`.

    Raises:
        FileNotFoundError: The path does not exist.
        ValueError: `source` is a URL, the data is not audio, or its type cannot be determined.

    Example:
        ```python
        HumanMessage([{"type": "text", "text": "Transcribe."}, content.audio("memo.mp3")])
        ```

    """
    return _build("audio", source, mime_type=mime_type)


def video(source: Source, *, mime_type: str | None = None) -> dict[str, Any]:
    """Build a video block from a path, bytes or an http(s) URL.

    Google AI Studio only fetches YouTube URLs and Vertex none at all, so prefer a local file
    (sent inline as base64) unless the URL is a YouTube link.

    Args:
        source: Local path, the video bytes, or an http(s) URL.
        mime_type: Overrides the detected type, e.g. `"video/mp4"`.

    Returns:
        `{"type": "video", "base64": ..., "mime_type": ...}` (or `{"type": "video", "url": ...}`).

    Raises:
        FileNotFoundError: The path does not exist.
        ValueError: The data is not a video, or its type cannot be determined.

    Example:
        ```python
        HumanMessage([{"type": "text", "text": "What happens?"}, content.video("clip.mp4")])
        ```

    """
    return _build("video", source, mime_type=mime_type)


def file(
    source: Source, *, mime_type: str | None = None, filename: str | None = None
) -> dict[str, Any]:
    """Build a file block for any document (PDF, plain text, CSV, ...) from a path, bytes or URL.

    Args:
        source: Local path, the file's bytes, or an http(s) URL.
        mime_type: Overrides the detected type, e.g. `"text/csv"`.
        filename: Name shown to the model; defaults to the file's own name.

    Returns:
        `{"type": "file", "base64": ..., "mime_type": ..., "extras": {"filename": ...}}` (or a
        `url` block for a URL).

    Raises:
        FileNotFoundError: The path does not exist.
        ValueError: The type cannot be determined from the bytes or the extension.

    Example:
        ```python
        HumanMessage([{"type": "text", "text": "Any typos?"}, content.file("notes.md")])
        ```

    """
    return _build("file", source, mime_type=mime_type, filename=filename)


def _build(
    kind: _Kind,
    source: Source,
    *,
    mime_type: str | None,
    filename: str | None = None,
    expect_pdf: bool = False,
) -> dict[str, Any]:
    if isinstance(source, str) and source[:8].lower().startswith(("http://", "https://")):
        return _url_block(kind, source, mime_type=mime_type, filename=filename)
    if isinstance(source, str) and source[:5].lower() == "data:":
        # Already encoded; the converter reads the MIME type from the data URL itself.
        return {"type": kind, "url": source}
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = None
    else:
        path = _existing_path(source, kind)
        data = path.read_bytes()
        name = path.name
    if expect_pdf:
        # PDF readers accept junk before the header, so search a little way in.
        if b"%PDF-" not in data[:1024]:
            found = _detect_mime(data, name)
            msg = (
                f"pdf() needs a PDF file, but {name or 'the data'!r} "
                f"{f'looks like {found}' if found else 'has no PDF header'}. "
                "Use file(), image() or another helper for other data."
            )
            raise ContentSourceError(msg, kind="file", reason="wrong_type", detected=found)
        detected: str | None = "application/pdf"
    elif mime_type is not None:
        detected = normalize_mime(mime_type)
    else:
        detected = _detect_mime(data, name)
    _check_kind(kind, detected, name)
    block: dict[str, Any] = {
        "type": kind,
        "base64": base64.b64encode(data).decode("ascii"),
        "mime_type": detected,
    }
    if kind == "file" and (filename or name):
        block["extras"] = {"filename": filename or name}
    return block


def _url_block(
    kind: _Kind, url: str, *, mime_type: str | None, filename: str | None
) -> dict[str, Any]:
    if kind == "audio":
        msg = f"audio() got a URL. {AUDIO_URL_FIX}"
        raise ContentSourceError(msg, kind=kind, reason="audio_url")
    block: dict[str, Any] = {"type": kind, "url": url}
    if mime_type is not None:
        block["mime_type"] = normalize_mime(mime_type)
    if filename is not None:
        block["extras"] = {"filename": filename}
    return block


def _existing_path(source: str | os.PathLike[str], kind: _Kind) -> Path:
    path = Path(source)
    if not path.is_file():
        problem = "is a directory" if path.is_dir() else "does not exist"
        hint = "" if kind == "audio" else ", or pass an http(s):// URL"
        msg = f"{kind}(): {str(path)!r} {problem}. Pass the path of a file, its bytes{hint}."
        raise FileNotFoundError(msg)
    return path


def _detect_mime(data: bytes, name: str | None) -> str | None:
    detected = sniff_mime(data[:SNIFF_BYTES])
    if detected is None and name is not None:
        detected = mime_from_filename(name)
    if detected is None and looks_like_text(data):
        detected = "text/plain"
    return detected


def _check_kind(kind: _Kind, mime_type: str | None, name: str | None) -> None:
    what = repr(name) if name else "the data"
    if mime_type is None:
        msg = (
            f"{kind}(): cannot tell the type of {what} from its bytes or extension. "
            f"Pass mime_type=... (e.g. {_EXAMPLE_MIME[kind]!r})."
        )
        raise ContentSourceError(msg, kind=kind, reason="unknown_type")
    if kind != "file" and not mime_type.startswith(kind + "/"):
        msg = (
            f"{kind}(): {what} is {mime_type}, not {kind}. Use the helper for that type "
            "(image, pdf, audio, video or file), or pass mime_type=... if detection is wrong."
        )
        raise ContentSourceError(msg, kind=kind, reason="wrong_type", detected=mime_type)


_EXAMPLE_MIME: dict[_Kind, str] = {
    "image": "image/png",
    "audio": "audio/wav",
    "video": "video/mp4",
    "file": "application/pdf",
}
