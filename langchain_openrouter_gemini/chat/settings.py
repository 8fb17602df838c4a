"""`RequestSettings`: what the request body takes from a chat model's fields, frozen.

The body is built from this object, never from the model, so `chat/request.py` needs no
model class. The model builds it from its fields and keeps it until a field is set again
(see `ChatOpenRouterGemini._request_settings`). It holds the field values themselves, not
copies: a dict or list field changed in place is read as it is when the body is built, as
it would be from the model. Its own mappings are read, never written (a frozen dataclass
that pickles and deep-copies with the model).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Any, Final

from pydantic import BaseModel

from langchain_openrouter_gemini.features.caching import CacheTTL
from langchain_openrouter_gemini.features.routing import OPTION_KEYS
from langchain_openrouter_gemini.model_ids import is_gemini, normalize_model_id

__all__ = ["OPTION_FIELDS", "PLAIN_FIELDS", "SAMPLING", "RequestSettings"]

SAMPLING: Final = (
    "temperature",
    "max_tokens",
    "top_p",
    "top_k",
    "min_p",
    "top_a",
    "frequency_penalty",
    "presence_penalty",
    "repetition_penalty",
    "seed",
    "logprobs",
    "top_logprobs",
    "logit_bias",
)
"""Sampling fields, sent under their own names when set (a per-call value wins)."""

PLAIN_FIELDS: Final = ("service_tier",)
"""Other fields sent as they are. `service_tier`: OpenRouter's processing tier (`flex`,
`priority`, ...; Google Vertex serves Gemini on them)."""

# LangChain's tracing already owns `metadata` on every model, so OpenRouter's is renamed.
_FIELD_FOR_OPTION = {"metadata": "request_metadata"}

OPTION_FIELDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        _FIELD_FOR_OPTION.get(key, key): key
        for key in OPTION_KEYS
        # Built from three fields (`reasoning`, `reasoning_effort`, `thinking_budget`).
        if key != "reasoning"
    }
)
"""Model field -> body key for OpenRouter's routing and request options (`OPTION_KEYS`)."""


@dataclass(frozen=True)
class RequestSettings:
    """The chat model's fields that shape a request body, as they were when it was built.

    Attributes:
        owner: The model class: per-call values are checked against its fields, and
            messages name it.
        model: The model id (`model_name`).
        streaming: The `streaming` field; only fills in when a call does not say.
        sampling: `SAMPLING` and `PLAIN_FIELDS` names -> the model's values (`None` unset).
        stop: The model's stop sequences.
        n: The model's `n`.
        reasoning: The `reasoning` object, as given.
        reasoning_effort: Shorthand for `reasoning={"effort": ...}`.
        thinking_budget: Shorthand for `reasoning={"max_tokens": ...}`.
        options: Body key -> the model's value, for each of `OPTION_FIELDS`.
        gemini_safe_schemas: Rewrite schemas for Gemini when it may serve.
        response_healing: Add the `response-healing` plugin to structured output.
        pin_provider: Keep a tool loop on the provider that issued its signatures.
        cache_prompt: Mark the prompt-cache breakpoint.
        cache_ttl: The breakpoint's TTL.
        model_kwargs: Extra body fields of every call.
        extra_body: The model's `extra_body`.
        base_url: The base URL, whose `/models` list speaks for an unknown model.

    """

    owner: type[BaseModel]
    model: str
    streaming: bool
    sampling: Mapping[str, Any]
    stop: list[str] | str | None
    n: int | None
    reasoning: Mapping[str, Any] | None
    reasoning_effort: str | None
    thinking_budget: int | None
    options: Mapping[str, Any]
    gemini_safe_schemas: bool
    response_healing: bool
    pin_provider: bool
    cache_prompt: bool
    cache_ttl: CacheTTL | None
    model_kwargs: Mapping[str, Any] | None
    extra_body: Mapping[str, Any] | None
    base_url: str | None

    @cached_property
    def model_is_gemini(self) -> bool:
        """Whether `model` names a Gemini model (worked out once: the id never changes).

        Raises:
            ValueError: `model` is not a valid id (a `model_copy(update=...)` skips the
                constructor's check); raised again each time it is asked.

        """
        return is_gemini(normalize_model_id(self.model))

    @classmethod
    def from_fields(cls, owner: type[BaseModel], fields: Mapping[str, Any]) -> RequestSettings:
        """Read the settings from a model's field values (its `__dict__`, by field name)."""
        get = fields.get
        return cls(
            owner=owner,
            model=fields["model_name"],
            streaming=bool(get("streaming")),
            sampling={name: get(name) for name in (*SAMPLING, *PLAIN_FIELDS)},
            stop=get("stop"),
            n=get("n"),
            reasoning=get("reasoning"),
            reasoning_effort=get("reasoning_effort"),
            thinking_budget=get("thinking_budget"),
            options={key: get(field) for field, key in OPTION_FIELDS.items()},
            gemini_safe_schemas=bool(get("gemini_safe_schemas")),
            response_healing=bool(get("response_healing")),
            pin_provider=bool(get("pin_provider")),
            cache_prompt=bool(get("cache_prompt")),
            cache_ttl=get("cache_ttl"),
            model_kwargs=get("model_kwargs"),
            extra_body=get("extra_body"),
            base_url=get("openai_api_base"),
        )
