"""The chat model under test, built one way: pointed at a test server, never at OpenRouter.

Unit tests talk to three kinds of server: the bundled emulator (or a loopback socket
server), both reached at a `base_url`; an in-memory `FakeOpenRouter`; or a bare httpx2
handler function. `chat_model` takes any of them, so a test says only the settings it is
about.
"""

from __future__ import annotations

from typing import Any, Protocol

from langchain_openrouter_gemini import ChatOpenRouterGemini
from tests.unit_tests.fake_transport import FakeOpenRouter, Handler, mock_clients

__all__ = ["TEST_KEY", "HasBaseUrl", "chat_model"]

# The emulator takes any key; tests that check what a key does pass their own.
TEST_KEY = "sk-or-test"


class HasBaseUrl(Protocol):
    """A server on a socket: the emulator, or a loopback server."""

    @property
    def base_url(self) -> str: ...


def chat_model(
    server: HasBaseUrl | FakeOpenRouter | Handler, /, **settings: Any
) -> ChatOpenRouterGemini:
    """A `ChatOpenRouterGemini` whose every request goes to `server`.

    `settings` are the constructor's own arguments and win over the defaults here (the
    test key, and the server's `base_url` or clients).
    """
    where: dict[str, Any]
    if isinstance(server, FakeOpenRouter):
        where = server.clients()
    elif callable(server):
        where = mock_clients(server)
    else:
        where = {"base_url": server.base_url}
    return ChatOpenRouterGemini(**{"api_key": TEST_KEY, **where, **settings})
