"""`ChatOpenRouterGemini`: Gemini through OpenRouter as a LangChain chat model.

The class is glue: it holds settings, builds the request body, and hands the wire work to
the pure functions in `wire/` and the transport in `_transport`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, Literal

import httpx2
import openai
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LangSmithParams, LanguageModelInput
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.utils import from_env, secret_from_env
from langchain_openai.chat_models.base import BaseChatOpenAI
from pydantic import Field, PrivateAttr, SecretStr, field_validator, model_validator
from typing_extensions import Self

from langchain_openrouter_gemini import _transport
from langchain_openrouter_gemini._payload import build_request_body
from langchain_openrouter_gemini._structured import structured_output_runnable
from langchain_openrouter_gemini.errors import OpenRouterError
from langchain_openrouter_gemini.model_ids import normalize_model_id
from langchain_openrouter_gemini.routing import ProviderPreferences
from langchain_openrouter_gemini.wire.response import completion_to_result
from langchain_openrouter_gemini.wire.stream import StreamParser

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_MODEL", "ChatOpenRouterGemini"]

DEFAULT_MODEL = "google/gemini-2.5-flash"
DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
# Gemini can think for minutes before the first token: a short read timeout would cut
# real answers. Connecting, though, should fail fast.
DEFAULT_TIMEOUT = 600.0
DEFAULT_CONNECT_TIMEOUT = 10.0


_RENAMED = {"site_url": "app_url", "app_name": "app_title"}


class ChatOpenRouterGemini(BaseChatOpenAI):
    """Google Gemini models served through OpenRouter.

    Example:
        ```python
        from langchain_openrouter_gemini import ChatOpenRouterGemini

        model = ChatOpenRouterGemini(
            model="google/gemini-2.5-flash",
            app_url="https://myapp.example",  # sent as HTTP-Referer
            app_title="My App",  # sent as X-Title
        )
        model.invoke("Name three moons of Jupiter.")
        ```

    The API key comes from `api_key=` or `OPENROUTER_API_KEY`. Every request goes to
    OpenRouter's Chat Completions endpoint.

    """

    model_name: str = Field(default=DEFAULT_MODEL, alias="model")
    """OpenRouter model id, e.g. `google/gemini-2.5-flash` or `google/gemini-2.5-pro:nitro`."""

    openai_api_key: SecretStr | None = Field(
        alias="api_key", default_factory=secret_from_env("OPENROUTER_API_KEY", default=None)
    )
    """OpenRouter API key; defaults to the `OPENROUTER_API_KEY` environment variable."""

    openai_api_base: str | None = Field(
        alias="base_url",
        default_factory=from_env(
            ("OPENROUTER_BASE_URL", "OPENROUTER_API_BASE"), default=DEFAULT_BASE_URL
        ),
    )
    """API base URL; env `OPENROUTER_BASE_URL` (or `OPENROUTER_API_BASE`)."""

    request_timeout: float | tuple[float, float] | Any | None = Field(
        default=DEFAULT_TIMEOUT, alias="timeout"
    )
    """Seconds to wait for a reply (default 600: Gemini may think for minutes).

    Also accepts `(connect, read)` or an `openai.Timeout` for full control.
    """

    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    """Seconds to wait for the connection itself; fails fast when OpenRouter is unreachable."""

    max_retries: int | None = Field(default=2, ge=0)
    """Retries on 408/409/429/5xx and connection errors, with backoff and `Retry-After`.

    `None` means the default, 2; `0` turns retries off.
    """

    app_url: str | None = Field(default_factory=from_env("OPENROUTER_APP_URL", default=None))
    """Your app's URL, sent as `HTTP-Referer` for OpenRouter's attribution."""

    app_title: str | None = Field(default_factory=from_env("OPENROUTER_APP_TITLE", default=None))
    """Your app's name, sent as `X-Title` and `X-OpenRouter-Title`."""

    app_categories: list[str] | None = None
    """Categories for OpenRouter's app listing, sent as `X-OpenRouter-Categories`."""

    top_k: int | None = None
    """Sample from the k most likely tokens."""
    min_p: float | None = None
    """Minimum probability of a token relative to the most likely one."""
    top_a: float | None = None
    """Dynamic top-p based on the most likely token's probability."""
    repetition_penalty: float | None = None
    """Penalty for repeating tokens (1.0 is none)."""

    thinking_budget: int | None = None
    """Shorthand for `reasoning={"max_tokens": n}`."""

    provider: ProviderPreferences | dict[str, Any] | None = None
    """OpenRouter provider routing preferences (`order`, `only`, `sort`, ...)."""
    models: list[str] | None = None
    """Fallback models, tried in order when the first cannot serve."""
    route: str | None = None
    """Deprecated OpenRouter routing mode (`"fallback"`); prefer `models`."""
    transforms: list[str] | None = None
    """Prompt transforms, e.g. `["middle-out"]`."""
    plugins: list[dict[str, Any]] | None = None
    """OpenRouter plugins (`web`, `file-parser`, `response-healing`, ...)."""
    web_search: bool | dict[str, Any] | None = None
    """Shorthand for the `web` plugin: `True` or its options."""
    session_id: str | None = None
    """Groups requests into one session in OpenRouter's logs (at most 256 characters)."""
    user: str | None = None
    """Your end user's id, for OpenRouter's abuse detection."""
    request_metadata: dict[str, str] | None = None
    """OpenRouter's request `metadata` (named so to keep LangChain's tracing `metadata`)."""
    modalities: list[str] | None = None
    """Output modalities for image-capable models, e.g. `["image", "text"]`."""
    image_config: dict[str, Any] | None = None
    """Image generation options for image-output models."""
    prediction: dict[str, Any] | None = None
    """Predicted output, for models that use it."""

    cache_prompt: bool = False
    """Mark the system prompt as a Gemini prompt-cache breakpoint."""
    pin_provider: bool = True
    """In a tool loop, stay on the provider that issued the thought signatures."""
    gemini_safe_schemas: bool = True
    """Rewrite tool and response schemas into the JSON Schema subset Gemini accepts."""
    response_healing: bool = False
    """Turn on OpenRouter's `response-healing` plugin for structured output."""

    _clients: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _accept_official_names(cls, values: Any) -> Any:
        # `site_url`/`app_name` are langchain-openrouter's spellings; accept them too.
        if isinstance(values, dict):
            for old, new in _RENAMED.items():
                if old in values and new not in values:
                    values = {**values, new: values[old]}
                    del values[old]
        return values

    @field_validator("model_name")
    @classmethod
    def _normalize_model(cls, value: str) -> str:
        return normalize_model_id(value)

    @model_validator(mode="after")
    def validate_environment(self) -> Self:
        """Check the key and base URL; the HTTP clients are built on first use."""
        if self.openai_api_key is None or not self.openai_api_key.get_secret_value().strip():
            msg = (
                "No OpenRouter API key. Set the OPENROUTER_API_KEY environment variable or "
                "pass api_key=... to ChatOpenRouterGemini (keys start with 'sk-or-')."
            )
            raise ValueError(msg)
        if not self.openai_api_base:
            self.openai_api_base = DEFAULT_BASE_URL
        self.openai_api_base = self.openai_api_base.rstrip("/")
        if self.stream_usage is None:
            self.stream_usage = True  # OpenRouter always reports usage.
        return self

    # --- LangChain identity -------------------------------------------------------------

    @property
    def _llm_type(self) -> str:
        return "openrouter-gemini"

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        """The import path LangChain's `load` uses to rebuild this class."""
        return ["langchain_openrouter_gemini", "chat_models"]

    @classmethod
    def is_lc_serializable(cls) -> bool:
        """Models serialize with `dumpd`; the key is stored as a secret reference."""
        return True

    @property
    def lc_secrets(self) -> dict[str, str]:
        """The API key is replaced by a reference to `OPENROUTER_API_KEY` when serialized."""
        return {"openai_api_key": "OPENROUTER_API_KEY"}

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_provider"] = "openrouter"
        return params

    def _resolve_model_profile(self) -> Any:
        from langchain_openrouter_gemini.catalogue import model_profile

        return model_profile(self.model_name)

    def _use_responses_api(self, payload: dict[str, Any]) -> bool:
        # OpenRouter's Gemini support is on Chat Completions; never route elsewhere.
        return False

    @classmethod
    def from_model_string(cls, spec: str, **kwargs: Any) -> ChatOpenRouterGemini:
        """Build a model from a spec like `"openrouter:google/gemini-2.5-flash?temperature=0"`.

        Keyword arguments win over parameters in the string.
        """
        from langchain_openrouter_gemini.model_string import parse_model_string

        return cls(**{**parse_model_string(spec), **kwargs})

    # --- Clients (built lazily so models construct fast and pickle) ---------------------

    def _headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.app_url:
            headers["HTTP-Referer"] = self.app_url
        if self.app_title:
            headers["X-Title"] = self.app_title
            headers["X-OpenRouter-Title"] = self.app_title
        if self.app_categories:
            headers["X-OpenRouter-Categories"] = ",".join(self.app_categories)
        headers.update(self.default_headers or {})
        return headers

    def _client_options(self) -> dict[str, Any]:
        assert self.openai_api_key is not None  # checked in validate_environment
        return {
            "api_key": self.openai_api_key.get_secret_value(),
            "base_url": self.openai_api_base,
            "default_headers": self._headers(),
            "default_query": self.default_query,
            "timeout": self._timeout(),
            "max_retries": 2 if self.max_retries is None else self.max_retries,
        }

    def _sync_client(self) -> openai.OpenAI:
        client = self._clients.get("sync")
        if client is None:
            client = openai.OpenAI(**self._client_options(), http_client=self.http_client)
            self._clients["sync"] = client
        return client

    def _async_client(self) -> openai.AsyncOpenAI:
        client = self._clients.get("async")
        if client is None:
            client = openai.AsyncOpenAI(
                **self._client_options(), http_client=self.http_async_client
            )
            self._clients["async"] = client
        return client

    def __getstate__(self) -> dict[Any, Any]:
        """Pickle without live HTTP clients; a worker process builds its own."""
        state = super().__getstate__()
        private = dict(state.get("__pydantic_private__") or {})
        private["_clients"] = {}
        state["__pydantic_private__"] = private
        return state

    # --- Requests -----------------------------------------------------------------------

    def _get_request_payload(
        self, input_: LanguageModelInput, *, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        messages = self._convert_input(input_).to_messages()
        return build_request_body(self, messages, stop=stop, **kwargs)

    def _timeout(self, *, stream: bool = False) -> httpx2.Timeout:
        """The effective timeout; for streams the read timeout is `stream_chunk_timeout`.

        No bytes at all for that long (OpenRouter's keep-alive comments count as bytes)
        means the stream has stalled. A shorter `timeout` still wins (it also bounds the
        wait for the response head), and `0` / `None` turn the chunk timeout off, as in
        langchain-openai.
        """
        base = self.request_timeout
        if isinstance(base, httpx2.Timeout):
            timeout = base
        elif isinstance(base, tuple):
            timeout = httpx2.Timeout(base[1], connect=base[0])
        else:
            read = float(base) if isinstance(base, (int, float)) else None
            connect = self.connect_timeout if read is None else min(self.connect_timeout, read)
            timeout = httpx2.Timeout(read, connect=connect)
        if stream and self.stream_chunk_timeout:
            read = self.stream_chunk_timeout
            if timeout.read is not None:
                read = min(read, timeout.read)
            timeout = httpx2.Timeout(
                timeout.read,
                connect=timeout.connect,
                read=read,
                write=timeout.write,
                pool=timeout.pool,
            )
        return timeout

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        body = build_request_body(self, messages, stop=stop, **{**kwargs, "stream": False})
        data = _transport.post_json(self._sync_client(), body, self._timeout())
        return completion_to_result(data, output_version=self.output_version)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        body = build_request_body(self, messages, stop=stop, **{**kwargs, "stream": False})
        data = await _transport.apost_json(self._async_client(), body, self._timeout())
        return completion_to_result(data, output_version=self.output_version)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        body = build_request_body(self, messages, stop=stop, **{**kwargs, "stream": True})
        parser = StreamParser(output_version=self.output_version)
        try:
            with _transport.stream_lines(
                self._sync_client(), body, self._timeout(stream=True)
            ) as lines:
                for line in lines:
                    if (chunk := parser.feed(line)) is not None and not parser.done:
                        if run_manager:
                            run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                        yield chunk
                    if parser.done:
                        break  # [DONE]: leave the block, freeing the connection, first
                final = chunk if parser.done else parser.finish()
        except OpenRouterError as error:
            parser.keep_partial(error)  # a stall or a cut: the parser did not see it
            raise
        if final is not None:
            if run_manager:
                run_manager.on_llm_new_token(final.text, chunk=final)
            yield final

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        body = build_request_body(self, messages, stop=stop, **{**kwargs, "stream": True})
        parser = StreamParser(output_version=self.output_version)
        timeout = self._timeout(stream=True)
        try:
            async with _transport.astream_lines(self._async_client(), body, timeout) as lines:
                async for line in lines:
                    if (chunk := parser.feed(line)) is not None and not parser.done:
                        if run_manager:
                            await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                        yield chunk
                    if parser.done:
                        break
                final = chunk if parser.done else parser.finish()
        except OpenRouterError as error:
            parser.keep_partial(error)
            raise
        if final is not None:
            if run_manager:
                await run_manager.on_llm_new_token(final.text, chunk=final)
            yield final

    # --- Token estimates ------------------------------------------------------------------

    def get_num_tokens(self, text: str) -> int:
        """Estimate Gemini tokens in `text` (about 4 characters per token; no tokenizer)."""
        from langchain_openrouter_gemini.tokens import estimate_text_tokens

        return estimate_text_tokens(text)

    def get_num_tokens_from_messages(
        self,
        messages: Sequence[BaseMessage],
        tools: Sequence[Any] | None = None,
        **kwargs: Any,
    ) -> int:
        """Estimate the prompt tokens Gemini will bill for `messages` (and `tools`).

        An estimate by Gemini's published rules (text by length; images, audio, video and
        PDF pages per item), never tiktoken's count for an OpenAI model, and it makes no
        network call. See `langchain_openrouter_gemini.tokens`.
        """
        from langchain_core.utils.function_calling import convert_to_openai_tool

        from langchain_openrouter_gemini.tokens import estimate_tokens

        schemas = [convert_to_openai_tool(tool) for tool in tools or ()]
        return estimate_tokens(messages, schemas or None)

    # --- Structured output --------------------------------------------------------------

    def with_structured_output(
        self,
        schema: Mapping[str, Any] | type | None = None,
        *,
        method: Literal["json_schema", "function_calling", "json_mode"] = "json_schema",
        include_raw: bool = False,
        strict: bool | None = None,
        tools: Sequence[Any] | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, Any]:
        """Return a runnable whose output matches `schema`.

        Args:
            schema: A Pydantic class, TypedDict, or JSON schema (dict).
            method: `"json_schema"` (default; OpenRouter's `response_format`, made
                Gemini-safe), `"function_calling"` (a forced tool call) or `"json_mode"`.
            include_raw: Return `{"raw", "parsed", "parsing_error"}` instead of raising on
                a reply that does not parse.
            strict: Ask OpenRouter for strict schema adherence.
            tools: Extra tools the model may call instead of answering (json_schema only).
            **kwargs: Bound to the model call.

        Raises:
            OutputParserException: (at run time, unless `include_raw`) the reply does not
                parse into the schema; the exception carries the raw text.

        """
        if method != "json_schema":
            return super().with_structured_output(
                schema,  # type: ignore[arg-type]
                method=method,
                include_raw=include_raw,
                strict=strict,
                tools=list(tools) if tools is not None else None,
                **kwargs,
            )
        return structured_output_runnable(
            self, schema, include_raw=include_raw, strict=strict, tools=tools, **kwargs
        )
