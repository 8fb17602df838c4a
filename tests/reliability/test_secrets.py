"""The API key never shows up where people or tools look: reprs, dumps, errors, logs, traces,
cassettes.

A known key is used throughout, and every place is checked for the whole key and for
fragments of it. The 401s include one from a hostile server that echoes the key back in
its message and `metadata.raw`, since errors are built from what the server says.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import vcr  # type: ignore[import-untyped]
from langchain_core.load import dumpd, dumps
from langchain_core.tracers.run_collector import RunCollectorCallbackHandler
from pydantic import SecretStr

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.errors import OpenRouterAuthenticationError
from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator
from tests import recording
from tests.integration_tests.conftest import vcr_config  # noqa: F401  (the project's settings)

KEY = "sk-or-v1-" + hashlib.sha256(b"reliability: a key that must never leak").hexdigest()
# A truncated preview or a partial redaction would still give these away.
FRAGMENTS = (KEY, KEY[9:25], KEY[-16:])
PLACEHOLDER_KEYS = frozenset({"sk-or-emulator", "sk-or-replay-placeholder"})
SDK_LOGGERS = ("openai", "httpx2", "httpcore2", "httpx", "httpcore", "langchain_openrouter_gemini")


def leaked(text: str) -> list[str]:
    """The fragments of the key found in `text`."""
    return [fragment for fragment in FRAGMENTS if fragment in text]


def echoing_401() -> Fault:
    return Fault.status(
        401,
        message=f"Invalid API key {KEY}",
        metadata={"raw": f"Authorization: Bearer {KEY}; api_key={KEY}"},
    )


@pytest.fixture
def model(emulator: OpenRouterEmulator) -> Iterator[ChatOpenRouterGemini]:
    http_client = httpx2.Client()
    yield ChatOpenRouterGemini(
        base_url=emulator.base_url,
        api_key=SecretStr(KEY),
        http_client=http_client,
        max_retries=0,
    )
    http_client.close()


@pytest.mark.parametrize(
    "show",
    [repr, str, lambda m: dumps(m), lambda m: json.dumps(dumpd(m)), lambda m: m.model_dump_json()],
    ids=["repr", "str", "dumps", "dumpd", "model_dump_json"],
)
def test_model_representations_hold_no_key(
    model: ChatOpenRouterGemini, show: Callable[[ChatOpenRouterGemini], str]
) -> None:
    assert not leaked(show(model))


def test_dumpd_stores_a_reference_to_the_environment_variable(
    model: ChatOpenRouterGemini,
) -> None:
    reference = {"lc": 1, "type": "secret", "id": ["OPENROUTER_API_KEY"]}
    assert dumpd(model)["kwargs"]["openai_api_key"] == reference


def _error_texts(error: BaseException) -> list[str]:
    """Every way an error gets shown: message, repr, attributes, the full chained traceback."""
    assert isinstance(error, OpenRouterAuthenticationError)
    attributes = json.dumps(
        [error.message, error.body, error.metadata, error.raw, error.code], default=str
    )
    return [str(error), repr(error), attributes, "".join(traceback.format_exception(error))]


@pytest.mark.parametrize("fault", [Fault.status(401), echoing_401()], ids=["plain", "echoed"])
@pytest.mark.parametrize("call", ["invoke", "stream"])
def test_authentication_errors_hold_no_key(
    model: ChatOpenRouterGemini, emulator: OpenRouterEmulator, fault: Fault, call: str
) -> None:
    emulator.enqueue(fault)
    with pytest.raises(OpenRouterAuthenticationError) as info:
        model.invoke("hi") if call == "invoke" else list(model.stream("hi"))
    for text in _error_texts(info.value):
        assert not leaked(text), text
    assert "OPENROUTER_API_KEY" in str(info.value), "the message says how to fix the key"


def test_debug_logs_hold_no_key(
    model: ChatOpenRouterGemini, emulator: OpenRouterEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in SDK_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    model.invoke("hi")
    list(model.stream("hi"))
    emulator.enqueue(echoing_401())
    with pytest.raises(OpenRouterAuthenticationError):
        model.invoke("hi")
    # A retried failure logs our own line too (reason, attempt, wait).
    retrying = ChatOpenRouterGemini(
        base_url=emulator.base_url, api_key=SecretStr(KEY), max_retries=1
    )
    emulator.enqueue(Fault.status(503, message=f"Overloaded for {KEY}", retry_after=0.01))
    assert retrying.invoke("hi").text

    sources = {record.name.split(".")[0] for record in caplog.records}
    expected = {"httpx2", "httpcore2", "langchain_openrouter_gemini"}
    assert expected <= sources, f"the HTTP and retry debug logs were not captured: {sources}"
    assert any("HTTP 503; retry 1 of 1" in record.getMessage() for record in caplog.records)
    for record in caplog.records:
        shown = record.getMessage() + (
            "".join(traceback.format_exception(*record.exc_info)) if record.exc_info else ""
        )
        assert not leaked(shown), f"{record.name}: {shown[:200]}"


async def test_traced_runs_hold_no_key(
    model: ChatOpenRouterGemini, emulator: OpenRouterEmulator
) -> None:
    # What a LangSmith-style tracer records: serialized model, inputs, invocation params,
    # outputs, and for a failed run the error with its whole traceback.
    collector = RunCollectorCallbackHandler()
    config: Any = {"callbacks": [collector]}
    model.invoke("hi", config=config)
    async for _ in model.astream("hi", config=config):
        pass
    emulator.enqueue(echoing_401())
    with pytest.raises(OpenRouterAuthenticationError):
        model.invoke("hi", config=config)

    runs = collector.traced_runs
    assert len(runs) == 3
    assert runs[0].serialized is not None
    assert runs[0].serialized["kwargs"]["openai_api_key"]["type"] == "secret"
    assert runs[2].error
    for run in runs:
        recorded = run.model_dump_json()
        assert not leaked(recorded), recorded[:300]


def _keys_in(text: str) -> set[str]:
    return set(re.findall(r"sk-or-[A-Za-z0-9_\-]+", text))


def test_checked_in_cassettes_hold_only_placeholder_keys() -> None:
    for path in sorted(recording.CASSETTES.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert _keys_in(text) <= PLACEHOLDER_KEYS, f"{path}: {_keys_in(text)}"
            assert not re.search(r"(?i)bearer\s+sk-", text), f"{path} holds a bearer token"


def test_a_cassette_recorded_with_the_projects_settings_holds_no_key(
    vcr_config: dict[str, Any],  # noqa: F811
    model: ChatOpenRouterGemini,
    emulator: OpenRouterEmulator,
    tmp_path: Path,
) -> None:
    recorder = vcr.VCR(record_mode="all", cassette_library_dir=str(tmp_path))
    recorder.register_serializer("provenance-yaml", recording.ProvenanceYAML)
    recorder.register_matcher("json_body", recording.json_body_matcher)
    emulator.enqueue(Fault.status(401))
    with recorder.use_cassette("secrets.yaml", **vcr_config):
        with pytest.raises(OpenRouterAuthenticationError):
            model.invoke("hi")
        model.invoke("hi")
        list(model.stream("hi"))

    text = (tmp_path / "secrets.yaml").read_text()
    assert text.count("/chat/completions") == 3, "all three requests were recorded"
    assert not leaked(text)
    assert not re.search(r"(?i)authorization", text)
