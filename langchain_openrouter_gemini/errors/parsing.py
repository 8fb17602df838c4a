"""Reading OpenRouter's error bodies: pure helpers behind the error classes in `errors`.

Nothing here raises on odd input: every body that reaches these helpers came from the
network, so each field is checked for its type before use and anything unexpected falls
back to an empty value.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = [
    "EMULATOR_SERVER_NAME",
    "ErrorDetails",
    "details_from_error_object",
    "looks_like_context_overflow",
    "one_line",
    "parse_error_body",
    "parse_retry_after",
    "preview",
    "redact",
    "redact_value",
    "served_by_emulator",
    "status_from_code",
]

REDACTED = "[REDACTED]"

# Order matters: the bearer pattern runs before the bare `sk-` one so that
# "Bearer sk-or-..." becomes "Bearer [REDACTED]" rather than keeping the word.
_SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=\-]+"), f"Bearer {REDACTED}"),
    (re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"), REDACTED),
    # Google API keys, for users who bring their own key (BYOK) to OpenRouter.
    (re.compile(r"\bAIza[0-9A-Za-z_\-]{20,}"), REDACTED),
    (
        # The value must not be a placeholder such as "api_key=..." in our own advice.
        re.compile(r"(?i)\b((?:x-)?api[_-]?key[\"']?\s*[:=]\s*[\"']?)(?!\.\.\.)[^\s\"',;&}]+"),
        rf"\1{REDACTED}",
    ),
)

# Phrasings seen for "the prompt does not fit": OpenRouter's own pre-flight check,
# OpenAI-compatible providers, and Google (AI Studio and Vertex) behind OpenRouter.
_CONTEXT_OVERFLOW = re.compile(
    r"(?i)maximum context length"
    r"|context[_ ]length[_ ]exceeded"
    r"|exceeds? the (?:model'?s? )?context window"
    r"|input token count.{0,40}exceeds"
    r"|exceeds the maximum number of tokens allowed"
    r"|prompt is too long"
    r"|input tokens exceed the configured limit"
    r"|contextwindowexceedederror"
)

_HTML_TITLE = re.compile(r"(?is)<title[^>]*>(.*?)</title>")
_GOOGLE_RETRY_DELAY = re.compile(r"\"retryDelay\"\s*:\s*\"(\d+(?:\.\d+)?)s\"")
_WHITESPACE = re.compile(r"\s+")
_MAX_DEPTH = 32


def redact(text: str) -> str:
    """Replace anything that looks like an API key or bearer token with `[REDACTED]`.

    Args:
        text: Any text bound for a message, log line or attribute.

    Returns:
        The text with OpenRouter/OpenAI keys (`sk-...`), `Bearer ...` tokens, Google API
        keys and `api_key=...` values replaced.

    """
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_value(value: Any, _depth: int = 0) -> Any:
    """Return a copy of a JSON-like value with every string passed through `redact`.

    Args:
        value: A decoded JSON value (dicts, lists, strings, numbers).
        _depth: Recursion depth; nesting past it is cut off rather than risking a
            `RecursionError` on hostile input.

    Returns:
        The redacted copy; mappings come back as plain dicts with string keys.

    """
    if isinstance(value, str):
        return redact(value)
    if _depth >= _MAX_DEPTH:
        return "[nested too deeply]"
    if isinstance(value, Mapping):
        return {redact(str(k)): redact_value(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v, _depth + 1) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return redact(repr(value))


def one_line(text: str, limit: int) -> str:
    """Collapse whitespace and cut `text` to at most `limit` characters (with an ellipsis)."""
    flat = _WHITESPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: max(limit - 1, 0)] + "…"


def preview(body: bytes | str | None, limit: int = 200) -> str:
    """A short, redacted, single-line preview of a body, safe to put in a message."""
    if body is None:
        return ""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else str(body)
    return redact(one_line(text, limit))


def status_from_code(code: Any) -> int | None:
    """The HTTP-like status in an error `code` (`429`, `"429"`, `502.0`), else `None`."""
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    if isinstance(code, float) and code.is_integer():
        return int(code)
    if isinstance(code, str) and code.strip().isdigit() and len(code.strip()) == 3:
        return int(code.strip())
    return None


def looks_like_context_overflow(*texts: str | None) -> bool:
    """Whether any text says the prompt exceeded the model's context window."""
    return any(text and _CONTEXT_OVERFLOW.search(text) for text in texts)


@dataclass
class ErrorDetails:
    """What an OpenRouter error object says, typed and redacted."""

    code: int | str | None = None
    message: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    provider_name: str | None = None
    raw: str | None = None
    reasons: list[str] = field(default_factory=list)
    flagged_input: str | None = None
    generation_id: str | None = None
    body: Any = None
    html_title: str | None = None
    is_html: bool = False


def _optional_str(value: Any) -> str | None:
    return redact(value) if isinstance(value, str) and value else None


def _code(value: Any) -> int | str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, str)):
        return redact(value) if isinstance(value, str) else value
    return redact(str(value))


def _raw_text(raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        return redact(raw)
    try:
        return redact(json.dumps(redact_value(raw), ensure_ascii=False))
    except (TypeError, ValueError):
        return redact(repr(raw))


def details_from_error_object(error: Any, *, generation_id: Any = None) -> ErrorDetails:
    """Read an OpenRouter `error` object (`{"code", "message", "metadata"}`).

    Args:
        error: The value of the `error` key; a plain string is taken as the message.
        generation_id: The reply's `id` (`gen-...`) when the error came inside a reply.

    Returns:
        The typed, redacted details; missing or ill-typed fields are left empty.

    """
    details = ErrorDetails(generation_id=_optional_str(generation_id))
    if not isinstance(error, Mapping):
        details.message = redact(error) if isinstance(error, str) else ""
        details.body = redact_value(error)
        return details
    details.body = redact_value(error)
    details.code = _code(error.get("code"))
    message = error.get("message")
    details.message = redact(message) if isinstance(message, str) else ""
    metadata = error.get("metadata")
    if isinstance(metadata, Mapping):
        details.metadata = redact_value(metadata)
        details.provider_name = _optional_str(metadata.get("provider_name"))
        details.raw = _raw_text(metadata.get("raw"))
        reasons = metadata.get("reasons")
        if isinstance(reasons, (list, tuple)):
            details.reasons = [redact(str(reason)) for reason in reasons]
        elif isinstance(reasons, str) and reasons:
            details.reasons = [redact(reasons)]
        details.flagged_input = _optional_str(metadata.get("flagged_input"))
    return details


def _decode_json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def parse_error_body(body: bytes | str | Mapping[str, Any] | None) -> ErrorDetails:
    """Read an HTTP error body: OpenRouter's JSON, the bare error object, or an HTML page.

    Args:
        body: The raw body, or an already decoded JSON object.

    Returns:
        The details; for an HTML page `is_html` is set and `html_title` holds the title;
        for any other unreadable body, `message` is a short preview of it.

    """
    if isinstance(body, Mapping):
        decoded: Any = body
    else:
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body or ""
        decoded = _decode_json(text.strip()) if text.strip() else None
        if decoded is None:
            return _details_from_text(text)
    if isinstance(decoded, Mapping):
        error = decoded.get("error")
        generation_id = decoded.get("id")
        if isinstance(error, (Mapping, str)) and error:
            return details_from_error_object(error, generation_id=generation_id)
        # The SDK hands over the inner object (`{"code", "message"}`) as the body.
        if "message" in decoded or "code" in decoded:
            return details_from_error_object(decoded, generation_id=generation_id)
    return ErrorDetails(message=preview(json.dumps(redact_value(decoded), ensure_ascii=False)))


def _details_from_text(text: str) -> ErrorDetails:
    stripped = text.strip()
    if not stripped:
        return ErrorDetails(message="the body was empty")
    lowered = stripped[:2048].lower()
    if lowered.startswith("<") and ("<html" in lowered or "<!doctype" in lowered):
        match = _HTML_TITLE.search(stripped)
        title = redact(one_line(html.unescape(match.group(1)), 120)) if match else None
        return ErrorDetails(
            message="OpenRouter or a proxy in front of it returned an HTML page instead of JSON"
            + (f" (title: {title!r})" if title else ""),
            html_title=title,
            is_html=True,
            body=preview(stripped),
        )
    return ErrorDetails(message=preview(stripped), body=preview(stripped))


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    try:
        for key, value in headers.items():
            if isinstance(key, str) and key.lower() == name and isinstance(value, str):
                return value
    except (AttributeError, TypeError):
        return None
    return None


def _seconds(value: str, now: datetime) -> float | None:
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - now).total_seconds()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return max(seconds, 0.0)


def parse_retry_after(
    headers: Mapping[str, str] | None,
    details: ErrorDetails | None = None,
    *,
    now: datetime | None = None,
) -> float | None:
    """How many seconds the server asks us to wait before retrying, if it says.

    Sources, first found wins: the `retry-after-ms` header, `Retry-After` (seconds or an
    HTTP date), OpenRouter's `metadata.headers["X-RateLimit-Reset"]` (epoch milliseconds),
    and Google's `RetryInfo.retryDelay` inside `metadata.raw`.

    Args:
        headers: Response headers (any case).
        details: The parsed error body, for the sources inside it.
        now: The current time; defaults to the wall clock (tests pass a fixed one).

    Returns:
        Seconds to wait (never negative), or `None` when nothing says.

    """
    now = now or datetime.now(timezone.utc)
    milliseconds = _header(headers, "retry-after-ms")
    if milliseconds is not None and (seconds := _seconds(milliseconds, now)) is not None:
        return seconds / 1000.0
    retry_after = _header(headers, "retry-after")
    if retry_after is not None and (seconds := _seconds(retry_after, now)) is not None:
        return seconds
    if details is None:
        return None
    limit_headers = details.metadata.get("headers")
    reset = (
        _header(limit_headers, "x-ratelimit-reset") if isinstance(limit_headers, Mapping) else None
    )
    if reset is not None:
        try:
            return max(float(reset) / 1000.0 - now.timestamp(), 0.0)
        except ValueError:
            pass
    if details.raw and (match := _GOOGLE_RETRY_DELAY.search(details.raw)):
        return float(match.group(1))
    return None


# The `Server` header product the bundled emulator answers with (`OpenRouterEmulator/1`):
# how a reply says it came from the emulator, whatever URL it was reached at.
EMULATOR_SERVER_NAME = "OpenRouterEmulator"


def served_by_emulator(headers: Mapping[str, str] | None) -> bool:
    """Whether a reply with these headers came from the bundled OpenRouter emulator."""
    server = (headers or {}).get("server") or (headers or {}).get("Server") or ""
    return isinstance(server, str) and server.split("/", 1)[0] == EMULATOR_SERVER_NAME
