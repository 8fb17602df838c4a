"""Property-based tests of the reply parsers: hostile input gives typed errors, never crashes.

Random JSON and mutated real replies (rendered by the emulator, so every field OpenRouter
sends is present to be broken) go into `completion_to_result`, `decode_body` and
`StreamParser`. Each must either produce a well-formed message or raise an
`OpenRouterError`; a bare `KeyError`, `TypeError`, `AttributeError` or `IndexError` is a
bug. A valid SSE byte stream must also parse to the same message however the network
splits it into reads.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.utils import message_chunk_to_message

from langchain_openrouter_gemini.errors import OpenRouterError
from langchain_openrouter_gemini.testing import Reply
from langchain_openrouter_gemini.testing.render import (
    completion_body,
    materialize,
    stream_chunks,
)
from langchain_openrouter_gemini.testing.signatures import SignatureBook
from langchain_openrouter_gemini.transport.body import decode_body
from langchain_openrouter_gemini.transport.sse import SSELineDecoder
from langchain_openrouter_gemini.wire.response.chat import completion_to_result
from langchain_openrouter_gemini.wire.response.stream import StreamParser

# Two shared CI cores: modest example counts, the same examples on every run.
FUZZ = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

REQUEST = {"model": "google/gemini-2.5-flash", "messages": [{"role": "user", "content": "hi"}]}
BOOK = SignatureBook(b"reliability-property-tests-secret")
REPLIES = [
    Reply.text("Hello, wörld 🌍 — done."),
    Reply.reasoning("First, think.\nThen answer.", "42"),
    Reply.tool_call("get_weather", {"city": "Oslo", "days": [1, 2]}),
    Reply.tool_calls([("search", {"q": "moons"}), ("lookup", {})]),
    Reply.image(b"\x89PNG fake bytes", text="A picture."),
    Reply.annotations("See the source.", [{"url": "https://example.com", "title": "Ex"}]),
    Reply.text("cut short", finish_reason="length", usage_in_empty_choices=True),
]
RENDERED = [materialize(reply, REQUEST, BOOK) for reply in REPLIES]
BODIES = [completion_body(rendered) for rendered in RENDERED]
STREAMS = [stream_chunks(rendered) for rendered in RENDERED]


def _keys_in(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(_keys_in(child) for child in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys_in(child) for child in value))
    return set()


# Field names OpenRouter uses, so random objects often look like (broken) real ones.
WIRE_KEYS = sorted(
    _keys_in([BODIES, STREAMS]) | {"error", "code", "message", "metadata", "raw", "provider_name"}
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["", "[DONE]", "error", "stop", "tool_calls", "MALFORMED_FUNCTION_CALL"])
)
keys = st.sampled_from(WIRE_KEYS) | st.text(max_size=6)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=16,
)


def _replacement(data: st.DataObject, node: Any) -> Any:
    choice = data.draw(st.integers(0, 5))
    if choice == 0:
        return data.draw(json_values)
    if choice == 1:
        return None
    if choice == 2:
        return [node]
    if choice == 3:
        return str(node)
    if choice == 4:
        return {} if isinstance(node, list) else []
    return data.draw(scalars)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every position inside a JSON value, so each field is as likely to break as any."""
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*prefix, index))
    return found


def _changed(data: st.DataObject, parent: Any, key: Any) -> None:
    """Replace, delete, duplicate or add next to `parent[key]`, in place."""
    action = data.draw(st.sampled_from(["replace", "replace", "delete", "duplicate", "add"]))
    if action == "replace":
        parent[key] = _replacement(data, parent[key])
    elif action == "delete":
        del parent[key]
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    elif isinstance(parent, dict):
        parent[data.draw(keys)] = data.draw(json_values)
    else:
        parent.insert(key, data.draw(json_values))


def _mutate(data: st.DataObject, value: Any) -> Any:
    """One random change at a position drawn uniformly from all positions in `value`."""
    path = data.draw(st.sampled_from(_paths(value)))
    if not path:
        return _replacement(data, value)
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    _changed(data, parent, path[-1])
    return value


def _mutated(data: st.DataObject, value: Any) -> Any:
    """A deep copy of `value` with one to eight random changes."""
    value = copy.deepcopy(value)
    for _ in range(data.draw(st.integers(1, 8))):
        value = _mutate(data, value)
    return value


def _check_message(message: BaseMessage) -> None:
    """What a caller relies on: text, tool calls and usage of the right types."""
    assert isinstance(message, AIMessage)
    assert isinstance(message.text, str)
    assert isinstance(message.content, (str, list))
    for call in message.tool_calls:
        assert isinstance(call["name"], str)
        assert isinstance(call["args"], dict)
    if message.usage_metadata is not None:
        for field in ("input_tokens", "output_tokens", "total_tokens"):
            assert isinstance(message.usage_metadata[field], int)
    json.dumps(message.response_metadata, default=str)
    # A message that cannot be rebuilt from its own fields would fail later, in user code.
    AIMessage.model_validate(message.model_dump())


def _parse_lines(lines: Iterable[str]) -> AIMessageChunk:
    parser = StreamParser()
    chunks = [chunk for line in lines if (chunk := parser.feed(line)) is not None]
    if (last := parser.finish()) is not None:
        chunks.append(last)
    assert chunks, "a finished stream yields at least its final chunk"
    total = chunks[0].message
    for chunk in chunks[1:]:
        total = total + chunk.message
    assert isinstance(total, AIMessageChunk)
    return total


def _sse_lines(events: Iterable[Any]) -> Iterator[str]:
    yield ": OPENROUTER PROCESSING"
    yield ""
    for event in events:
        yield "data: " + (event if isinstance(event, str) else json.dumps(event))
        yield ""
    yield "data: [DONE]"
    yield ""


def _completion_or_typed_error(body: Any) -> None:
    try:
        result = completion_to_result(body)
    except OpenRouterError as error:
        assert str(error)
        return
    _check_message(result.generations[0].message)


@FUZZ
@given(st.dictionaries(keys, json_values, max_size=8))
def test_random_objects_never_crash_the_completion_parser(body: dict[str, Any]) -> None:
    _completion_or_typed_error(body)


@FUZZ
@given(st.data())
def test_mutated_completions_parse_or_raise_typed(data: st.DataObject) -> None:
    body = _mutated(data, data.draw(st.sampled_from(BODIES)))
    if isinstance(body, dict):
        _completion_or_typed_error(body)
    else:
        # Only an object is a reply; decode_body rejects anything else with a typed error.
        raw = json.dumps(body).encode()
        try:
            decode_body(raw)
        except OpenRouterError:
            return
        raise AssertionError(f"decode_body accepted a non-object: {raw[:80]!r}")


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_random_bodies_decode_or_raise_typed(body: bytes | str) -> None:
    try:
        decoded = decode_body(body)
    except OpenRouterError:
        return
    assert isinstance(decoded, dict)


def _line_mutation(data: st.DataObject, lines: list[str]) -> list[str]:
    index = data.draw(st.integers(0, len(lines) - 1))
    action = data.draw(st.sampled_from(["drop", "duplicate", "truncate", "insert", "swap"]))
    if action == "drop":
        del lines[index]
    elif action == "duplicate":
        lines.insert(index, lines[index])
    elif action == "truncate":
        lines[index] = lines[index][: data.draw(st.integers(0, max(len(lines[index]) - 1, 0)))]
    elif action == "insert":
        junk = st.sampled_from(["data: [DONE]", "data:", "data: {}", "event: x", ":", ""])
        lines.insert(index, data.draw(junk | st.text(max_size=20).map(lambda t: "data: " + t)))
    elif index + 1 < len(lines):
        lines[index], lines[index + 1] = lines[index + 1], lines[index]
    return lines


@FUZZ
@given(st.data())
def test_mutated_streams_parse_or_raise_typed(data: st.DataObject) -> None:
    events = list(data.draw(st.sampled_from(STREAMS)))
    for _ in range(data.draw(st.integers(0, 4))):
        index = data.draw(st.integers(0, len(events) - 1))
        events[index] = _mutated(data, events[index])
    lines = list(_sse_lines(events))
    for _ in range(data.draw(st.integers(0, 3))):
        lines = _line_mutation(data, lines)
    try:
        total = _parse_lines(lines)
    except OpenRouterError as error:
        assert str(error)
        return
    _check_message(message_chunk_to_message(total))


# Every wrong type a field can take; the sweep below puts each one at every position.
WRONG_TYPES: tuple[Any, ...] = (None, True, 0, -1, 2.5, "", "x", [], {}, [1], {"x": 1})


def _single_changes(value: Any) -> Iterator[Any]:
    """Copies of `value`, each with one field deleted or given one of `WRONG_TYPES`."""
    for path in _paths(value)[1:]:
        for wrong in (_DELETED, *WRONG_TYPES):
            changed = copy.deepcopy(value)
            parent = changed
            for step in path[:-1]:
                parent = parent[step]
            if wrong is _DELETED:
                del parent[path[-1]]
            else:
                parent[path[-1]] = wrong
            yield changed


_DELETED = object()
KINDS = ["text", "reasoning", "tool_call", "tool_calls", "image", "annotations", "length"]


@pytest.mark.parametrize("body", BODIES, ids=KINDS)
def test_every_field_of_a_completion_survives_every_wrong_type(body: dict[str, Any]) -> None:
    for changed in _single_changes(body):
        _completion_or_typed_error(changed)


@pytest.mark.parametrize("events", STREAMS, ids=KINDS)
def test_every_field_of_a_stream_survives_every_wrong_type(events: list[Any]) -> None:
    for index, event in enumerate(events):
        for changed in _single_changes(event):
            lines = _sse_lines([*events[:index], changed, *events[index + 1 :]])
            try:
                total = _parse_lines(lines)
            except OpenRouterError:
                continue
            _check_message(message_chunk_to_message(total))


def _sse_bytes(events: list[dict[str, Any]], newline: bytes) -> bytes:
    text = "\n".join(_sse_lines(events)) + "\n"
    return text.encode().replace(b"\n", newline)


def _split(data: bytes, cuts: list[int]) -> Iterator[bytes]:
    start = 0
    for cut in sorted(set(cuts)):
        yield data[start:cut]
        start = cut
    yield data[start:]


def _lines_as_received(pieces: Iterator[bytes]) -> list[str]:
    # The transport cuts the body's reads into lines with this decoder.
    decoder = SSELineDecoder()
    lines = [line for piece in pieces for line in decoder.feed(piece)]
    return lines + decoder.close()


reply_texts = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=60
)


@FUZZ
@given(
    content=reply_texts,
    reasoning=st.none() | reply_texts,
    chunk_size=st.integers(1, 7),
    newline=st.sampled_from([b"\n", b"\r\n"]),
    data=st.data(),
)
def test_any_split_of_a_valid_stream_gives_the_same_message(
    content: str, reasoning: str | None, chunk_size: int, newline: bytes, data: st.DataObject
) -> None:
    reply = Reply(content=content, reasoning_text=reasoning, chunk_size=chunk_size)
    events = stream_chunks(materialize(reply, REQUEST, BOOK))
    expected = _parse_lines(_sse_lines(events))
    raw = _sse_bytes(events, newline)
    cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=40))

    received = _parse_lines(_lines_as_received(_split(raw, cuts)))

    assert received.content == content == expected.content
    assert received.model_dump() == expected.model_dump()
