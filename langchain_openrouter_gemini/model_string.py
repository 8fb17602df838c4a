"""Model strings: `"openrouter:google/gemini-2.5-flash:nitro?temperature=0&reasoning_effort=low"`.

The part before `?` names the model (an OpenRouter id, with variants); the query sets fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl

from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.runnables.configurable import RunnableConfigurableFields
from pydantic import Field
from typing_extensions import Self

from langchain_openrouter_gemini.model_ids import VARIANTS, normalize_model_id, split_variants
from langchain_openrouter_gemini.wire.reasoning import EFFORTS

if TYPE_CHECKING:
    from langchain_openrouter_gemini.chat_models import ChatOpenRouterGemini
    from langchain_openrouter_gemini.embeddings import OpenRouterGeminiEmbeddings

__all__ = [
    "ConfigurableChatModel",
    "init_chat_model",
    "init_embeddings",
    "parse_embeddings_string",
    "parse_model_string",
]

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


def _effort(value: str) -> str:
    if value not in EFFORTS:
        raise ValueError(f"expected one of {', '.join(EFFORTS)}")
    return value


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


def _encoding(value: str) -> str:
    if value not in ("float", "base64"):
        raise ValueError("expected float or base64")
    return value


# Parameters an embeddings model string may set (`OpenRouterGeminiEmbeddings` fields).
_EMBEDDING_PARAMS: dict[str, Callable[[str], Any]] = {
    **_CONNECTION_PARAMS,
    "dimensions": int,
    "chunk_size": int,
    "max_concurrency": int,
    "encoding_format": _encoding,
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


_LANGCHAIN_HOME = {
    "init_chat_model": "langchain.chat_models",
    "init_embeddings": "langchain.embeddings",
}


def _check_langchain_provider(value: Any, name: str, function: str) -> None:
    """Accept LangChain's provider argument when it names OpenRouter; refuse any other."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "openrouter"):
        return
    msg = (
        f"{function}({name}={value!r}): this package's {function} builds Gemini models served "
        f"through OpenRouter, so {name} may only be 'openrouter' (or left out). For another "
        f"provider use LangChain's own: from {_LANGCHAIN_HOME[function]} import {function}."
    )
    raise ValueError(msg)


def init_embeddings(
    model: str | None = None, *, provider: Any = None, **kwargs: Any
) -> OpenRouterGeminiEmbeddings:
    """Build `OpenRouterGeminiEmbeddings` from a model string, like LangChain's `init_embeddings`.

    Args:
        model: A model string such as `"openrouter:google/gemini-embedding-001?dimensions=768"`;
            the default embedding model when omitted.
        provider: As in LangChain's `init_embeddings`, a provider name: `"openrouter"` (the
            only one served). A dict or `ProviderPreferences` is OpenRouter's routing
            preferences instead, the embeddings' `provider` field.
        **kwargs: Constructor arguments; they win over parameters in the string.

    Raises:
        ValueError: `provider` names another provider, or the model string is malformed.

    Example:
        ```python
        embeddings = init_embeddings("openrouter:google/gemini-embedding-001?dimensions=768")
        ```

    """
    from langchain_openrouter_gemini.embeddings import OpenRouterGeminiEmbeddings

    if isinstance(provider, str):
        _check_langchain_provider(provider, "provider", "init_embeddings")
    elif provider is not None:
        kwargs["provider"] = provider
    if model is None:
        return OpenRouterGeminiEmbeddings(**kwargs)
    return OpenRouterGeminiEmbeddings.from_model_string(model, **kwargs)


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


# Fields `configurable_fields="any"` exposes, by the name used in `config["configurable"]`.
_CONFIGURABLE = {
    "model": "model_name",
    "temperature": "temperature",
    "max_tokens": "max_tokens",
    "top_p": "top_p",
    "top_k": "top_k",
    "reasoning_effort": "reasoning_effort",
    "thinking_budget": "thinking_budget",
    "reasoning": "reasoning",
    "provider": "provider",
    "models": "models",
    "max_retries": "max_retries",
    "timeout": "request_timeout",
}


def init_chat_model(
    model: str | None = None,
    *,
    model_provider: str | None = None,
    configurable_fields: Literal["any"] | Sequence[str] | None = None,
    config_prefix: str | None = None,
    **kwargs: Any,
) -> ChatOpenRouterGemini | ConfigurableChatModel:
    """Build a `ChatOpenRouterGemini` from a model string, like LangChain's `init_chat_model`.

    Args:
        model: A model string (see `parse_model_string`); the default model when omitted.
        model_provider: As in LangChain's `init_chat_model`: `"openrouter"` (the only
            provider served) or `None`. OpenRouter's routing preferences are `provider=`.
        configurable_fields: Fields that `config={"configurable": {...}}` may change at run
            time (`"any"` for the common ones: model, temperature, max_tokens, reasoning...).
        config_prefix: Prefix for the configurable keys (`"{prefix}_model"`).
        **kwargs: Constructor arguments; they win over parameters in the string.

    Example:
        ```python
        llm = init_chat_model("gemini-2.5-flash", configurable_fields=("model",))
        llm.invoke("hi", config={"configurable": {"model": "google/gemini-2.5-pro"}})
        ```

    """
    from langchain_core.runnables import ConfigurableField

    from langchain_openrouter_gemini.chat_models import ChatOpenRouterGemini

    _check_langchain_provider(model_provider, "model_provider", "init_chat_model")
    base = (
        ChatOpenRouterGemini.from_model_string(model, **kwargs)
        if model is not None
        else ChatOpenRouterGemini(**kwargs)
    )
    if configurable_fields is None:
        return base
    names = list(_CONFIGURABLE) if configurable_fields == "any" else list(configurable_fields)
    fields: dict[str, Any] = {}
    for name in names:
        attribute = _CONFIGURABLE.get(name, name)
        if attribute not in ChatOpenRouterGemini.model_fields:
            raise ValueError(
                f"configurable_fields names {name!r}, which ChatOpenRouterGemini does not have."
            )
        key = f"{config_prefix}_{name}" if config_prefix else name
        fields[attribute] = ConfigurableField(id=key, name=name)
    return ConfigurableChatModel(default=base, fields=fields)


class ConfigurableChatModel(RunnableConfigurableFields):  # type: ignore[type-arg]
    """A `ChatOpenRouterGemini` whose fields `config["configurable"]` may change per run.

    Unlike a plain `configurable_fields` runnable, `bind_tools` and `with_structured_output`
    are replayed on the model chosen at run time, so a tool-calling graph node really
    switches models instead of silently keeping the default one.
    """

    queued: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = Field(default_factory=list)
    """Calls to replay on the configured model, in order."""

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ConfigurableChatModel:
        """Bind tools to whichever model the run's config selects."""
        return self._queue("bind_tools", (tools,), kwargs)

    def with_structured_output(self, schema: Any, **kwargs: Any) -> ConfigurableChatModel:
        """Structured output from whichever model the run's config selects."""
        return self._queue("with_structured_output", (schema,), kwargs)

    def _queue(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Self:
        return self.model_copy(update={"queued": [*self.queued, (name, args, kwargs)]})

    def _prepare(
        self, config: RunnableConfig | None = None
    ) -> tuple[Runnable[Any, Any], RunnableConfig]:
        runnable, config = super()._prepare(config)
        for name, args, kwargs in self.queued:
            runnable = getattr(runnable, name)(*args, **kwargs)
        return runnable, config
