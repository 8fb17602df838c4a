"""Constants of OpenRouter's HTTP framing that every route of the emulator shares."""

from __future__ import annotations

__all__ = ["API_ROOT", "COMPACT", "DONE", "JSON_PADDING", "KEEPALIVE", "USER_ID"]

API_ROOT = "/api/v1"
# OpenRouter pads JSON bodies with whitespace while the model works; clients must skip it.
JSON_PADDING = b"\n         \n"
# Error bodies name the account; this one is obviously not a real user.
USER_ID = "user_2emulator0openrouter0000"
KEEPALIVE = b": OPENROUTER PROCESSING\n\n"
DONE = b"data: [DONE]\n\n"
COMPACT = (",", ":")
