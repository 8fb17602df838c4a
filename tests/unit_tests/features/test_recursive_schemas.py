"""Recursive schemas (trees) reach Gemini with their recursion inlined, not erased."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Optional

import pytest
from pydantic import BaseModel
from typing_extensions import TypedDict

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.features.schema import RECURSION_DEPTH, has_recursive_refs
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply
from tests.unit_tests.models import chat_model


class Node(BaseModel):
    """A node of a tree."""

    name: str
    children: list[Node] = []
    parent: Optional[Node] = None  # noqa: UP045 - the spelling the issue names


class TypedNode(TypedDict):
    """A node of a tree, as a TypedDict."""

    name: str
    children: list[TypedNode]


TREE: dict[str, Any] = {
    "name": "root",
    "children": [{"name": "child", "children": [{"name": "grandchild", "children": []}]}],
}


@pytest.fixture
def emulator(openrouter_emulator: OpenRouterEmulator) -> OpenRouterEmulator:
    return openrouter_emulator


def _llm(emulator: OpenRouterEmulator, **kwargs: Any) -> ChatOpenRouterGemini:
    return chat_model(emulator, model="google/gemini-2.5-flash", **kwargs)


def _is_node(schema: Mapping[str, Any]) -> bool:
    """The real object schema of a node: typed fields, not a bag of scalar types."""
    properties = schema.get("properties") or {}
    return (
        schema.get("type") == "object"
        and properties.get("name", {}).get("type") == "string"
        and properties.get("children", {}).get("type") == "array"
    )


def _levels(schema: Mapping[str, Any], field: str) -> int:
    """How many node schemas are nested below this one, following `field`."""
    levels = 0
    while True:
        child = schema["properties"].get(field)
        if child is None:
            return levels
        child = child.get("items", child)
        if not _is_node(child):
            return levels
        levels += 1
        schema = child


def _assert_three_levels(schema: Mapping[str, Any], *, parent: bool = True) -> None:
    text = json.dumps(schema)
    assert "$ref" not in text and "$defs" not in text  # Gemini rejects both
    assert _is_node(schema)
    assert _levels(schema, "children") >= RECURSION_DEPTH
    if parent:
        assert _levels(schema, "parent") >= RECURSION_DEPTH


def test_bind_tools_inlines_three_levels_and_the_call_parses(emulator: OpenRouterEmulator) -> None:
    emulator.enqueue(Reply.tool_call("Node", TREE))
    reply = _llm(emulator).bind_tools([Node]).invoke("Draw a tree.")
    _assert_three_levels(emulator.requests[-1].body["tools"][0]["function"]["parameters"])
    assert Node.model_validate(reply.tool_calls[0]["args"]) == Node.model_validate(TREE)


def test_json_schema_method_inlines_three_levels_and_parses(emulator: OpenRouterEmulator) -> None:
    emulator.enqueue(Reply.text(json.dumps(TREE)))
    parsed = _llm(emulator).with_structured_output(Node).invoke("Draw a tree.")
    sent = emulator.requests[-1].body["response_format"]["json_schema"]
    assert sent["name"] == "Node"
    _assert_three_levels(sent["schema"])
    assert parsed == Node.model_validate(TREE)


def test_function_calling_method_inlines_three_levels_and_parses(
    emulator: OpenRouterEmulator,
) -> None:
    emulator.enqueue(Reply.tool_call("Node", TREE))
    extractor = _llm(emulator).with_structured_output(Node, method="function_calling")
    parsed = extractor.invoke("Draw a tree.")
    body = emulator.requests[-1].body
    assert body["tool_choice"]["function"]["name"] == "Node"
    _assert_three_levels(body["tools"][0]["function"]["parameters"])
    assert parsed == Node.model_validate(TREE)


def test_json_mode_parses_a_recursive_model(emulator: OpenRouterEmulator) -> None:
    # JSON mode sends no schema (the prompt describes it); the reply still parses into it.
    emulator.enqueue(Reply.text(json.dumps(TREE)))
    parsed = _llm(emulator).with_structured_output(Node, method="json_mode").invoke("A tree.")
    assert emulator.requests[-1].body["response_format"] == {"type": "json_object"}
    assert parsed == Node.model_validate(TREE)


def test_a_recursive_json_schema_dict_keeps_its_levels(emulator: OpenRouterEmulator) -> None:
    emulator.enqueue(Reply.text(json.dumps(TREE)))
    schema = {"title": "Node", "description": "A node.", **Node.model_json_schema()}
    parsed = _llm(emulator).with_structured_output(schema).invoke("Draw a tree.")
    _assert_three_levels(emulator.requests[-1].body["response_format"]["json_schema"]["schema"])
    assert parsed == TREE


def test_a_recursive_typed_dict_binds_and_keeps_its_levels(emulator: OpenRouterEmulator) -> None:
    emulator.enqueue(Reply.tool_call("TypedNode", TREE))
    reply = _llm(emulator).bind_tools([TypedNode]).invoke("Draw a tree.")
    function = emulator.requests[-1].body["tools"][0]["function"]
    assert function["name"] == "TypedNode"
    assert function["description"] == "A node of a tree, as a TypedDict."
    _assert_three_levels(function["parameters"], parent=False)
    assert reply.tool_calls[0]["args"] == TREE


def test_without_the_rewrite_the_references_are_sent(emulator: OpenRouterEmulator) -> None:
    # Other vendors (and gemini_safe_schemas=False) get the recursion as references.
    emulator.enqueue(Reply.tool_call("Node", TREE))
    _llm(emulator, gemini_safe_schemas=False).bind_tools([Node]).invoke("Draw a tree.")
    parameters = emulator.requests[-1].body["tools"][0]["function"]["parameters"]
    assert parameters["type"] == "object"
    assert parameters["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}
    assert has_recursive_refs(parameters)


def test_plain_models_are_converted_as_before() -> None:
    class Leaf(BaseModel):
        """A leaf."""

        name: str

    assert not has_recursive_refs(Leaf.model_json_schema())
    assert has_recursive_refs(Node.model_json_schema())
