"""Async calls on our own aiohttp pool go straight to its session, and lose nothing by it.

Our default async pool is the SDK's aiohttp client; requests skip its httpx2 layer
(`transport.aiohttp_send`). What a user could notice stays as it is over httpx2: the
headers sent, a compressed reply, a redirect, the `httpx2.Response` an error carries, a
proxy from the environment, and a user's own `http_async_client=` is never bypassed.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
from collections.abc import Callable
from typing import Any

import httpx2
import openai
import pytest

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini import errors as e
from langchain_openrouter_gemini._version import __version__
from tests.loopback import LoopbackServer

KEY = "sk-or-v1-direct-path"
TRANSPORTS = ("aiohttp", "httpx")
COMPLETION = {
    "id": "gen-direct",
    "object": "chat.completion",
    "created": 0,
    "model": "google/gemini-2.5-flash",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello over the wire."},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
}

Reply = tuple[int, list[tuple[str, str]], bytes]


def json_reply(body: object, status: int = 200, *, gzipped: bool = False) -> Reply:
    data = json.dumps(body).encode()
    headers = [("Content-Type", "application/json")]
    if gzipped:
        data = gzip.compress(data)
        headers.append(("Content-Encoding", "gzip"))
    return status, headers, data


class CannedServer(LoopbackServer):
    """Answers each request with `reply(request_line)`; keeps what it was sent."""

    def __init__(self, reply: Callable[[str], Reply]) -> None:
        super().__init__()
        self.reply = reply
        self.requests: list[tuple[str, dict[str, str], bytes]] = []

    @property
    def address(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def serve(self, conn: socket.socket) -> None:
        with conn:
            buffer = b""
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                line, *fields = head.decode("latin-1").split("\r\n")
                headers = {
                    k.strip().lower(): v.strip() for k, v in (f.split(":", 1) for f in fields)
                }
                length = int(headers.get("content-length", "0"))
                while len(buffer) < length:
                    buffer += conn.recv(65536)
                body, buffer = buffer[:length], buffer[length:]
                self.requests.append((line, headers, body))
                status, reply_headers, content = self.reply(line)
                out = [f"HTTP/1.1 {status} X", f"Content-Length: {len(content)}"]
                out += [f"{name}: {value}" for name, value in reply_headers]
                conn.sendall("\r\n".join(out).encode() + b"\r\n\r\n" + content)


def ask(model: ChatOpenRouterGemini) -> str:
    async def call() -> str:
        return (await model.ainvoke("hi")).text

    return asyncio.run(call())


def test_default_async_calls_skip_httpx2_and_send_the_same_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_httpx2(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("went through httpx2.AsyncClient.send")

    with CannedServer(lambda line: json_reply(COMPLETION)) as server:
        model = ChatOpenRouterGemini(
            api_key=KEY, base_url=server.base_url, site_url="https://app.test", app_name="Tester"
        )
        monkeypatch.setattr(httpx2.AsyncClient, "send", no_httpx2)
        assert ask(model) == "Hello over the wire."
        monkeypatch.undo()
        # The same model over httpx2: the request must not differ in anything we chose.
        assert ask(model.model_copy(update={"async_transport": "httpx"})) == "Hello over the wire."

    (line, direct, body), (_, over_httpx2, httpx2_body) = server.requests
    assert line == "POST /api/v1/chat/completions HTTP/1.1"
    assert body == httpx2_body
    assert json.loads(body)["model"] == "google/gemini-2.5-flash"
    assert direct["authorization"] == f"Bearer {KEY}"
    assert direct["user-agent"] == f"langchain-openrouter-gemini/{__version__}"
    assert direct["http-referer"] == "https://app.test"
    for name in ("authorization", "content-type", "accept", "accept-encoding", "x-title"):
        assert direct.get(name) == over_httpx2.get(name), name


def test_a_users_http_async_client_is_used_not_bypassed() -> None:
    sent: list[str] = []

    async def hook(request: httpx2.Request) -> None:
        sent.append(str(request.url))

    async def call(server: CannedServer) -> str:
        http = openai.DefaultAioHttpClient(event_hooks={"request": [hook]})
        try:
            model = ChatOpenRouterGemini(
                api_key=KEY, base_url=server.base_url, http_async_client=http
            )
            return (await model.ainvoke("hi")).text
        finally:
            await http.aclose()

    with CannedServer(lambda line: json_reply(COMPLETION)) as server:
        assert asyncio.run(call(server)) == "Hello over the wire."
        assert sent == [f"{server.base_url}/chat/completions"]


def test_a_proxy_from_the_environment_carries_the_async_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with CannedServer(lambda line: json_reply(COMPLETION)) as proxy:
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.address)
        model = ChatOpenRouterGemini(api_key=KEY, base_url="http://openrouter.invalid/api/v1")
        assert ask(model) == "Hello over the wire."
    ((line, _, _),) = proxy.requests
    assert line == "POST http://openrouter.invalid/api/v1/chat/completions HTTP/1.1"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_compressed_reply_is_read_on_either_transport(transport: str) -> None:
    with CannedServer(lambda line: json_reply(COMPLETION, gzipped=True)) as server:
        model = ChatOpenRouterGemini(
            api_key=KEY, base_url=server.base_url, async_transport=transport
        )
        assert ask(model) == "Hello over the wire."


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_redirect_is_followed_on_either_transport(transport: str) -> None:
    def reply(line: str) -> Reply:
        if "/moved/" in line:
            return json_reply(COMPLETION)
        return 307, [("Location", "/moved/chat/completions")], b""

    with CannedServer(reply) as server:
        model = ChatOpenRouterGemini(
            api_key=KEY, base_url=server.base_url, async_transport=transport
        )
        assert ask(model) == "Hello over the wire."
    assert [line for line, _, _ in server.requests] == [
        "POST /api/v1/chat/completions HTTP/1.1",
        "POST /moved/chat/completions HTTP/1.1",
    ]


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_an_error_reply_carries_the_same_httpx2_response_on_either_transport(
    transport: str, gzipped: bool
) -> None:
    error = {"error": {"code": 400, "message": "Invalid messages: content is empty."}}
    with CannedServer(lambda line: json_reply(error, 400, gzipped=gzipped)) as server:
        model = ChatOpenRouterGemini(
            api_key=KEY, base_url=server.base_url, async_transport=transport, max_retries=0
        )
        with pytest.raises(e.OpenRouterBadRequestError) as raised:
            ask(model)
        url = f"{server.base_url}/chat/completions"
    response = raised.value.response
    assert isinstance(response, httpx2.Response)
    assert response.status_code == 400
    assert response.json() == error
    assert response.headers["content-type"] == "application/json"
    assert str(response.request.url) == url
    assert "content is empty" in str(raised.value)
