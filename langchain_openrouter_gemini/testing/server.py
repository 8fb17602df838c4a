"""`OpenRouterEmulator`: a real loopback HTTP server speaking OpenRouter's wire format."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterable
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any

from langchain_openrouter_gemini.testing.faults import Fault
from langchain_openrouter_gemini.testing.framing import API_ROOT
from langchain_openrouter_gemini.testing.handler import Handler
from langchain_openrouter_gemini.testing.replies import Reply
from langchain_openrouter_gemini.testing.state import EmulatorState, RecordedRequest

# `EmulatorState` and `RecordedRequest` live in `state`; they stay importable from here, where
# they were first published.
__all__ = ["EmulatorState", "OpenRouterEmulator", "RecordedRequest"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # A benchmark opens hundreds of connections at once; the default backlog (5) drops them.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], state: EmulatorState) -> None:
        self.state = state
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Hang up every open connection (idle keep-alive ones included)."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that vanish mid-reply are normal here (timeouts, fault tests): stay quiet.
        return


class OpenRouterEmulator:
    """A local stand-in for `https://openrouter.ai/api/v1`, for tests and offline use.

    Serves `POST /chat/completions` (JSON and SSE) and `GET /models`, answering from a FIFO
    script of `Reply` / `Fault` items, or deterministically from the request (echo mode) once
    the script is empty. Every request is recorded. What OpenRouter refuses is refused the
    same way, before the script is touched: unknown model ids, missing keys, invalid bodies,
    tool loops that lost their thought signatures.

    Example:
        ```python
        with OpenRouterEmulator() as emu:
            emu.enqueue(Reply.text("Hello!"), Fault.status(429, retry_after=1))
            llm = ChatOpenRouterGemini(base_url=emu.base_url, api_key="sk-or-test")
        ```

    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        strict_signatures: bool = False,
        secret: bytes | None = None,
        models: Iterable[str] = (),
    ) -> None:
        """Configure (but do not start) an emulator.

        Args:
            host: The interface to listen on (loopback by default).
            port: The port; 0 picks a free one.
            strict_signatures: Require a thought signature this emulator issued on every
                tool call in the history of a Gemini request. Off by default: signatures
                the emulator issued are always checked (edited, dropped, or moved to another
                provider: HTTP 400, as Google answers), while well-formed ones from elsewhere
                (a recorded live conversation) and hand-written Gemini 2.5 histories pass.
            secret: Signature secret (random per emulator when `None`).
            models: Model ids to serve besides the catalogue's Gemini models, e.g.
                `["openai/gpt-4o"]`, or an endpoint variant such as
                `"google/gemini-2.5-flash:free"`. Any other id is refused as OpenRouter
                refuses it (HTTP 400 "... is not a valid model ID").

        Raises:
            TypeError: When a model id is not a non-empty string.

        """
        self.host = host
        self.port = port
        self._state = EmulatorState(
            strict_signatures=strict_signatures, secret=secret, models=models
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        status = "running" if self._server is not None else "stopped"
        return f"OpenRouterEmulator({self.host}:{self.port}, {status})"

    @property
    def root_url(self) -> str:
        """`http://HOST:PORT` (files from `add_file` are served under it)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """`http://HOST:PORT/api/v1`: the `base_url` to give a client."""
        return self.root_url + API_ROOT

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far (a snapshot, oldest first)."""
        return self._state.requests()

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Only the `POST .../chat/completions` requests."""
        return [r for r in self.requests if r.path.split("?")[0].endswith("/chat/completions")]

    @property
    def pending(self) -> int:
        """Scripted items not yet served."""
        return self._state.pending()

    def start(self) -> OpenRouterEmulator:
        """Bind the port and serve in a background thread.

        Returns:
            The emulator itself.

        Raises:
            RuntimeError: When it is already running.

        """
        if self._server is not None:
            raise RuntimeError("This OpenRouterEmulator is already running; call stop() first.")
        self._state.stopping.clear()
        self._server = _Server((self.host, self.port), self._state)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"openrouter-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, hang up open connections (stalled ones too), and free the port."""
        server, self._server = self._server, None
        if server is None:
            return
        self._state.stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> OpenRouterEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def enqueue(self, *replies: Reply | Fault) -> None:
        """Script the next answers: one item per chat request, first in, first out.

        Args:
            *replies: `Reply` and `Fault` objects.

        Raises:
            TypeError: When an item is neither.

        """
        for item in replies:
            if not isinstance(item, (Reply, Fault)):
                raise TypeError(
                    f"enqueue() takes Reply or Fault objects, got {type(item).__name__}; "
                    "build one with Reply.text(...) or Fault.status(...)."
                )
        self._state.enqueue(replies)

    def reset(self) -> None:
        """Clear the script and the recorded requests."""
        self._state.reset()

    def add_file(self, path: str, data: bytes, content_type: str) -> None:
        """Serve `data` at `GET {root_url}{path}` (e.g. sample downloads while recording).

        Args:
            path: An absolute path such as `/samples/https/example.com/a.png`.
            data: The file's bytes.
            content_type: Its MIME type.

        Raises:
            ValueError: When `path` does not start with `/`.

        """
        if not path.startswith("/"):
            raise ValueError(f"add_file needs an absolute path starting with '/', got {path!r}.")
        self._state.add_file(path, data, content_type)
