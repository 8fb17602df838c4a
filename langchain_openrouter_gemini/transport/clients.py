"""Where the models' SDK clients and HTTP connection pools live, and who may share them.

Two levels, because they cost very different amounts to build:

- A *pool* is the HTTP client requests go out on (its connections and TLS context).
  Building one costs about 20 ms, nearly all of it the TLS context, so every model
  shares: one default pool per process for sync requests, one per event loop for async
  ones (an async connection belongs to the loop that opened it), and a user's own
  `http_client=` / `http_async_client=` is a pool of its own. A pool carries no
  credentials: each request carries its own model's key and headers.
- An *SDK client* (`openai.OpenAI` / `openai.AsyncOpenAI`) binds the key, base URL,
  headers, timeout, retries and query to a pool. Models whose `ConnectionSettings` are
  equal share one; a copy with another key, URL or header gets its own. They are held
  weakly here (strongly by the models using them), so tenants' keys do not pile up.

A loop's async pool is closed while `asyncio.run` (or any runner calling
`loop.shutdown_asyncgens()`) shuts that loop down, so no connection outlives its loop.
`ClientCache.close()` / `aclose()` release one model's clients at once, closing a pool
of ours when no other live model is using it.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import copy
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import AsyncGenerator, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai
from pydantic import SecretStr

from langchain_openrouter_gemini.transport.async_http import (
    DEFAULT_ASYNC_TRANSPORT,
    AsyncTransport,
    build_async_http_client,
)

__all__ = [
    "ClientCache",
    "ConnectionSettings",
    "freeze",
    "new_async_http_client",
    "new_sync_http_client",
]


# SDK clients kept alive per pool after their last model is gone (see `_Pool.recent`).
RECENT_CLIENTS = 32


# --- The one place our own HTTP clients are made ---------------------------------------------


def new_sync_http_client() -> httpx2.Client:
    """A new default sync pool: the SDK's own defaults (limits, redirects)."""
    return openai.DefaultHttpxClient()


def new_async_http_client(transport: AsyncTransport) -> httpx2.AsyncClient:
    """A new default async pool for the running event loop, over `transport`.

    aiohttp through the SDK's supported transport, or httpx2 with the SDK's own defaults
    (also when aiohttp is not installed: `build_async_http_client` says so once).
    """
    return build_async_http_client(transport) or openai.DefaultAsyncHttpxClient()


# --- What decides whether two models may share an SDK client ---------------------------------


class _Same:
    """Compares by identity: a user's HTTP client is shared only with itself."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)

    def __repr__(self) -> str:
        return f"<{type(self.value).__name__} at {id(self.value):#x}>"


def freeze(value: Any) -> Hashable:
    """A hashable stand-in for `value` that is equal exactly when the values are equal."""
    if isinstance(value, Mapping):
        return ("mapping", tuple(sorted(((str(k), freeze(v)) for k, v in value.items()))))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(freeze(v) for v in value))
    try:
        hash(value)
    except TypeError:
        return ("unhashable", type(value).__qualname__, repr(value))
    return (type(value).__qualname__, value)


@dataclass(frozen=True)
class ConnectionSettings:
    """Everything an SDK client is built from; equal settings may share one client.

    The key is compared and hashed like every other setting but never shown in a repr.
    """

    api_key: str = field(repr=False)
    base_url: str
    headers: tuple[tuple[str, str], ...]
    timeout: tuple[tuple[str, float | None], ...]
    max_retries: int
    default_query: Hashable
    http_client: _Same | None
    async_transport: AsyncTransport = DEFAULT_ASYNC_TRANSPORT

    @classmethod
    def build(
        cls,
        *,
        api_key: SecretStr,
        base_url: str,
        headers: Mapping[str, str],
        timeout: httpx2.Timeout,
        max_retries: int,
        default_query: Mapping[str, object] | None,
        http_client: object | None,
        async_transport: AsyncTransport = DEFAULT_ASYNC_TRANSPORT,
    ) -> ConnectionSettings:
        """Settings from a model's fields (`http_client`: the user's own, or `None`)."""
        return cls(
            api_key=api_key.get_secret_value(),
            base_url=base_url,
            headers=tuple(headers.items()),
            timeout=tuple(timeout.as_dict().items()),
            max_retries=max_retries,
            default_query=None if default_query is None else freeze(default_query),
            http_client=None if http_client is None else _Same(http_client),
            async_transport=async_transport,
        )

    def sdk_options(self, default_query: Mapping[str, object] | None) -> dict[str, Any]:
        """Keyword arguments for `openai.OpenAI` / `openai.AsyncOpenAI`."""
        timeout = dict(self.timeout)
        return {
            "api_key": self.api_key,
            "base_url": self.base_url,
            "default_headers": dict(self.headers),
            "default_query": default_query,
            "timeout": httpx2.Timeout(
                timeout["read"],
                connect=timeout["connect"],
                write=timeout["write"],
                pool=timeout["pool"],
            ),
            "max_retries": self.max_retries,
        }


# --- Pools ------------------------------------------------------------------------------------


class _Pool:
    """One HTTP client and the SDK clients built over it.

    `owned`: we built the HTTP client, so we close it; a user's own is never closed here.
    """

    def __init__(self, http: Any, *, owned: bool) -> None:
        self.http = http
        self.owned = owned
        self.closed = False
        self.sdk: weakref.WeakValueDictionary[ConnectionSettings, Any] = (
            weakref.WeakValueDictionary()
        )
        # The last few SDK clients handed out stay alive without a model holding them, so
        # code that builds a model per request does not rebuild one (~0.1 ms) per request.
        self.recent: OrderedDict[ConnectionSettings, Any] = OrderedDict()
        # Models (their caches) holding an SDK client of this pool and not closed.
        self.users: weakref.WeakSet[ClientCache] = weakref.WeakSet()


class _LoopPools:
    """The async pools of one event loop, closed when that loop shuts down."""

    def __init__(self) -> None:
        # One pool per HTTP library (`async_transport`): models on either share the loop's.
        self.defaults: dict[str, _Pool] = {}
        self.watch: AsyncGenerator[None, None] | None = None

    def retire(self) -> list[_Pool]:
        """Mark the loop's pools closed; return the ones whose connections we must close."""
        pools = [pool for pool in self.defaults.values() if not pool.closed]
        for pool in pools:
            pool.closed = True
        self.defaults = {}
        return [pool for pool in pools if pool.owned]


class _Registry:
    """Process-wide: the pools, by kind, user client and loop. Every change is locked."""

    def __init__(self) -> None:
        # One lock, held while a pool or SDK client is built: a burst of threads on fresh
        # models builds each once, not once per thread (the losers' pools would leak).
        self.lock = threading.Lock()
        self.sync_default: _Pool | None = None
        self.user_pools: weakref.WeakKeyDictionary[Any, _Pool] = weakref.WeakKeyDictionary()
        self.loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopPools] = (
            weakref.WeakKeyDictionary()
        )

    def _user_pool(self, http: Any) -> _Pool:
        pool = self.user_pools.get(http)
        if pool is None:
            pool = self.user_pools[http] = _Pool(http, owned=False)
        return pool

    def sync_pool(self, settings: ConnectionSettings) -> _Pool:
        """The pool for sync requests with `settings` (called with the lock held)."""
        if settings.http_client is not None:
            return self._user_pool(settings.http_client.value)
        if self.sync_default is None or self.sync_default.closed:
            self.sync_default = _Pool(new_sync_http_client(), owned=True)
        return self.sync_default

    def async_pool(self, settings: ConnectionSettings) -> _Pool:
        """The pool for async requests on the running loop (called with the lock held)."""
        if settings.http_client is not None:
            return self._user_pool(settings.http_client.value)
        loop = asyncio.get_running_loop()
        pools = self.loops.get(loop)
        if pools is None:
            self._forget_closed_loops()
            pools = self.loops[loop] = _LoopPools()
            pools.watch = _start_watch(loop, pools)
        transport = settings.async_transport
        pool = pools.defaults.get(transport)
        if pool is None:
            pool = pools.defaults[transport] = _Pool(new_async_http_client(transport), owned=True)
        return pool

    def _forget_closed_loops(self) -> None:
        # A loop closed without `shutdown_asyncgens()` never ran its watch; let it go.
        for loop in [loop for loop in self.loops if loop.is_closed()]:
            self.loops.pop(loop).retire()

    def loop_ended(self, loop: asyncio.AbstractEventLoop, pools: _LoopPools) -> list[_Pool]:
        """Forget `loop`'s pools; return those to close."""
        with self.lock:
            if self.loops.get(loop) is pools:
                del self.loops[loop]
            return pools.retire()

    def forget(self, cache: ClientCache, pools: list[_Pool]) -> None:
        """`cache` stops using `pools` and leaves closing them to their loops."""
        with self.lock:
            for pool in pools:
                pool.users.discard(cache)

    def release(self, cache: ClientCache, pool: _Pool) -> bool:
        """`cache` stops using `pool`; True when the pool is ours, unused, and now closed."""
        with self.lock:
            pool.users.discard(cache)
            if not pool.owned or pool.closed or len(pool.users):
                return False
            pool.closed = True
            if pool is self.sync_default:
                self.sync_default = None
            for pools in self.loops.values():
                for transport, default in list(pools.defaults.items()):
                    if default is pool:
                        del pools.defaults[transport]
            return True

    def after_fork(self) -> None:
        """In a forked child: the parent's connections are not ours to use or close."""
        self.lock = threading.Lock()
        for pool in self._all_pools():
            pool.closed = True
            # Kept, never collected: the child must not close (or warn about) sockets
            # that are the parent's.
            _INHERITED.append(pool)
        self.sync_default = None
        self.user_pools = weakref.WeakKeyDictionary()
        self.loops = weakref.WeakKeyDictionary()

    def _all_pools(self) -> list[_Pool]:
        pools = [self.sync_default, *self.user_pools.values()]
        for loop_pools in self.loops.values():
            pools.extend(loop_pools.defaults.values())
        return [pool for pool in pools if pool is not None]

    def close_sync_default(self) -> None:
        """At interpreter exit: close the default sync pool's connections."""
        with self.lock:
            pool, self.sync_default = self.sync_default, None
        if pool is not None and not pool.closed:
            pool.closed = True
            pool.http.close()


_REGISTRY = _Registry()
_INHERITED: list[_Pool] = []
atexit.register(_REGISTRY.close_sync_default)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_REGISTRY.after_fork)


async def _watch(loop: asyncio.AbstractEventLoop, pools: _LoopPools) -> AsyncGenerator[None, None]:
    """Suspended for the loop's life; `shutdown_asyncgens()` resumes it to close the pools."""
    try:
        yield
    finally:
        for pool in _REGISTRY.loop_ended(loop, pools):
            await pool.http.aclose()


def _start_watch(loop: asyncio.AbstractEventLoop, pools: _LoopPools) -> AsyncGenerator[None, None]:
    # Advancing an async generator to its first `yield` registers it with the running
    # loop (its first-iteration hook), which closes it while shutting down. Its body
    # does not await before the yield, so one synchronous step gets there.
    watch = _watch(loop, pools)
    step = watch.asend(None)
    with contextlib.suppress(StopIteration):
        step.send(None)
    return watch


# --- One model's clients -------------------------------------------------------------------


def _same(held: ConnectionSettings, wanted: ConnectionSettings) -> bool:
    # Usually the very object (`ClientCache.settings` hands out one until a field changes).
    return held is wanted or held == wanted


@dataclass(frozen=True)
class _Held:
    settings: ConnectionSettings
    pool: _Pool
    client: Any


class ClientCache:
    """One model's SDK clients: the sync one, and one async client per event loop.

    Each lookup passes the model's current `ConnectionSettings`: a held client serves
    only the settings it was built for, so a copy with another key, URL or header
    (`model_copy(update=...)`) never sends through the original's client. Clients come
    from the process-wide registry, so models with equal settings share them. The cache
    never pickles or deep-copies its clients: a copy, or a model in a worker process,
    looks up its own.
    """

    def __init__(self) -> None:
        """Start empty."""
        self._sync: _Held | None = None
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Held] = (
            weakref.WeakKeyDictionary()
        )
        # Per HTTP client slot (sync, async): the fields the settings were worked out
        # from, a snapshot of them, and the settings (see `settings`).
        self._memo: dict[str, tuple[tuple[Any, ...], object, ConnectionSettings]] = {}

    def settings(
        self,
        slot: str,
        fields: tuple[Any, ...],
        http_client: object,
        build: Callable[[], ConnectionSettings],
    ) -> ConnectionSettings:
        """The settings `build()` makes from `fields`, built again only when those changed.

        Building them costs about four times comparing `fields` with a snapshot of the
        ones they were built from, on every call. The snapshot is a deep copy, so a
        header dict or category list changed in place counts as a change; the HTTP
        client (`http_client`) is compared by identity, never copied.
        """
        memo = self._memo.get(slot)
        if memo is not None and memo[1] is http_client and memo[0] == fields:
            return memo[2]
        built = build()
        # Racing threads may each build; they build equal settings, and the last one stays.
        self._memo[slot] = (copy.deepcopy(fields), http_client, built)
        return built

    @property
    def empty(self) -> bool:
        """Whether this model holds no client."""
        return self._sync is None and not len(self._async)

    def sync(
        self, settings: ConnectionSettings, default_query: Mapping[str, object] | None
    ) -> openai.OpenAI:
        """The sync SDK client for `settings`, shared with every model that has them."""
        held = self._sync
        if held is None or not _same(held.settings, settings) or held.pool.closed:
            with _REGISTRY.lock:
                pool = _REGISTRY.sync_pool(settings)
                held = self._take(held, pool, settings, default_query, openai.OpenAI)
            self._sync = held
        client: openai.OpenAI = held.client
        return client

    def async_(
        self, settings: ConnectionSettings, default_query: Mapping[str, object] | None
    ) -> openai.AsyncOpenAI:
        """The async SDK client for `settings` on the running event loop."""
        loop = asyncio.get_running_loop()
        held = self._async.get(loop)
        if held is None or not _same(held.settings, settings) or held.pool.closed:
            with _REGISTRY.lock:
                pool = _REGISTRY.async_pool(settings)
                held = self._take(held, pool, settings, default_query, openai.AsyncOpenAI)
                self._async[loop] = held
        client: openai.AsyncOpenAI = held.client
        return client

    def _take(
        self,
        previous: _Held | None,
        pool: _Pool,
        settings: ConnectionSettings,
        default_query: Mapping[str, object] | None,
        kind: Any,
    ) -> _Held:
        # Called with the registry lock held.
        client = pool.sdk.get(settings)
        if client is None:
            options = {**settings.sdk_options(default_query), "http_client": pool.http}
            client = pool.sdk[settings] = kind(**options)
        pool.recent[settings] = client
        pool.recent.move_to_end(settings)
        if len(pool.recent) > RECENT_CLIENTS:
            pool.recent.popitem(last=False)
        if previous is not None and previous.pool is not pool:
            previous.pool.users.discard(self)
        pool.users.add(self)
        return _Held(settings, pool, client)

    def close(self) -> None:
        """Release every client; close our sync pool if no other live model uses it.

        Async pools are released too but close with their loop (or with `aclose()` on it).
        """
        held, self._sync = self._sync, None
        if held is not None and _REGISTRY.release(self, held.pool):
            held.pool.http.close()
        held_async, self._async = self._async, weakref.WeakKeyDictionary()
        _REGISTRY.forget(self, [loop_held.pool for loop_held in list(held_async.values())])

    async def aclose(self) -> None:
        """`close()`, and close the running loop's pool if no other live model uses it."""
        held: _Held | None = None
        # Without a running loop there is no async pool to close here.
        with contextlib.suppress(RuntimeError):
            held = self._async.pop(asyncio.get_running_loop(), None)
        self.close()
        if held is not None and _REGISTRY.release(self, held.pool):
            await held.pool.http.aclose()

    def __getstate__(self) -> dict[str, Any]:
        """Pickle as an empty cache: locks and live connections do not travel."""
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickle as an empty cache."""
        self.__init__()  # type: ignore[misc]

    def __copy__(self) -> ClientCache:
        """A copy starts empty and looks up its own clients."""
        return ClientCache()

    def __deepcopy__(self, memo: dict[int, Any]) -> ClientCache:
        """A deep copy starts empty and looks up its own clients."""
        return ClientCache()

    def __repr__(self) -> str:
        built = (["sync"] if self._sync else []) + (["async"] if len(self._async) else [])
        return f"ClientCache(built={built})"
