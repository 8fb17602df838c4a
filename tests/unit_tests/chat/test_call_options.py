"""Per-call options and inherited settings, as the emulator saw them on the wire.

`timeout=`, `extra_headers=` and `extra_query=` shape the HTTP request (never the body);
an unknown per-call name is refused before sending; `invoke` never asks for a stream
LangChain decided against; `n` above 1 is refused; headers merge case-insensitively; the
inherited `BaseChatOpenAI` settings either work or are refused.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from langchain_core.messages import AIMessageChunk
from langchain_core.tools import tool
from pydantic import BaseModel

from langchain_openrouter_gemini import ChatOpenRouterGemini, OpenRouterGeminiEmbeddings
from langchain_openrouter_gemini.errors import OpenRouterTimeoutError
from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator, Reply
from langchain_openrouter_gemini.testing.server import RecordedRequest
from tests.unit_tests.models import chat_model

REQUEST_OPTIONS = ("timeout", "extra_headers", "extra_query")


@pytest.fixture(scope="module")
def emulator() -> Iterator[OpenRouterEmulator]:
    with OpenRouterEmulator() as started:
        yield started


@pytest.fixture(autouse=True)
def _fresh(emulator: OpenRouterEmulator) -> None:
    emulator.reset()


def model(emulator: OpenRouterEmulator, **settings: Any) -> ChatOpenRouterGemini:
    return chat_model(emulator, **{"max_retries": 0, **settings})


def last(emulator: OpenRouterEmulator) -> RecordedRequest:
    return emulator.chat_requests[-1]


def query(request: RecordedRequest) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.path).query)


# --- 1. timeout / extra_headers / extra_query apply to the request, not the body -----------


def _call(llm: Any, how: str, **kwargs: Any) -> str:
    if how == "invoke":
        return str(llm.invoke("hi", **kwargs).content)
    if how == "ainvoke":
        return str(asyncio.run(llm.ainvoke("hi", **kwargs)).content)
    if how == "stream":
        return "".join(str(c.content) for c in llm.stream("hi", **kwargs))

    async def collect() -> str:
        return "".join([str(c.content) async for c in llm.astream("hi", **kwargs)])

    return asyncio.run(collect())


@pytest.mark.parametrize("how", ["invoke", "ainvoke", "stream", "astream"])
def test_per_call_headers_and_query_go_on_the_request(
    emulator: OpenRouterEmulator, how: str
) -> None:
    emulator.enqueue(Reply.text("ok"))
    llm = model(emulator)
    text = _call(
        llm, how, timeout=30, extra_headers={"X-Request-Id": "r-1"}, extra_query={"trace": "on"}
    )
    assert text == "ok"
    sent = last(emulator)
    assert sent.headers["x-request-id"] == "r-1"
    assert query(sent) == {"trace": ["on"]}
    assert not set(REQUEST_OPTIONS) & set(sent.body), sent.body


def test_bound_options_apply_too(emulator: OpenRouterEmulator) -> None:
    llm = model(emulator, default_query={"base": "1"})
    llm.bind(extra_headers={"X-Tenant": "a"}, extra_query={"q": "2"}).invoke("hi")
    sent = last(emulator)
    assert sent.headers["x-tenant"] == "a"
    assert query(sent) == {"base": ["1"], "q": ["2"]}
    assert not set(REQUEST_OPTIONS) & set(sent.body)


def test_per_call_header_wins_over_the_models_in_any_case(emulator: OpenRouterEmulator) -> None:
    llm = model(emulator, app_title="App", default_headers={"X-Custom": "model"})
    llm.invoke("hi", extra_headers={"x-custom": "call", "x-title": "Call title"})
    headers = last(emulator).headers
    assert headers["x-custom"] == "call"  # one value: httpx joins duplicates with ", "
    assert headers["x-title"] == "Call title"


@pytest.mark.parametrize("how", ["invoke", "stream"])
def test_per_call_timeout_is_the_requests_timeout(emulator: OpenRouterEmulator, how: str) -> None:
    # The reply would come after 3 s; the call allows 0.3 s. Before, `timeout` went into
    # the body and the call waited for the reply.
    emulator.enqueue(Fault.stall(3))
    llm = model(emulator, timeout=60)
    with pytest.raises(OpenRouterTimeoutError):
        _call(llm, how, timeout=0.3)


def test_unknown_per_call_argument_is_refused_before_sending(
    emulator: OpenRouterEmulator,
) -> None:
    llm = model(emulator)
    with pytest.raises(ValueError, match="temprature") as caught:
        llm.invoke("hi", temprature=0.2)
    message = str(caught.value)
    assert "did you mean 'temperature'" in message
    assert "extra_body" in message
    assert "model_kwargs" in message
    with pytest.raises(ValueError, match="model_copy"):
        llm.bind(cache_prompt=True).invoke("hi")
    with pytest.raises(ValueError, match="'store': not supported"):
        llm.invoke("hi", store=True)
    assert emulator.chat_requests == []


class Answer(BaseModel):
    city: str


@tool
def get_weather(city: str) -> str:
    """Weather in a city."""
    return "sunny"


def test_langchain_and_openrouter_per_call_arguments_still_reach_the_body(
    emulator: OpenRouterEmulator,
) -> None:
    llm = model(emulator)
    emulator.enqueue(Reply.text("ok"))
    llm.invoke(
        "hi",
        provider={"order": ["google-vertex"]},
        models=["google/gemini-2.5-pro"],
        reasoning={"effort": "low"},
        plugins=[{"id": "file-parser"}],
        transforms=["middle-out"],
        session_id="s-1",
        service_tier="flex",
        max_completion_tokens=64,
        stop=["END"],
        stream_options={"include_usage": True},
        seed=7,
    )
    body = last(emulator).body
    assert body["provider"]["order"] == ["google-vertex"]
    assert body["models"] == ["google/gemini-2.5-pro"]
    assert body["reasoning"] == {"effort": "low"}
    assert body["plugins"] == [{"id": "file-parser"}]
    assert body["transforms"] == ["middle-out"]
    assert body["session_id"] == "s-1"
    assert body["service_tier"] == "flex"
    assert body["max_completion_tokens"] == 64
    assert body["stop"] == ["END"]
    assert body["seed"] == 7
    assert "stream_options" not in body
    emulator.enqueue(Reply.tool_call("get_weather", {"city": "Oslo"}))
    llm.bind_tools([get_weather], tool_choice="any", parallel_tool_calls=False).invoke("hi")
    body = last(emulator).body
    assert body["tools"][0]["function"]["name"] == "get_weather"
    assert body["tool_choice"] == "required"
    assert body["parallel_tool_calls"] is False
    for method in ("json_schema", "function_calling", "json_mode"):
        if method == "function_calling":
            emulator.enqueue(Reply.tool_call("Answer", {"city": "Oslo"}))
        else:
            emulator.enqueue(Reply.text('{"city": "Oslo"}'))
        assert llm.with_structured_output(Answer, method=method).invoke("hi") == Answer(city="Oslo")


# --- 2. invoke never sends stream: true when LangChain decided not to stream -----------------


@pytest.mark.parametrize("disable", [True, "tool_calling"])
def test_invoke_with_streaming_disabled_sends_no_stream(
    emulator: OpenRouterEmulator, disable: bool | str
) -> None:
    llm = model(emulator, streaming=True, disable_streaming=disable)
    emulator.enqueue(Reply.tool_call("get_weather", {"city": "Oslo"}))
    reply = llm.bind_tools([get_weather]).invoke("weather?")
    assert reply.tool_calls[0]["args"] == {"city": "Oslo"}
    assert "stream" not in last(emulator).body
    emulator.enqueue(Reply.tool_call("get_weather", {"city": "Oslo"}))
    reply = asyncio.run(llm.bind_tools([get_weather]).ainvoke("weather?"))
    assert reply.tool_calls[0]["args"] == {"city": "Oslo"}
    assert "stream" not in last(emulator).body


def test_streaming_field_still_streams_invoke(emulator: OpenRouterEmulator) -> None:
    emulator.enqueue(Reply.text("streamed"))
    assert model(emulator, streaming=True).invoke("hi").content == "streamed"
    assert last(emulator).body["stream"] is True


# --- 3. n > 1 is refused (OpenRouter returns one choice) ---------------------------------------


def test_n_above_one_is_refused_before_sending(emulator: OpenRouterEmulator) -> None:
    with pytest.raises(ValueError, match=r"n=2 is not supported.*single choice"):
        model(emulator, n=2)
    with pytest.raises(ValueError, match=r"invoke\(\.\.\., n=\.\.\.\): n=3"):
        model(emulator).invoke("hi", n=3)
    assert emulator.chat_requests == []
    emulator.enqueue(Reply.text("one"))
    assert model(emulator, n=1).invoke("hi").content == "one"


def test_the_emulator_answers_n_with_one_choice_as_openrouter_does(
    emulator: OpenRouterEmulator,
) -> None:
    body = {
        "model": "google/gemini-2.5-flash",
        "n": 2,
        "messages": [{"role": "user", "content": "hi"}],
    }
    reply = httpx.post(
        f"{emulator.base_url}/chat/completions",
        json=body,
        headers={"Authorization": "Bearer sk-or-test"},
    )
    assert len(reply.json()["choices"]) == 1


# --- 4. header merging is case-insensitive, the user's header wins -----------------------------


def test_users_title_header_wins_whatever_its_case(emulator: OpenRouterEmulator) -> None:
    llm = model(emulator, app_title="App", default_headers={"x-title": "Mine"})
    llm.invoke("hi")
    headers = last(emulator).headers
    assert headers["x-title"] == "Mine"
    assert "x-openrouter-title" not in headers  # not a second, different title


def test_users_user_agent_wins_and_openai_org_is_never_sent(
    emulator: OpenRouterEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The openai SDK reads these itself; they are OpenAI account ids, not OpenRouter's.
    monkeypatch.setenv("OPENAI_ORG_ID", "org-private")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-private")
    model(emulator, default_headers={"user-agent": "my-app/1"}).invoke("hi")
    headers = last(emulator).headers
    assert headers["user-agent"] == "my-app/1"
    assert "openai-organization" not in headers
    assert "openai-project" not in headers


def test_embeddings_merge_headers_the_same_way(emulator: OpenRouterEmulator) -> None:
    embeddings = OpenRouterGeminiEmbeddings(
        api_key="sk-or-test",
        base_url=emulator.base_url,
        app_title="App",
        default_headers={"X-TITLE": "Mine"},
    )
    embeddings.embed_query("hi")
    assert emulator.requests[-1].headers["x-title"] == "Mine"


# --- 5. inherited fields: wired up, or refused ---------------------------------------------------


def test_include_response_headers_puts_them_in_response_metadata(
    emulator: OpenRouterEmulator,
) -> None:
    llm = model(emulator, include_response_headers=True)
    emulator.enqueue(Reply.text("ok"))
    reply = llm.invoke("hi")
    assert reply.response_metadata["headers"]["x-generation-id"] == reply.response_metadata["id"]
    emulator.enqueue(Reply.text("ok"))
    chunks = list(llm.stream("hi"))
    assert "x-generation-id" in chunks[0].response_metadata["headers"]
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged += chunk
    assert isinstance(merged, AIMessageChunk)
    assert merged.response_metadata["headers"]["x-generation-id"].startswith("gen-")
    emulator.enqueue(Reply.text("ok"))
    assert "headers" not in model(emulator).invoke("hi").response_metadata


def test_service_tier_is_sent(emulator: OpenRouterEmulator) -> None:
    model(emulator, service_tier="flex").invoke("hi")
    assert last(emulator).body["service_tier"] == "flex"
    model(emulator, service_tier="flex").invoke("hi", service_tier="priority")
    assert last(emulator).body["service_tier"] == "priority"


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ({"use_responses_api": True}, "use_responses_api"),
        ({"store": True}, "store"),
        ({"organization": "org-x"}, "organization"),
    ],
)
def test_openai_only_settings_are_refused_at_construction(
    emulator: OpenRouterEmulator, setting: dict[str, Any], named: str
) -> None:
    with pytest.raises(ValueError, match=rf"\({named}=\.\.\.\) is not supported"):
        model(emulator, **setting)


def test_openai_only_settings_switched_off_are_accepted(emulator: OpenRouterEmulator) -> None:
    model(emulator, use_responses_api=False, store=False).invoke("hi")
    assert "store" not in last(emulator).body


def test_disabled_params_leave_structured_outputs_defaults_out(
    emulator: OpenRouterEmulator,
) -> None:
    llm = model(emulator, disabled_params={"parallel_tool_calls": None})
    emulator.enqueue(Reply.tool_call("Answer", {"city": "Oslo"}))
    structured = llm.with_structured_output(Answer, method="function_calling")
    assert structured.invoke("hi") == Answer(city="Oslo")
    body = last(emulator).body
    assert "parallel_tool_calls" not in body
    assert body["tool_choice"]["function"]["name"] == "Answer"


# --- 6. stream_chunk_timeout: the gap between chunks, keep-alives do not count ---------------


@pytest.mark.parametrize("asynchronous", [False, True])
def test_stream_chunk_timeout_fires_when_only_keepalives_arrive(
    emulator: OpenRouterEmulator, asynchronous: bool
) -> None:
    # After its first event the stream only sends `: OPENROUTER PROCESSING` for 4 s. Bytes
    # keep coming, so a read timeout never fires; no chunk comes, so the chunk timeout does.
    emulator.enqueue(Fault.stall(4, after_events=1, keepalive=0.05))
    llm = model(emulator, stream_chunk_timeout=0.5)
    with pytest.raises(OpenRouterTimeoutError, match="stalled"):
        _call(llm, "astream" if asynchronous else "stream")


def test_time_spent_by_the_consumer_is_not_a_stall(emulator: OpenRouterEmulator) -> None:
    emulator.enqueue(Reply.text("one two three four"))
    llm = model(emulator, stream_chunk_timeout=0.2)
    pieces = []
    for chunk in llm.stream("hi"):
        time.sleep(0.3)  # the caller is slow; the stream itself never went quiet
        pieces.append(str(chunk.content))
    assert "".join(pieces) == "one two three four"
