"""A reply body read as the JSON object OpenRouter promises, or a typed error."""

from __future__ import annotations

import json
from typing import Any

from langchain_openrouter_gemini.errors import malformed_response

__all__ = ["decode_body"]


def decode_body(body: bytes | str) -> dict[str, Any]:
    """Parse a JSON reply body; OpenRouter may pad it with leading whitespace.

    Raises:
        OpenRouterMalformedResponseError: The body is empty, not JSON, or not an object.

    """
    if not body or not body.strip():
        raise malformed_response("OpenRouter returned an empty body", body)
    try:
        data = json.loads(body)
    except ValueError:
        raise malformed_response("OpenRouter returned a body that is not JSON", body) from None
    if not isinstance(data, dict):
        raise malformed_response("OpenRouter returned JSON that is not an object", body)
    return data
