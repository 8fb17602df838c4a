"""Gemini thought signatures: minted per emulator and provider, checked on the way back.

Real Gemini signatures are opaque blobs only the upstream that made them can verify. Here a
signature is an HMAC over (anchor id, provider) with a per-emulator secret, so a client that
drops, edits, or carries a signature to another provider is caught exactly as Gemini would
catch it: HTTP 400 "Function call is missing a thought_signature".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "DEFAULT_PROVIDER",
    "SIGNATURE_FORMAT",
    "SignatureBook",
    "missing_signature_error",
    "serving_provider",
]

SIGNATURE_FORMAT = "google-gemini-v1"
DEFAULT_PROVIDER = "Google AI Studio"
_PROVIDERS_BY_SLUG = {"google-vertex": "Google", "google-ai-studio": "Google AI Studio"}


def serving_provider(body: Mapping[str, Any]) -> str:
    """The provider name that serves a request, from its `provider.order` / `provider.only`.

    Args:
        body: The chat completions request body.

    Returns:
        `"Google"` (Vertex) or `"Google AI Studio"`.

    """
    routing = body.get("provider")
    if isinstance(routing, Mapping):
        for key in ("order", "only"):
            slugs = routing.get(key)
            if isinstance(slugs, list):
                for slug in slugs:
                    name = _PROVIDERS_BY_SLUG.get(str(slug).lower().split("/")[0])
                    if name is not None:
                        return name
    return DEFAULT_PROVIDER


class SignatureBook:
    """Mints and verifies signatures; remembers which tool call ids this emulator issued."""

    def __init__(self, secret: bytes | None = None) -> None:
        """Create a book.

        Args:
            secret: HMAC key; a random one per emulator when `None`.

        """
        self._secret = secret if secret is not None else secrets.token_bytes(32)
        self._issued: set[str] = set()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SignatureBook(issued={len(self._issued)})"

    def mint(self, anchor: str, provider: str) -> str:
        """A signature for `anchor` (a tool call id or generation id) served by `provider`.

        Args:
            anchor: What the signature is tied to.
            provider: The provider name that served the reply.

        Returns:
            The base64 signature for a `reasoning.encrypted` detail's `data`.

        """
        with self._lock:
            self._issued.add(anchor)
        return base64.b64encode(self._digest(anchor, provider)).decode()

    def verifies(self, data: object, anchor: object, provider: str) -> bool:
        """Whether `data` is this book's signature for `anchor` under `provider`.

        Args:
            data: The detail's `data`.
            anchor: The detail's `id`.
            provider: The provider serving the current request.

        Returns:
            True when the signature matches.

        """
        if not isinstance(data, str) or not isinstance(anchor, str):
            return False
        try:
            raw = base64.b64decode(data, validate=True)
        except ValueError:
            return False
        return hmac.compare_digest(raw, self._digest(anchor, provider))

    def issued(self, tool_call_id: str) -> bool:
        """Whether this emulator minted a signature for `tool_call_id`.

        Args:
            tool_call_id: A tool call id from a request's history.

        Returns:
            True when this emulator issued it.

        """
        with self._lock:
            return tool_call_id in self._issued

    def find_rejected_call(
        self,
        messages: Sequence[Any],
        model: str,
        provider: str,
        *,
        strict: bool,
    ) -> tuple[str, int] | None:
        """The first function call Gemini would reject for its thought signature.

        Calls this emulator issued must come back with the signature it minted, unchanged
        and for the same provider (dropped, edited or moved: rejected, as Google rejects
        them). A call it did not issue passes with any well-formed encrypted detail (a
        recorded live conversation replayed offline); without one it is rejected for
        Gemini 3 in the current turn (after the last user message), as Google enforces.
        Histories written by hand for Gemini 2.5 pass, as they do upstream. With `strict`,
        every call needs a signature this emulator issued.

        Args:
            messages: The request's messages.
            model: The request's model id.
            provider: The serving provider's name.
            strict: Require a signature on every tool call.

        Returns:
            `(function name, position)` of the rejected call, or `None` when all pass.

        """
        if "gemini" not in model.lower():
            return None
        gemini_3 = "gemini-3" in model.lower()
        last_user = max(
            (
                i
                for i, m in enumerate(messages)
                if isinstance(m, Mapping) and m.get("role") == "user"
            ),
            default=-1,
        )
        for position, message in enumerate(messages):
            if not isinstance(message, Mapping) or message.get("role") != "assistant":
                continue
            calls = [c for c in message.get("tool_calls") or [] if isinstance(c, Mapping)]
            if not calls:
                continue
            ids = [str(c.get("id")) for c in calls]
            name = str((calls[0].get("function") or {}).get("name", "unknown"))
            encrypted = [
                d
                for d in message.get("reasoning_details") or []
                if isinstance(d, Mapping) and d.get("type") == "reasoning.encrypted"
            ]
            ours = strict or any(self.issued(call_id) for call_id in ids)
            if ours:
                if not any(
                    d.get("id") in ids and self.verifies(d.get("data"), d.get("id"), provider)
                    for d in encrypted
                ):
                    return name, position
                continue
            if any(_well_formed(d.get("data")) for d in encrypted):
                continue
            if gemini_3 and position > last_user:
                return name, position
        return None

    def _digest(self, anchor: str, provider: str) -> bytes:
        message = f"{anchor}\x1f{provider}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).digest()


def _well_formed(data: object) -> bool:
    """Whether `data` looks like a real thought signature: non-empty base64."""
    if not isinstance(data, str) or not data:
        return False
    try:
        base64.b64decode(data, validate=True)
    except ValueError:
        return False
    return True


def missing_signature_error(function_name: str, position: int, provider: str) -> dict[str, Any]:
    """OpenRouter's `error` object for a Gemini thought-signature rejection (HTTP 400).

    Args:
        function_name: The function whose call lacked a valid signature.
        position: The message's position in the request.
        provider: The provider name that rejected it.

    Returns:
        The `error` object (code, message, metadata with `provider_name` and `raw`).

    """
    raw = (
        "Function call is missing a thought_signature in functionCall parts. This is required "
        "for tools to work correctly, and missing thought_signature may lead to degraded model "
        f"performance. Additional data, function call `default_api:{function_name}`, position "
        f"{position}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures "
        "for more details."
    )
    return {
        "code": 400,
        "message": (
            "Gemini models require OpenRouter reasoning details to be preserved in each request. "
            "Send each assistant message back with its reasoning_details unchanged, next to its "
            "tool_calls, and keep the same provider for the whole tool loop."
        ),
        "metadata": {"provider_name": provider, "raw": raw},
    }
