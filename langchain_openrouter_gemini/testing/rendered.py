"""`Rendered`: a reply with every wire decision made, shared by the JSON and SSE layouts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_openrouter_gemini.testing.replies import UsageChunk

__all__ = ["Rendered", "envelope"]


@dataclass(frozen=True)
class Rendered:
    """A reply with everything the wire needs decided: ids, signatures, usage, layout."""

    id: str
    created: int
    model: str
    provider: str
    content: str | None
    reasoning: str | None
    reasoning_details: list[dict[str, Any]]
    tool_calls: list[dict[str, Any]]
    images: list[dict[str, Any]]
    annotations: list[dict[str, Any]]
    finish_reason: str | None
    native_finish_reason: str | None
    usage: dict[str, Any]
    chunk_size: int
    usage_chunk: UsageChunk
    gemini_3: bool = False
    service_tier: str | None = None
    placeholder_details: bool = False


def envelope(rendered: Rendered, obj: str) -> dict[str, Any]:
    """The fields every body and chunk of a reply shares.

    Args:
        rendered: The rendered reply.
        obj: `chat.completion` or `chat.completion.chunk`.

    Returns:
        `id`, `provider`, `model`, `object`, `created` (and `service_tier` when sent).

    """
    shared: dict[str, Any] = {
        "id": rendered.id,
        "provider": rendered.provider,
        "model": rendered.model,
        "object": obj,
        "created": rendered.created,
    }
    if rendered.service_tier is not None:
        shared["service_tier"] = rendered.service_tier
    return shared
