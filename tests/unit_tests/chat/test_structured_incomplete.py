"""Structured output from a reply the model did not finish is an error, never a repaired object."""

from __future__ import annotations

import json
from typing import Any

import httpx2 as httpx
import pytest
from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessage
from pydantic import BaseModel

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.errors import OpenRouterIncompleteOutputError
from tests.unit_tests.fake_transport import FakeOpenRouter, completion
from tests.unit_tests.models import chat_model
from tests.unit_tests.sse import USAGE, chunk, lines

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"
CUT = '{"cities": ["Oslo", "Bergen", "Trond'
SCHEMA = {
    "title": "Cities",
    "type": "object",
    "properties": {"cities": {"type": "array", "items": {"type": "string"}}},
    "required": ["cities"],
}


class Cities(BaseModel):
    cities: list[str]


def _cut_reply(finish: str, native: str) -> dict[str, Any]:
    reply = completion(CUT)
    reply["choices"][0]["finish_reason"] = finish
    reply["choices"][0]["native_finish_reason"] = native
    return reply


def _cut_tool_call(finish: str, native: str) -> dict[str, Any]:
    call = {
        "type": "function",
        "index": 0,
        "id": "tool_Cities_0",
        "function": {"name": "Cities", "arguments": CUT},
    }
    reply = completion("", tool_calls=[call])
    reply["choices"][0]["finish_reason"] = finish
    reply["choices"][0]["native_finish_reason"] = native
    return reply


class CutStream(FakeOpenRouter):
    """Streams a JSON answer in pieces that ends with `finish_reason: "length"`."""

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        pieces = ['{"cities": ["Os', 'lo", "Ber', 'gen", "Tro']
        events = [chunk({"role": "assistant", "content": p}) for p in pieces]
        events.append(chunk({"content": ""}, finish="length", native="MAX_TOKENS"))
        events.append(chunk(choices=False, usage=USAGE))
        body = ("\n".join(lines(*events)) + "\n").encode()
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})


def make(fake: FakeOpenRouter, **kwargs: Any) -> ChatOpenRouterGemini:
    return chat_model(fake, api_key=KEY, **kwargs)


CASES = [
    ("json_schema", SCHEMA, _cut_reply),
    ("json_schema", Cities, _cut_reply),
    ("json_mode", SCHEMA, _cut_reply),
    ("function_calling", SCHEMA, _cut_tool_call),
    ("function_calling", Cities, _cut_tool_call),
]


@pytest.mark.parametrize(("method", "schema", "reply"), CASES)
@pytest.mark.parametrize(
    ("finish", "native"), [("length", "MAX_TOKENS"), ("content_filter", "SAFETY")]
)
def test_an_unfinished_reply_raises_naming_the_finish_reason(
    method: str, schema: Any, reply: Any, finish: str, native: str
) -> None:
    fake = FakeOpenRouter(lambda body: reply(finish, native))
    runnable = make(fake, max_tokens=40).with_structured_output(schema, method=method)  # type: ignore[arg-type]
    with pytest.raises(OpenRouterIncompleteOutputError) as caught:
        runnable.invoke("Name Norwegian cities.")
    error = caught.value
    assert error.finish_reason == finish
    assert error.native_finish_reason == native
    assert f"finish_reason {finish!r}" in str(error)
    if finish == "length":
        assert "max_tokens=40" in str(error)
    assert isinstance(error, OutputParserException)
    assert isinstance(error.raw_message, AIMessage)


def test_max_tokens_bound_per_call_is_named() -> None:
    fake = FakeOpenRouter(lambda body: _cut_reply("length", "MAX_TOKENS"))
    runnable = make(fake).with_structured_output(SCHEMA, max_tokens=25)
    with pytest.raises(OpenRouterIncompleteOutputError, match=r"max_tokens=25"):
        runnable.invoke("Name Norwegian cities.")
    assert fake.bodies[0]["max_tokens"] == 25


@pytest.mark.parametrize(("method", "schema", "reply"), CASES)
def test_include_raw_returns_the_error_with_the_raw_message(
    method: str, schema: Any, reply: Any
) -> None:
    fake = FakeOpenRouter(lambda body: reply("length", "MAX_TOKENS"))
    runnable = make(fake).with_structured_output(schema, method=method, include_raw=True)  # type: ignore[arg-type]
    result = runnable.invoke("Name Norwegian cities.")
    assert result["parsed"] is None
    assert isinstance(result["parsing_error"], OpenRouterIncompleteOutputError)
    raw = result["raw"]
    assert isinstance(raw, AIMessage)
    assert raw.response_metadata["finish_reason"] == "length"
    assert raw.usage_metadata is not None  # what was paid for is still there


async def test_async_invoke_raises_too() -> None:
    fake = FakeOpenRouter(lambda body: _cut_reply("length", "MAX_TOKENS"))
    runnable = make(fake).with_structured_output(Cities)
    with pytest.raises(OpenRouterIncompleteOutputError):
        await runnable.ainvoke("Name Norwegian cities.")


def test_a_stream_yields_partials_then_raises_at_its_end() -> None:
    fake = CutStream()
    seen: list[Any] = []
    with pytest.raises(OpenRouterIncompleteOutputError, match="'length'"):
        for partial in make(fake).with_structured_output(SCHEMA).stream("Cities?"):
            seen.append(partial)
    assert seen  # the partial objects still streamed
    assert seen[-1] == {"cities": ["Oslo", "Bergen", "Tro"]}


async def test_an_async_stream_raises_at_its_end() -> None:
    fake = CutStream()
    with pytest.raises(OpenRouterIncompleteOutputError):
        async for _ in make(fake).with_structured_output(SCHEMA).astream("Cities?"):
            pass


@pytest.mark.parametrize(("method", "schema", "reply"), CASES)
def test_a_finished_reply_still_parses(method: str, schema: Any, reply: Any) -> None:
    whole = '{"cities": ["Oslo", "Bergen"]}'

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        data = reply("stop", "STOP")
        message = data["choices"][0]["message"]
        if message.get("tool_calls"):
            message["tool_calls"][0]["function"]["arguments"] = whole
            data["choices"][0]["finish_reason"] = "tool_calls"
        else:
            message["content"] = whole
        return data

    fake = FakeOpenRouter(answer)
    parsed = make(fake).with_structured_output(schema, method=method).invoke("Cities?")  # type: ignore[arg-type]
    cities = parsed.cities if isinstance(parsed, Cities) else parsed["cities"]
    assert cities == ["Oslo", "Bergen"]
    body = fake.bodies[0]
    if method == "function_calling":
        assert body["tool_choice"]["function"]["name"] == "Cities"
        assert body["parallel_tool_calls"] is False
    elif method == "json_mode":
        assert body["response_format"] == {"type": "json_object"}
    else:
        assert body["response_format"]["type"] == "json_schema"
    json.dumps(body)  # what went out is plain JSON
