"""What the emulator keeps between requests: the script, the request log, files, generations.

The server owns one `EmulatorState`; every request thread reads and changes it through the
handler. It lives apart from both so that each imports it and neither imports the other.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from langchain_openrouter_gemini.testing.faults import Fault
from langchain_openrouter_gemini.testing.generations import generation_record
from langchain_openrouter_gemini.testing.models import ModelRoster
from langchain_openrouter_gemini.testing.render import Rendered
from langchain_openrouter_gemini.testing.replies import Reply
from langchain_openrouter_gemini.testing.signatures import SignatureBook

__all__ = ["EmulatorState", "RecordedRequest"]

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
