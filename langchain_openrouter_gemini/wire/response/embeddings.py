"""OpenRouter's `POST /embeddings` reply, read strictly, and what it used.

A reply is `{"object": "list", "data": [{"object": "embedding", "embedding": [...],
"index": i}], "model", "id", "usage": {"prompt_tokens", "total_tokens", "cost"}}`. Its
vectors come back in input order whatever order `data` lists them in; anything that does
not add up (a vector missing, a duplicate or out-of-range `index`, a non-number, a
dimension other than asked for) is a typed error, never a silently short answer.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from langchain_openrouter_gemini.errors import (
    OpenRouterMalformedResponseError,
    error_from_payload,
    malformed_response,
)
from langchain_openrouter_gemini.wire.response.usage import cost_fields, usage_to_metadata

__all__ = ["EmbeddingUsage", "parse_embeddings"]


@dataclass(frozen=True)
class EmbeddingUsage:
    """What one or more embeddings requests used and cost.

    Attributes:
        prompt_tokens: Input tokens billed.
        total_tokens: Total tokens billed (the same as `prompt_tokens` for embeddings).
        cost: USD as OpenRouter reported it; `None` when a reply carried no `cost`
            (unknown, not free).
        requests: How many HTTP requests the figures cover.
        model: The model that served (the last reply's `model`), when known.

    """

    prompt_tokens: int = 0
    total_tokens: int = 0
    cost: float | None = 0.0
    requests: int = 0
    model: str | None = None

    def __add__(self, other: EmbeddingUsage) -> EmbeddingUsage:
        """Totals of both; the cost stays unknown once any part of it is."""
        cost = None if self.cost is None or other.cost is None else self.cost + other.cost
        return EmbeddingUsage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
            cost=cost,
            requests=self.requests + other.requests,
            model=other.model or self.model,
        )

    def as_usage_metadata(self) -> dict[str, int]:
        """The figures as LangChain `usage_metadata` (no output tokens for embeddings)."""
        return {
            "input_tokens": self.prompt_tokens,
            "output_tokens": 0,
            "total_tokens": self.total_tokens,
        }


def _malformed(reason: str, reply: Mapping[str, Any]) -> OpenRouterMalformedResponseError:
    # The preview is built only on failure: a good reply holds some 300,000 numbers.
    return malformed_response(reason, json.dumps(reply, default=str)[:500])


def _usage(data: Mapping[str, Any]) -> EmbeddingUsage:
    usage = data.get("usage")
    usage = usage if isinstance(usage, Mapping) else {}
    # The chat usage rules, read the same way (embeddings have no completion tokens).
    tokens = usage_to_metadata(usage)
    cost = cost_fields(usage).get("cost")
    model = data.get("model")
    return EmbeddingUsage(
        prompt_tokens=tokens["input_tokens"],
        total_tokens=tokens["total_tokens"],
        cost=cost if isinstance(cost, float) and math.isfinite(cost) else None,
        requests=1,
        model=model if isinstance(model, str) else None,
    )


def _vector(raw: Any, position: int, reply: Mapping[str, Any]) -> list[float]:
    if isinstance(raw, str):
        # `encoding_format: "base64"`: little-endian float32s, as OpenAI-style APIs send them.
        try:
            packed = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise _malformed(
                f"OpenRouter's embedding data[{position}] is a string that is not base64", reply
            ) from None
        if len(packed) % 4:
            raise _malformed(
                f"OpenRouter's base64 embedding data[{position}] is not a whole number of "
                "float32 values",
                reply,
            )
        raw = list(struct.unpack(f"<{len(packed) // 4}f", packed))
    if not isinstance(raw, list) or not raw:
        raise _malformed(
            f"OpenRouter's embedding data[{position}] has no vector (a list of numbers)", reply
        )
    if set(map(type, raw)) == {float} and all(map(math.isfinite, raw)):
        return raw  # the usual case, checked at C speed
    vector: list[float] = []
    for value in raw:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _malformed(
                f"OpenRouter's embedding data[{position}] holds {type(value).__name__} "
                f"{value!r}, not a number",
                reply,
            )
        number = float(value)
        if not math.isfinite(number):
            raise _malformed(
                f"OpenRouter's embedding data[{position}] holds {value!r}, not a finite number",
                reply,
            )
        vector.append(number)
    return vector


def _slots(items: list[Any], expected: int, reply: Mapping[str, Any]) -> list[int]:
    """Where each `data` item goes in the input order.

    OpenRouter's reference marks `index` optional: when no item carries one, the list order
    is the input order; when any does, all must, each once, within range.
    """
    indexes = [item.get("index") if isinstance(item, Mapping) else None for item in items]
    if all(index is None for index in indexes):
        return list(range(len(items)))
    slots: list[int] = []
    seen: set[int] = set()
    for position, index in enumerate(indexes):
        number = index if isinstance(index, int) and not isinstance(index, bool) else None
        if number is None:
            raise _malformed(
                f"OpenRouter's embedding data[{position}] has no usable index ({index!r}) "
                "while others do",
                reply,
            )
        if not 0 <= number < expected:
            raise _malformed(
                f"OpenRouter's embedding data[{position}] has index {number}, outside the "
                f"{expected} input(s) sent",
                reply,
            )
        if number in seen:
            raise _malformed(f"OpenRouter's embedding reply lists index {number} twice", reply)
        seen.add(number)
        slots.append(number)
    return slots


def parse_embeddings(
    data: Mapping[str, Any], *, expected: int, dimensions: int | None = None
) -> tuple[list[list[float]], EmbeddingUsage]:
    """The vectors of one embeddings reply, in input order, and its usage.

    Args:
        data: The decoded reply.
        expected: How many inputs the request sent.
        dimensions: The `dimensions` the request asked for, if any.

    Returns:
        `(vectors, usage)`.

    Raises:
        OpenRouterError: The reply is an error (HTTP 200 with an `error` object).
        OpenRouterMalformedResponseError: The reply has the wrong number of vectors, bad
            or repeated indexes, non-numeric or non-finite values, vectors of differing
            lengths, or vectors of a length other than `dimensions`.

    """
    if (error := error_from_payload(data)) is not None:
        raise error
    reply = data
    items = data.get("data")
    if not isinstance(items, list):
        raise _malformed("OpenRouter's embeddings reply has no `data` list", reply)
    if len(items) != expected:
        raise _malformed(
            f"OpenRouter returned {len(items)} embedding(s) for {expected} input(s)", reply
        )
    vectors: list[list[float]] = [[] for _ in range(expected)]
    slots = _slots(items, expected, reply)
    for position, (item, slot) in enumerate(zip(items, slots, strict=True)):
        if not isinstance(item, Mapping):
            raise _malformed(f"OpenRouter's embedding data[{position}] is not an object", reply)
        vectors[slot] = _vector(item.get("embedding"), position, reply)
    lengths = {len(vector) for vector in vectors}
    if dimensions is not None and lengths != {dimensions}:
        raise _malformed(
            f"OpenRouter returned vectors of {sorted(lengths)} dimension(s), not the "
            f"{dimensions} asked for",
            reply,
        )
    if len(lengths) > 1:
        raise _malformed(
            f"OpenRouter returned vectors of differing lengths {sorted(lengths)}", reply
        )
    return vectors, _usage(data)
