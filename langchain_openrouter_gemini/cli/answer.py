"""Streaming one answer to the terminal, and the summary line printed under it."""

from __future__ import annotations

import time
from typing import Any

from langchain_core.messages import AIMessageChunk, BaseMessage

from langchain_openrouter_gemini.cli.terminal import Terminal, format_summary

__all__ = ["stream_answer", "summary"]


def stream_answer(
    model: Any,
    messages: list[BaseMessage],
    term: Terminal,
    *,
    show_reasoning: bool,
    emulated: bool = False,
    notes: Terminal | None = None,
    banner: str | None = None,
) -> AIMessageChunk | None:
    """Stream to the terminal (reasoning dimmed), then print the summary line.

    With `emulated=True` (an emulator answered) the summary says the timings are emulated
    instead of printing loopback times that mean nothing about OpenRouter. The reasoning,
    the summary and `banner` go to `notes` (default: `term`); the banner is printed when
    the first chunk arrives, so a request that fails never printed it.
    """
    notes = notes or term
    separate = notes is not term
    started = time.perf_counter()
    first_token: float | None = None
    message: AIMessageChunk | None = None
    in_reasoning = False
    for chunk in model.stream(messages):
        if message is None and banner:
            notes.line(banner, "bold")
        message = chunk if message is None else message + chunk
        reasoning = chunk.additional_kwargs.get("reasoning_content")
        if reasoning and show_reasoning:
            first_token = first_token or time.perf_counter() - started
            in_reasoning = True
            notes.write(reasoning, "dim")
        if chunk.text:
            first_token = first_token or time.perf_counter() - started
            if in_reasoning:
                notes.write("\n" if separate else "\n\n")
                in_reasoning = False
            term.write(chunk.text)
    if in_reasoning and separate:
        notes.line()
    term.line()
    if message is not None:
        total = time.perf_counter() - started
        notes.line(summary(message, first_token, total, emulated=emulated), "dim")
    return message


def summary(
    message: AIMessageChunk,
    first_token_s: float | None,
    total_s: float,
    *,
    emulated: bool = False,
) -> str:
    """The summary line for a finished answer."""
    meta = message.response_metadata
    usage: dict[str, Any] = dict(message.usage_metadata or {})
    reasoning = (usage.get("output_token_details") or {}).get("reasoning")
    return format_summary(
        model=meta.get("model_name"),
        provider=meta.get("provider"),
        input_tokens=usage.get("input_tokens"),
        output_tokens=usage.get("output_tokens"),
        reasoning_tokens=reasoning,
        cost=meta.get("cost"),
        first_token_s=first_token_s,
        total_s=None if emulated else total_s,
    )
