"""`OpenRouterGeminiEmbeddings`: Gemini embeddings through OpenRouter as LangChain `Embeddings`.

Glue, like the chat model: connection settings and SDK clients come from `transport.connection`,
requests go through `transport.exchange` (the same retry policy and typed errors as chat), and the
wire format lives in `wire/embeddings.py`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from langchain_core.embeddings import Embeddings
from langchain_core.load.serializable import Serializable
from pydantic import ConfigDict, Field, field_validator, model_validator
from typing_extensions import Self

from langchain_openrouter_gemini.checks import check_known_arguments, checked_model_id
from langchain_openrouter_gemini.features.routing import ProviderPreferences, build_openrouter_body
from langchain_openrouter_gemini.model_ids import split_variants
from langchain_openrouter_gemini.transport import connection, exchange
from langchain_openrouter_gemini.usage.callbacks import count_embeddings
from langchain_openrouter_gemini.wire.embeddings import (
    EMBEDDINGS_PATH,
    EmbeddingUsage,
    embeddings_body,
    parse_embeddings,
)

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_EMBEDDING_MODEL",
    "GEMINI_RECOMMENDED_DIMENSIONS",
    "EmbeddingResult",
    "EmbeddingUsage",
    "OpenRouterGeminiEmbeddings",
]

DEFAULT_EMBEDDING_MODEL = "google/gemini-embedding-001"
# OpenRouter's embeddings reference sets no limit on inputs per request; Google's Gemini API
# takes at most 100 texts per batch embedding call, so larger batches are split there.
DEFAULT_CHUNK_SIZE = 100
# Google: gemini-embedding-001 returns 3072 values, and Matryoshka training keeps shorter
# prefixes useful; Google recommends 768, 1536 or 3072.
GEMINI_RECOMMENDED_DIMENSIONS = (768, 1536, 3072)
GEMINI_MAX_DIMENSIONS = 3072

_RENAMED = connection.RENAMED_SETTINGS


@dataclass(frozen=True)
class EmbeddingResult:
    """Vectors (in input order) and what producing them used and cost."""

    vectors: list[list[float]]
    usage: EmbeddingUsage


@dataclass(frozen=True)
class _Batch:
    texts: list[str]
    body: dict[str, Any]


class OpenRouterGeminiEmbeddings(connection.OpenRouterConnection, Serializable, Embeddings):
    """Gemini embedding models served through OpenRouter.

    Example:
        ```python
        from langchain_openrouter_gemini import OpenRouterGeminiEmbeddings

        embeddings = OpenRouterGeminiEmbeddings(dimensions=768, app_title="My App")
        vectors = embeddings.embed_documents(["Oslo is in Norway.", "Lima is in Peru."])
        query = embeddings.embed_query("Which city is in Norway?")
        ```

    The API key comes from `api_key=` or `OPENROUTER_API_KEY`; base URL, attribution
    headers, timeouts and retries work exactly as on `ChatOpenRouterGemini`. What a batch
    cost: `embed_with_usage(...)`, or `get_openrouter_callback()` around any code that
    embeds (vector stores, retrievers).

    """

    # Errors must not echo the constructor's input: it holds the API key.
    model_config = ConfigDict(
        populate_by_name=True,
        extra="forbid",
        protected_namespaces=(),
        hide_input_in_errors=True,
    )

    model: str = DEFAULT_EMBEDDING_MODEL
    """OpenRouter model id, e.g. `google/gemini-embedding-001`."""

    dimensions: int | None = None
    """Vector length to ask for (sent as `dimensions`); the model's own when `None`.

    gemini-embedding-001 returns 3072 values; Google recommends 768, 1536 or 3072 and
    normalises only the full 3072-value vectors.
    """

    encoding_format: Literal["float", "base64"] | None = None
    """How vectors travel: `"base64"` (packed float32) is about four times smaller."""

    query_input_type: str | None = None
    """OpenRouter's `input_type` for `embed_query`, e.g. `"search_query"` (not sent when unset)."""

    document_input_type: str | None = None
    """OpenRouter's `input_type` for `embed_documents`, e.g. `"search_document"`."""

    provider: ProviderPreferences | dict[str, Any] | None = None
    """OpenRouter provider routing preferences (`order`, `only`, `data_collection`, ...)."""

    user: str | None = None
    """Your end user's id, for OpenRouter's abuse detection."""

    chunk_size: int = Field(default=DEFAULT_CHUNK_SIZE, ge=1)
    """Texts per request; longer lists are split and the results joined in order."""

    max_concurrency: int = Field(default=4, ge=1)
    """At most this many requests in flight at once for `aembed_documents`."""

    @model_validator(mode="before")
    @classmethod
    def _check_arguments(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        # Runs before `OpenRouterConnection` renames `site_url` / `app_name`.
        check_known_arguments(
            cls, values, also=_RENAMED, fix="Its settings are listed in the embeddings reference."
        )
        return values

    @field_validator("model")
    @classmethod
    def _normalize_model(cls, value: str) -> str:
        return checked_model_id(value, "embedding", cls.__name__)

    @field_validator("dimensions", mode="before")
    @classmethod
    def _check_dimensions(cls, value: Any) -> Any:
        bad = isinstance(value, bool) or (isinstance(value, (int, float)) and value < 1)
        if value is not None and bad:
            raise ValueError(
                f"dimensions must be a positive whole number such as 768, got {value!r}."
            )
        return value

    @model_validator(mode="after")
    def _check_environment(self) -> Self:
        base, _variants = split_variants(self.model)
        if (
            self.dimensions is not None
            and base.startswith("google/gemini-embedding")
            and self.dimensions > GEMINI_MAX_DIMENSIONS
        ):
            recommended = ", ".join(map(str, GEMINI_RECOMMENDED_DIMENSIONS))
            raise ValueError(
                f"dimensions={self.dimensions} is more than {self.model} returns "
                f"({GEMINI_MAX_DIMENSIONS}); Google recommends {recommended}."
            )
        return self

    # --- LangChain identity -----------------------------------------------------------

    @classmethod
    def is_lc_serializable(cls) -> bool:
        """Serializes with `dumpd`; the key is stored as a secret reference."""
        return True

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        """The import path LangChain's `load` uses to rebuild this class."""
        return ["langchain_openrouter_gemini", "embeddings"]

    @classmethod
    def from_model_string(cls, spec: str, **kwargs: Any) -> OpenRouterGeminiEmbeddings:
        """Build from `"openrouter:google/gemini-embedding-001?dimensions=768"`.

        Keyword arguments win over parameters in the string.
        """
        from langchain_openrouter_gemini.model_ids import parse_embeddings_string

        return cls(**{**parse_embeddings_string(spec), **kwargs})

    # --- Clients (looked up on use: see `OpenRouterConnection`) -----------------------

    def _timeout(self) -> Any:
        return connection.resolve_timeout(self.request_timeout, self.connect_timeout)

    # --- Planning and reading (shared by the sync and async paths) -------------------

    def _plan(self, texts: Sequence[str], input_type: str | None) -> list[_Batch]:
        """Check the texts and split them into request bodies; raises before any request."""
        if isinstance(texts, str):
            raise TypeError(
                "embed_documents takes a list of strings, got one string; "
                "wrap it in a list or use embed_query."
            )
        checked = list(texts)
        for position, text in enumerate(checked):
            if not isinstance(text, str):
                raise TypeError(
                    f"texts[{position}] is {type(text).__name__}, not str; "
                    "embed text only (convert or drop it)."
                )
            if not text.strip():
                raise ValueError(
                    f"texts[{position}] is empty; Gemini cannot embed an empty text "
                    "(drop it, or embed a placeholder word)."
                )
        options = {
            "dimensions": self.dimensions,
            "encoding_format": self.encoding_format,
            "input_type": input_type,
            **build_openrouter_body({"provider": self.provider, "user": self.user}),
        }
        return [
            _Batch(chunk, embeddings_body(self.model, chunk, options))
            for chunk in (
                checked[start : start + self.chunk_size]
                for start in range(0, len(checked), self.chunk_size)
            )
        ]

    def _read(self, batch: _Batch, data: dict[str, Any]) -> EmbeddingResult:
        vectors, usage = parse_embeddings(
            data, expected=len(batch.texts), dimensions=self.dimensions
        )
        count_embeddings(usage.as_usage_metadata(), usage.cost, usage.model or self.model)
        return EmbeddingResult(vectors, usage)

    @staticmethod
    def _join(results: Sequence[EmbeddingResult]) -> EmbeddingResult:
        vectors: list[list[float]] = []
        usage = EmbeddingUsage()
        for result in results:
            vectors.extend(result.vectors)
            usage = usage + result.usage
        return EmbeddingResult(vectors, usage)

    # --- Embedding ----------------------------------------------------------------------

    def embed_with_usage(self, texts: Sequence[str], *, as_query: bool = False) -> EmbeddingResult:
        """Embed `texts` and report the tokens and cost of the request(s).

        Args:
            texts: The texts, each non-empty.
            as_query: Send `query_input_type` instead of `document_input_type`.

        Returns:
            The vectors, in input order, and the summed usage (`cost` is `None` when a
            reply did not report one).

        Raises:
            ValueError: An empty text (no request is sent).
            OpenRouterError: OpenRouter refused or failed (typed, as for chat).
            OpenRouterMalformedResponseError: The reply does not add up.

        """
        input_type = self.query_input_type if as_query else self.document_input_type
        plan = self._plan(texts, input_type)
        if not plan:
            return EmbeddingResult([], EmbeddingUsage())
        client, timeout = self._sync_client(), self._timeout()
        return self._join(
            [
                self._read(
                    batch,
                    exchange.post_json(client, batch.body, timeout, path=EMBEDDINGS_PATH),
                )
                for batch in plan
            ]
        )

    async def aembed_with_usage(
        self, texts: Sequence[str], *, as_query: bool = False
    ) -> EmbeddingResult:
        """Async `embed_with_usage`; at most `max_concurrency` requests run at once."""
        input_type = self.query_input_type if as_query else self.document_input_type
        plan = self._plan(texts, input_type)
        if not plan:
            return EmbeddingResult([], EmbeddingUsage())
        client, timeout = self._async_client(), self._timeout()
        gate = asyncio.Semaphore(self.max_concurrency)

        async def send(batch: _Batch) -> EmbeddingResult:
            async with gate:
                data = await exchange.apost_json(client, batch.body, timeout, path=EMBEDDINGS_PATH)
            return self._read(batch, data)

        tasks = [asyncio.ensure_future(send(batch)) for batch in plan]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            # The first failure (or our own cancellation) stops the batches still waiting,
            # rather than paying for vectors nobody will get.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for task in tasks:
            if not task.cancelled() and (error := task.exception()) is not None:
                raise error
        return self._join([task.result() for task in tasks])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents; one vector per text, in order. `[]` sends nothing."""
        return self.embed_with_usage(texts).vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed one search query."""
        return self.embed_with_usage([text], as_query=True).vectors[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async `embed_documents`."""
        return (await self.aembed_with_usage(texts)).vectors

    async def aembed_query(self, text: str) -> list[float]:
        """Async `embed_query`."""
        return (await self.aembed_with_usage([text], as_query=True)).vectors[0]
