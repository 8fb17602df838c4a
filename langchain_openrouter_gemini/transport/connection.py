"""What every OpenRouter model in this package shares: key, base URL, headers, timeouts, clients.

The chat model and the embeddings both derive from `OpenRouterConnection`, so their
connection fields, the environment variables, the missing-key error, the attribution
headers, the timeout rules, the retry default and the client lifecycle (`close()`,
`aclose()`, `with model:`) exist once. Clients come from `transport.clients` (shared between models
with equal settings, one async client per event loop); requests go through `transport.exchange`
(one retry policy, one error mapping).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx2
import openai
from langchain_core.utils import from_env, secret_from_env
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, model_validator
from typing_extensions import Self

from langchain_openrouter_gemini.transport.async_http import AsyncTransport, async_transport_field
from langchain_openrouter_gemini.transport.clients import ClientCache, ConnectionSettings

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENVS",
    "DEFAULT_BASE_URL",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "RENAMED_SETTINGS",
    "SESSION_ID_ENV",
    "OpenRouterConnection",
    "api_key_field",
    "app_title_field",
    "app_url_field",
    "attribution_headers",
    "base_url_field",
    "effective_max_retries",
    "merge_headers",
    "normalize_base_url",
    "rename_official_settings",
    "require_api_key",
    "resolve_timeout",
    "session_id_field",
]

API_KEY_ENV = "OPENROUTER_API_KEY"
BASE_URL_ENVS = ("OPENROUTER_BASE_URL", "OPENROUTER_API_BASE")
DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
SESSION_ID_ENV = "OPENROUTER_SESSION_ID"
# Gemini can think for minutes before the first token: a short read timeout would cut
# real answers. Connecting, though, should fail fast.
DEFAULT_TIMEOUT = 600.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 2
# langchain-openrouter's spellings of the attribution settings, accepted as aliases.
RENAMED_SETTINGS = {"site_url": "app_url", "app_name": "app_title"}


# --- Field declarations (one home for the environment variables) ---------------------------


def api_key_field() -> Any:
    """`api_key=` (stored as a secret), defaulting to `OPENROUTER_API_KEY`."""
    return Field(alias="api_key", default_factory=secret_from_env(API_KEY_ENV, default=None))


def base_url_field() -> Any:
    """`base_url=`, defaulting to `OPENROUTER_BASE_URL`, then `OPENROUTER_API_BASE`."""
    return Field(
        alias="base_url", default_factory=from_env(BASE_URL_ENVS, default=DEFAULT_BASE_URL)
    )


def app_url_field() -> Any:
    """`app_url=` (sent as `HTTP-Referer`), defaulting to `OPENROUTER_APP_URL`."""
    return Field(default_factory=from_env("OPENROUTER_APP_URL", default=None))


def app_title_field() -> Any:
    """`app_title=` (sent as `X-Title`), defaulting to `OPENROUTER_APP_TITLE`."""
    return Field(default_factory=from_env("OPENROUTER_APP_TITLE", default=None))


def session_id_field() -> Any:
    """`session_id=`, defaulting to `OPENROUTER_SESSION_ID` (an empty value means unset)."""
    # As in langchain-openrouter: a process can group all its requests without code changes.
    return Field(default_factory=_session_id_from_env)


def _session_id_from_env() -> str | None:
    return os.environ.get(SESSION_ID_ENV) or None


# --- Checks and derived settings -----------------------------------------------------------


def require_api_key(key: SecretStr | None, owner: str) -> None:
    """Raise the missing-key error (naming `owner`, the class) when there is no usable key."""
    if key is None or not key.get_secret_value().strip():
        msg = (
            f"No OpenRouter API key. Set the {API_KEY_ENV} environment variable or "
            f"pass api_key=... to {owner} (keys start with 'sk-or-')."
        )
        raise ValueError(msg)


def normalize_base_url(url: str | None) -> str:
    """The base URL without a trailing slash; the default when none was given."""
    return (url or DEFAULT_BASE_URL).rstrip("/")


def merge_headers(base: Mapping[str, str], extra: Mapping[str, str] | None) -> dict[str, str]:
    """`base` with `extra` on top; a name in `extra` replaces `base`'s in any letter case.

    HTTP header names are case-insensitive, but a dict is not: a plain `update` with
    `{"x-title": ...}` over `{"X-Title": ...}` would send both.
    """
    if not extra:
        return dict(base)
    replaced = {name.lower() for name in extra}
    merged = {name: value for name, value in base.items() if name.lower() not in replaced}
    merged.update(extra)
    return merged


# OpenRouter reads the app's name from either header: the user's value for one replaces
# `app_title` under both, or OpenRouter would be told two names.
_TITLE_HEADERS = ("X-Title", "X-OpenRouter-Title")


def attribution_headers(
    *,
    app_url: str | None,
    app_title: str | None,
    app_categories: list[str] | None,
    default_headers: Mapping[str, str] | None,
) -> dict[str, str]:
    """OpenRouter's attribution headers, then the user's `default_headers` (which win).

    A user header wins whatever its letter case (`x-title` replaces `X-Title`), and a
    title under either name replaces both `app_title` headers.
    """
    headers: dict[str, str] = {}
    if app_url:
        headers["HTTP-Referer"] = app_url
    user_names = {name.lower() for name in default_headers or {}}
    if app_title and not user_names & {name.lower() for name in _TITLE_HEADERS}:
        for name in _TITLE_HEADERS:
            headers[name] = app_title
    if app_categories:
        headers["X-OpenRouter-Categories"] = ",".join(app_categories)
    return merge_headers(headers, default_headers)


def resolve_timeout(request_timeout: Any, connect_timeout: float) -> httpx2.Timeout:
    """The `httpx2.Timeout` for a `timeout=` setting.

    A number is the read (and write/pool) budget, with connecting capped at
    `connect_timeout`; `(connect, read)` sets both; an `httpx2.Timeout` is used as is;
    `None` means no read timeout.
    """
    if isinstance(request_timeout, httpx2.Timeout):
        return request_timeout
    if isinstance(request_timeout, tuple):
        return httpx2.Timeout(request_timeout[1], connect=request_timeout[0])
    read = float(request_timeout) if isinstance(request_timeout, (int, float)) else None
    connect = connect_timeout if read is None else min(connect_timeout, read)
    return httpx2.Timeout(read, connect=connect)


def effective_max_retries(max_retries: int | None) -> int:
    """`None` means the default (2); `0` turns retries off."""
    return DEFAULT_MAX_RETRIES if max_retries is None else max_retries


def rename_official_settings(values: Any) -> Any:
    """`site_url=` / `app_name=` (langchain-openrouter's spellings) as `app_url` / `app_title`."""
    if isinstance(values, dict) and any(old in values for old in RENAMED_SETTINGS):
        values = dict(values)
        for old, new in RENAMED_SETTINGS.items():
            if old in values and new not in values:
                values[new] = values.pop(old)
    return values


def _field_names(
    model: type[BaseModel], update: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """`update` for `model_copy` with aliases and renamed settings as field names."""
    if not update:
        return update
    fields = model.model_fields
    named: dict[str, Any] = {}
    for name, value in rename_official_settings(dict(update)).items():
        if name not in fields:
            name = next((n for n, f in fields.items() if f.alias == name), name)
        named[name] = value
    key = named.get("openai_api_key")
    if isinstance(key, str):
        named["openai_api_key"] = SecretStr(key)
    if "openai_api_base" in named:
        named["openai_api_base"] = normalize_base_url(named["openai_api_base"])
    return named


# --- The shared base of both models --------------------------------------------------------


class OpenRouterConnection(BaseModel):
    """The connection settings and HTTP clients of an OpenRouter model.

    Clients are built on first use and shared with every model whose connection settings
    are equal (a copy with another key, base URL, header, timeout or retry count gets its
    own), with one async client per event loop, closed when that loop shuts down.
    `close()` / `aclose()`, or `with model:` / `async with model:`, release them at once.
    """

    # A constructor error must not quote its input: that would print the API key.
    model_config = ConfigDict(populate_by_name=True, hide_input_in_errors=True)

    openai_api_key: SecretStr | None = api_key_field()
    """OpenRouter API key; defaults to the `OPENROUTER_API_KEY` environment variable."""

    openai_api_base: str | None = base_url_field()
    """API base URL; env `OPENROUTER_BASE_URL` (or `OPENROUTER_API_BASE`)."""

    request_timeout: float | tuple[float, float] | Any | None = Field(
        default=DEFAULT_TIMEOUT, alias="timeout"
    )
    """Seconds to wait for a reply (default 600: Gemini may think for minutes).

    Also accepts `(connect, read)` or an `httpx2.Timeout` for full control.
    """

    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    """Seconds to wait for the connection itself; fails fast when OpenRouter is unreachable."""

    async_transport: AsyncTransport = async_transport_field()
    """HTTP library of the async calls: `"aiohttp"` (default) or `"httpx"` (httpx2).

    aiohttp keeps hundreds of concurrent `ainvoke`s fast, where httpx2's pool slows down;
    `http_async_client=` wins over either. Sync calls always use httpx2.
    """

    max_retries: int | None = Field(default=DEFAULT_MAX_RETRIES, ge=0)
    """Retries on 408/409/429/5xx and connection errors, with backoff and `Retry-After`.

    `None` means the default, 2; `0` turns retries off.
    """

    app_url: str | None = app_url_field()
    """Your app's URL, sent as `HTTP-Referer` for OpenRouter's attribution."""

    app_title: str | None = app_title_field()
    """Your app's name, sent as `X-Title` and `X-OpenRouter-Title`."""

    app_categories: list[str] | None = None
    """Categories for OpenRouter's app listing, sent as `X-OpenRouter-Categories`."""

    default_headers: Mapping[str, str] | None = None
    """Extra headers on every request (they win over the attribution headers)."""

    http_client: Any | None = Field(default=None, exclude=True)
    """An `httpx2.Client` (or legacy `httpx.Client`) for proxies, TLS or pooling.

    Yours to close: `close()` releases it but never closes it.
    """

    http_async_client: Any | None = Field(default=None, exclude=True)
    """The async counterpart of `http_client`; yours to close, like it.

    Its connections belong to the event loop that opened them: use it from one loop (without
    it, each loop gets a pool of its own).
    """

    _clients: ClientCache = PrivateAttr(default_factory=ClientCache)

    @model_validator(mode="before")
    @classmethod
    def _accept_official_names(cls, values: Any) -> Any:
        return rename_official_settings(values)

    @model_validator(mode="after")
    def _check_connection(self) -> Self:
        require_api_key(self.openai_api_key, type(self).__name__)
        self.openai_api_base = normalize_base_url(self.openai_api_base)
        return self

    @property
    def lc_secrets(self) -> dict[str, str]:
        """The API key is replaced by a reference to `OPENROUTER_API_KEY` when serialized."""
        return {"openai_api_key": API_KEY_ENV}

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with `update` on top, which takes the names the constructor takes.

        Pydantic's own `model_copy` knows only field names: `update={"api_key": ...}`
        (the alias) would be stored beside the field and the copy would go on sending
        the original's key. Here an alias or a renamed setting (`site_url=`) means its
        field, and a key given as a plain string is kept as a secret.
        """
        return super().model_copy(update=_field_names(type(self), update), deep=deep)

    # --- Clients (looked up per call, so a copy or a changed field never reuses another's)

    def _headers(self) -> dict[str, str]:
        return attribution_headers(
            app_url=self.app_url,
            app_title=self.app_title,
            app_categories=self.app_categories,
            default_headers=self.default_headers,
        )

    def _default_query(self) -> Mapping[str, object] | None:
        """Query parameters on every request (the chat model has `default_query`)."""
        return None

    def _connection_fields(self) -> tuple[Any, ...]:
        """Every field the connection settings are made from (a subclass adding one extends it)."""
        return (
            self.openai_api_key,
            self.openai_api_base,
            self.request_timeout,
            self.connect_timeout,
            self.max_retries,
            self.app_url,
            self.app_title,
            self.app_categories,
            self.default_headers,
            self._default_query(),
            self.async_transport,
        )

    def _cache(self) -> ClientCache:
        # `self._clients` goes through pydantic's `__getattr__`, whose failed `hasattr`
        # on the private attribute costs more than the rest of a client lookup.
        private = self.__pydantic_private__ or {}
        cache: ClientCache | None = private.get("_clients")
        return self._clients if cache is None else cache

    def _settings(self, slot: str, http_client: Any) -> ConnectionSettings:
        # Worked out again only when a field they come from changed: by assignment, in a
        # copy with `update=`, or in place (see `ClientCache.settings`).
        return self._cache().settings(
            slot, self._connection_fields(), http_client, lambda: self._build_settings(http_client)
        )

    def _build_settings(self, http_client: Any) -> ConnectionSettings:
        key = self.openai_api_key
        require_api_key(key, type(self).__name__)
        assert key is not None  # checked just above
        return ConnectionSettings.build(
            api_key=key,
            base_url=normalize_base_url(self.openai_api_base),
            headers=self._headers(),
            timeout=resolve_timeout(self.request_timeout, self.connect_timeout),
            max_retries=effective_max_retries(self.max_retries),
            default_query=self._default_query(),
            http_client=http_client,
            async_transport=self.async_transport,
        )

    def _sync_client(self) -> openai.OpenAI:
        settings = self._settings("sync", self.http_client)
        return self._cache().sync(settings, self._default_query())

    def _async_client(self) -> openai.AsyncOpenAI:
        """The async client for the running event loop (call it from a coroutine)."""
        settings = self._settings("async", self.http_async_client)
        return self._cache().async_(settings, self._default_query())

    # --- Releasing clients ----------------------------------------------------------------

    def close(self) -> None:
        """Release this model's HTTP clients now.

        Connections of a pool no other live model uses are closed; async pools close
        with their event loop, or with `aclose()` on it. An `http_client=` you passed is
        released, never closed. The model stays usable: the next call looks its clients
        up again.
        """
        self._clients.close()

    async def aclose(self) -> None:
        """`close()`, and close the running event loop's pool if no other live model uses it."""
        await self._clients.aclose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __copy__(self) -> Self:
        # `model_copy` copies private attributes as they are: the copy must not hold the
        # original's clients (with `update=`, its settings differ).
        copied = super().__copy__()
        copied._clients = ClientCache()
        return copied
