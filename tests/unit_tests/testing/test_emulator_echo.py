"""Echo mode (pure): what the emulator answers when nothing is scripted; and reply builders."""

from __future__ import annotations

import json
from typing import Any

import pytest

from langchain_openrouter_gemini.testing import Reply
from langchain_openrouter_gemini.testing.echo import echo_reply, value_for_schema

MAGIC = {
    "type": "function",
    "function": {
        "name": "magic_function",
        "parameters": {
            "type": "object",
            "properties": {
                "input": {"type": "integer", "exclusiveMinimum": -1000, "exclusiveMaximum": 1000}
            },
            "required": ["input"],
        },
    },
}
NO_ARGS = {
    "type": "function",
    "function": {"name": "magic_function_no_args", "parameters": {"type": "object"}},
}
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"location": {"type": "string"}}},
    },
}


def request(*messages: dict[str, Any] | str, **extra: Any) -> dict[str, Any]:
    turns = [{"role": "user", "content": m} if isinstance(m, str) else m for m in messages]
    return {"model": "google/gemini-2.5-flash", "messages": turns, **extra}


def only_call(reply: Reply) -> tuple[str, Any]:
    (call,) = reply.calls
    return call.name, json.loads(call.arguments_json())


@pytest.mark.parametrize(
    ("tools", "choice", "question", "expected"),
    [
        (
            [MAGIC],
            "any",
            "What is the value of magic_function(3)?",
            ("magic_function", {"input": 3}),
        ),
        (
            [NO_ARGS],
            "required",
            "What is the value of magic_function_no_args()?",
            ("magic_function_no_args", {}),
        ),
        (
            [MAGIC, WEATHER],
            {"type": "function", "function": {"name": "get_weather"}},
            "Hello!",
            ("get_weather", {"location": "location about Hello!"}),
        ),
        (
            [MAGIC, WEATHER],
            "auto",
            "Use get_weather for Paris",
            ("get_weather", {"location": "location about Use get_weather for Paris"}),
        ),
        ([MAGIC], "any", "magic_function(5000)", ("magic_function", {"input": 999})),
    ],
)
def test_tool_calls_follow_tool_choice_and_fill_arguments_from_the_question(
    tools: list[Any], choice: Any, question: str, expected: tuple[str, Any]
) -> None:
    assert only_call(echo_reply(request(question, tools=tools, tool_choice=choice))) == expected


def test_quoted_names_survive_in_string_arguments() -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "unicode_customer",
            "parameters": {
                "type": "object",
                "properties": {
                    "customer_name": {"type": "string"},
                    "description": {"type": "string"},
                },
            },
        },
    }
    question = "Create a customer named '你好啊集团' (Hello Group) - a Chinese technology company"
    _, args = only_call(echo_reply(request(question, tools=[tool], tool_choice="any")))
    assert args["customer_name"] == "你好啊集团"


@pytest.mark.parametrize(
    ("question", "location"),
    [
        ("What's the weather in 'Oslo'?", "Oslo"),
        ('Weather in "Tromsø", it\'s cold?', "Tromsø"),
        ("What's the weather at Bob's?", "location about What's the weather at Bob's?"),
    ],
)
def test_an_apostrophe_is_not_a_quote(question: str, location: str) -> None:
    reply = echo_reply(request(question, tools=[WEATHER]))
    assert only_call(reply) == ("get_weather", {"location": location})


def test_tool_choice_none_answers_in_text() -> None:
    reply = echo_reply(request("magic_function(3)?", tools=[MAGIC], tool_choice="none"))
    assert not reply.calls and "magic_function(3)" in (reply.content or "")


def test_after_tool_results_the_answer_uses_them() -> None:
    history = request(
        "What is the weather in San Francisco, CA?",
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": "{}"},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "It's sunny."},
        tools=[WEATHER],
    )
    reply = echo_reply(history)
    assert not reply.calls and "It's sunny." in (reply.content or "")


def test_json_schema_format_yields_a_valid_object() -> None:
    schema = {
        "title": "Joke",
        "type": "object",
        "properties": {
            "setup": {"type": "string"},
            "punchline": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
            "rating": {"type": "integer", "minimum": 1, "maximum": 10},
        },
        "required": ["setup"],
    }
    body = request(
        "Tell me a joke about cats.",
        response_format={"type": "json_schema", "json_schema": {"name": "Joke", "schema": schema}},
    )
    joke = json.loads(echo_reply(body).content or "")
    assert set(joke) == {"setup", "punchline", "rating"}
    assert isinstance(joke["setup"], str) and isinstance(joke["punchline"], str)
    assert 1 <= joke["rating"] <= 10


def test_json_object_format_uses_the_keys_the_question_names() -> None:
    question = "Tell me a joke. Return a JSON with 'setup' and 'punchline' keys."
    answer = json.loads(
        echo_reply(request(question, response_format={"type": "json_object"})).content or ""
    )
    assert set(answer) == {"setup", "punchline"}


def test_stop_sequence_cuts_the_text() -> None:
    reply = echo_reply(request("hi", stop=["you"]))
    assert reply.content is not None and "you" not in reply.content
    assert reply.content.startswith("You said: hi")


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_max_tokens_truncates_with_finish_reason_length(field: str) -> None:
    reply = echo_reply(request("a fairly long question " * 5, **{field: 3}))
    assert reply.finish_reason == "length" and len(reply.content or "") == 12


@pytest.mark.parametrize(
    ("part", "mention"),
    [
        ({"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}, "an image"),
        ({"type": "file", "file": {"filename": "a.pdf", "file_data": "data:..."}}, "the PDF"),
        ({"type": "input_audio", "input_audio": {"data": "AA", "format": "wav"}}, "audio"),
        ({"type": "video_url", "video_url": {"url": "https://youtu.be/x"}}, "a video"),
    ],
)
def test_media_parts_are_acknowledged(part: dict[str, Any], mention: str) -> None:
    content = [{"type": "text", "text": "Describe this."}, part]
    reply = echo_reply(request({"role": "user", "content": content}))
    assert f"I see {mention}" in (reply.content or "")


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"type": "string", "enum": ["pirate", "poet"]}, "pirate"),
        ({"const": 7}, 7),
        ({"type": ["null", "boolean"]}, True),
        ({"type": "array", "items": {"type": "integer"}, "minItems": 2}, [1, 1]),
        ({"type": "number", "exclusiveMinimum": 5}, 5.5),
        ({"type": "string", "maxLength": 4}, "valu"),
        (
            {
                "$defs": {"Point": {"type": "object", "properties": {"x": {"type": "integer"}}}},
                "type": "object",
                "properties": {"p": {"$ref": "#/$defs/Point"}},
            },
            {"p": {"x": 1}},
        ),
        ({"allOf": [{"type": "object", "properties": {"ok": {"type": "boolean"}}}]}, {"ok": True}),
    ],
)
def test_value_for_schema(schema: dict[str, Any], value: Any) -> None:
    assert value_for_schema(schema) == value


def test_value_for_schema_takes_numbers_from_the_question_in_order() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
    }
    assert value_for_schema(schema, "What is 3 + 4") == {"a": 3, "b": 4}


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Reply.text("x", chunk_size=0), "chunk_size must be >= 1"),
        (lambda: Reply.tool_calls([]), "at least one call"),
    ],
)
def test_reply_builders_reject_bad_input(build: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_tool_call_arguments_keep_non_ascii_and_raw_strings() -> None:
    assert only_call(Reply.tool_call("f", {"name": "你好"})) == ("f", {"name": "你好"})
    assert Reply.tool_call("f", '{"broken":').calls[0].arguments_json() == '{"broken":'
