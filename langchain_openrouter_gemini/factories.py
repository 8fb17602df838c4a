"""`init_chat_model` and `init_embeddings`: models built from model strings.

The parsing is `model_ids`'; this module is the one place that imports both model classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.runnables.configurable import RunnableConfigurableFields
from pydantic import Field
from typing_extensions import Self

from langchain_openrouter_gemini.chat.model import ChatOpenRouterGemini
from langchain_openrouter_gemini.embeddings import OpenRouterGeminiEmbeddings

__all__ = ["ConfigurableChatModel", "init_chat_model", "init_embeddings"]


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
    if isinstance(provider, str):
        _check_langchain_provider(provider, "provider", "init_embeddings")
    elif provider is not None:
        kwargs["provider"] = provider
    if model is None:
        return OpenRouterGeminiEmbeddings(**kwargs)
    return OpenRouterGeminiEmbeddings.from_model_string(model, **kwargs)


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
