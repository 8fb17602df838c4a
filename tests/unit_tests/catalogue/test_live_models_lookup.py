"""The live `/models` lookup: one fetch per base URL, shared, and nothing else waits for it.

A slow `/models` is an emulator whose route is held closed by a gate the test opens; the
tests assert the order of events and count requests, never how long anything took.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.catalogue import clear_live_cache, reasoning_rules
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply, handler
from tests.unit_tests.catalogue.test_lineup import NEW_MODEL

# Only a safety net against a hang: a correct lookup never waits this long, and the tests
# judge by the order of events, whichever way they finish.
GATE_LIMIT = 30.0


@pytest.fixture(autouse=True)
def _fresh_live_cache() -> Iterator[None]:
    clear_live_cache()
    yield
    clear_live_cache()


class SlowModels:
    """Holds `GET /models` on one emulator until `release()`; records what happened when."""

    def __init__(self, emulator: OpenRouterEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
        self.port = int(emulator.base_url.rsplit(":", 1)[1].split("/", 1)[0])
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.events: list[str] = []
        self.fetches = 0
        self._lock = threading.Lock()
        serve = handler.GET_ROUTES["/models"]

        def slow(request: handler.Handler, query: dict[str, list[str]]) -> None:
            if request.server.server_address[1] == self.port:
                with self._lock:
                    self.fetches += 1
                self.entered.set()
                self.gate.wait(GATE_LIMIT)
                self.event("models answered")
            serve(request, query)

        monkeypatch.setitem(handler.GET_ROUTES, "/models", slow)

    def event(self, name: str) -> None:
        with self._lock:
            self.events.append(name)

    def release(self) -> None:
        self.gate.set()


@pytest.fixture
def slow_emulator() -> Iterator[OpenRouterEmulator]:
    with OpenRouterEmulator() as running:
        yield running


@pytest.fixture
def emulator() -> Iterator[OpenRouterEmulator]:
    # Serves chat for the id the catalogue does not know (its /models does not list it).
    with OpenRouterEmulator(models=["google/gemini-9-flash"]) as running:
        yield running


def _unknown(base_url: str, **kwargs: Any) -> ChatOpenRouterGemini:
    return ChatOpenRouterGemini(model="google/gemini-9-flash", base_url=base_url, **kwargs)


def test_requests_do_not_wait_for_another_base_urls_fetch(
    slow_emulator: OpenRouterEmulator,
    emulator: OpenRouterEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow = SlowModels(slow_emulator, monkeypatch)
    # Built first, against a quick /models: an unknown id and a known one.
    unknown = _unknown(emulator.base_url, api_key="k")
    known = ChatOpenRouterGemini(
        model="google/gemini-2.5-flash", base_url=emulator.base_url, api_key="k"
    )
    emulator.enqueue(Reply.text("unknown answered"), Reply.text("known answered"))

    builder = threading.Thread(
        target=_unknown, args=(slow_emulator.base_url,), kwargs={"api_key": "k"}
    )
    builder.start()
    try:
        assert slow.entered.wait(GATE_LIMIT)  # the slow fetch is in flight
        assert unknown.invoke("hi").text == "unknown answered"
        assert known.invoke("hi").text == "known answered"
        slow.event("requests answered")
    finally:
        slow.release()
        builder.join()
    assert slow.events == ["requests answered", "models answered"]


def test_concurrent_lookups_for_one_base_url_share_one_fetch(
    slow_emulator: OpenRouterEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowModels(slow_emulator, monkeypatch)
    started = threading.Barrier(5)
    built: list[ChatOpenRouterGemini] = []

    def build() -> None:
        started.wait()
        built.append(_unknown(slow_emulator.base_url, api_key="k"))

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    started.wait()
    try:
        assert slow.entered.wait(GATE_LIMIT)
    finally:
        slow.release()
        for thread in threads:
            thread.join()
    assert slow.fetches == 1
    models = [r for r in slow_emulator.requests if r.path.startswith("/api/v1/models")]
    assert len(models) == 1
    assert len(built) == 4 and all(m.profile == built[0].profile for m in built)


def _serve(emulator: OpenRouterEmulator, prefix: str, data: list[dict[str, Any]]) -> str:
    path = f"/{prefix}/api/v1/models"
    emulator.add_file(path, json.dumps({"data": data}).encode(), "application/json")
    return emulator.root_url + f"/{prefix}/api/v1"


def test_an_unknown_model_is_judged_by_its_own_base_urls_list(
    emulator: OpenRouterEmulator,
) -> None:
    # One endpoint lists gemini-9-flash with mandatory reasoning; another does not list it.
    strict = _serve(emulator, "strict", [NEW_MODEL])
    other = _serve(emulator, "other", [])
    _unknown(strict, api_key="k")
    assert reasoning_rules("google/gemini-9-flash", strict) is not None
    with pytest.raises(ValueError, match="lowest effort it accepts"):
        _unknown(strict, api_key="k", reasoning_effort="none")

    # The other endpoint's model is not bound by the first endpoint's rules.
    relaxed = _unknown(other, api_key="k", reasoning_effort="none")
    assert reasoning_rules("google/gemini-9-flash", other) is None
    body = relaxed._get_request_payload("hi")
    assert body["reasoning"] == {"effort": "none"}
    fetched = sorted(r.path for r in emulator.requests if "/models" in r.path)
    assert [p.split("?")[0] for p in fetched] == ["/other/api/v1/models", "/strict/api/v1/models"]
