"""Terminal output for the CLI: colour only on a terminal, and never when `NO_COLOR` is set."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TextIO

__all__ = ["Terminal", "format_cost", "format_summary"]

_CODES = {"dim": "2", "bold": "1", "red": "31", "green": "32", "cyan": "36"}


@dataclass
class Terminal:
    """Where the CLI writes, and whether it may style the text."""

    out: TextIO
    err: TextIO
    color: bool

    @classmethod
    def detect(cls, out: TextIO | None = None, err: TextIO | None = None) -> Terminal:
        """Style only when stdout is a terminal and `NO_COLOR` (no-color.org) is unset."""
        out = out or sys.stdout
        err = err or sys.stderr
        wants_color = not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        return cls(out=out, err=err, color=wants_color and out.isatty())

    def style(self, text: str, *names: str) -> str:
        """`text` wrapped in ANSI styles when colour is on, unchanged otherwise."""
        if not self.color or not names:
            return text
        codes = ";".join(_CODES[name] for name in names)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def write(self, text: str, *styles: str) -> None:
        """Write without a newline and flush, so streamed tokens show as they arrive."""
        self.out.write(self.style(text, *styles))
        self.out.flush()

    def line(self, text: str = "", *styles: str) -> None:
        """Write one line."""
        self.write(text + "\n", *styles)

    def error(self, text: str) -> None:
        """Write an error line to stderr."""
        prefix = "\x1b[31merror:\x1b[0m" if self.color else "error:"
        self.err.write(f"{prefix} {text}\n")
        self.err.flush()


def format_cost(cost: float | None, *, estimated: bool = False) -> str:
    """Dollars with enough digits for sub-cent Gemini calls: `$0.000063`."""
    if cost is None:
        return "cost unknown"
    text = f"${cost:.6f}" if cost < 0.01 else f"${cost:.4f}"
    return f"~{text} (estimated)" if estimated else text


def format_summary(
    *,
    model: str | None,
    provider: str | None,
    input_tokens: int | None,
    output_tokens: int | None,
    reasoning_tokens: int | None,
    cost: float | None,
    first_token_s: float | None,
    total_s: float,
) -> str:
    """The one-line summary after an answer: who served it, tokens, cost and timing."""
    parts = [model or "unknown model"]
    if provider:
        parts.append(f"via {provider}")
    if input_tokens is not None and output_tokens is not None:
        tokens = f"{input_tokens} in / {output_tokens} out"
        if reasoning_tokens:
            tokens += f" ({reasoning_tokens} reasoning)"
        parts.append(tokens)
    parts.append(format_cost(cost))
    if first_token_s is not None:
        parts.append(f"first token {first_token_s:.2f} s")
    parts.append(f"total {total_s:.2f} s")
    return " · ".join(parts)
