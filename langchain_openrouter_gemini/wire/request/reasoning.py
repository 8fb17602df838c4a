"""The request's `reasoning` object: OpenRouter's efforts, and building it from the shorthands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["EFFORTS", "build_reasoning"]

EFFORTS = ("minimal", "low", "medium", "high", "xhigh", "max", "none")
"""Every `reasoning.effort` OpenRouter accepts (2026: `max` joined, above `xhigh`; `none`
turns reasoning off)."""


def build_reasoning(
    reasoning: Mapping[str, Any] | None = None,
    *,
    effort: str | None = None,
    max_tokens: int | None = None,
) -> dict[str, Any] | None:
    """Build OpenRouter's `reasoning` object from the field and its shorthands.

    Args:
        reasoning: A full `reasoning` object (`effort`, `max_tokens`, `exclude`, `enabled`).
        effort: Shorthand for `{"effort": effort}` (`reasoning_effort=`).
        max_tokens: Shorthand for `{"max_tokens": n}` (`thinking_budget=`).

    Returns:
        The object to send, or `None` when nothing was asked for.

    Raises:
        ValueError: When both an effort and a token budget are given (OpenRouter takes one),
            or an effort is not one OpenRouter knows.

    """
    merged: dict[str, Any] = dict(reasoning or {})
    if effort is not None:
        merged.setdefault("effort", effort)
    if max_tokens is not None:
        merged.setdefault("max_tokens", max_tokens)
    if not merged:
        return None
    if "effort" in merged and "max_tokens" in merged:
        msg = (
            f"reasoning has both effort={merged['effort']!r} and "
            f"max_tokens={merged['max_tokens']!r};"
            " OpenRouter accepts one of them. Pass reasoning_effort or thinking_budget, not both."
        )
        raise ValueError(msg)
    if "effort" in merged and merged["effort"] not in EFFORTS:
        msg = f"reasoning effort {merged['effort']!r} is not one of {', '.join(EFFORTS)}."
        raise ValueError(msg)
    return merged
