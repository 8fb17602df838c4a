"""Reply shapes the emulator must produce, as OpenRouter sends them (see the shared wire notes).

Echo replies and scripted ones alike: reasoning unasked for models that always reason, or on
request; Gemini 3's details layout; the empty `annotations` / `reasoning` fields on deltas;
the three usage-chunk forms; billing variants; an error after a normal finish; verbatim replay.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator, Reply, pytest_plugin
from langchain_openrouter_gemini.testing.echo import echo_reply

openrouter_emulator = pytest_plugin.openrouter_emulator  # the fixture, used explicitly
KEY = {"Authorization": "Bearer sk-or-test"}
FLASH = "google/gemini-2.5-flash"
PRO = "google/gemini-2.5-pro"
GEMINI_3 = "google/gemini-3-pro-preview"
FLASH_3 = "google/gemini-3-flash-preview"


def request(model: str = FLASH, text: str = "Say hi to Oslo", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": text}], **extra}


def post(emu: OpenRouterEmulator, payload: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{emu.base_url}/chat/completions", json=payload, headers=KEY)


def message(emu: OpenRouterEmulator, payload: dict[str, Any]) -> dict[str, Any]:
    reply = post(emu, payload)
    assert reply.status_code == 200, reply.text
    result: dict[str, Any] = reply.json()["choices"][0]["message"]
    return result


def parse(text: str) -> list[dict[str, Any]]:
    return [
        json.loads(block[len("data: ") :])
        for block in text.split("\n\n")
        if block.startswith("data: {")
    ]


def chunks(emu: OpenRouterEmulator, payload: dict[str, Any]) -> list[dict[str, Any]]:
    return parse(post(emu, {**payload, "stream": True}).text)


def deltas(stream: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c["choices"][0]["delta"] for c in stream if c["choices"]]


# Reasoning: unasked for the models that always reason, on request for the others


@pytest.mark.parametrize("model", [PRO, GEMINI_3, FLASH_3])
def test_models_that_always_reason_answer_with_reasoning_unasked(
    openrouter_emulator: OpenRouterEmulator, model: str
) -> None:
    echoed = message(openrouter_emulator, request(model))
    openrouter_emulator.enqueue(Reply.text("Hi, Oslo."))
    scripted = message(openrouter_emulator, request(model))
    for reply in (echoed, scripted):
        assert reply["reasoning"], "2.5 Pro and 3.x send reasoning without being asked"
        kinds = {detail["type"] for detail in reply["reasoning_details"]}
        assert kinds == {"reasoning.text", "reasoning.encrypted"}
    assert scripted["content"] == "Hi, Oslo."


@pytest.mark.parametrize(
    "ask",
    [
        {"reasoning": {"effort": "low"}},
        {"reasoning": {"max_tokens": 512}},
        {"reasoning": {"enabled": True}},
        {"reasoning_effort": "high"},
        {"include_reasoning": True},
    ],
)
def test_a_reasoning_model_reasons_when_the_request_asks(
    openrouter_emulator: OpenRouterEmulator, ask: dict[str, Any]
) -> None:
    plain = message(openrouter_emulator, request(FLASH))
    assert plain["reasoning"] is None and "reasoning_details" not in plain
    asked = message(openrouter_emulator, request(FLASH, **ask))
    assert asked["reasoning"] and "Say hi to Oslo" in asked["reasoning"]
    assert [d["type"] for d in asked["reasoning_details"]] == [
        "reasoning.text",
        "reasoning.encrypted",
    ]
    usage = post(openrouter_emulator, request(FLASH, **ask)).json()["usage"]
    assert usage["completion_tokens_details"]["reasoning_tokens"] > 0


def test_switching_reasoning_off_or_excluding_it(openrouter_emulator: OpenRouterEmulator) -> None:
    off = message(openrouter_emulator, request(FLASH, reasoning={"effort": "none"}))
    assert off["reasoning"] is None and "reasoning_details" not in off
    # Mandatory reasoning cannot be switched off.
    pro = message(openrouter_emulator, request(PRO, reasoning={"enabled": False}))
    assert pro["reasoning"]
    hidden = post(openrouter_emulator, request(PRO, reasoning={"exclude": True})).json()
    assert hidden["choices"][0]["message"]["reasoning"] is None
    assert hidden["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0


def test_auto_reasoning_can_be_opted_out_of_in_a_script(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.text("plain", auto_reasoning=False))
    reply = message(openrouter_emulator, request(PRO))
    assert reply["reasoning"] is None and "reasoning_details" not in reply


def test_reasoning_docs_sample_works_against_a_plain_emulator() -> None:
    from tests.unit_tests.docs.test_doc_samples import DOCS, page_samples

    first = next(s for s in page_samples(DOCS / "reasoning.md") if not s.hidden)
    assert "reasoning_effort" in first.code
    with OpenRouterEmulator() as emulator, pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPENROUTER_API_KEY", "sk-or-emulator")
        patch.setenv("OPENROUTER_BASE_URL", emulator.base_url)
        namespace: dict[str, Any] = {}
        exec(compile(first.code, "docs/reasoning.md", "exec"), namespace)  # nothing scripted
    reply = namespace["reply"]
    assert reply.additional_kwargs["reasoning_content"]
    assert reply.usage_metadata["output_token_details"]["reasoning"] > 0


# Empty fields real replies carry


def test_messages_carry_empty_annotations(openrouter_emulator: OpenRouterEmulator) -> None:
    assert message(openrouter_emulator, request(FLASH))["annotations"] == []
    openrouter_emulator.enqueue(Reply.tool_call("f", {"x": 1}))
    assert message(openrouter_emulator, request(FLASH))["annotations"] == []


@pytest.mark.parametrize(("model", "annotations"), [(FLASH, False), (GEMINI_3, True)])
def test_content_deltas_carry_null_reasoning_and_empty_details(
    openrouter_emulator: OpenRouterEmulator, model: str, annotations: bool
) -> None:
    openrouter_emulator.enqueue(Reply.text("abcdefgh", chunk_size=3))
    content = [d for d in deltas(chunks(openrouter_emulator, request(model))) if d.get("content")]
    assert "".join(d["content"] for d in content) == "abcdefgh"
    for delta in content[:-1]:
        assert delta["reasoning"] is None and delta["reasoning_details"] == []
        assert (delta.get("annotations") == []) is annotations


@pytest.mark.parametrize(("model", "tier"), [(FLASH, None), (GEMINI_3, "default")])
def test_service_tier_for_the_models_that_send_it(
    openrouter_emulator: OpenRouterEmulator, model: str, tier: str | None
) -> None:
    body = post(openrouter_emulator, request(model)).json()
    assert body.get("service_tier") == tier
    assert {c.get("service_tier") for c in chunks(openrouter_emulator, request(model))} == {tier}


# The usage chunk


@pytest.mark.parametrize(
    ("options", "choices"),
    [
        ({}, [{"delta": {"role": "assistant", "content": ""}, "finish_reason": None}]),
        ({"usage_chunk": "no_choices"}, []),
        ({"usage_in_empty_choices": True}, []),
        ({"usage_chunk": "repeat_finish"}, [{"finish_reason": "stop"}]),
    ],
)
def test_usage_chunk_forms(
    openrouter_emulator: OpenRouterEmulator, options: dict[str, Any], choices: list[Any]
) -> None:
    openrouter_emulator.enqueue(Reply.text("hi", **options))
    stream = chunks(openrouter_emulator, request())
    last = stream[-1]
    assert "usage" in last and all("usage" not in c for c in stream[:-1])
    assert len(last["choices"]) == len(choices)
    for got, expected in zip(last["choices"], choices, strict=True):
        assert {key: got[key] for key in expected} == expected
    finishes = [c["choices"][0]["finish_reason"] for c in stream[:-1] if c["choices"]]
    assert finishes.count("stop") == 1, "the finish reason is sent once before the usage"


# reasoning_details layouts


def test_gemini_3_puts_text_and_encrypted_details_at_index_0(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    details = message(openrouter_emulator, request(GEMINI_3))["reasoning_details"]
    assert [(d["type"], d["index"]) for d in details] == [
        ("reasoning.text", 0),
        ("reasoning.encrypted", 0),
    ]
    assert "id" not in details[1], "on a text answer the encrypted entry has no id"
    legacy = message(openrouter_emulator, request(PRO))["reasoning_details"]
    assert [d["index"] for d in legacy] == [0, 1]


def test_gemini_3_streams_the_encrypted_detail_with_the_last_text_and_finish(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.reasoning("think", "abcdef", chunk_size=4))
    stream = chunks(openrouter_emulator, request(GEMINI_3))
    finishing = next(c["choices"][0] for c in stream if c["choices"][0]["finish_reason"])
    assert finishing["finish_reason"] == "stop"
    assert finishing["delta"]["content"] == "ef"
    (encrypted,) = finishing["delta"]["reasoning_details"]
    assert (encrypted["type"], encrypted["index"]) == ("reasoning.encrypted", 0)
    others = [
        d
        for delta in deltas(stream)
        if delta is not finishing["delta"]
        for d in delta.get("reasoning_details") or []
    ]
    assert {d["type"] for d in others} == {"reasoning.text"}


def test_gemini_3_tool_call_signature_comes_before_the_calls(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.tool_call("get_weather", {"city": "Oslo"}))
    stream = deltas(chunks(openrouter_emulator, request(GEMINI_3)))
    signed = next(
        i
        for i, d in enumerate(stream)
        if any(e["type"] == "reasoning.encrypted" for e in d.get("reasoning_details") or [])
    )
    first_call = next(i for i, d in enumerate(stream) if d.get("tool_calls"))
    (encrypted,) = stream[signed]["reasoning_details"]
    assert signed < first_call
    assert encrypted["id"] == stream[first_call]["tool_calls"][0]["id"]


def test_signature_only_text_entry(openrouter_emulator: OpenRouterEmulator) -> None:
    reply = Reply.text("42", signature_only=True)
    openrouter_emulator.enqueue(reply, reply)
    answer = message(openrouter_emulator, request("google/gemini-3-flash-preview"))
    assert answer["reasoning"] is None
    (detail,) = answer["reasoning_details"]
    assert detail["type"] == "reasoning.text" and "text" not in detail and detail["signature"]
    streamed = [
        d
        for delta in deltas(chunks(openrouter_emulator, request(FLASH_3)))
        for d in delta.get("reasoning_details") or []
    ]
    assert [set(d) for d in streamed] == [{"type", "signature", "format", "index"}]


def test_placeholder_then_value_in_streamed_details(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(
        Reply.reasoning("abcdefgh", "ok", chunk_size=3, placeholder_details=True)
    )
    streamed = [
        d
        for delta in deltas(chunks(openrouter_emulator, request()))
        for d in delta.get("reasoning_details") or []
    ]
    first, *fragments, last = streamed
    assert (first["text"], first["signature"]) == ("", "")
    assert "".join(f["text"] for f in fragments) == "abcdefgh"
    assert all("signature" not in f for f in fragments)
    assert "text" not in last and len(last["signature"]) > 20
    assert {(d["type"], d["index"]) for d in streamed} == {("reasoning.text", 0)}


# Cost


def test_ordinary_reply_has_null_upstream_cost(openrouter_emulator: OpenRouterEmulator) -> None:
    usage = post(openrouter_emulator, request()).json()["usage"]
    assert usage["cost"] > 0 and usage["is_byok"] is False
    assert usage["cost_details"]["upstream_inference_cost"] is None
    parts = usage["cost_details"]
    total = parts["upstream_inference_prompt_cost"] + parts["upstream_inference_completions_cost"]
    assert total == pytest.approx(usage["cost"])


def test_byok_and_unknown_cost(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.enqueue(Reply.text("a", billing="byok"), Reply.text("b", billing="unknown"))
    byok = post(openrouter_emulator, request()).json()["usage"]
    assert (byok["cost"], byok["is_byok"]) == (0, True)
    assert byok["cost_details"]["upstream_inference_cost"] > 0
    unknown = post(openrouter_emulator, request()).json()["usage"]
    assert not {"cost", "is_byok", "cost_details"} & set(unknown)
    assert unknown["total_tokens"] == unknown["prompt_tokens"] + unknown["completion_tokens"]


# Errors after a normal finish, verbatim replay, echo punctuation


def test_error_event_after_a_normal_finish(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.enqueue(Fault.error_after_finish(400, "Token limit reached"))
    response = post(openrouter_emulator, {**request(), "stream": True})
    assert response.status_code == 200 and response.text.endswith("data: [DONE]\n\n")
    stream = parse(response.text)
    finishes = [c["choices"][0]["finish_reason"] for c in stream]
    assert finishes[-3:] == ["length", "length", None]
    error = stream[-1]
    assert error["error"] == {"code": 400, "message": "Token limit reached"}
    assert error["usage"]["completion_tokens"] > 0
    openrouter_emulator.enqueue(Fault.error_after_finish())
    plain = post(openrouter_emulator, request())
    assert plain.json()["choices"][0]["finish_reason"] == "length"


RECORDED_JSON = (
    b'\n  \n{"id":"gen-1770000000-Xq8vT2mN5pR7wK1yL3zA","provider":"Google AI Studio",'
    b'"model":"google/gemini-2.5-flash","object":"chat.completion","created":1770000000,'
    b'"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant",'
    b'"content":"caf\xc3\xa9"}}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}'
)
RECORDED_SSE = (
    ": OPENROUTER PROCESSING\r\n\r\n"
    'data: {"id":"gen-1","choices":[{"index":0,"delta":{"content":"x\u2028y"}}]}\r\n\r\n'
    "data: [DONE]\r\n\r\n"
)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(RECORDED_JSON, "application/json"), (RECORDED_SSE, "text/event-stream")],
)
def test_verbatim_replies_serve_recorded_bytes_exactly(
    openrouter_emulator: OpenRouterEmulator, data: bytes | str, content_type: str
) -> None:
    openrouter_emulator.enqueue(Reply.verbatim(data))
    response = post(
        openrouter_emulator, {**request(), "stream": content_type != "application/json"}
    )
    expected = data.encode() if isinstance(data, str) else data
    assert response.content == expected
    assert response.headers["content-type"] == content_type


def test_verbatim_needs_bytes() -> None:
    with pytest.raises(ValueError, match="recorded bytes"):
        Reply.verbatim(b"")
    assert Reply.verbatim("{}", content_type="text/plain").raw_content_type == "text/plain"


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("hi there?", "You said: hi there? How can I help you with that?"),
        ("Stop.", "You said: Stop. How can I help you with that?"),
        ("wow!", "You said: wow! How can I help you with that?"),
        ("hello", "You said: hello. How can I help you with that?"),
    ],
)
def test_echo_does_not_double_punctuation(
    openrouter_emulator: OpenRouterEmulator, question: str, answer: str
) -> None:
    assert message(openrouter_emulator, request(text=question))["content"] == answer


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_echo_never_doubles_sentence_punctuation(question: str) -> None:
    content = echo_reply(request(text=question)).content or ""
    said = content.removeprefix("You said: ").split(" How can I help you with that?")[0]
    ends = (".", "!", "?", "\u2026", "\u3002", "\uff01", "\uff1f")
    assert said.endswith(ends)
    stripped = question.strip()
    if stripped.endswith(ends):
        assert said == stripped, "a question that ends a sentence is quoted as it is"
    else:
        assert said == (stripped or "(nothing)") + "."


@pytest.mark.parametrize("stream", [False, True])
def test_replies_name_the_generation_and_provider_in_headers(
    openrouter_emulator: OpenRouterEmulator, stream: bool
) -> None:
    routed = request(provider={"order": ["google-vertex"]}, stream=stream)
    response = post(openrouter_emulator, routed)
    assert response.headers["x-provider-name"] == "Google"
    first = parse(response.text)[0] if stream else response.json()
    assert response.headers["x-generation-id"] == first["id"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("usage_chunk", "both"), ("billing", "free"), ("details_layout", "gemini-4")],
)
def test_reply_rejects_unknown_option_values(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=field):
        Reply.text("x", **{field: value})


@pytest.mark.parametrize("model", [PRO, GEMINI_3, FLASH_3])
@pytest.mark.parametrize("streamed", [False, True])
def test_the_package_carries_the_new_layouts_through_a_tool_loop(
    openrouter_emulator: OpenRouterEmulator, model: str, streamed: bool
) -> None:
    from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
    from langchain_core.tools import tool

    from langchain_openrouter_gemini import ChatOpenRouterGemini

    @tool
    def get_weather(city: str) -> str:
        """The weather in a city."""
        return "4 C"

    llm = ChatOpenRouterGemini(
        model=model,
        base_url=openrouter_emulator.base_url,
        api_key=SecretStr("sk-or-test"),
        max_retries=0,
    ).bind_tools([get_weather])
    history: list[BaseMessage] = [HumanMessage("Weather in 'Oslo'?")]
    # Two scripted calls (with the model's reasoning, unasked); turn 3 sends both back.
    openrouter_emulator.enqueue(
        Reply.tool_call("get_weather", {"city": "Oslo"}),
        Reply.tool_call("get_weather", {"city": "Bergen"}),
    )
    for _ in range(2):
        if streamed:
            chunks = list(llm.stream(history))
            reply: BaseMessage = sum(chunks[1:], chunks[0])
        else:
            reply = llm.invoke(history)
        assert isinstance(reply, AIMessage) and reply.tool_calls
        assert reply.additional_kwargs["reasoning_content"], "reasoning unasked, and kept"
        history += [reply, ToolMessage("4 C", tool_call_id=reply.tool_calls[0]["id"])]
    final = llm.invoke(history)
    # Every turn went back with its signatures: the emulator checked and accepted them.
    assert "4 C" in final.text
    sent = openrouter_emulator.chat_requests[-1].body["messages"]
    for turn in (sent[1], sent[3]):
        assert {d["type"] for d in turn["reasoning_details"]} == {
            "reasoning.text",
            "reasoning.encrypted",
        }
