"""Per-model reasoning rules: what a request may ask of a model's thinking.

OpenRouter's `GET /models` describes each reasoning model with a `reasoning` object:
`mandatory` (reasoning cannot be switched off; `effort: "none"` is rejected) and
`supported_efforts` (the efforts it accepts, highest first; `null` means any). These pure
functions apply those rules to a request body before it is sent:

- A request that switches reasoning off (`effort: "none"`, `enabled: false`,
  `max_tokens: 0`, or a top-level `reasoning_effort: "none"`) for a mandatory model raises
  `ValueError`, naming the model and the lowest effort it accepts.
- An effort the model does not list maps to the nearest one it does, as OpenRouter does
  server-side (Gemini 3: `xhigh` and `max` become `high`), with a `UserWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["EFFORT_ORDER", "ReasoningRules", "apply_reasoning_rules", "nearest_effort"]

# Lowest first. OpenRouter's `ReasoningEffort` enum (2026) is these seven values.
EFFORT_ORDER = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
_RANK = {effort: rank for rank, effort in enumerate(EFFORT_ORDER)}


@dataclass(frozen=True)
class ReasoningRules:
    """A model's `reasoning` object from OpenRouter's `GET /models`."""

    mandatory: bool = False
    """Reasoning cannot be switched off; OpenRouter rejects `effort: "none"`."""
    supported_efforts: tuple[str, ...] | None = None
    """Efforts the model accepts, highest first; `None` means no allowlist."""
    default_effort: str | None = None
    default_enabled: bool | None = None
    supports_max_tokens: bool = False
    """The model takes `reasoning.max_tokens` (a thinking budget), as Gemini 2.5 does."""

    @classmethod
    def from_models_endpoint(cls, value: Any) -> ReasoningRules | None:
        """Read the `reasoning` object of one `/models` entry; `None` when absent or malformed."""
        if not isinstance(value, Mapping):
            return None
        efforts = value.get("supported_efforts")
        supported = None
        if isinstance(efforts, (list, tuple)):
            supported = tuple(e for e in efforts if isinstance(e, str) and e in _RANK)
        default = value.get("default_effort")
        enabled = value.get("default_enabled")
        return cls(
            mandatory=value.get("mandatory") is True,
            supported_efforts=supported,
            default_effort=default if isinstance(default, str) else None,
            default_enabled=enabled if isinstance(enabled, bool) else None,
            supports_max_tokens=value.get("supports_max_tokens") is True,
        )

    def to_models_endpoint(self) -> dict[str, Any]:
        """The `reasoning` object as `/models` sends it."""
        value: dict[str, Any] = {
            "mandatory": self.mandatory,
            "default_enabled": self.default_enabled,
            "supported_efforts": None
            if self.supported_efforts is None
            else list(self.supported_efforts),
            "default_effort": self.default_effort,
        }
        if self.supports_max_tokens:
            value["supports_max_tokens"] = True
        return value

    def lowest_effort(self) -> str:
        """The lowest effort that keeps reasoning on (`"minimal"` when the list is open)."""
        allowed = [e for e in self.supported_efforts or () if e != "none"]
        if not allowed:
            return "minimal"
        return min(allowed, key=_RANK.__getitem__)


def nearest_effort(effort: str, supported: tuple[str, ...]) -> str:
    """The supported effort closest to `effort`; on a tie, the higher one.

    Raises:
        ValueError: `supported` is empty.

    """
    if not supported:
        raise ValueError("the model lists no reasoning efforts")
    rank = _RANK.get(effort, _RANK["medium"])
    return min(supported, key=lambda e: (abs(_RANK[e] - rank), -_RANK[e]))


def _switches_off(reasoning: Mapping[str, Any]) -> str | None:
    """How `reasoning` turns thinking off, in the user's words; `None` when it does not."""
    if reasoning.get("effort") == "none":
        return 'effort "none"'
    if reasoning.get("enabled") is False:
        return "enabled=False"
    budget = reasoning.get("max_tokens")
    if isinstance(budget, int) and not isinstance(budget, bool) and budget <= 0:
        return f"a thinking budget of {budget} tokens"
    return None


def apply_reasoning_rules(
    body: Mapping[str, Any], model: str, rules: ReasoningRules | None
) -> dict[str, Any]:
    """Return `body` with the model's reasoning rules applied (see the module docstring).

    Args:
        body: The chat-completions request body.
        model: The model id, for messages.
        rules: The model's rules; `None` (unknown model) leaves the body unchanged.

    Returns:
        A new body when something changed, else `body` itself as a dict.

    Raises:
        ValueError: The body switches reasoning off for a model whose reasoning is mandatory.

    """
    result = dict(body)
    if rules is None:
        return result
    reasoning = result.get("reasoning")
    top_level = result.get("reasoning_effort")
    if rules.mandatory:
        how = _switches_off(reasoning) if isinstance(reasoning, Mapping) else None
        if how is None and top_level == "none":
            how = 'reasoning_effort "none"'
        if how is not None:
            lowest = rules.lowest_effort()
            msg = (
                f"{model} always reasons on OpenRouter; it cannot be switched off ({how}). "
                f"The lowest effort it accepts is {lowest!r}: pass reasoning_effort={lowest!r} "
                f"(or leave reasoning unset for the model's default)."
            )
            raise ValueError(msg)
    if rules.supported_efforts:
        if isinstance(reasoning, Mapping) and isinstance(effort := reasoning.get("effort"), str):
            mapped = _mapped(effort, model, rules.supported_efforts)
            if mapped != effort:
                result["reasoning"] = {**reasoning, "effort": mapped}
        if isinstance(top_level, str):
            result["reasoning_effort"] = _mapped(top_level, model, rules.supported_efforts)
    return result


def _mapped(effort: str, model: str, supported: tuple[str, ...]) -> str:
    if effort in supported or effort == "none" or effort not in _RANK:
        return effort
    mapped = nearest_effort(effort, tuple(e for e in supported if e != "none"))
    warnings.warn(
        f"{model} does not support reasoning effort {effort!r} (it takes "
        f"{', '.join(supported)}); sending {mapped!r}, as OpenRouter would map it.",
        UserWarning,
        stacklevel=5,
    )
    return mapped
