"""Terminal output for the CLI.

Colour only on a terminal, and never when `NO_COLOR` is set. Prose wraps at the terminal's
width (or `COLUMNS`, when set); piped output is not wrapped unless `COLUMNS` asks for it.

What is not the answer (banners, reasoning, the summary line) goes to `Terminal.notes`: the
same terminal when stdout is one, stderr when stdout is a file or a pipe, so
`chat ... > answer.txt` holds the answer alone.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

from langchain_openrouter_gemini.cli.wrap import StreamWrapper

__all__ = ["Terminal", "format_cost", "format_summary"]

_CODES = {"dim": "2", "bold": "1", "red": "31", "green": "32", "cyan": "36"}


@dataclass
class Terminal:
    """Where the CLI writes, and whether it may style the text."""

    out: TextIO
    err: TextIO
    color: bool
    width: int | None = None
    """Wrap prose at this many columns; `None` leaves lines as they are."""
    side: Terminal | None = None
    """Where notes go when they do not go here (stderr, when stdout is not a terminal)."""
    _wrapper: StreamWrapper | None = field(default=None, init=False, repr=False)
    _held_styles: tuple[str, ...] = field(default=(), init=False, repr=False)
    _batch: list[str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.width is not None:
            self._wrapper = StreamWrapper(self.width)

    @classmethod
    def detect(cls, out: TextIO | None = None, err: TextIO | None = None) -> Terminal:
        """Style only when stdout is a terminal and `NO_COLOR` (no-color.org) is unset."""
        out = out or sys.stdout
        err = err or sys.stderr
        wants_color = not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        side = None
        if not out.isatty():
            side = cls(out=err, err=err, color=wants_color and err.isatty(), width=_width(err))
        return cls(
            out=out, err=err, color=wants_color and out.isatty(), width=_width(out), side=side
        )

    @property
    def notes(self) -> Terminal:
        """Where banners, reasoning and summaries go: here on a terminal, else stderr."""
        return self.side or self

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold everything written inside the block, then write it at once.

        A table piped to `head -2` then either fits the pipe in one write (exit 0) or does
        not; written line by line, whether `head` had closed the pipe before the last line
        (exit 141) would be a race.
        """
        self._batch = []
        try:
            yield
            self.flush()
        finally:
            # Written on failure too: what was printed before an error is still shown.
            held, self._batch = self._batch, None
            if held:
                self.out.write("".join(held))
                self.out.flush()

    def style(self, text: str, *names: str) -> str:
        """`text` wrapped in ANSI styles when colour is on, unchanged otherwise."""
        if not self.color or not names:
            return text
        codes = ";".join(_CODES[name] for name in names)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def write(self, text: str, *styles: str) -> None:
        """Write prose without a newline and flush, so streamed tokens show as they arrive."""
        if self._wrapper is None:
            self._emit(text, styles)
            return
        if styles != self._held_styles:
            self._emit(self._wrapper.flush(), self._held_styles)
            self._held_styles = styles
        self._emit(self._wrapper.feed(text), styles)

    def line(self, text: str = "", *styles: str) -> None:
        """Write one line of prose."""
        self.write(text + "\n", *styles)

    def flush(self) -> None:
        """Write the word the wrapper is holding back (call when the output is complete)."""
        if self._wrapper is not None:
            self._emit(self._wrapper.flush(), self._held_styles)
        if self.side is not None:
            self.side.flush()

    def verbatim(self, text: str) -> None:
        """Write text that must not be wrapped or styled (JSON, for example), then a newline."""
        if self._wrapper is not None:
            pending = self._wrapper.flush()
            if self._wrapper.column:
                pending += self._wrapper.feed("\n")
            self._emit(pending, self._held_styles)
        self._emit(text + "\n", ())

    def error(self, text: str) -> None:
        """Write an error message to stderr, wrapped like prose."""
        lines = [f"error: {part}" if i == 0 else part for i, part in enumerate(text.split("\n"))]
        if self.width is not None:
            lines = [textwrap.fill(line, self.width) for line in lines]
        message = "\n".join(lines)
        if self.color:
            message = "\x1b[31merror:\x1b[0m" + message[len("error:") :]
        self.err.write(message + "\n")
        self.err.flush()

    def _emit(self, text: str, styles: tuple[str, ...]) -> None:
        if not text:
            return
        if self._batch is not None:
            self._batch.append(self.style(text, *styles))
            return
        self.out.write(self.style(text, *styles))
        self.out.flush()


def _width(out: TextIO) -> int | None:
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not out.isatty():
        return None
    try:
        return os.get_terminal_size(out.fileno()).columns or None
    except (OSError, ValueError):
        return None


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
    total_s: float | None,
) -> str:
    """The one-line summary after an answer: who served it, tokens, cost and timing.

    `total_s=None` means the answer came from the emulator: the timings are emulated, and
    the line says so rather than showing loopback times.
    """
    parts = [model or "unknown model"]
    if provider:
        parts.append(f"via {provider}")
    if input_tokens is not None and output_tokens is not None:
        tokens = f"{input_tokens} in / {output_tokens} out"
        if reasoning_tokens:
            tokens += f" ({reasoning_tokens} reasoning)"
        parts.append(tokens)
    parts.append(format_cost(cost))
    if total_s is None:
        parts.append("timings emulated (offline)")
        return " · ".join(parts)
    if first_token_s is not None:
        parts.append(f"first token {first_token_s:.2f} s")
    parts.append(f"total {total_s:.2f} s")
    return " · ".join(parts)
