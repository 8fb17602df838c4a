"""Constants of OpenRouter's HTTP framing, and its error object, that every route shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "API_ROOT",
    "COMPACT",
    "DONE",
    "JSON_PADDING",
    "KEEPALIVE",
    "USER_ID",
    "error_body",
    "error_object",
]

API_ROOT = "/api/v1"
# OpenRouter pads JSON bodies with whitespace while the model works; clients must skip it.
JSON_PADDING = b"\n         \n"
# Error bodies name the account; this one is obviously not a real user.
USER_ID = "user_2emulator0openrouter0000"
KEEPALIVE = b": OPENROUTER PROCESSING\n\n"
DONE = b"data: [DONE]\n\n"
COMPACT = (",", ":")


def error_object(code: int | str | None, message: str, metadata: Any = None) -> dict[str, Any]:
    """OpenRouter's `error` object: `code` and `message`, and `metadata` when there is some.

    The same object goes into an error body, an error chunk in a stream, and the error a
    `200` answer carries instead of a completion.

    Args:
        code: `error.code` (the HTTP status, or a string such as `"server_error"`).
        message: `error.message`.
        metadata: `error.metadata`, a mapping (omitted when `None`).

    Returns:
        The object.

    """
    error: dict[str, Any] = {"code": code, "message": message}
    if metadata is not None:
        error["metadata"] = dict(metadata)
    return error


def error_body(
    code: int | str | None, message: str, metadata: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A whole error body: `{"error": {...}, "user_id": ...}`, as OpenRouter sends it.

    Args:
        code: `error.code`.
        message: `error.message`.
        metadata: `error.metadata` (omitted when `None`).

    Returns:
        The body.

    """
    return {"error": error_object(code, message, metadata), "user_id": USER_ID}
