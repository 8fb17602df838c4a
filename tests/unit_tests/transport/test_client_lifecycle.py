"""Who a model's HTTP clients belong to: copies, shared pools, event loops, `close()`.

Against the emulator, whose recorded requests show the key and headers each request
carried, and `tests.sockets.open_connections`, which counts this process's open
connections to a server.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import threading
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx2
import pytest
from pydantic import SecretStr

from langchain_openrouter_gemini import ChatOpenRouterGemini, OpenRouterGeminiEmbeddings
from langchain_openrouter_gemini.errors import OpenRouterError
from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator
from tests.sockets import open_connections

KEY_A = "sk-or-v1-tenant-a"
KEY_B = "sk-or-v1-tenant-b"

Model = ChatOpenRouterGemini | OpenRouterGeminiEmbeddings


def chat(emulator: OpenRouterEmulator, **settings: Any) -> ChatOpenRouterGemini:
    return ChatOpenRouterGemini(
        base_url=emulator.base_url, **{"api_key": KEY_A, "max_retries": 0, **settings}
    )


def embeddings(emulator: OpenRouterEmulator, **settings: Any) -> OpenRouterGeminiEmbeddings:
    return OpenRouterGeminiEmbeddings(
        base_url=emulator.base_url, **{"api_key": KEY_A, "max_retries": 0, **settings}
    )


async def acall(model: Model) -> None:
    """One async request: `ainvoke` / `aembed_query`."""
    if isinstance(model, ChatOpenRouterGemini):
        await model.ainvoke("hi")
    else:
        await model.aembed_query("hi")


def call(model: Model, *, use_async: bool = False) -> None:
    """One request: `invoke` / `embed_query`, or `acall` in a fresh event loop."""
    if use_async:
        asyncio.run(acall(model))
    elif isinstance(model, ChatOpenRouterGemini):
        model.invoke("hi")
    else:
        model.embed_query("hi")


BUILDERS: dict[str, Callable[..., Model]] = {"chat": chat, "embeddings": embeddings}


# --- Copies use their own settings --------------------------------------------------------

# field -> (the copy's value, what the copy's request must carry)
COPIES: dict[str, tuple[Any, Callable[[dict[str, str]], bool]]] = {
    "openai_api_key": (SecretStr(KEY_B), lambda h: h["authorization"] == f"Bearer {KEY_B}"),
    "default_headers": ({"X-Tenant": "b"}, lambda h: h.get("x-tenant") == "b"),
    "app_title": ("Tenant B", lambda h: h.get("x-title") == "Tenant B"),
    "app_url": ("https://b.example", lambda h: h.get("http-referer") == "https://b.example"),
}


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("kind", sorted(BUILDERS))
@pytest.mark.parametrize("field", sorted(COPIES))
def test_a_copy_with_other_settings_sends_its_own_not_the_originals(
    openrouter_emulator: OpenRouterEmulator, kind: str, field: str, use_async: bool
) -> None:
    value, carries = COPIES[field]
    original = BUILDERS[kind](openrouter_emulator)
    call(original, use_async=use_async)  # the original's client exists before the copy
    copy = original.model_copy(update={field: value})
    call(copy, use_async=use_async)
    call(original, use_async=use_async)
    first, of_copy, again = (r.headers for r in openrouter_emulator.requests)
    assert carries(of_copy)
    assert not carries(first) and not carries(again)
    assert first["authorization"] == again["authorization"] == f"Bearer {KEY_A}"


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_a_copy_with_another_base_url_goes_there(
    openrouter_emulator: OpenRouterEmulator, kind: str
) -> None:
    original = BUILDERS[kind](openrouter_emulator)
    call(original)
    with OpenRouterEmulator() as other:
        copy = original.model_copy(update={"openai_api_base": other.base_url})
        call(copy)
        call(original)
        assert len(other.requests) == 1
    assert len(openrouter_emulator.requests) == 2


def test_a_copy_with_other_max_retries_retries_as_it_says(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    original = chat(openrouter_emulator, max_retries=0)
    original.invoke("hi")
    copy = original.model_copy(update={"max_retries": 2})
    openrouter_emulator.reset()
    openrouter_emulator.enqueue(*[Fault.status(503, retry_after=0)] * 2)
    copy.invoke("hi")  # two 503s, then the answer: only with the copy's own two retries
    assert len(openrouter_emulator.requests) == 3


def test_an_embeddings_copy_with_other_max_retries_retries_as_it_says() -> None:
    # The emulator's embeddings endpoint takes no scripted faults: a scripted transport.
    statuses = [200, 503, 503, 200]

    def reply(request: httpx2.Request) -> httpx2.Response:
        status = statuses.pop(0)
        if status != 200:
            return httpx2.Response(
                status,
                json={"error": {"code": status, "message": "busy"}},
                headers={"retry-after": "0"},
            )
        data = [{"object": "embedding", "index": 0, "embedding": [0.6, 0.8]}]
        return httpx2.Response(200, json={"object": "list", "data": data, "usage": {}})

    with httpx2.Client(transport=httpx2.MockTransport(reply)) as http:
        original = OpenRouterGeminiEmbeddings(api_key=KEY_A, max_retries=0, http_client=http)
        original.embed_query("hi")
        original.model_copy(update={"max_retries": 2}).embed_query("hi")
    assert statuses == []


def test_bound_and_configured_copies_send_their_own_key(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    original = chat(openrouter_emulator)
    original.invoke("hi")
    copy = original.model_copy(update={"openai_api_key": SecretStr(KEY_B)})
    copy.bind(stop=["zz"]).invoke("hi")
    copy.with_config(tags=["b"]).invoke("hi")
    keys = [r.headers["authorization"] for r in openrouter_emulator.requests]
    assert keys == [f"Bearer {KEY_A}", f"Bearer {KEY_B}", f"Bearer {KEY_B}"]


# --- Equal settings share the transport -------------------------------------------------------


@pytest.fixture
def http_clients_built(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every httpx2 client (sync or async) built from now on; each costs a TLS context."""
    built: list[Any] = []
    for cls in (httpx2.Client, httpx2.AsyncClient):
        real = cls.__init__

        def counting(self: Any, *args: Any, __real: Any = real, **kwargs: Any) -> None:
            built.append(self)
            __real(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counting)
    return built


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_a_model_per_request_builds_no_new_http_client(
    openrouter_emulator: OpenRouterEmulator, kind: str, http_clients_built: list[Any]
) -> None:
    call(BUILDERS[kind](openrouter_emulator))
    http_clients_built.clear()  # the first model may have built the process's pool
    for tenant in range(6):
        key = KEY_A if tenant % 2 else f"sk-or-v1-tenant-{tenant}"
        call(BUILDERS[kind](openrouter_emulator, api_key=key))
    assert http_clients_built == []
    assert len(openrouter_emulator.requests) == 7


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_models_on_one_loop_share_one_async_http_client(
    openrouter_emulator: OpenRouterEmulator, kind: str, http_clients_built: list[Any]
) -> None:
    models = [BUILDERS[kind](openrouter_emulator, api_key=f"sk-or-v1-{i}") for i in range(5)]

    async def main() -> None:
        for model in models:
            await acall(model)

    asyncio.run(main())
    assert len(http_clients_built) == 1


def test_unchanged_copies_share_the_sdk_client_and_changed_ones_do_not(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    model = chat(openrouter_emulator)
    assert model.model_copy()._sync_client() is model._sync_client()
    assert chat(openrouter_emulator)._sync_client() is model._sync_client()
    other = model.model_copy(update={"openai_api_key": SecretStr(KEY_B)})
    assert other._sync_client() is not model._sync_client()


# --- Event loops -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_asyncio_run_twice_on_one_model(openrouter_emulator: OpenRouterEmulator, kind: str) -> None:
    model = BUILDERS[kind](openrouter_emulator)
    call(model, use_async=True)
    call(model, use_async=True)
    assert len(openrouter_emulator.requests) == 2


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_one_model_in_threads_each_running_its_own_loop(
    openrouter_emulator: OpenRouterEmulator, kind: str
) -> None:
    model = BUILDERS[kind](openrouter_emulator)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for _ in range(2):
                call(model, use_async=True)
        except BaseException as exc:  # re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(openrouter_emulator.requests) == 8


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_a_loops_connections_close_when_asyncio_run_ends(
    openrouter_emulator: OpenRouterEmulator, kind: str
) -> None:
    model = BUILDERS[kind](openrouter_emulator)
    call(model, use_async=True)
    assert open_connections(openrouter_emulator.port) == 0


# --- close(), aclose(), with, async with ---------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(BUILDERS))
@pytest.mark.usefixtures("fresh_sync_pool")
def test_with_closes_the_models_connections(
    openrouter_emulator: OpenRouterEmulator, kind: str
) -> None:
    with BUILDERS[kind](openrouter_emulator) as model:
        call(model)
        assert open_connections(openrouter_emulator.port) == 1
    assert open_connections(openrouter_emulator.port) == 0
    call(model)  # a closed model is still usable: it looks its clients up again
    model.close()
    assert open_connections(openrouter_emulator.port) == 0


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_async_with_closes_the_models_connections_on_its_loop(
    openrouter_emulator: OpenRouterEmulator, kind: str
) -> None:
    port = openrouter_emulator.port

    async def main() -> tuple[int, int]:
        async with BUILDERS[kind](openrouter_emulator) as model:
            await acall(model)
            during = open_connections(port)
        return during, open_connections(port)  # the loop is still running here

    assert asyncio.run(main()) == (1, 0)


def test_closing_one_model_leaves_a_model_sharing_its_pool_working(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    first, second = chat(openrouter_emulator), chat(openrouter_emulator, api_key=KEY_B)
    first.invoke("hi")
    second.invoke("hi")
    first.close()
    second.invoke("hi")
    assert [r.headers["authorization"] for r in openrouter_emulator.requests][-1] == (
        f"Bearer {KEY_B}"
    )


def test_close_never_closes_a_users_own_http_client(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    with httpx2.Client() as mine:
        with chat(openrouter_emulator, http_client=mine) as model:
            model.invoke("hi")
        assert not mine.is_closed
        model.invoke("hi")
    assert len(openrouter_emulator.requests) == 2


# --- A failure while reading an error body ---------------------------------------------------


class _Connections:
    """A scripted transport whose replies are 500s with a body that breaks off midway.

    Each reply's body stands for an open connection until it is closed; `open` counts
    those. `library` is httpx2 or the legacy httpx the SDK also accepts (whose responses
    do not close themselves when a read fails).
    """

    def __init__(self, library: Any) -> None:
        self.library = library
        self.open = 0

    def _body(self) -> Any:
        connections, library = self, self.library

        class Body(library.SyncByteStream, library.AsyncByteStream):  # type: ignore[misc,name-defined]
            def __init__(self) -> None:
                connections.open += 1
                self.closed = False

            def __iter__(self) -> Iterator[bytes]:
                yield b'{"error": {"mess'
                raise library.ReadError("connection reset by peer")

            async def __aiter__(self) -> AsyncIterator[bytes]:
                yield b'{"error": {"mess'
                raise library.ReadError("connection reset by peer")

            def close(self) -> None:
                if not self.closed:
                    self.closed = True
                    connections.open -= 1

            async def aclose(self) -> None:
                self.close()

        return Body()

    def reply(self, request: Any) -> Any:
        headers = {"content-type": "application/json"}
        return self.library.Response(500, headers=headers, stream=self._body())


@pytest.mark.parametrize("library", ["httpx2", "httpx"])
@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_a_broken_error_body_does_not_leave_the_connection_open(
    use_async: bool, library: str
) -> None:
    http = importlib.import_module(library)
    connections = _Connections(http)
    transport = http.MockTransport(connections.reply)
    model = ChatOpenRouterGemini(
        api_key=KEY_A,
        max_retries=1,
        http_client=http.Client(transport=transport),
        http_async_client=http.AsyncClient(transport=transport),
    )

    async def consume() -> None:
        async for _chunk in model.astream("hi"):
            pass

    for _ in range(3):
        with pytest.raises(OpenRouterError, match="connection reset"):
            if use_async:
                asyncio.run(consume())
            else:
                list(model.stream("hi"))
    assert connections.open == 0


def test_a_forked_child_opens_its_own_connections(openrouter_emulator: OpenRouterEmulator) -> None:
    model = chat(openrouter_emulator)
    model.invoke("hi")  # the parent's pool holds a connection now
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking with threads (the emulator's) may deadlock.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: must not send on the parent's connection
        code = 1
        try:
            model.invoke("hi from the child")
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    model.invoke("hi again")  # the parent's connection is intact
    assert len(openrouter_emulator.requests) == 3
