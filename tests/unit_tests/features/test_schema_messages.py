"""A tool's parameters and a response_format's schema are checked by one helper: same words."""

from __future__ import annotations

import pytest

from langchain_openrouter_gemini.features.schema import (
    gemini_safe_response_format,
    gemini_safe_tool,
)


def test_a_tool_whose_parameters_are_not_an_object_is_named() -> None:
    tool = {"type": "function", "function": {"name": "lookup", "parameters": "{}"}}
    with pytest.raises(ValueError) as caught:
        gemini_safe_tool(tool)
    assert str(caught.value) == (
        "Tool 'lookup': 'parameters' must be a JSON Schema object, got '{}'."
    )


def test_a_response_format_whose_schema_is_not_an_object_is_named() -> None:
    rf = {"type": "json_schema", "json_schema": {"name": "answer", "schema": []}}
    with pytest.raises(ValueError) as caught:
        gemini_safe_response_format(rf)
    assert str(caught.value) == (
        "response_format json_schema.schema must be a JSON Schema object, got []."
    )


def test_the_inner_schema_is_rewritten_and_the_wrapper_kept() -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    assert gemini_safe_tool(tool)["function"]["name"] == "f"
    rf = {"type": "json_schema", "json_schema": {"name": "a", "strict": True, "schema": {}}}
    safe = gemini_safe_response_format(rf)["json_schema"]
    assert safe["name"] == "a" and safe["strict"] is True and "anyOf" in safe["schema"]
