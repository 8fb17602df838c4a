"""The HTTP request handler: the route tables, keys, and the connection's `ReplyWriter`.

`Handler` implements the `writer.ReplyWriter` primitives that every route frames its reply
with. The shared `EmulatorState` it reads comes from the server it belongs to; both modules
import `state`, not each other.

A route is a function of the handler and the request: `GET_ROUTES` entries take the parsed
query string, `POST_ROUTES` entries the parsed JSON body (`None` when absent or not JSON).
Paths are relative to `API_ROOT`. Every POST route needs an API key (checked before the route
runs); a GET route that needs one calls `handler.require_key()` itself.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler
from typing import Any, NoReturn
from urllib.parse import parse_qs, urlsplit

from langchain_openrouter_gemini.testing.chat import serve_chat
from langchain_openrouter_gemini.testing.embeddings import embeddings_reply
from langchain_openrouter_gemini.testing.framing import API_ROOT, KEEPALIVE
from langchain_openrouter_gemini.testing.keys import key_reply
from langchain_openrouter_gemini.testing.models import models_payload
from langchain_openrouter_gemini.testing.state import EmulatorState
from langchain_openrouter_gemini.testing.writer import send_bytes, send_error, send_json

__all__ = ["API_ROOT", "GET_ROUTES", "POST_ROUTES", "Aborted", "Handler"]


class Aborted(Exception):
    """The emulator is stopping, or the fault script closed the connection."""


def _serve_models(handler: Handler, query: dict[str, list[str]]) -> None:
    send_json(handler, 200, models_payload(query.get("output_modalities", [None])[0]))


def _serve_generation(handler: Handler, query: dict[str, list[str]]) -> None:
    generation_id = query.get("id", [""])[0]
    found = handler.state.generation(generation_id)
    if found is None:
        send_error(handler, 404, f"Generation {generation_id!r} not found.")
    else:
        send_json(handler, 200, {"data": found})


def _serve_key(handler: Handler, query: dict[str, list[str]]) -> None:
    # `key_reply` answers 401 itself, with OpenRouter's wording for a key it cannot use.
    send_json(handler, *key_reply(handler.headers.get("Authorization", ""), handler.state.spent()))


def _serve_embeddings(handler: Handler, body: Any) -> None:
    if body is None:
        send_error(handler, 400, "The request body is not valid JSON.")
        return
    status, payload = embeddings_reply(body)
    send_json(handler, status, payload, padded=status == 200)


def _serve_chat(handler: Handler, body: Any) -> None:
    serve_chat(handler, handler.state, body)


GetRoute = Callable[["Handler", dict[str, list[str]]], None]
PostRoute = Callable[["Handler", Any], None]
GET_ROUTES: dict[str, GetRoute] = {
    "/models": _serve_models,
    "/generation": _serve_generation,
    "/key": _serve_key,
}
POST_ROUTES: dict[str, PostRoute] = {
    "/chat/completions": _serve_chat,
    "/embeddings": _serve_embeddings,
}


class Handler(BaseHTTPRequestHandler):
    """Serves one connection (HTTP/1.1 keep-alive) for an `OpenRouterEmulator`."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; with Nagle on, each reply waits ~40 ms.
    disable_nagle_algorithm = True
    server_version = "OpenRouterEmulator/1"
    sys_version = ""

    @property
    def state(self) -> EmulatorState:
        """The emulator's shared state (queue, recorded requests, files, signatures)."""
        return self.server.state  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: no per-request lines on stderr."""

    def do_GET(self) -> None:
        """Serve the GET routes and files added with `add_file`."""
        self._guard(self._get)

    def do_POST(self) -> None:
        """Serve the POST routes."""
        self._guard(self._post)

    def _guard(self, action: Callable[[], None]) -> None:
        try:
            action()
        except (TimeoutError, Aborted, BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # Routing

    def _get(self) -> None:
        parts = urlsplit(self.path)
        self.state.record(self.command, self.path, _joined_headers(self.headers.items()), b"")
        route = GET_ROUTES.get(parts.path[len(API_ROOT) :]) if _under_root(parts.path) else None
        if route is not None:
            route(self, parse_qs(parts.query))
            return
        served = self.state.file(parts.path)
        if served is None:
            send_error(self, 404, f"No route for GET {parts.path}.")
            return
        data, content_type = served
        send_bytes(self, 200, data, content_type)

    def _post(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self.state.record(self.command, self.path, _joined_headers(self.headers.items()), raw, body)
        path = urlsplit(self.path).path
        route = POST_ROUTES.get(path[len(API_ROOT) :]) if _under_root(path) else None
        if route is None:
            send_error(self, 404, f"No route for POST {path}.")
            return
        if self.require_key():
            route(self, body)

    def require_key(self) -> bool:
        """Check the `Authorization: Bearer <key>` header; answer 401 when it is unusable.

        Returns:
            True when a key was sent; False after a 401 went out.

        """
        authorization = self.headers.get("Authorization")
        if authorization is None:
            # OpenRouter's exact reply when no header is sent at all: no `user_id`.
            error = {"message": "Missing Authentication header", "code": 401}
            send_json(self, 401, {"error": error})
            return False
        scheme, _, key = authorization.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            send_json(self, 401, {"error": {"message": "No auth credentials found", "code": 401}})
            return False
        return True

    # Writing: the `ReplyWriter` primitives (`writer` lays replies out with them)

    def start_body(self, status: int, headers: Mapping[str, str]) -> None:
        """Send the status line and headers of a body whose bytes `write` sends next.

        Args:
            status: The HTTP status.
            headers: Every response header, in the order to send them.

        """
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def write(self, data: bytes) -> None:
        """Send body bytes as they are (a whole body, or part of one a fault cuts or stalls).

        Args:
            data: The bytes.

        """
        self.wfile.write(data)

    def start_stream(self, generation_id: str, provider: str = "") -> None:
        """Send the headers of a chunked `text/event-stream` reply.

        Args:
            generation_id: The `X-Generation-Id` header (omitted when empty).
            provider: The `X-Provider-Name` header (omitted when empty).

        """
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        if generation_id:
            self.send_header("X-Generation-Id", generation_id)
        if provider:
            self.send_header("X-Provider-Name", provider)
        self.end_headers()

    def write_chunk(self, data: bytes) -> None:
        """Send raw bytes as one HTTP chunk, so the client sees them at once.

        Args:
            data: The bytes (an SSE event, a comment, `data: [DONE]`).

        """
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def end_stream(self) -> None:
        """Send the last (empty) HTTP chunk."""
        self.wfile.write(b"0\r\n\r\n")

    def hang_up(self) -> NoReturn:
        """Close the connection mid-reply.

        Raises:
            Aborted: Always, to unwind the route.

        """
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        raise Aborted

    def wait(self, seconds: float, *, keepalive: float = 0.0) -> None:
        """Stay silent for `seconds`; hang up instead if the emulator stops meanwhile.

        Args:
            seconds: How long.
            keepalive: Inside a stream, send a keep-alive comment every this many
                seconds meanwhile (0: none), as OpenRouter does while the model is slow.

        """
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            step = min(left, keepalive) if keepalive > 0 else left
            if self.state.stopping.wait(step):
                self.hang_up()
            if keepalive > 0 and deadline - time.monotonic() > 0:
                self.write_chunk(KEEPALIVE)


def _joined_headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header names in lower case to values; a header sent twice is joined with ", ".

    As HTTP reads a repeated header, so a client that sends `X-Title` twice (under two
    letter cases, say) is seen doing so instead of the last copy hiding the first.
    """
    joined: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined


def _under_root(path: str) -> bool:
    return path.startswith(API_ROOT + "/")
