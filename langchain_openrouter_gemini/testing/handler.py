"""The HTTP request handler: routes, auth, validation, and writing JSON / SSE / faults."""

from __future__ import annotations

import contextlib
import importlib
import json
import socket
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from langchain_openrouter_gemini.testing import server_tools
from langchain_openrouter_gemini.testing.echo import echo_reply
from langchain_openrouter_gemini.testing.embeddings import embeddings_reply
from langchain_openrouter_gemini.testing.faults import Fault
from langchain_openrouter_gemini.testing.keys import key_reply
from langchain_openrouter_gemini.testing.render import (
    Rendered,
    completion_body,
    error_chunk,
    materialize,
    no_choices_body,
    stream_chunks,
)
from langchain_openrouter_gemini.testing.replies import Reply
from langchain_openrouter_gemini.testing.signatures import (
    missing_signature_error,
    serving_provider,
)
from langchain_openrouter_gemini.testing.validation import request_problem

if TYPE_CHECKING:
    from langchain_openrouter_gemini.testing.server import EmulatorState

__all__ = ["API_ROOT", "Handler"]

API_ROOT = "/api/v1"
# OpenRouter pads JSON bodies with whitespace while the model works; clients must skip it.
JSON_PADDING = b"\n         \n"
USER_ID = "user_2emulator0openrouter0000"
_COMPACT = (",", ":")
_KEEPALIVE = b": OPENROUTER PROCESSING\n\n"
_HTML_PAGE = (
    "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class _Aborted(Exception):
    """The emulator is stopping, or the fault script closed the connection."""


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
        """Serve `/models`, `/generation`, `/key`, and files added with `add_file`."""
        self._guard(self._get)

    def do_POST(self) -> None:
        """Serve `/chat/completions` and `/embeddings`."""
        self._guard(self._post)

    def _guard(self, action: Any) -> None:
        try:
            action()
        except (TimeoutError, _Aborted, BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # Routing

    def _get(self) -> None:
        parts = urlsplit(self.path)
        self.state.record(self.command, self.path, dict(self.headers.items()), b"")
        if parts.path == f"{API_ROOT}/models":
            wanted = parse_qs(parts.query).get("output_modalities", ["text"])[0]
            self._send_json(200, _models_payload(wanted))
            return
        if parts.path == f"{API_ROOT}/key":
            self._send_json(*key_reply(self.headers.get("Authorization", ""), self.state.spent()))
            return
        if parts.path == f"{API_ROOT}/generation":
            generation_id = parse_qs(parts.query).get("id", [""])[0]
            found = self.state.generation(generation_id)
            if found is None:
                self._send_error(404, f"Generation {generation_id!r} not found.")
            else:
                self._send_json(200, {"data": found})
            return
        served = self.state.file(parts.path)
        if served is None:
            self._send_error(404, f"No route for GET {parts.path}.")
            return
        data, content_type = served
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _post(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self.state.record(self.command, self.path, dict(self.headers.items()), raw, body)
        route = urlsplit(self.path).path
        if route not in (f"{API_ROOT}/chat/completions", f"{API_ROOT}/embeddings"):
            self._send_error(404, f"No route for POST {urlsplit(self.path).path}.")
            return
        authorization = self.headers.get("Authorization", "")
        scheme, _, key = authorization.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            self._send_json(401, {"error": {"message": "No auth credentials found", "code": 401}})
            return
        if body is None:
            self._send_error(400, "The request body is not valid JSON.")
            return
        if route == f"{API_ROOT}/embeddings":
            status, payload = embeddings_reply(body)
            self._send_json(status, payload, padded=status == 200)
            return
        problem = request_problem(body)
        if problem is not None:
            self._send_error(400, problem)
            return
        provider = serving_provider(body)
        rejected = self.state.book.find_rejected_call(
            body["messages"], body["model"], provider, strict=self.state.strict_signatures
        )
        if rejected is not None:
            self._send_json(
                400, {"error": missing_signature_error(*rejected, provider), "user_id": USER_ID}
            )
            return
        item = self.state.next_item()
        streaming = body.get("stream") is True
        if isinstance(item, Fault):
            self._serve_fault(item, body, streaming)
        else:
            self._serve(item or server_tools.answer(body), body, streaming, None)

    # Replies

    def _render(self, reply: Reply, body: dict[str, Any], streaming: bool) -> Rendered:
        rendered = server_tools.count_searches(materialize(reply, body, self.state.book), body)
        self.state.remember_generation(rendered, streaming, body)
        return rendered

    def _serve(
        self, reply: Reply, body: dict[str, Any], streaming: bool, fault: Fault | None
    ) -> None:
        rendered = self._render(reply, body, streaming)
        if fault is not None and fault.kind == "stall" and fault.before_first_byte:
            self._wait(fault.seconds)
        if streaming:
            self._stream(rendered, fault)
        else:
            self._json_reply(rendered, fault)

    def _json_reply(self, rendered: Rendered, fault: Fault | None) -> None:
        payload = (
            JSON_PADDING
            + json.dumps(
                completion_body(rendered), ensure_ascii=False, separators=_COMPACT
            ).encode()
        )
        if fault is not None and fault.kind in ("mid_stream_error", "error_in_200"):
            payload = json.dumps(self._error_body(fault), separators=_COMPACT).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Generation-Id", rendered.id)
        self.end_headers()
        if fault is not None and fault.kind == "cut":
            self.wfile.write(payload[: len(payload) // 2])
            self._hang_up()
        if fault is not None and fault.kind == "stall" and not fault.before_first_byte:
            self.wfile.write(JSON_PADDING)
            self._wait(fault.seconds)
            payload = payload[len(JSON_PADDING) :]
        self.wfile.write(payload)

    def _stream(self, rendered: Rendered, fault: Fault | None) -> None:
        chunks = stream_chunks(rendered)
        strike = min(fault.after_events, len(chunks)) if fault is not None else -1
        self._start_stream(rendered.id)
        self._write_chunk(_KEEPALIVE)
        for sent in range(len(chunks) + 1):
            if sent == strike and fault is not None:
                if fault.kind == "stall" and fault.before_first_byte:
                    pass  # already waited in _serve, before the headers
                elif fault.kind == "stall":
                    self._wait(fault.seconds)
                elif fault.kind == "cut":
                    self._hang_up()
                elif fault.kind == "mid_stream_error":
                    error = error_chunk(
                        rendered, fault.code, fault.message, fault.metadata, fault.finish_reason
                    )
                    self._write_event(error)
                    self._end_stream()
                    return
            if sent < len(chunks):
                self._write_event(chunks[sent])
            if sent == 0:
                self._write_chunk(_KEEPALIVE)
        self._write_chunk(b"data: [DONE]\n\n")
        self._end_stream()

    # Faults

    def _serve_fault(self, fault: Fault, body: dict[str, Any], streaming: bool) -> None:
        if fault.kind == "status":
            extra = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
            self._send_error(fault.status_code, fault.message, fault.metadata, extra)
        elif fault.kind == "html":
            page = _HTML_PAGE.format(status=fault.status_code).encode()
            self._send_bytes(fault.status_code, page, "text/html; charset=UTF-8")
        elif fault.kind == "empty_body":
            if streaming:
                self._start_stream("")
                self._end_stream()
            else:
                self._send_bytes(200, b"", "application/json")
        elif fault.kind in ("no_choices", "malformed_json"):
            rendered = self._render(echo_reply(body), body, streaming)
            if fault.kind == "no_choices":
                self._serve_no_choices(rendered, streaming)
            else:
                self._serve_malformed(rendered, streaming)
        elif fault.kind == "error_in_200" and streaming:
            rendered = self._render(echo_reply(body), body, streaming)
            self._start_stream(rendered.id)
            error = error_chunk(rendered, fault.code, fault.message, fault.metadata, "error")
            self._write_event(error)
            self._end_stream()
        else:
            self._serve(fault.reply or echo_reply(body), body, streaming, fault)

    def _serve_no_choices(self, rendered: Rendered, streaming: bool) -> None:
        if not streaming:
            self._send_json(200, no_choices_body(rendered, streaming=False), padded=True)
            return
        self._start_stream(rendered.id)
        self._write_event(no_choices_body(rendered, streaming=True))
        self._write_chunk(b"data: [DONE]\n\n")
        self._end_stream()

    def _serve_malformed(self, rendered: Rendered, streaming: bool) -> None:
        if not streaming:
            text = json.dumps(
                completion_body(rendered), ensure_ascii=False, separators=_COMPACT
            ).encode()
            self._send_bytes(200, JSON_PADDING + text[: len(text) // 2], "application/json")
            return
        first, second, *_ = stream_chunks(rendered)
        self._start_stream(rendered.id)
        self._write_event(first)
        broken = json.dumps(second, separators=_COMPACT).encode()
        self._write_chunk(b"data: " + broken[: len(broken) // 2] + b"\n\n")
        self._write_chunk(b"data: [DONE]\n\n")
        self._end_stream()

    def _error_body(self, fault: Fault) -> dict[str, Any]:
        error: dict[str, Any] = {"code": fault.code, "message": fault.message}
        if fault.metadata is not None:
            error["metadata"] = dict(fault.metadata)
        return {"error": error, "user_id": USER_ID}

    # Writing

    def _send_error(
        self,
        status: int,
        message: str,
        metadata: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        error: dict[str, Any] = {"code": status, "message": message}
        if metadata is not None:
            error["metadata"] = dict(metadata)
        self._send_json(status, {"error": error, "user_id": USER_ID}, headers=headers)

    def _send_json(
        self,
        status: int,
        obj: Any,
        *,
        headers: dict[str, str] | None = None,
        padded: bool = False,
    ) -> None:
        data = json.dumps(obj, ensure_ascii=False, separators=_COMPACT).encode()
        self._send_bytes(
            status, JSON_PADDING + data if padded else data, "application/json", headers
        )

    def _send_bytes(
        self,
        status: int,
        data: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _start_stream(self, generation_id: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        if generation_id:
            self.send_header("X-Generation-Id", generation_id)
        self.end_headers()

    def _write_event(self, chunk: dict[str, Any]) -> None:
        self._write_chunk(
            b"data: "
            + json.dumps(chunk, ensure_ascii=False, separators=_COMPACT).encode()
            + b"\n\n"
        )

    def _write_chunk(self, data: bytes) -> None:
        # One HTTP chunk per SSE event: the client sees each event as soon as it is written.
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")

    def _hang_up(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        raise _Aborted

    def _wait(self, seconds: float) -> None:
        if self.state.stopping.wait(seconds):
            self._hang_up()


def _models_payload(output_modalities: str = "text") -> dict[str, Any]:
    try:
        # Imported lazily and by name: the catalogue is optional for the emulator.
        catalogue = importlib.import_module("langchain_openrouter_gemini.catalogue")
        payload: dict[str, Any] = catalogue.models_endpoint_payload(output_modalities)
    except (ImportError, AttributeError):
        return _FALLBACK_MODELS
    return payload


def _fallback_model(model_id: str, name: str, prompt: str, completion: str) -> dict[str, Any]:
    return {
        "id": model_id,
        "canonical_slug": model_id,
        "name": name,
        "created": 1750000000,
        "description": f"{name} (emulator fallback entry; the catalogue module was missing).",
        "context_length": 1048576,
        "architecture": {
            "modality": "text+image+file+audio+video->text",
            "input_modalities": ["text", "image", "file", "audio", "video"],
            "output_modalities": ["text"],
            "tokenizer": "Gemini",
            "instruct_type": None,
        },
        "pricing": {"prompt": prompt, "completion": completion, "request": "0", "image": "0"},
        "top_provider": {
            "context_length": 1048576,
            "max_completion_tokens": 65535,
            "is_moderated": False,
        },
        "per_request_limits": None,
        "supported_parameters": [
            "include_reasoning",
            "max_tokens",
            "reasoning",
            "response_format",
            "seed",
            "stop",
            "structured_outputs",
            "temperature",
            "tool_choice",
            "tools",
            "top_p",
        ],
    }


_FALLBACK_MODELS: dict[str, Any] = {
    "data": [
        _fallback_model(
            "google/gemini-2.5-flash", "Google: Gemini 2.5 Flash", "0.0000003", "0.0000025"
        ),
        _fallback_model("google/gemini-2.5-pro", "Google: Gemini 2.5 Pro", "0.00000125", "0.00001"),
    ]
}
