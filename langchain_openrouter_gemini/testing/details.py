"""The `reasoning_details` the emulator builds and signs when a reply does not script them.

Layouts as Gemini on OpenRouter sends them: Gemini 2.5 numbers its entries 0, 1, ...;
Gemini 3 puts the `reasoning.text` entry and the `reasoning.encrypted` one both at
`index: 0`. A tool-calling turn carries one encrypted entry whose `id` is the first call's
id (parallel calls share it); on a plain text answer the encrypted entry has no `id`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from langchain_openrouter_gemini.testing.signatures import SIGNATURE_FORMAT, SignatureBook

__all__ = ["DetailsPlan", "build_details", "text_detail_of"]


@dataclass(frozen=True)
class DetailsPlan:
    """What the details must express for one reply."""

    reasoning_text: str | None
    tool_calls: list[dict[str, Any]]
    generation: str
    provider: str
    gemini_3: bool
    signature_only: bool = False
    placeholder: bool = False


def build_details(plan: DetailsPlan, book: SignatureBook) -> list[dict[str, Any]]:
    """Signed `reasoning_details` entries for a reply.

    Args:
        plan: The reply's reasoning, calls and ids.
        book: The emulator's signature book (mints the signatures).

    Returns:
        The entries, indexed for the layout; empty when there is nothing to sign.

    """
    details: list[dict[str, Any]] = []
    text_signed = plan.signature_only or (plan.placeholder and bool(plan.reasoning_text))
    if plan.signature_only:
        details.append(
            {
                "type": "reasoning.text",
                "signature": book.mint(plan.generation, plan.provider),
                "format": SIGNATURE_FORMAT,
            }
        )
    elif plan.reasoning_text:
        text: dict[str, Any] = {
            "type": "reasoning.text",
            "text": plan.reasoning_text,
            "format": SIGNATURE_FORMAT,
        }
        if plan.placeholder:
            text["signature"] = book.mint(plan.generation, plan.provider)
        details.append(text)
    if plan.tool_calls:
        # Gemini signs a turn once: parallel calls share one signature, tied to the first call.
        first_id = plan.tool_calls[0]["id"]
        details.append(
            {
                "type": "reasoning.encrypted",
                "data": book.mint(first_id, plan.provider),
                "format": SIGNATURE_FORMAT,
                "id": first_id,
            }
        )
    elif plan.reasoning_text and not text_signed:
        details.append(
            {
                "type": "reasoning.encrypted",
                "data": book.mint(plan.generation, plan.provider),
                "format": SIGNATURE_FORMAT,
            }
        )
    for index, detail in enumerate(details):
        detail["index"] = 0 if plan.gemini_3 else index
    return details


def text_detail_of(
    details: list[dict[str, Any]], reasoning: str | None
) -> Mapping[str, Any] | None:
    """The `reasoning.text` entry that streams in fragments along with the reasoning text.

    Args:
        details: The reply's details.
        reasoning: The reply's reasoning text.

    Returns:
        The entry whose `text` is exactly the reasoning text, or `None`.

    """
    if not reasoning:
        return None
    return next(
        (d for d in details if d.get("type") == "reasoning.text" and d.get("text") == reasoning),
        None,
    )
