"""Where cassette tests send traffic, and how cassettes are written.

- Replay (default, `--record-mode=none`): no network; a missing cassette fails the test
  with its path.
- Record against the emulator (`--record-mode=rewrite` without `OPENROUTER_API_KEY`, or
  with `OPENROUTER_RECORD_AGAINST=emulator`): the bundled emulator stands in for
  OpenRouter; cassettes still hold `https://openrouter.ai/api/v1/...` URLs and say in their
  header and in every response that they came from the emulator.
- Record live (`--record-mode=rewrite` with `OPENROUTER_API_KEY` set): real OpenRouter.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from vcr.serializers import yamlserializer

LIVE_BASE_URL = "https://openrouter.ai/api/v1"
CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"
REPLAY_KEY = "sk-or-replay-placeholder"
SAMPLES_PREFIX = "/samples/"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Target:
    mode: Literal["replay", "emulator", "live"]
    base_url: str = LIVE_BASE_URL
    api_key: str = REPLAY_KEY
    emulator: Any = None  # OpenRouterEmulator while recording against it

    @property
    def recording(self) -> bool:
        return self.mode != "replay"

    def provenance(self) -> str:
        today = dt.date.today().isoformat()
        if self.mode == "live":
            return f"recorded LIVE against OpenRouter ({LIVE_BASE_URL}) on {today}"
        return (
            f"recorded on {today} against the langchain-openrouter-gemini OpenRouter EMULATOR "
            "(langchain_openrouter_gemini.testing), NOT live OpenRouter; URLs were rewritten "
            "to openrouter.ai so replay matches. Re-record live: OPENROUTER_API_KEY=... "
            "make pytest PYTEST_ARGS='--record-mode=rewrite'"
        )


# Set by the session fixture; read by the serializer and request hooks.
TARGET = Target("replay")


def choose_target(record_mode: str) -> Target:
    if record_mode == "none":
        return Target("replay")
    key = os.environ.get("OPENROUTER_API_KEY")
    if key and os.environ.get("OPENROUTER_RECORD_AGAINST", "live") != "emulator":
        return Target("live", api_key=key)
    from langchain_openrouter_gemini.testing import OpenRouterEmulator

    emulator = OpenRouterEmulator()
    emulator.start()
    return Target(
        "emulator", base_url=emulator.base_url, api_key="sk-or-emulator", emulator=emulator
    )


class ProvenanceYAML:
    """vcrpy's YAML, with a header comment saying where the recording came from."""

    @staticmethod
    def serialize(cassette: dict[str, Any]) -> str:
        header = "\n".join(f"# {line}" for line in ["Provenance: " + TARGET.provenance()])
        return header + "\n" + yamlserializer.serialize(cassette)

    @staticmethod
    def deserialize(text: str) -> dict[str, Any]:
        return yamlserializer.deserialize(text)  # type: ignore[no-any-return]


def _rewrite_uri(uri: str) -> str:
    if TARGET.emulator is None:
        return uri
    parts = urlsplit(uri)
    root = urlsplit(TARGET.base_url)
    if parts.netloc != root.netloc:
        return uri
    if parts.path.startswith(SAMPLES_PREFIX):
        # /samples/https/host/path -> https://host/path (the URL the test asked for)
        scheme, _, rest = parts.path[len(SAMPLES_PREFIX) :].partition("/")
        return f"{scheme}://{rest}"
    return LIVE_BASE_URL + parts.path[len(root.path) :] + (f"?{parts.query}" if parts.query else "")


def before_record_request(request: Any) -> Any:
    request.uri = _rewrite_uri(request.uri)
    if request.body:
        # Fresh uuid4 tool-call ids (standard few-shot tests) would defeat body matching.
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        request.body = _UUID.sub("00000000-0000-4000-8000-000000000000", body).encode()
    return request


def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.setdefault("headers", {})
    for name in list(headers):
        if name.lower() in ("set-cookie", "cf-ray", "x-request-id"):
            del headers[name]
    headers["x-cassette-provenance"] = ["emulator" if TARGET.mode == "emulator" else "live"]
    return response


def json_body_matcher(r1: Any, r2: Any) -> None:
    """Bodies match when they are the same JSON (key order ignored), else byte-equal."""

    def load(body: Any) -> Any:
        if not body:
            return None
        try:
            return json.loads(body)
        except ValueError:
            return body

    assert load(r1.body) == load(r2.body), "request bodies differ"


def sample_path(original: str) -> str:
    """The emulator path that serves the local stand-in for `original` while recording."""
    parts = urlsplit(original)
    return f"{SAMPLES_PREFIX}{parts.scheme}/{parts.netloc}{parts.path}"


def sample_url(original: str) -> str:
    """The full emulator URL for `sample_path(original)`."""
    root = urlsplit(TARGET.base_url)
    return f"{root.scheme}://{root.netloc}{sample_path(original)}"


def connection_settings() -> dict[str, Any]:
    """Model settings that send traffic where the current target says."""
    return {
        "api_key": TARGET.api_key,
        "base_url": TARGET.base_url,
        # A replayed cassette either matches or it does not; retrying only hides a miss.
        "max_retries": 0 if TARGET.mode == "replay" else 2,
    }
