"""What people type to name a model: OpenRouter ids, variant suffixes and model strings.

A model string is `"openrouter:google/gemini-2.5-flash:nitro?temperature=0&reasoning_effort=low"`:
the part before `?` names the model (an OpenRouter id, with variants); the query sets fields.
Everything here is pure parsing; `factories` builds models from the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from langchain_openrouter_gemini.wire.reasoning import EFFORTS

__all__ = [
    "VARIANTS",
    "is_gemini",
    "normalize_model_id",
    "parse_embeddings_string",
    "parse_model_string",
    "split_variants",
]

# OpenRouter's model-id suffixes; they chain (`google/gemini-2.5-flash:free:online`).
VARIANTS = ("nitro", "floor", "free", "online", "exacto", "thinking", "extended")
# `\s` in a str pattern is exactly `str.isspace`; one C scan instead of a call per character
# (the id is checked on every request).
_WHITESPACE = re.compile(r"\s")


def normalize_model_id(model: str) -> str:
    """Return the OpenRouter id for `model`.

    `openrouter:google/gemini-2.5-flash` and the short `gemini-2.5-flash` both mean
    `google/gemini-2.5-flash`; any other id passes through unchanged, OpenRouter's aliases
    (`~google/gemini-pro-latest`) and presets (`@preset/name`, `model@preset/name`) included:
    OpenRouter resolves those, and the reply names the model that served.

    Raises:
        ValueError: The id is empty or contains whitespace.

    """
    value = model.strip()
    for prefix in ("openrouter:", "openrouter/"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    if not value or _WHITESPACE.search(value):
        msg = f"Model id {model!r} is empty or contains spaces; use e.g. 'google/gemini-2.5-flash'."
        raise ValueError(msg)
    if value.startswith("gemini-"):
        value = f"google/{value}"
    return value


def split_variants(model_id: str) -> tuple[str, tuple[str, ...]]:
    """Split `google/gemini-2.5-flash:free:online` into the base id and its suffixes."""
    base, *variants = model_id.split(":")
    return base, tuple(variants)


def is_gemini(model_id: str) -> bool:
    """Whether the id names a Google Gemini model or alias (thought signatures apply)."""
    return split_variants(model_id)[0].removeprefix("~").startswith("google/gemini")


# Providers LangChain's own `init_chat_model` knows; naming one here is a mistake worth
# catching early, since this package only talks to OpenRouter.
_OTHER_PROVIDERS = frozenset(
    [
        "openai",
        "anthropic",
        "azure_openai",
        "azure_ai",
        "google_vertexai",
        "google_genai",
        "google_anthropic_vertex",
        "bedrock",
        "bedrock_converse",
        "cohere",
        "fireworks",
        "together",
        "mistralai",
        "huggingface",
        "groq",
        "ollama",
        "deepseek",
        "ibm",
        "nvidia",
        "xai",
        "perplexity",
    ]
)


def _bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _choice(allowed: tuple[str, ...], expected: str) -> Callable[[str], str]:
    """A parameter parser that takes one of `allowed` as written, else says `expected`."""

    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(expected)
        return value

    return parse


_effort = _choice(EFFORTS, f"expected one of {', '.join(EFFORTS)}")


def _csv(value: str) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ValueError("expected a comma-separated list")
    return items


# Connection and attribution settings, the same for every model string.
_CONNECTION_PARAMS: dict[str, Callable[[str], Any]] = {
    "max_retries": int,
    "timeout": float,
    "user": str,
    "app_url": str,
    "app_title": str,
}

_PARAMS: dict[str, Callable[[str], Any]] = {
    **_CONNECTION_PARAMS,
    "temperature": float,
    "top_p": float,
    "top_k": int,
    "min_p": float,
    "top_a": float,
    "frequency_penalty": float,
    "presence_penalty": float,
    "repetition_penalty": float,
    "seed": int,
    "max_tokens": int,
    "reasoning_effort": _effort,
    "thinking_budget": int,
    "streaming": _bool,
    "cache_prompt": _bool,
    "pin_provider": _bool,
    "web_search": _bool,
    "response_healing": _bool,
    "models": _csv,
    "transforms": _csv,
    "stop": _csv,
    "session_id": str,
}


# Parameters an embeddings model string may set (`OpenRouterGeminiEmbeddings` fields).
_EMBEDDING_PARAMS: dict[str, Callable[[str], Any]] = {
    **_CONNECTION_PARAMS,
    "dimensions": int,
    "chunk_size": int,
    "max_concurrency": int,
    "encoding_format": _choice(("float", "base64"), "expected float or base64"),
    "query_input_type": str,
    "document_input_type": str,
}


def parse_model_string(
    spec: str, *, params: Mapping[str, Callable[[str], Any]] | None = None
) -> dict[str, Any]:
    """Parse a model string into `ChatOpenRouterGemini` keyword arguments.

    Accepted forms: `openrouter:google/gemini-2.5-flash`, `google/gemini-2.5-flash`,
    `gemini-2.5-flash` (means `google/...`), variant suffixes (`:nitro`, `:floor`, `:free`,
    `:online`, `:exacto`, chained), and parameters after `?`.

    Raises:
        ValueError: The spec is malformed, names another provider, has an unknown variant
            or parameter, or a value of the wrong type. The message quotes the spec.

    """
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(
            f"Model string {spec!r} is empty; use e.g. 'openrouter:google/gemini-2.5-flash'."
        )
    model_part, _, query = spec.strip().partition("?")
    prefix, sep, _rest = model_part.partition(":")
    if sep and prefix in _OTHER_PROVIDERS:
        msg = (
            f"Model string {spec!r} names provider {prefix!r}; this package serves models through "
            f"OpenRouter. Use 'openrouter:<model id>', e.g. 'openrouter:google/gemini-2.5-flash'."
        )
        raise ValueError(msg)
    try:
        model_id = normalize_model_id(model_part)
    except ValueError as exc:
        raise ValueError(f"Model string {spec!r}: {exc}") from None
    base, variants = split_variants(model_id)
    if not base or "/" not in base or base.startswith("/") or base.endswith("/"):
        msg = (
            f"Model string {spec!r} has no OpenRouter model id of the form 'vendor/model' "
            f"(e.g. 'google/gemini-2.5-flash')."
        )
        raise ValueError(msg)
    for variant in variants:
        if variant not in VARIANTS:
            msg = (
                f"Model string {spec!r} has unknown variant ':{variant}'; "
                f"OpenRouter's variants are {', '.join(':' + v for v in VARIANTS)}."
            )
            raise ValueError(msg)
    kwargs: dict[str, Any] = {"model": model_id}
    kwargs.update(_parse_query(spec, query, _PARAMS if params is None else params))
    return kwargs


def parse_embeddings_string(spec: str) -> dict[str, Any]:
    """Parse `"openrouter:google/gemini-embedding-001?dimensions=768"` into embeddings kwargs.

    The model part follows `parse_model_string`'s rules; the parameters after `?` are the
    embeddings' own (`dimensions`, `chunk_size`, `encoding_format`, ...).

    Raises:
        ValueError: As `parse_model_string`, for the embeddings' parameter set.

    """
    return parse_model_string(spec, params=_EMBEDDING_PARAMS)


def _parse_query(
    spec: str, query: str, params: Mapping[str, Callable[[str], Any]]
) -> dict[str, Any]:
    if not query:
        return {}
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise ValueError(
            f"Model string {spec!r} has a malformed parameter list after '?'."
        ) from None
    out: dict[str, Any] = {}
    for name, raw in pairs:
        if name in ("api_key", "openai_api_key"):
            msg = (
                f"Model string {spec!r} carries an API key; pass api_key=... or set "
                "OPENROUTER_API_KEY instead."
            )
            raise ValueError(msg.replace(raw, "***") if raw else msg)
        convert = params.get(name)
        if convert is None:
            msg = (
                f"Model string {spec!r} has unknown parameter {name!r}; "
                f"known parameters: {', '.join(sorted(params))}."
            )
            raise ValueError(msg)
        try:
            out[name] = convert(raw)
        except ValueError as exc:
            raise ValueError(
                f"Model string {spec!r}: bad value {raw!r} for {name!r} ({exc})."
            ) from None
    return out
