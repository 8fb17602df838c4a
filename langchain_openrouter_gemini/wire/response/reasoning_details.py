"""Gemini's `reasoning_details` in replies: merging streamed fragments, reading their text.

`reasoning_details` carry Gemini's thought signatures. They must go back to OpenRouter
byte for byte, so streamed fragments are merged here rather than by LangChain's generic
chunk merge, which concatenates every string field (`format` would become
`"google-gemini-v1google-gemini-v1"`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["ReasoningDetailsAccumulator", "merge_reasoning_details", "reasoning_text"]

# Only these grow across fragments; everything else identifies the entry.
_CONCATENATED = ("text", "summary", "data")
# For every other field these mean "not known yet": a later fragment's value wins.
_UNKNOWN = (None, "")


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
