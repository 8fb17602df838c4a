"""`openrouter-gemini demo`: the tour (offline unless `OPENROUTER_API_KEY` is set)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from langchain_openrouter_gemini.cli.command import Subcommands, add_command

if TYPE_CHECKING:
    from langchain_openrouter_gemini.cli.terminal import Terminal

__all__ = ["add_parser", "run"]

_EXAMPLES = """\
examples:
  openrouter-gemini demo             # live if OPENROUTER_API_KEY is set, else offline
  openrouter-gemini demo --offline   # the bundled emulator, scripted answers, even with a key
  openrouter-gemini demo | head -1   # what it talks to
"""


def add_parser(commands: Subcommands) -> None:
    """Add `demo` and its options."""
    demo = add_command(
        commands,
        "demo",
        summary="a short tour of the package (offline unless OPENROUTER_API_KEY is set)",
        description=(
            "A tour: a question about an image, streamed reasoning, a two-tool agent loop "
            "with thought signatures, structured output, retrieval with embeddings and a cost "
            "table. Live when OPENROUTER_API_KEY is set, otherwise against the bundled emulator. "
            "Its first line says what it talks to: OpenRouter, an emulator, or another URL."
        ),
        examples=_EXAMPLES,
    )
    demo.add_argument(
        "--offline", action="store_true", help="use the bundled emulator even when a key is set"
    )


def run(args: argparse.Namespace, term: Terminal) -> int:
    """Take the tour."""
    from langchain_openrouter_gemini.cli.tour import run_tour

    return run_tour(term, offline=args.offline)
