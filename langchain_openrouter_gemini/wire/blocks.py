"""Shared by the content-part converters: where a block sits, how to name it in an error, URLs.

Errors quote the offending block, but with base64 payloads replaced by their length and URL
query strings (which can carry signatures) elided.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from langchain_openrouter_gemini.media.mime import normalize_mime

__all__ = [
    "DATA_URL_HEAD",
    "DATA_URL_HEAD_MAX",
    "BlockLocation",
    "is_url",
    "parse_data_url",
    "summarize_block",
]

DATA_URL_HEAD = re.compile(
    r"data:(?P<mime>[\w.+-]+/[\w.+-]+)(?:;[\w.+-]+=[^;,]*)*;base64,", re.IGNORECASE
)
"""Matches the head of a base64 data URL, up to and including the comma."""

DATA_URL_HEAD_MAX = 512
"""Only this many leading characters are searched, so a 20 MB data URL is never scanned."""

_SUMMARY_MAX = 300
_BASE64_KEYS = frozenset({"base64", "data", "file_data"})


@dataclass(frozen=True)
class BlockLocation:
    """Where a block sits, so every error can say which block of which message is wrong."""

    message_index: int
    block_index: int
    block: Mapping[str, Any]

    def fail(self, problem: str, fix: str) -> NoReturn:
        """Raise a ValueError naming the message, the block, the problem and the fix.

        Raises:
            ValueError: Always.

        """
        block_type = self.block.get("type")
        msg = (
            f"Message {self.message_index}, content block {self.block_index} "
            f"(type {block_type!r}: {summarize_block(self.block)}): {problem} {fix}"
        )
        raise ValueError(msg)

    def fail_file_id(self) -> NoReturn:
        """Reject a provider file id, which OpenRouter has no way to look up.

        Raises:
            ValueError: Always.

        """
        self.fail(
            "OpenRouter cannot resolve provider file ids (OpenAI / Anthropic / Google Files API).",
            "Pass the file's bytes as base64 (with 'mime_type') or an https URL instead.",
        )

    def fail_bad_url(self, url: str, helper: str) -> NoReturn:
        """Reject a URL OpenRouter cannot fetch (local path, gs://, file://, ...).

        Raises:
            ValueError: Always.

        """
        self.fail(
            f"{summarize_string('url', url)!r} is not an http(s) URL or a data URL, and "
            "OpenRouter cannot read local paths or other storage URLs.",
            "Pass an https:// URL, or the bytes: "
            f"`langchain_openrouter_gemini.content.{helper}(path)` builds the block from a "
            "local file.",
        )


def is_url(value: str) -> bool:
    """Tell whether `value` is an http(s) URL or a data URL (the two kinds OpenRouter takes)."""
    return value[:8].lower().startswith(("https://", "http://", "data:"))


def parse_data_url(url: str, where: BlockLocation) -> tuple[str, int]:
    """Return a base64 data URL's MIME type and where its payload starts (payload not copied).

    Raises:
        ValueError: The URL is not `data:<mime>;base64,<data>` or its payload is empty.

    """
    match = DATA_URL_HEAD.match(url[:DATA_URL_HEAD_MAX])
    if match is None or match.end() == len(url):
        where.fail(
            "malformed data URL.",
            "A data URL must look like 'data:<mime type>;base64,<base64 data>', "
            "e.g. 'data:image/png;base64,iVBORw0...'.",
        )
    return normalize_mime(match.group("mime")), match.end()


def summarize_block(block: Mapping[str, Any]) -> str:
    """Repr of a block that is short and safe to show: no base64 bodies, no URL query strings."""
    text = repr(_summarize_value("", block))
    return text if len(text) <= _SUMMARY_MAX else text[: _SUMMARY_MAX - 3] + "..."


def _summarize_value(key: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _summarize_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list):
        return [_summarize_value(key, v) for v in value[:5]]
    if isinstance(value, str):
        return summarize_string(key, value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def summarize_string(key: str, value: str) -> str:
    """Shorten one string field of a block for an error message (see `summarize_block`)."""
    lowered = value[:8].lower()
    if lowered.startswith("data:"):
        comma = value.find(",", 0, DATA_URL_HEAD_MAX)
        if comma != -1:
            return value[: comma + 1] + f"<{len(value) - comma - 1} base64 chars>"
    if lowered.startswith(("http://", "https://")):
        parts = urllib.parse.urlsplit(value)
        shown = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        if parts.query or parts.fragment:
            shown += "?<elided>"
        return shown if len(shown) <= 120 else shown[:117] + "..."
    if key in _BASE64_KEYS and len(value) > 24:
        return f"<{len(value)} base64 chars>"
    return value if len(value) <= 80 else value[:60] + f"...<{len(value)} chars>"
