"""What every OpenRouter model in this package shares: key, base URL, headers, timeouts, clients.

The chat model and the embeddings declare their connection fields with the factories here
and build their SDK clients through `ClientCache`, so the environment variables, the
missing-key error, the attribution headers, the timeout rules and the retry default exist
once. Requests themselves go through `_transport` (one retry policy, one error mapping).
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import httpx2
import openai
from langchain_core.utils import from_env, secret_from_env
from pydantic import Field, SecretStr

from langchain_openrouter_gemini._async_http import (
    AsyncTransport,
    build_async_http_client,
    close_with_loop,
)

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENVS",
    "DEFAULT_BASE_URL",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "EMULATOR_SERVER_NAME",
    "RENAMED_SETTINGS",
    "SESSION_ID_ENV",
    "ClientCache",
    "api_key_field",
    "app_title_field",
    "app_url_field",
    "attribution_headers",
    "base_url_field",
    "client_options",
    "effective_max_retries",
    "merge_headers",
    "normalize_base_url",
    "require_api_key",
    "resolve_timeout",
    "session_id_field",
    "served_by_emulator",
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
# The `Server` header product the bundled emulator answers with (`OpenRouterEmulator/1`):
# how a reply says it came from the emulator, whatever URL it was reached at.
EMULATOR_SERVER_NAME = "OpenRouterEmulator"


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


def served_by_emulator(headers: Mapping[str, str] | None) -> bool:
    """Whether a reply with these headers came from the bundled OpenRouter emulator."""
    server = (headers or {}).get("server") or (headers or {}).get("Server") or ""
    return isinstance(server, str) and server.split("/", 1)[0] == EMULATOR_SERVER_NAME


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


def client_options(
    *,
    api_key: SecretStr | None,
    base_url: str | None,
    headers: Mapping[str, str],
    timeout: httpx2.Timeout,
    max_retries: int | None,
    default_query: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    """Keyword arguments for `openai.OpenAI` / `openai.AsyncOpenAI`."""
    assert api_key is not None  # every model checks it with `require_api_key` first
    return {
        "api_key": api_key.get_secret_value(),
        "base_url": normalize_base_url(base_url),
        "default_headers": dict(headers),
        "default_query": default_query,
        "timeout": timeout,
        "max_retries": effective_max_retries(max_retries),
    }


# --- Lazily built SDK clients --------------------------------------------------------------


def _forgetter(
    per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any],
    loop: asyncio.AbstractEventLoop,
) -> Callable[[], None]:
    # Weak on the cache's dict, so the closer does not keep the cache (the model) alive.
    cache = weakref.ref(per_loop)

    def forget() -> None:
        if (alive := cache()) is not None:
            alive.pop(loop, None)

    return forget


class ClientCache:
    """The model's SDK clients (whose HTTP pool `_transport` sends through), built on first use.

    Building is locked, so a burst of threads on a fresh model builds one client per kind,
    not one each (the losers' pools would leak connections). The cache never pickles or
    deep-copies its clients: a copy, or a model in a worker process, builds its own.
    """

    def __init__(self) -> None:
        """Start empty."""
        self._lock = threading.Lock()
        self._built: dict[str, Any] = {}
        # Our own async clients, one per event loop: an aiohttp session is bound to its loop.
        self._per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, openai.AsyncOpenAI] = (
            weakref.WeakKeyDictionary()
        )

    @property
    def empty(self) -> bool:
        """Whether no client has been built yet."""
        return not self._built and not self._per_loop

    def _get(self, kind: str, build: Callable[[], Any]) -> Any:
        client = self._built.get(kind)
        if client is None:
            with self._lock:
                client = self._built.get(kind)
                if client is None:
                    client = self._built[kind] = build()
        return client

    def sync(self, options: Callable[[], dict[str, Any]], http_client: Any) -> openai.OpenAI:
        """The sync client, built from `options()` and `http_client` the first time."""
        client: openai.OpenAI = self._get(
            "sync", lambda: openai.OpenAI(**options(), http_client=http_client)
        )
        return client

    def async_(
        self,
        options: Callable[[], dict[str, Any]],
        http_client: Any,
        transport: AsyncTransport = "aiohttp",
    ) -> openai.AsyncOpenAI:
        """The async client: over the user's `http_client`, else one per running event loop.

        A user's client serves every loop (its loop binding is theirs to manage). Ours is
        built over `transport` on the loop that first needs it and closed when that loop
        shuts down.
        """
        if http_client is not None:
            client: openai.AsyncOpenAI = self._get(
                "async", lambda: openai.AsyncOpenAI(**options(), http_client=http_client)
            )
            return client
        loop = asyncio.get_running_loop()
        ours = self._per_loop.get(loop)
        if ours is None:
            with self._lock:
                ours = self._per_loop.get(loop)
                if ours is None:
                    ours = self._per_loop[loop] = openai.AsyncOpenAI(
                        **options(), http_client=build_async_http_client(transport)
                    )
                    close_with_loop(ours, owner=self, forget=_forgetter(self._per_loop, loop))
        return ours

    def __getstate__(self) -> dict[str, Any]:
        """Pickle as an empty cache: locks and live connections do not travel."""
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickle as an empty cache."""
        self.__init__()  # type: ignore[misc]

    def __deepcopy__(self, memo: dict[int, Any]) -> ClientCache:
        """A deep copy starts empty and builds its own clients."""
        return ClientCache()

    def __repr__(self) -> str:
        built = sorted(self._built) + (["async per loop"] if self._per_loop else [])
        return f"ClientCache(built={built})"
