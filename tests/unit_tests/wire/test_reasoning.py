"""The request's `reasoning` object and merging of `reasoning_details` fragments."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_openrouter_gemini.wire.reasoning import build_reasoning, merge_reasoning_details


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, None),
        ({"reasoning": {"effort": "low"}}, {"effort": "low"}),
        ({"effort": "high"}, {"effort": "high"}),
        ({"max_tokens": 2048}, {"max_tokens": 2048}),
        ({"reasoning": {"exclude": True}, "effort": "low"}, {"exclude": True, "effort": "low"}),
        ({"reasoning": {"enabled": False}}, {"enabled": False}),
        (
            {"reasoning": {"effort": "medium"}, "effort": "low"},
            {"effort": "medium"},
        ),  # explicit object wins
    ],
)
def test_build_reasoning(args: dict[str, Any], expected: dict[str, Any] | None) -> None:
    reasoning = args.pop("reasoning", None)
    assert build_reasoning(reasoning, **args) == expected


def test_effort_and_budget_together_is_an_error() -> None:
    with pytest.raises(ValueError, match="reasoning_effort or thinking_budget"):
        build_reasoning(effort="low", max_tokens=100)


def test_unknown_effort_is_an_error() -> None:
    with pytest.raises(ValueError, match="'extreme'"):
        build_reasoning({"effort": "extreme"})


def test_merge_concatenates_only_growing_fields() -> None:
    base = {"type": "reasoning.text", "format": "google-gemini-v1", "index": 0}
    merged = merge_reasoning_details(
        [
            {**base, "text": "a"},
            {**base, "text": "b", "signature": "s1"},
            {**base, "text": "c"},
            {
                "type": "reasoning.encrypted",
                "data": "AB",
                "index": 1,
                "format": "google-gemini-v1",
                "id": "t1",
            },
            {
                "type": "reasoning.encrypted",
                "data": "CD",
                "index": 1,
                "format": "google-gemini-v1",
                "id": "t1",
            },
            {"type": "reasoning.summary", "summary": "x", "index": 2},
            "junk",
            None,
        ]
    )
    assert merged == [
        {**base, "text": "abc", "signature": "s1"},
        {
            "type": "reasoning.encrypted",
            "data": "ABCD",
            "index": 1,
            "format": "google-gemini-v1",
            "id": "t1",
        },
        {"type": "reasoning.summary", "summary": "x", "index": 2},
    ]
