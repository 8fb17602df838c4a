"""What one generation cost, exactly: OpenRouter's `GET /generation?id=...`.

Every reply names its generation in `response_metadata["id"]` (`gen-...`). OpenRouter keeps a
record for it: the cost billed (`total_cost`), what the cache saved (`cache_discount`), the
provider that served it, native token counts as the provider reported them, latency and
generation time in milliseconds. The record appears a moment after the reply ends, so a
lookup made right away can get a 404: `wait` seconds of short retries cover that.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import openai
from langchain_core.messages import BaseMessage
from pydantic import BaseModel, ConfigDict

from langchain_openrouter_gemini.errors import (
    OpenRouterGenerationNotFoundError,
    OpenRouterModelNotFoundError,
)
from langchain_openrouter_gemini.transport import exchange
from langchain_openrouter_gemini.wire.response.records import record_from_payload

__all__ = [
    "DEFAULT_WAIT",
    "GENERATION_PATH",
    "Generation",
    "NotFoundWait",
    "afetch_generation",
    "fetch_generation",
    "generation_from_payload",
    "generation_id_of",
]

GENERATION_PATH = "generation"
DEFAULT_WAIT = 3.0
"""Seconds a lookup keeps retrying a 404 for a generation that is not recorded yet."""
_FIRST_DELAY = 0.25
_MAX_DELAY = 1.0


class Generation(BaseModel):
    """OpenRouter's record of one generation (`GET /generation`'s `data`).

    Costs are USD, times milliseconds. Fields OpenRouter adds later are kept as extra
    attributes; fields a record lacks are `None`.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    model: str | None = None
    provider_name: str | None = None
    total_cost: float | None = None
    """What the generation cost, in USD."""
    usage: float | None = None
    upstream_inference_cost: float | None = None
    """What the provider charged, for BYOK generations."""
    cache_discount: float | None = None
    """USD the prompt cache saved (negative when a cache write cost more than it saved)."""
    is_byok: bool | None = None
    created_at: str | None = None
    streamed: bool | None = None
    cancelled: bool | None = None
    latency: float | None = None
    """Total milliseconds, request to last token."""
    generation_time: float | None = None
    moderation_latency: float | None = None
    finish_reason: str | None = None
    native_finish_reason: str | None = None
    tokens_prompt: int | None = None
    tokens_completion: int | None = None
    native_tokens_prompt: int | None = None
    native_tokens_completion: int | None = None
    native_tokens_reasoning: int | None = None
    native_tokens_cached: int | None = None
    native_tokens_completion_images: int | None = None
    num_media_prompt: int | None = None
    num_media_completion: int | None = None
    num_input_audio_prompt: int | None = None
    num_search_results: int | None = None
    num_fetches: int | None = None
    web_search_engine: str | None = None
    session_id: str | None = None
    external_user: str | None = None
    api_type: str | None = None
    router: str | None = None
    service_tier: str | None = None
    upstream_id: str | None = None
    request_id: str | None = None
    data_region: str | None = None

    @property
    def latency_seconds(self) -> float | None:
        """`latency` in seconds."""
        return None if self.latency is None else self.latency / 1000


def generation_id_of(generation: str | BaseMessage) -> str:
    """The generation id to look up: the string itself, or a reply's `response_metadata["id"]`.

    Raises:
        ValueError: An empty id, one with whitespace, or a message that names no generation.

    """
    if isinstance(generation, BaseMessage):
        found = generation.response_metadata.get("id")
        if not isinstance(found, str) or not found:
            msg = (
                "This message names no OpenRouter generation (response_metadata has no 'id');"
                " pass a reply from ChatOpenRouterGemini, or the 'gen-...' id itself."
            )
            raise ValueError(msg)
        generation = found
    if (
        not isinstance(generation, str)
        or not generation.strip()
        or generation != generation.strip()
    ):
        msg = (
            f"A generation id is a non-empty string without spaces ('gen-...'), got {generation!r}."
        )
        raise ValueError(msg)
    return generation


def generation_from_payload(data: Mapping[str, Any]) -> Generation:
    """Read `GET /generation`'s reply.

    Raises:
        OpenRouterMalformedResponseError: No `data` object, or one that is not a generation.

    """
    return record_from_payload(data, Generation, "generation")


class NotFoundWait:
    """How long a lookup keeps retrying a 404, shared by the sync and async loops."""

    def __init__(self, generation_id: str, wait: float) -> None:
        """Retry for up to `wait` seconds (0 raises on the first 404)."""
        if isinstance(wait, bool) or not isinstance(wait, (int, float)) or wait < 0:
            msg = f"wait must be a number of seconds >= 0, got {wait!r}."
            raise ValueError(msg)
        self._id = generation_id
        self._deadline = time.monotonic() + wait
        self._delay = _FIRST_DELAY

    def delay_after(self, error: OpenRouterModelNotFoundError) -> float:
        """Seconds to sleep before the next try; raises the typed error when time is up."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise OpenRouterGenerationNotFoundError(
                f"OpenRouter has no generation {self._id!r}. A generation is recorded a moment"
                " after its reply ends; if the id is right, look it up again with a longer"
                " wait=. Ids come from a reply's response_metadata['id'] and belong to the key"
                " that made the request.",
                details=error.details,
                status_code=404,
                response=error.response,
            ) from error
        delay = min(self._delay, left)
        self._delay = min(self._delay * 2, _MAX_DELAY)
        return delay


def fetch_generation(
    client: openai.OpenAI, timeout: Any, generation: str | BaseMessage, *, wait: float
) -> Generation:
    """`GET /generation` for one id, retrying a 404 for up to `wait` seconds."""
    generation_id = generation_id_of(generation)
    waiter = NotFoundWait(generation_id, wait)
    while True:
        try:
            data = exchange.get_json(client, GENERATION_PATH, timeout, params={"id": generation_id})
        except OpenRouterModelNotFoundError as exc:
            time.sleep(waiter.delay_after(exc))
            continue
        return generation_from_payload(data)


async def afetch_generation(
    client: openai.AsyncOpenAI, timeout: Any, generation: str | BaseMessage, *, wait: float
) -> Generation:
    """Async twin of `fetch_generation` (the waiting rules live in `NotFoundWait`)."""
    generation_id = generation_id_of(generation)
    waiter = NotFoundWait(generation_id, wait)
    while True:
        try:
            data = await exchange.aget_json(
                client, GENERATION_PATH, timeout, params={"id": generation_id}
            )
        except OpenRouterModelNotFoundError as exc:
            await asyncio.sleep(waiter.delay_after(exc))
            continue
        return generation_from_payload(data)
