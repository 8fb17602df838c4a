"""What a CLI command module provides, and the error a command raises for bad usage.

A command is a module under `cli/` with two functions:

- `add_parser(commands)`: add its subparser (`add_command(commands, "name", ...)`) and options;
- `run(args, term) -> int`: do the work and return the exit code.

It is registered by listing it in `cli/app.py`'s `COMMANDS`. Importing a command module must
stay cheap (no LangChain or `openai` at module level), because `--help` imports them all.
`app.main` owns error handling and exit codes, so a command raises instead of printing:
`UsageError` for exit code 2, an `OpenRouterError` for 1.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Protocol, TypeAlias

if TYPE_CHECKING:
    from langchain_openrouter_gemini.cli.parsing import Parser
    from langchain_openrouter_gemini.cli.terminal import Terminal

__all__ = ["ENVIRONMENT", "Command", "Subcommands", "UsageError", "add_command"]

# What `add_parser` receives: the object `ArgumentParser.add_subparsers()` returns.
Subcommands: TypeAlias = "argparse._SubParsersAction[Parser]"


# The end of every `--help`: the variables the commands read (docs/environment.md has all).
ENVIRONMENT = """
environment:
  OPENROUTER_API_KEY   your key (sk-or-...); required for live calls
  OPENROUTER_BASE_URL  another endpoint, ending in /api/v1 (a proxy, or an emulator you started)
  NO_COLOR             set to turn colour off; colour is also off when output is not a terminal
  COLUMNS              wrap output at this width (default: the terminal's; no wrapping when piped)
"""


def add_command(
    commands: Subcommands, name: str, *, summary: str, description: str, examples: str
) -> Parser:
    """Add the subcommand `name`; its `--help` ends with `examples` and `ENVIRONMENT`.

    `summary` is its line in the top-level `--help`. Both blocks are printed as written.
    """
    return commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=examples + ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


class UsageError(Exception):
    """Bad arguments, unreadable files or a missing key: exit code 2."""


class Command(Protocol):
    """A command module (see the module docstring)."""

    def add_parser(self, commands: Subcommands) -> None:
        """Add this command's subparser to `commands`."""

    def run(self, args: argparse.Namespace, term: Terminal) -> int:
        """Run the command; returns the exit code."""
