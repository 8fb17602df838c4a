"""Your OpenRouter key's spending limit and usage: `GET /key`.

`ChatOpenRouterGemini.get_key_info()` (and `openrouter-gemini credits`) read it. Amounts are
USD. `limit` is the key's own spending cap (`None`: no cap, the account's credits are the
limit) and `limit_remaining` what is left of it; `usage` counts OpenRouter credits spent
through the key, `byok_usage` what ran on your own provider keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import openai
from pydantic import BaseModel, ConfigDict

from langchain_openrouter_gemini.errors import OpenRouterError, OpenRouterModelNotFoundError
from langchain_openrouter_gemini.transport import exchange
from langchain_openrouter_gemini.wire.response.records import record_from_payload

__all__ = ["KEY_PATH", "KeyInfo", "afetch_key_info", "fetch_key_info", "key_info_from_payload"]

KEY_PATH = "key"


class KeyInfo(BaseModel):
    """OpenRouter's `GET /key` `data`: the calling key's limit and usage, in USD.

    Fields OpenRouter adds later are kept as extra attributes.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    label: str | None = None
    """OpenRouter's display label for the key (a shortened form, never the key itself)."""
    limit: float | None = None
    """The key's spending cap; `None` when it has none."""
    limit_remaining: float | None = None
    """What is left of `limit`; `None` when there is no cap."""
    limit_reset: str | None = None
    """How often the cap resets (`"daily"`, `"weekly"`, `"monthly"`), or `None`."""
    usage: float | None = None
    usage_daily: float | None = None
    usage_weekly: float | None = None
    usage_monthly: float | None = None
    byok_usage: float | None = None
    byok_usage_daily: float | None = None
    byok_usage_weekly: float | None = None
    byok_usage_monthly: float | None = None
    include_byok_in_limit: bool | None = None
    is_free_tier: bool | None = None
    is_management_key: bool | None = None
    expires_at: str | None = None

    @property
    def remaining(self) -> float | None:
        """`limit_remaining`, the money this key may still spend (`None`: no key cap)."""
        return self.limit_remaining


def key_info_from_payload(data: Mapping[str, Any]) -> KeyInfo:
    """Read `GET /key`'s reply.

    Raises:
        OpenRouterMalformedResponseError: No `data` object, or one that does not read.

    """
    return record_from_payload(data, KeyInfo, "key")


def fetch_key_info(client: openai.OpenAI, timeout: Any) -> KeyInfo:
    """`GET /key` with the client's key.

    Raises:
        OpenRouterModelNotFoundError: No `/key` under the base URL (a wrong base URL).

    """
    try:
        return key_info_from_payload(exchange.get_json(client, KEY_PATH, timeout))
    except OpenRouterModelNotFoundError as exc:
        raise _no_key_endpoint(exc, str(client.base_url)) from exc


async def afetch_key_info(client: openai.AsyncOpenAI, timeout: Any) -> KeyInfo:
    """Async twin of `fetch_key_info`."""
    try:
        return key_info_from_payload(await exchange.aget_json(client, KEY_PATH, timeout))
    except OpenRouterModelNotFoundError as exc:
        raise _no_key_endpoint(exc, str(client.base_url)) from exc


def _no_key_endpoint(exc: OpenRouterModelNotFoundError, base_url: str) -> OpenRouterError:
    # A 404 here is about the URL, not a model: say so instead of the model-id advice.
    return type(exc)(
        f"{base_url.rstrip('/')} has no GET /key (HTTP 404). Check the base URL "
        "(OPENROUTER_BASE_URL or base_url=): OpenRouter's is https://openrouter.ai/api/v1.",
        details=exc.details,
        status_code=404,
        response=exc.response,
    )
