"""The emulator's fault table drives every fault, and the chat route needs only a ReplyWriter.

The first tests pin the table to `FaultKind` and to the faults the user docs list. The swap
test shows the route has no other way to serve a fault: change one entry and the client sees
the change. The effect tests run the chat route against a writer that records what it is
asked to send (no socket, no handler), and check each fault's documented effect there.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any, NoReturn, get_args

import httpx
import pytest

from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator, Reply, pytest_plugin
from langchain_openrouter_gemini.testing.chat import serve_chat
from langchain_openrouter_gemini.testing.delivery import ChatExchange
from langchain_openrouter_gemini.testing.fault_effects import FAULT_EFFECTS
from langchain_openrouter_gemini.testing.faults import FaultKind
from langchain_openrouter_gemini.testing.state import EmulatorState
from langchain_openrouter_gemini.testing.writer import send_json

openrouter_emulator = pytest_plugin.openrouter_emulator  # the fixture, used explicitly
DOCS = Path(__file__).resolve().parents[3] / "docs" / "testing-offline.md"
KEY = {"Authorization": "Bearer sk-or-test"}
BODY: dict[str, Any] = {
    "model": "google/gemini-2.5-flash",
    "messages": [{"role": "user", "content": "hi"}],
}


def documented_faults() -> list[str]:
    """The `Fault.name(` constructors in the user guide's table of faults."""
    rows = [line for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    return sorted({name for row in rows for name in re.findall(r"`Fault\.(\w+)\(", row)})


def test_the_table_has_one_entry_per_fault_kind() -> None:
    assert sorted(FAULT_EFFECTS) == sorted(get_args(FaultKind))


def test_every_documented_fault_builds_a_kind_the_table_serves() -> None:
    names = documented_faults()
    assert len(names) >= 10, names  # the table was found and read
    samples = {"status": (503,), "stall": (0.1,)}
    kinds = {getattr(Fault, name)(*samples.get(name, ())).kind for name in names}
    # Every kind is reachable from a documented constructor, and every one is served.
    assert kinds == set(FAULT_EFFECTS)


# One fault of each kind, as a user scripts it.
ONE_OF_EACH: dict[FaultKind, Fault] = {
    "status": Fault.status(429, retry_after=2),
    "html": Fault.html(502),
    "empty_body": Fault.empty_body(),
    "no_choices": Fault.no_choices(),
    "malformed_json": Fault.malformed_json(),
    "error_in_200": Fault.error_in_200(502, "upstream"),
    "mid_stream_error": Fault.mid_stream_error(502, "gone", after_events=2),
    "error_after_finish": Fault.error_after_finish(),
    "cut": Fault.cut(after_events=2),
    "stall": Fault.stall(0.01, after_events=1),
    "reply": Fault.malformed_function_call(),
}


def test_one_of_each_covers_the_table() -> None:
    assert {kind: fault.kind for kind, fault in ONE_OF_EACH.items()} == {
        kind: kind for kind in FAULT_EFFECTS
    }


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("kind", sorted(ONE_OF_EACH))
def test_swapping_an_entry_changes_what_the_client_sees(
    openrouter_emulator: OpenRouterEmulator,
    monkeypatch: pytest.MonkeyPatch,
    kind: FaultKind,
    stream: bool,
) -> None:
    def marked(exchange: ChatExchange, fault: Fault) -> None:
        send_json(exchange.writer, 418, {"served_by_the_table": fault.kind})

    monkeypatch.setitem(FAULT_EFFECTS, kind, marked)
    openrouter_emulator.enqueue(ONE_OF_EACH[kind])
    response = httpx.post(
        f"{openrouter_emulator.base_url}/chat/completions",
        json={**BODY, "stream": stream},
        headers=KEY,
    )
    assert (response.status_code, response.json()) == (418, {"served_by_the_table": kind})


# The chat route against a writer that only records.


class HungUp(Exception):
    """The recording writer's stand-in for a closed connection."""


class RecordingWriter:
    """A `ReplyWriter` that keeps what it was asked to send, as `(what, value)` steps."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, Any]] = []

    def start_body(self, status: int, headers: Any) -> None:
        self.steps.append(("status", status))
        self.steps.append(("headers", dict(headers)))

    def write(self, data: bytes) -> None:
        self.steps.append(("body", data))

    def start_stream(self, generation_id: str, provider: str = "") -> None:
        self.steps.append(("status", 200))
        self.steps.append(("stream", bool(generation_id)))

    def write_chunk(self, data: bytes) -> None:
        text = data.decode()
        if text.startswith(":"):
            self.steps.append(("keepalive", None))
        elif text == "data: [DONE]\n\n":
            self.steps.append(("done", None))
        else:
            raw = text.removeprefix("data: ").removesuffix("\n\n")
            try:
                self.steps.append(("event", json.loads(raw)))
            except ValueError:
                self.steps.append(("broken event", raw))

    def end_stream(self) -> None:
        self.steps.append(("end", None))

    def hang_up(self) -> NoReturn:
        self.steps.append(("hang up", None))
        raise HungUp

    def wait(self, seconds: float, *, keepalive: float = 0.0) -> None:
        self.steps.append(("wait", seconds))

    def kinds(self) -> list[str]:
        """The steps without keep-alives, by what they are."""
        return [what for what, _ in self.steps if what != "keepalive"]

    def values(self, what: str) -> list[Any]:
        return [value for kind, value in self.steps if kind == what]

    def body(self) -> bytes:
        return b"".join(self.values("body"))


def serve(fault: Fault, stream: bool) -> RecordingWriter:
    state = EmulatorState(strict_signatures=False, secret=None)
    state.enqueue((fault,))
    writer = RecordingWriter()
    with contextlib.suppress(HungUp):
        serve_chat(writer, state, {**BODY, "stream": stream})
    assert state.pending() == 0, "the fault was consumed"
    return writer


def test_status_sends_its_code_retry_after_and_an_error_body() -> None:
    for stream in (False, True):
        writer = serve(Fault.status(429, retry_after=2), stream)
        assert writer.values("status") == [429]
        assert writer.values("headers")[0]["Retry-After"] == "2"
        assert json.loads(writer.body())["error"]["code"] == 429


def test_html_is_a_page_not_json() -> None:
    writer = serve(Fault.html(503), stream=True)
    assert writer.values("status") == [503]
    assert writer.values("headers")[0]["Content-Type"].startswith("text/html")
    assert writer.body().startswith(b"<html>")


def test_empty_body_has_nothing_in_it() -> None:
    assert serve(Fault.empty_body(), stream=False).body() == b""
    assert serve(Fault.empty_body(), stream=True).kinds() == ["status", "stream", "end"]


def test_no_choices_in_json_and_in_the_stream() -> None:
    assert json.loads(serve(Fault.no_choices(), stream=False).body())["choices"] == []
    (event,) = serve(Fault.no_choices(), stream=True).values("event")
    assert event["choices"] == [] and "usage" not in event


def test_malformed_json_breaks_the_body_or_one_event() -> None:
    with pytest.raises(ValueError):
        json.loads(serve(Fault.malformed_json(), stream=False).body())
    steps = serve(Fault.malformed_json(), stream=True).kinds()
    assert steps == ["status", "stream", "event", "broken event", "done", "end"]


def test_error_in_200_is_an_error_body_or_a_lone_error_event() -> None:
    writer = serve(Fault.error_in_200(502, "upstream"), stream=False)
    assert writer.values("status") == [200]
    assert json.loads(writer.body())["error"] == {"code": 502, "message": "upstream"}
    writer = serve(Fault.error_in_200(502, "upstream"), stream=True)
    assert writer.kinds() == ["status", "stream", "event", "end"]
    assert writer.values("event")[0]["error"] == {"code": 502, "message": "upstream"}


def test_mid_stream_error_strikes_after_its_events_and_sends_no_done() -> None:
    writer = serve(Fault.mid_stream_error(502, "gone", after_events=2), stream=True)
    assert writer.kinds() == ["status", "stream", "event", "event", "event", "end"]
    assert writer.values("event")[-1]["error"] == {"code": 502, "message": "gone"}
    writer = serve(Fault.mid_stream_error(502, "gone"), stream=False)
    assert json.loads(writer.body())["error"]["message"] == "gone"


def test_error_after_finish_repeats_the_finish_then_errs_with_usage() -> None:
    writer = serve(Fault.error_after_finish(), stream=True)
    assert writer.kinds()[-2:] == ["done", "end"]
    *_, finish, again, error = writer.values("event")
    assert finish["choices"][0]["finish_reason"] == again["choices"][0]["finish_reason"]
    assert again["choices"][0]["finish_reason"] == "length"
    assert error["error"]["message"] == "Token limit reached" and "usage" in error
    body = json.loads(serve(Fault.error_after_finish(), stream=False).body())
    assert body["choices"][0]["finish_reason"] == "length" and "error" not in body


def test_cut_hangs_up_after_its_events_or_half_the_body() -> None:
    writer = serve(Fault.cut(after_events=2), stream=True)
    assert writer.kinds() == ["status", "stream", "event", "event", "hang up"]
    writer = serve(Fault.cut(), stream=False)
    assert writer.kinds() == ["status", "headers", "body", "hang up"]
    length = int(writer.values("headers")[0]["Content-Length"])
    assert len(writer.body()) == length // 2


def test_stall_waits_before_the_headers_or_after_its_events() -> None:
    writer = serve(Fault.stall(0.5), stream=True)
    assert writer.kinds()[:2] == ["wait", "status"] and writer.values("wait") == [0.5]
    assert writer.kinds()[-2:] == ["done", "end"]
    writer = serve(Fault.stall(0.5, after_events=1), stream=True)
    assert writer.kinds()[:5] == ["status", "stream", "event", "wait", "event"]
    writer = serve(Fault.stall(0.5, before_first_byte=False), stream=False)
    assert writer.kinds() == ["status", "headers", "body", "wait", "body"]
    assert json.loads(writer.body())["choices"]


def test_a_reply_fault_serves_its_reply() -> None:
    body = json.loads(serve(Fault.malformed_function_call(), stream=False).body())
    assert body["choices"][0]["native_finish_reason"] == "MALFORMED_FUNCTION_CALL"
    writer = serve(Fault("reply", reply=Reply.text("scripted")), stream=True)
    assert writer.kinds()[-2:] == ["done", "end"]
    text = "".join(
        event["choices"][0]["delta"].get("content") or ""
        for event in writer.values("event")
        if event["choices"]
    )
    assert text == "scripted"
