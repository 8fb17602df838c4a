"""`ChatOpenRouterGemini`: Gemini through OpenRouter as a LangChain chat model.

The class is glue: it holds settings, builds the request body, and hands the wire work to
the pure functions in `wire/` and the transport in `transport.exchange`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any, Literal

import httpx2
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LangSmithParams, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.messages.block_translators import register_translator
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_openai.chat_models.base import BaseChatOpenAI
from pydantic import ConfigDict, Field, PrivateAttr, field_validator, model_validator
from typing_extensions import Self

from langchain_openrouter_gemini.chat.calls import (
    StreamReader,
    refuse_unsupported_settings,
    stream_timeout,
    with_reply_headers,
)
from langchain_openrouter_gemini.chat.request import (
    CallOptions,
    build_request_body,
    call_options,
    check_reasoning_settings,
    traced_params,
)
from langchain_openrouter_gemini.chat.settings import RequestSettings
from langchain_openrouter_gemini.chat.structured import structured_output_runnable
from langchain_openrouter_gemini.chat.tool_schemas import keep_recursion
from langchain_openrouter_gemini.checks import (
    check_choice_count,
    check_known_arguments,
    check_max_tokens,
    checked_model_id,
)
from langchain_openrouter_gemini.errors import OpenRouterError
from langchain_openrouter_gemini.features.caching import CacheTTL
from langchain_openrouter_gemini.features.routing import ProviderPreferences
from langchain_openrouter_gemini.features.server_tools import server_tool_choice, split_server_tools
from langchain_openrouter_gemini.transport import connection, exchange
from langchain_openrouter_gemini.usage.account import KeyInfo, afetch_key_info, fetch_key_info
from langchain_openrouter_gemini.usage.generations import (
    DEFAULT_WAIT,
    Generation,
    afetch_generation,
    fetch_generation,
)
from langchain_openrouter_gemini.wire.response import citations
from langchain_openrouter_gemini.wire.response.chat import MODEL_PROVIDER, completion_to_result

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_MODEL", "ChatOpenRouterGemini"]

DEFAULT_MODEL = "google/gemini-2.5-flash"
DEFAULT_BASE_URL = connection.DEFAULT_BASE_URL
DEFAULT_TIMEOUT = connection.DEFAULT_TIMEOUT
DEFAULT_CONNECT_TIMEOUT = connection.DEFAULT_CONNECT_TIMEOUT


_RENAMED = connection.RENAMED_SETTINGS

# `content_blocks` of our replies shows OpenRouter's `url_citation`s as v1 citations.
register_translator(MODEL_PROVIDER, citations.translate_content, citations.translate_content_chunk)


# The connection fields narrow BaseChatOpenAI's (a key is a secret, never a callable).
class ChatOpenRouterGemini(connection.OpenRouterConnection, BaseChatOpenAI):  # type: ignore[misc]
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

    # A constructor error must not quote its input: that would print the API key.
    model_config = ConfigDict(hide_input_in_errors=True)

    model_name: str = Field(default=DEFAULT_MODEL, alias="model")
    """OpenRouter model id, e.g. `google/gemini-2.5-flash` or `google/gemini-2.5-pro:nitro`."""

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
    """OpenRouter's `openrouter:web_search` server tool on every call: `True` or its parameters.

    E.g. `{"max_results": 3, "engine": "exa"}` (see `server_tools.web_search_tool`). The
    deprecated `web` plugin stays available through `plugins=`.
    """
    session_id: str | None = connection.session_id_field()
    """Groups requests into one session in OpenRouter's logs (at most 256 characters).

    Defaults to the `OPENROUTER_SESSION_ID` environment variable (an empty value is unset).
    """
    trace: dict[str, Any] | None = None
    """OpenRouter's broadcast `trace` metadata, forwarded to your observability destinations.

    Known keys: `trace_id`, `trace_name`, `span_name`, `generation_name`, `parent_span_id`;
    other keys travel as custom metadata. Also per call: `invoke(..., trace={...})`.
    """
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
    """Mark the system prompt (else the first user message) as the prompt-cache breakpoint.

    Gemini honours one breakpoint per request, the last; a request that already carries a
    `cache_control` is left as it is. See `langchain_openrouter_gemini.features.caching`.
    """
    cache_ttl: CacheTTL | None = None
    """`"5m"` or `"1h"` for the `cache_prompt` breakpoint (Gemini's cache lasts 5 minutes)."""
    pin_provider: bool = True
    """In a tool loop, stay on the provider that issued the thought signatures."""
    gemini_safe_schemas: bool = True
    """Rewrite tool and response schemas into the JSON Schema subset Gemini accepts.

    Only when a Gemini model may serve the request (the model, or one of `models`); other
    vendors' models get the schemas exactly as given.
    """
    response_healing: bool = False
    """Turn on OpenRouter's `response-healing` plugin for structured output."""

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_arguments(cls, values: Any) -> Any:
        # Runs before BaseChatOpenAI's `build_extra`, which would only warn and send the
        # misspelt name in the body, where OpenRouter ignores it.
        if isinstance(values, dict):
            check_known_arguments(cls, values, also=_RENAMED)
        return values

    @field_validator("model_name")
    @classmethod
    def _normalize_model(cls, value: str) -> str:
        return checked_model_id(value, "chat", cls.__name__)

    @field_validator("max_tokens")
    @classmethod
    def _positive_max_tokens(cls, value: int | None) -> int | None:
        check_max_tokens(value, source=f"{cls.__name__}(max_tokens=...)")
        return value

    @model_validator(mode="after")
    def validate_environment(self) -> Self:
        """Settle the settings; the key and base URL are checked by `OpenRouterConnection`.

        Named as in `BaseChatOpenAI` so that its check (which builds OpenAI clients at
        construction) is replaced, not run: clients are built on first use.
        """
        refuse_unsupported_settings(self)
        check_choice_count(self.n, source=f"{type(self).__name__}(n=...)")
        if self.stream_usage is None:
            self.stream_usage = True  # OpenRouter always reports usage.
        check_reasoning_settings(self._request_settings())
        return self

    # --- Request settings (see `chat/settings.py`) ----------------------------------------

    # Built on first use, dropped whenever a field is set or the model is copied (a
    # `model_copy(update=...)` writes the copy's fields directly, after `__copy__`).
    _settings_cache: RequestSettings | None = PrivateAttr(default=None)

    def _request_settings(self) -> RequestSettings:
        """The settings the request body is built from, as the fields are now."""
        private = self.__pydantic_private__
        settings = None if private is None else private.get("_settings_cache")
        if settings is None:
            settings = RequestSettings.from_fields(type(self), self.__dict__)
            if private is not None:
                private["_settings_cache"] = settings
        return settings

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in type(self).model_fields and self.__pydantic_private__ is not None:
            self.__pydantic_private__["_settings_cache"] = None

    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied._settings_cache = None
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        copied = super().__deepcopy__(memo)
        copied._settings_cache = None
        return copied

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

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_provider"] = "openrouter"
        return params

    @property
    def _default_params(self) -> dict[str, Any]:
        # What the model's settings send (tracing and `_identifying_params` show it), from
        # the same settings and steps as the body; `stream` as `BaseChatOpenAI` shows it.
        return traced_params(self._request_settings())

    def _get_invocation_params(
        self, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        # LangSmith's record of the call: the body fields this call sends, but the messages.
        settings = self._request_settings()
        params = traced_params(settings, stop=stop, **kwargs)
        return {"model_name": settings.model, "_type": self._llm_type, **params}

    def _resolve_model_profile(self) -> Any:
        # The catalogue; for a model it does not know, `GET /models` (once per process, and
        # only with a key); else a generic profile. Never raises.
        from langchain_openrouter_gemini.catalogue import resolve_profile

        key = self.openai_api_key.get_secret_value().strip() if self.openai_api_key else None
        return resolve_profile(
            self.model_name, base_url=self.openai_api_base or DEFAULT_BASE_URL, api_key=key
        )

    def _use_responses_api(self, payload: dict[str, Any]) -> bool:
        # OpenRouter's Gemini support is on Chat Completions; never route elsewhere.
        return False

    @classmethod
    def from_model_string(cls, spec: str, **kwargs: Any) -> ChatOpenRouterGemini:
        """Build a model from a spec like `"openrouter:google/gemini-2.5-flash?temperature=0"`.

        Keyword arguments win over parameters in the string.
        """
        from langchain_openrouter_gemini.model_ids import parse_model_string

        return cls(**{**parse_model_string(spec), **kwargs})

    # --- Clients (looked up on use: see `OpenRouterConnection`) -----------------------

    def _default_query(self) -> Mapping[str, object] | None:
        return self.default_query

    # --- Requests -----------------------------------------------------------------------

    def _get_request_payload(
        self, input_: LanguageModelInput, *, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        # `_generate` and `_stream` pass their message list; other input is converted.
        if isinstance(input_, list) and all(isinstance(m, BaseMessage) for m in input_):
            messages: list[BaseMessage] = input_
        else:
            messages = self._convert_input(input_).to_messages()
        return build_request_body(self._request_settings(), messages, stop=stop, **kwargs)

    def _timeout(
        self, *, stream: bool = False, options: CallOptions | None = None
    ) -> httpx2.Timeout:
        """The effective timeout: the call's `timeout=` if it set one, else the model's.

        For streams the read timeout is at most `stream_chunk_timeout`: no byte at all for
        that long means no chunk either (see `_stream_chunk_limit`).
        """
        given = options is not None and options.has_timeout
        setting = options.timeout if options is not None and given else self.request_timeout
        timeout = connection.resolve_timeout(setting, self.connect_timeout)
        return stream_timeout(timeout, self._stream_chunk_limit()) if stream else timeout

    def _stream_chunk_limit(self) -> float | None:
        """`stream_chunk_timeout` as langchain-openai documents it, or `None` when off.

        The longest gap allowed between two chunks of a stream (SSE events). OpenRouter's
        `: OPENROUTER PROCESSING` keep-alive comments are not chunks, so they do not
        reset it: a stream that only keeps alive has stalled. `0` / `None` turn it off.
        """
        return self.stream_chunk_timeout or None

    def _prepare(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        kwargs: dict[str, Any],
        *,
        stream: bool,
    ) -> tuple[dict[str, Any], exchange.RequestExtras, httpx2.Timeout]:
        # `stream` is LangChain's decision (it weighed `disable_streaming`), never the field.
        # The body comes from `_get_request_payload`, so a subclass's override is honoured
        # on every path, as `BaseChatOpenAI` does.
        options = call_options(kwargs)
        body = self._get_request_payload(messages, stop=stop, **{**kwargs, "stream": stream})
        extras = exchange.RequestExtras(
            headers=options.headers,
            query=options.query,
            # Filled by the transport when `include_response_headers` asks for them.
            reply_headers={} if self.include_response_headers else None,
        )
        return body, extras, self._timeout(stream=stream, options=options)

    def _result(
        self, data: dict[str, Any], reply_headers: dict[str, str] | None, *, image_output: bool
    ) -> ChatResult:
        result = completion_to_result(
            data, output_version=self.output_version, image_output=image_output
        )
        with_reply_headers(result, reply_headers)
        return result

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        body, extras, timeout = self._prepare(messages, stop, kwargs, stream=False)
        data = exchange.post_json(self._sync_client(), body, timeout, extras=extras)
        return self._result(data, extras.reply_headers, image_output=_asks_for_images(body))

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        body, extras, timeout = self._prepare(messages, stop, kwargs, stream=False)
        data = await exchange.apost_json(self._async_client(), body, timeout, extras=extras)
        return self._result(data, extras.reply_headers, image_output=_asks_for_images(body))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        body, extras, timeout = self._prepare(messages, stop, kwargs, stream=True)
        reader = self._reader(body, extras)
        try:
            with exchange.stream_lines(
                self._sync_client(), body, timeout, extras=extras, chunk_timeout=reader.limit
            ) as lines:
                for line in lines:
                    if (chunk := reader.feed(line)) is not None:
                        if run_manager:
                            run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                        yield chunk
                    if reader.done:
                        break  # [DONE]: leave the block, freeing the connection, first
                final = reader.final()
        except OpenRouterError as error:
            reader.keep_partial(error)  # a stall or a cut: the parser did not see it
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
        body, extras, timeout = self._prepare(messages, stop, kwargs, stream=True)
        reader = self._reader(body, extras)
        try:
            async with exchange.astream_lines(
                self._async_client(), body, timeout, extras=extras, chunk_timeout=reader.limit
            ) as lines:
                async for line in lines:
                    if (chunk := reader.feed(line)) is not None:
                        if run_manager:
                            await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                        yield chunk
                    if reader.done:
                        break
                final = reader.final()
        except OpenRouterError as error:
            reader.keep_partial(error)
            raise
        if final is not None:
            if run_manager:
                await run_manager.on_llm_new_token(final.text, chunk=final)
            yield final

    def _reader(self, body: Mapping[str, Any], extras: exchange.RequestExtras) -> StreamReader:
        """One stream's reply state, shared by `_stream` and `_astream`."""
        return StreamReader(
            output_version=self.output_version,
            image_output=_asks_for_images(body),
            reply_headers=extras.reply_headers,
            limit=self._stream_chunk_limit(),
        )

    # --- Cost and account -----------------------------------------------------------------

    def get_generation(
        self, generation: str | BaseMessage, *, wait: float = DEFAULT_WAIT
    ) -> Generation:
        """OpenRouter's record of one generation: exact cost, cache discount, tokens, latency.

        Args:
            generation: A reply of this model (its `response_metadata["id"]` is used) or a
                `gen-...` id.
            wait: Seconds to keep retrying while OpenRouter has not recorded the generation
                yet (it takes a moment after the reply ends); `0` raises at the first 404.

        Raises:
            OpenRouterGenerationNotFoundError: Still unknown after `wait` seconds.
            ValueError: `generation` names no generation id.

        """
        return fetch_generation(self._sync_client(), self._timeout(), generation, wait=wait)

    async def aget_generation(
        self, generation: str | BaseMessage, *, wait: float = DEFAULT_WAIT
    ) -> Generation:
        """Async `get_generation`."""
        client = self._async_client()
        return await afetch_generation(client, self._timeout(), generation, wait=wait)

    def get_key_info(self) -> KeyInfo:
        """The API key's spending limit, what is left of it, and its usage (`GET /key`)."""
        return fetch_key_info(self._sync_client(), self._timeout())

    async def aget_key_info(self) -> KeyInfo:
        """Async `get_key_info`."""
        return await afetch_key_info(self._async_client(), self._timeout())

    # --- Token estimates ------------------------------------------------------------------

    def get_num_tokens(self, text: str) -> int:
        """Estimate Gemini tokens in `text` (about 4 characters per token; no tokenizer)."""
        from langchain_openrouter_gemini.usage.tokens import estimate_text_tokens

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
        network call. See `langchain_openrouter_gemini.usage.tokens`.
        """
        from langchain_core.utils.function_calling import convert_to_openai_tool

        from langchain_openrouter_gemini.usage.tokens import estimate_tokens

        schemas = [convert_to_openai_tool(tool) for tool in tools or ()]
        return estimate_tokens(messages, schemas or None)

    # --- Tools ----------------------------------------------------------------------------

    def bind_tools(
        self,
        tools: Sequence[Mapping[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: Any = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (as `BaseChatOpenAI.bind_tools`), OpenRouter server tools included.

        Server tools such as `{"type": "openrouter:web_search"}` (see
        `server_tools.web_search_tool`) are sent as they are, after the function tools, and
        `tool_choice="openrouter:web_search"` forces one. OpenRouter runs them itself: the
        reply carries the answer and its citations, not a tool call.
        """
        functions, servers = split_server_tools(list(tools))
        # A recursive schema is converted here, keeping its `$ref`s: langchain-core's
        # conversion would erase the recursion before the Gemini-safe rewrite inlines it.
        strict = kwargs.get("strict")
        functions = [keep_recursion(tool, strict=strict) for tool in functions]
        bound = super().bind_tools(functions, tool_choice=server_tool_choice(tool_choice), **kwargs)
        if not servers:
            return bound
        bound_kwargs = dict(getattr(bound, "kwargs", {}))
        bound_kwargs["tools"] = [*bound_kwargs.get("tools", []), *servers]
        return self.bind(**bound_kwargs)

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
                a reply that does not parse or is incomplete.
            strict: Ask OpenRouter for strict schema adherence.
            tools: Extra tools the model may call instead of answering (json_schema only).
            **kwargs: Bound to the model call.

        Raises:
            OutputParserException: (at run time, unless `include_raw`) the reply does not
                parse into the schema; the exception carries the raw text.
            OpenRouterIncompleteOutputError: (at run time, unless `include_raw`; streamed
                or not) the reply ended with `finish_reason` `length`, `content_filter` or
                `error`, so it is a fragment; the error names the reason and `max_tokens`.

        """
        return structured_output_runnable(
            self,
            schema,
            method=method,
            include_raw=include_raw,
            strict=strict,
            tools=tools,
            **kwargs,
        )


def _asks_for_images(body: Mapping[str, Any]) -> bool:
    # A reply to an image request is a list of blocks, read whole or streamed alike.
    modalities = body.get("modalities")
    return isinstance(modalities, list) and "image" in modalities
