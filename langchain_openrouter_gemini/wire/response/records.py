"""OpenRouter's `{"data": {...}}` replies (`GET /generation`, `GET /key`) read into models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from langchain_openrouter_gemini.errors import malformed_response

__all__ = ["record_from_payload"]

Record = TypeVar("Record", bound=BaseModel)


def record_from_payload(data: Mapping[str, Any], model: type[Record], what: str) -> Record:
    """The reply's `data` object as a `model`.

    Args:
        data: The decoded reply.
        model: The pydantic model for the record.
        what: What the record is, for the error ("generation", "key").

    Raises:
        OpenRouterMalformedResponseError: No `data` object, or one that does not read.

    """
    record = data.get("data")
    if not isinstance(record, Mapping):
        raise malformed_response(f"OpenRouter's {what} reply has no data object", str(data))
    try:
        return model.model_validate(dict(record))
    except ValidationError as exc:
        raise malformed_response(
            f"OpenRouter's {what} record does not read ({exc.error_count()} bad fields)",
            str(record),
        ) from None
