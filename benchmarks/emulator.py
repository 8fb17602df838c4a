"""The OpenRouter emulator in its own process, scripted over a pipe.

The emulator runs apart from the clients being measured so its threads do not share their
GIL, its CPU time does not count as theirs, and tracemalloc sees only client allocations.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from multiprocessing.connection import Connection
from types import TracebackType

from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply
from langchain_openrouter_gemini.testing.signatures import DEFAULT_PROVIDER, SignatureBook

__all__ = ["EmulatorProcess", "signature_for"]

# Fixed so the parent can mint thought signatures the emulator (in another process) accepts.
SECRET = b"benchmark-secret-not-for-production-0"


def signature_for(anchor: str, provider: str = DEFAULT_PROVIDER) -> str:
    """A thought signature the benchmark emulator verifies for `anchor`."""
    return SignatureBook(SECRET).mint(anchor, provider)


def _serve(conn: Connection) -> None:
    with OpenRouterEmulator(secret=SECRET) as emulator:
        conn.send(emulator.base_url)
        while True:
            command, payload = conn.recv()
            if command == "stop":
                break
            # Every script starts afresh: the request log would otherwise keep every
            # 30 MB media body alive in the emulator.
            emulator.reset()
            if command == "script":
                emulator.enqueue(*payload)
            conn.send(emulator.pending)


class EmulatorProcess:
    """Starts the emulator in a spawned process; `script()` queues the next replies."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self.base_url = ""

    def __enter__(self) -> EmulatorProcess:
        self._process.start()
        self.base_url = self._conn.recv()
        return self

    def script(self, replies: list[Reply] | tuple[Reply, ...]) -> None:
        """Forget earlier requests and answer the next requests with `replies`, in order."""
        self._conn.send(("script", tuple(replies)))
        self._conn.recv()

    def echo(self) -> None:
        """Forget earlier requests; answer from the request itself (echo mode)."""
        self._conn.send(("echo", None))
        self._conn.recv()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the emulator process."""
        if self._process.is_alive():
            with contextlib.suppress(OSError):
                self._conn.send(("stop", None))
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.terminate()
