"""Gemini reasoning on OpenRouter: the request's `reasoning` object and `reasoning_details`.

`reasoning_details` carry Gemini's thought signatures. They must go back to OpenRouter
byte for byte, so streamed fragments are merged here rather than by LangChain's generic
chunk merge, which concatenates every string field (`format` would become
`"google-gemini-v1google-gemini-v1"`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "EFFORTS",
    "ReasoningDetailsAccumulator",
    "build_reasoning",
    "merge_reasoning_details",
    "reasoning_text",
]

# Only these grow across fragments; everything else identifies the entry.
_CONCATENATED = ("text", "summary", "data")
# For every other field these mean "not known yet": a later fragment's value wins.
_UNKNOWN = (None, "")
EFFORTS = ("minimal", "low", "medium", "high", "xhigh", "max", "none")
"""Every `reasoning.effort` OpenRouter accepts (2026: `max` joined, above `xhigh`; `none`
turns reasoning off)."""


class ReasoningDetailsAccumulator:
    """Merges streamed `reasoning_details` fragments by (`type`, `index`).

    `text`, `summary` and `data` are concatenated; any other field keeps its first real
    value, where an empty string (a placeholder some providers stream first) or `null`
    counts as not known yet. Entries are otherwise kept as sent: no `id`, `format` of
    `null` or `"unknown"`, a `reasoning.text` entry with only a `signature`, and two
    entries of different types at the same `index` (Gemini 3) all go back unchanged.
    """

    __slots__ = ("_by_key", "_entries")

    def __init__(self) -> None:
        """Start with no entries."""
        self._entries: list[dict[str, Any]] = []
        self._by_key: dict[tuple[Any, Any], dict[str, Any]] = {}

    def add(self, fragments: Iterable[Any]) -> None:
        """Merge fragments into the entries seen so far; non-dict fragments are ignored."""
        for fragment in fragments:
            if not isinstance(fragment, Mapping):
                continue
            index = fragment.get("index")
            key = (fragment.get("type"), index)
            entry = self._by_key.get(key) if index is not None else None
            if entry is None:
                entry = dict(fragment)
                self._entries.append(entry)
                if index is not None:
                    self._by_key[key] = entry
                continue
            for name, value in fragment.items():
                if value is None:
                    continue
                if name in _CONCATENATED and isinstance(value, str):
                    previous = entry.get(name)
                    entry[name] = previous + value if isinstance(previous, str) else value
                elif entry.get(name) in _UNKNOWN:
                    # Some providers send `"signature": ""` first and the value last.
                    entry[name] = value

    def __bool__(self) -> bool:
        """Whether any entry was seen."""
        return bool(self._entries)

    def result(self) -> list[dict[str, Any]]:
        """The merged entries, in first-seen order."""
        return [dict(entry) for entry in self._entries]


def merge_reasoning_details(fragments: Iterable[Any]) -> list[dict[str, Any]]:
    """Merge streamed `reasoning_details` fragments into complete entries."""
    accumulator = ReasoningDetailsAccumulator()
    accumulator.add(fragments)
    return accumulator.result()


def reasoning_text(details: Iterable[Any]) -> str:
    """The human-readable reasoning carried by `reasoning.text`/`reasoning.summary` entries."""
    parts: list[str] = []
    for entry in details:
        if not isinstance(entry, Mapping):
            continue
        kind = entry.get("type")
        value = entry.get("text") if kind == "reasoning.text" else entry.get("summary")
        if kind in ("reasoning.text", "reasoning.summary") and isinstance(value, str):
            parts.append(value)
    return "".join(parts)


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
