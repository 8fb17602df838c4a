"""An in-memory OpenRouter for unit tests of the class (no sockets)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2 as httpx

from tests.unit_tests.sse import BASE, USAGE, chunk, lines

# What an httpx `MockTransport` calls with each request.
Handler = Callable[[httpx.Request], httpx.Response]


def mock_clients(handler: Handler, library: Any = httpx) -> dict[str, Any]:
    """Sync and async clients of `library` (httpx2 or httpx) that hand every request to `handler`."""
    transport = library.MockTransport(handler)
    return {
        "http_client": library.Client(transport=transport),
        "http_async_client": library.AsyncClient(transport=transport),
    }


def completion(content: str = "Hello!", **message: Any) -> dict[str, Any]:
    return {
        **BASE,
        "object": "chat.completion",
        "system_fingerprint": None,
        "usage": USAGE,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "native_finish_reason": "STOP",
                "logprobs": None,
                "message": {
                    "role": "assistant",
                    "content": content,
                    "refusal": None,
                    "reasoning": None,
                    **message,
                },
            }
        ],
    }


def sse_body(*pieces: str) -> bytes:
    events = [chunk({"role": "assistant", "content": p}) for p in pieces]
    events.append(chunk({"content": ""}, finish="stop", native="STOP"))
    events.append(chunk(choices=False, usage=USAGE))
    return ("\n".join(lines(*events)) + "\n").encode()


class FakeOpenRouter:
    """Records requests; answers JSON or SSE depending on the request's `stream` flag."""

    def __init__(self, reply: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.reply = reply or (lambda body: completion())
        self.stream_pieces: tuple[str, ...] = ("Hel", "lo")

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = json.loads(request.content)
        if body.get("stream"):
            return httpx.Response(
                200,
                content=sse_body(*self.stream_pieces),
                headers={"content-type": "text/event-stream"},
            )
        # OpenRouter pads JSON bodies with whitespace while it waits for the upstream.
        return httpx.Response(
            200,
            content=b"\n   \n" + json.dumps(self.reply(body)).encode(),
            headers={"content-type": "application/json"},
        )

    def clients(self) -> dict[str, Any]:
        return mock_clients(self.handler)
