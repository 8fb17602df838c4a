"""Tiny HTTP servers on 127.0.0.1 for what the emulator will not do.

The emulator renders well-behaved replies. `LoopbackSSE` sends the hostile but legal
ones it does not make: a stream that stays open after `[DONE]`, bytes after `[DONE]`, a
stream that goes silent. Every POST gets `200 text/event-stream` (chunked) with the
scripted pieces, one chunk each; then the server holds the body open for `hold` seconds,
noting whether the client hung up first, ends it, and waits for the next request on the
same connection. `BrokenServer` breaks the connection before any reply head. Both share
`LoopbackServer`'s socket, accept loop and shutdown.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Sequence
from types import TracebackType

from typing_extensions import Self

_HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/event-stream\r\n"
    b"Cache-Control: no-cache\r\n"
    b"Connection: keep-alive\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n"
)


class LoopbackServer:
    """A server on 127.0.0.1 that handles each connection, on a thread of its own, in `serve`."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)  # so the accept loop sees `_stop` soon
        self._threads: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        """The API base URL to give the model."""
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/api/v1"

    def __enter__(self) -> Self:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    def serve(self, conn: socket.socket) -> None:
        """Handle one accepted connection, and close it."""
        raise NotImplementedError

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self.serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)


class LoopbackSSE(LoopbackServer):
    """Serve `pieces` to every request, then keep the socket open for `hold` seconds.

    Attributes:
        client_hung_up: Set when a client closed its connection while the server was
            still holding it open (what a reader that stops at `[DONE]` does).
        requests: How many requests arrived.
        connections: How many connections they came on (keep-alive reuses one).

    """

    def __init__(self, pieces: Sequence[bytes], *, hold: float = 10.0) -> None:
        super().__init__()
        self.pieces = list(pieces)
        self.hold = hold
        self.client_hung_up = threading.Event()
        self.requests = 0
        self.connections = 0

    def serve(self, conn: socket.socket) -> None:
        self.connections += 1
        with conn:
            # HTTP/1.1 keep-alive: the next request may come on the same connection.
            while not self._stop.is_set() and self._serve_one(conn):
                pass

    def _serve_one(self, conn: socket.socket) -> bool:
        try:
            if not _read_request(conn, self._stop):
                return False
        except OSError:
            return False
        self.requests += 1
        try:
            conn.sendall(_HEAD)
            for piece in self.pieces:
                conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        except OSError:  # the client stopped reading (at [DONE]) and hung up
            self.client_hung_up.set()
            return False
        conn.settimeout(0.05)
        deadline = time.monotonic() + self.hold
        while time.monotonic() < deadline and not self._stop.is_set():
            try:
                if conn.recv(65536) == b"":
                    self.client_hung_up.set()
                    return False
            except TimeoutError:
                continue
            except OSError:
                self.client_hung_up.set()
                return False
        try:
            conn.sendall(b"0\r\n\r\n")
        except OSError:
            self.client_hung_up.set()
            return False
        return True


class BrokenServer(LoopbackServer):
    """Accepts connections, reads each request, then breaks it in one way `how` names.

    `reset`: RST instead of FIN ("connection reset by peer"); `bad-status-line`: a reply
    that is not HTTP; `hang-up`: close without a word.
    """

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how = how
        self.requests = 0

    def serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        with conn:
            conn.recv(65536)
            self.requests += 1
            if self.how == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            elif self.how == "bad-status-line":
                conn.sendall(b"HELLO\r\n\r\n")


def _read_request(conn: socket.socket, stop: threading.Event) -> bool:
    data = b""
    conn.settimeout(0.05)
    while b"\r\n\r\n" not in data:
        try:
            piece = conn.recv(65536)
        except TimeoutError:
            if stop.is_set():
                return False
            continue
        if not piece:
            return False
        data += piece
    conn.settimeout(5)
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        piece = conn.recv(65536)
        if not piece:
            return False
        body += piece
    return True


def sse(*events: str, newline: str = "\n") -> bytes:
    """SSE bytes for `events` (each the text after `data: `), one blank line after each."""
    return "".join(f"data: {event}{newline}{newline}" for event in events).encode()
