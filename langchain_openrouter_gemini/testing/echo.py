"""Echo mode: a deterministic answer built from the request when no reply is scripted.

It is enough for LangChain's standard integration suite: it calls the tool it is told to call
(with arguments valid for the tool's JSON schema, numbers and quoted names taken from the
question), answers after tool results, fills `json_schema` / `json_object` formats, honours
`stop` and `max_tokens`, says which media parts it received, and draws a small PNG when an
image model is asked for images (`modalities` with `"image"`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_openrouter_gemini.testing import samples
from langchain_openrouter_gemini.testing.models import outputs_images
from langchain_openrouter_gemini.testing.replies import Reply

__all__ = ["echo_reply", "thought_summary", "value_for_schema"]

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# A quote opens and closes at a word boundary, so the apostrophe of "What's" opens nothing.
_QUOTED = re.compile(r"(?<!\w)'([^']+)'(?!\w)|\"([^\"]+)\"")
_MEDIA_WORDS = {
    "image_url": "an image",
    "file": "the PDF",
    "input_audio": "audio",
    "video_url": "a video",
}
_CHARS_PER_TOKEN = 4
# Sentence-ending marks (ASCII and CJK): after one of these, no full stop is added.
_SENTENCE_ENDS = (".", "!", "?", "\u2026", "\u3002", "\uff01", "\uff1f")


def echo_reply(body: Mapping[str, Any]) -> Reply:
    """The deterministic reply for a request.

    Args:
        body: A validated chat completions request body.

    Returns:
        A tool call when the request asks for one (or has tools and ends with a user
        message), else a text answer shaped by `response_format`, `stop` and `max_tokens`.

    """
    messages: Sequence[Mapping[str, Any]] = body.get("messages") or []
    last = messages[-1] if messages else {}
    question = _last_user_text(messages)
    tool = _tool_to_call(body, last, question)
    if tool is not None:
        schema = tool.get("parameters") or {}
        return Reply.tool_call(str(tool.get("name")), value_for_schema(schema, question))
    if _wants_image(body):
        # What Gemini's image models send: a line of text and the image in `message.images`.
        return Reply.image(samples.png(), text=f"Here is an image for: {_sentence(question)}")
    text = _answer_text(body, messages, last, question)
    return _limit(text, body)


def _wants_image(body: Mapping[str, Any]) -> bool:
    modalities = body.get("modalities")
    return (
        isinstance(modalities, list)
        and "image" in modalities
        and outputs_images(str(body.get("model", "")))
    )


def _tool_to_call(
    body: Mapping[str, Any], last: Mapping[str, Any], question: str
) -> Mapping[str, Any] | None:
    functions: list[Mapping[str, Any]] = [
        tool["function"]
        for tool in body.get("tools") or []
        if isinstance(tool, Mapping) and isinstance(tool.get("function"), Mapping)
    ]
    if not functions:
        return None
    choice = body.get("tool_choice", "auto")
    if isinstance(choice, Mapping):
        wanted = (choice.get("function") or {}).get("name")
        return next((f for f in functions if f.get("name") == wanted), functions[0])
    if choice == "none":
        return None
    if choice in ("required", "any") or last.get("role") == "user":
        # A tool the question names wins; otherwise the first one.
        mentioned = [f for f in functions if str(f.get("name")) in question]
        return mentioned[0] if mentioned else functions[0]
    return None


def _answer_text(
    body: Mapping[str, Any],
    messages: Sequence[Mapping[str, Any]],
    last: Mapping[str, Any],
    question: str,
) -> str:
    response_format = body.get("response_format")
    if isinstance(response_format, Mapping):
        kind = response_format.get("type")
        if kind == "json_schema":
            schema = (response_format.get("json_schema") or {}).get("schema") or {}
            return json.dumps(value_for_schema(schema, question), ensure_ascii=False)
        if kind == "json_object":
            keys = [a or b for a, b in _QUOTED.findall(question)] or ["answer"]
            return json.dumps({key: f"{key} about {question[:60]}" for key in keys})
    if last.get("role") == "tool":
        results: list[str] = []
        for message in reversed(messages):
            if message.get("role") != "tool":
                break
            results.insert(0, _text_of(message.get("content")))
        media = _media_mentions([last])
        return f"The tool returned: {_sentence('; '.join(results))}{media}"
    media = _media_mentions([m for m in messages if m.get("role") == "user"][-1:])
    return f"You said: {_sentence(question or '(nothing)')} How can I help you with that?{media}"


def _sentence(text: str) -> str:
    """`text` ending in exactly one full stop, unless it already ends a sentence."""
    text = text.rstrip()
    return text if text.endswith(_SENTENCE_ENDS) else f"{text}."


def thought_summary(body: Mapping[str, Any]) -> str:
    """The reasoning text an echoed (or unscripted-reasoning) reply carries.

    Args:
        body: The chat completions request body.

    Returns:
        A short, deterministic thought summary in Gemini's style (a bold heading, then prose).

    """
    messages: Sequence[Mapping[str, Any]] = body.get("messages") or []
    question = _last_user_text(messages)[:80] or "the conversation so far"
    if messages and messages[-1].get("role") == "tool":
        return "**Reading the tool result**\n\nThe tool answered; I put its result into words."
    return f"**Considering the request**\n\nThe user wrote: {question!r}. I answer it directly."


def _limit(text: str, body: Mapping[str, Any]) -> Reply:
    stops = body.get("stop")
    if isinstance(stops, str):
        stops = [stops]
    for stop in stops or []:
        if isinstance(stop, str) and stop and stop in text:
            text = text[: text.index(stop)]
    limit = body.get("max_completion_tokens", body.get("max_tokens"))
    if isinstance(limit, int) and limit > 0 and len(text) > limit * _CHARS_PER_TOKEN:
        return Reply.text(text[: limit * _CHARS_PER_TOKEN], finish_reason="length")
    return Reply.text(text)


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, Mapping) and part.get("type") == "text"
        )
    return ""


def _last_user_text(messages: Sequence[Mapping[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return _text_of(message.get("content")).strip()
    return ""


def _media_mentions(messages: Sequence[Mapping[str, Any]]) -> str:
    seen: list[str] = []
    for message in messages:
        content = message.get("content")
        for part in content if isinstance(content, list) else []:
            word = _MEDIA_WORDS.get(str(part.get("type"))) if isinstance(part, Mapping) else None
            if word is not None and word not in seen:
                seen.append(word)
    return f" I see {', '.join(seen)}." if seen else ""


class _Clues:
    """Values taken from the question, handed out in order (numbers and quoted names)."""

    def __init__(self, question: str) -> None:
        self.topic = question[:60] or "the question"
        self.numbers = [float(n) for n in _NUMBER.findall(question)]
        self.quoted = [a or b for a, b in _QUOTED.findall(question)]

    def number(self) -> float | None:
        return self.numbers.pop(0) if self.numbers else None

    def quote(self) -> str | None:
        return self.quoted.pop(0) if self.quoted else None


def value_for_schema(schema: Mapping[str, Any], question: str = "") -> Any:
    """A small value that validates against a JSON schema.

    Handles `$ref`/`$defs`, `anyOf`/`oneOf`/`allOf`, `enum`, `const`, type lists, nested
    objects (every property, required or not), arrays (`minItems`), and numeric bounds.

    Args:
        schema: The JSON schema.
        question: Text whose numbers and quoted names are used first, in order.

    Returns:
        The value.

    """
    return _value(schema, _Clues(question), "value", schema)


def _value(schema: Mapping[str, Any], clues: _Clues, name: str, root: Mapping[str, Any]) -> Any:
    if "$ref" in schema:
        return _value(_resolve(root, str(schema["$ref"])), clues, name, root)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        options = [o for o in schema.get(key) or [] if o.get("type") != "null"]
        if options:
            return _value(options[0], clues, name, root)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolve(root, part["$ref"]) if "$ref" in part else part)
        return _value(merged, clues, name, root)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    return _typed_value(str(kind), schema, clues, name, root)


def _typed_value(
    kind: str, schema: Mapping[str, Any], clues: _Clues, name: str, root: Mapping[str, Any]
) -> Any:
    if kind == "object":
        properties = schema.get("properties") or {}
        return {key: _value(sub, clues, key, root) for key, sub in properties.items()}
    if kind == "array":
        items = schema.get("items") or {}
        count = max(1, int(schema.get("minItems", 1)))
        return [_value(items, clues, name, root) for _ in range(count)]
    if kind in ("integer", "number"):
        return _bounded_number(kind, schema, clues.number())
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    text = clues.quote() or f"{name} about {clues.topic}"
    if "maxLength" in schema:
        text = text[: int(schema["maxLength"])]
    return text


def _bounded_number(kind: str, schema: Mapping[str, Any], clue: float | None) -> int | float:
    value = clue if clue is not None else 1.0
    step = 1 if kind == "integer" else 0.5
    if "minimum" in schema and value < schema["minimum"]:
        value = schema["minimum"]
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        value = schema["exclusiveMinimum"] + step
    if "maximum" in schema and value > schema["maximum"]:
        value = schema["maximum"]
    if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
        value = schema["exclusiveMaximum"] - step
    return int(value) if kind == "integer" else value


def _resolve(root: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    node: Any = root
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, Mapping) else {}
    return node if isinstance(node, Mapping) else {}
