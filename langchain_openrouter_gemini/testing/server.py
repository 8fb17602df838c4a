"""`OpenRouterEmulator`: a real loopback HTTP server speaking OpenRouter's wire format."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any

from langchain_openrouter_gemini.testing.faults import Fault
from langchain_openrouter_gemini.testing.framing import API_ROOT
from langchain_openrouter_gemini.testing.generations import generation_record
from langchain_openrouter_gemini.testing.handler import Handler
from langchain_openrouter_gemini.testing.models import ModelRoster
from langchain_openrouter_gemini.testing.render import Rendered
from langchain_openrouter_gemini.testing.replies import Reply
from langchain_openrouter_gemini.testing.signatures import SignatureBook

__all__ = ["EmulatorState", "OpenRouterEmulator", "RecordedRequest"]

_REDACTED_HEADERS = frozenset({"authorization", "x-api-key", "cookie"})


@dataclass(frozen=True)
class RecordedRequest:
    """One request the emulator received, as the client sent it.

    Attributes:
        method: `GET` or `POST`.
        path: The request path with its query string (e.g. `/api/v1/chat/completions`).
        headers: Header names in lower case to values (a header sent more than once
            shows its values joined with ", ", as HTTP reads it).
        body: The parsed JSON body, or `None` when absent or not JSON.
        raw: The body bytes.
        received_at: `time.monotonic()` in the emulator's process when the request
            arrived (for checking a rate limit across clients).

    """

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes = field(repr=False)
    received_at: float = field(default=0.0, compare=False)

    def __repr__(self) -> str:
        # Keys never belong in a repr (test logs, assertion messages).
        shown = {k: ("***" if k in _REDACTED_HEADERS else v) for k, v in self.headers.items()}
        return f"RecordedRequest(method={self.method!r}, path={self.path!r}, headers={shown!r})"


class EmulatorState:
    """What the request threads share: the script, the log, files, signatures. Thread-safe."""

    def __init__(
        self,
        *,
        strict_signatures: bool,
        secret: bytes | None,
        models: Iterable[str] = (),
    ) -> None:
        """Create empty state.

        Args:
            strict_signatures: Require a valid signature on every Gemini tool call.
            secret: The signature secret (random when `None`).
            models: Model ids served on top of the catalogue's.

        """
        self.book = SignatureBook(secret)
        self.roster = ModelRoster(models)
        self.strict_signatures = strict_signatures
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._queue: deque[Reply | Fault] = deque()
        self._requests: list[RecordedRequest] = []
        self._files: dict[str, tuple[bytes, str]] = {}
        self._generations: dict[str, dict[str, Any]] = {}

    def record(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        raw: bytes,
        body: Any = None,
    ) -> None:
        """Log a request.

        Args:
            method: HTTP method.
            path: Path and query.
            headers: The request headers.
            raw: The body bytes.
            body: The parsed JSON body, if any.

        """
        lowered = {name.lower(): value for name, value in headers.items()}
        arrived = time.monotonic()
        with self._lock:
            self._requests.append(RecordedRequest(method, path, lowered, body, raw, arrived))

    def enqueue(self, items: tuple[Reply | Fault, ...]) -> None:
        """Append scripted items.

        Args:
            items: Replies and faults.

        """
        with self._lock:
            self._queue.extend(items)

    def next_item(self) -> Reply | Fault | None:
        """Take the next scripted item.

        Returns:
            The item, or `None` when the script is empty (echo mode).

        """
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the request log.

        Returns:
            The requests, oldest first.

        """
        with self._lock:
            return list(self._requests)

    def pending(self) -> int:
        """How many scripted items are left.

        Returns:
            The count.

        """
        with self._lock:
            return len(self._queue)

    def reset(self) -> None:
        """Forget the script and the request log."""
        with self._lock:
            self._queue.clear()
            self._requests.clear()

    def add_file(self, path: str, data: bytes, content_type: str) -> None:
        """Serve `data` at `path`.

        Args:
            path: The absolute path.
            data: The bytes.
            content_type: The `Content-Type`.

        """
        with self._lock:
            self._files[path] = (data, content_type)

    def file(self, path: str) -> tuple[bytes, str] | None:
        """The file served at `path`.

        Args:
            path: The request path.

        Returns:
            `(bytes, content type)` or `None`.

        """
        with self._lock:
            return self._files.get(path)

    def remember_generation(
        self, rendered: Rendered, streamed: bool, body: Mapping[str, Any] | None = None
    ) -> None:
        """Keep a `/generation` record for a served reply.

        Args:
            rendered: The served reply.
            streamed: Whether it was streamed.
            body: The request it answered (for `session_id` and `user`).

        """
        record = generation_record(rendered, streamed, body)
        with self._lock:
            self._generations[rendered.id] = record

    def spent(self) -> float:
        """USD the served replies have cost so far (for `GET /key`).

        Returns:
            The sum of their `total_cost`.

        """
        with self._lock:
            return sum(float(r.get("total_cost") or 0.0) for r in self._generations.values())

    def generation(self, generation_id: str) -> dict[str, Any] | None:
        """The `/generation` record for an id.

        Args:
            generation_id: The `gen-...` id.

        Returns:
            The record or `None`.

        """
        with self._lock:
            return self._generations.get(generation_id)


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
