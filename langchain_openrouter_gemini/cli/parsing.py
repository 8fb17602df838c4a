"""Argument parsing that answers a typo with a suggestion: "did you mean --reasoning?".

argparse (before Python 3.14) names an unknown command or flag without a suggestion, and
reports a subcommand's unknown flag with the top-level usage. `Parser` records the flags
each (sub)parser takes, and `parse` reports typos with the right usage and the closest name.
"""

from __future__ import annotations

import argparse
import difflib
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

__all__ = ["Parser", "one_of", "parse"]


class Parser(argparse.ArgumentParser):
    """An `ArgumentParser` that remembers its flags and its subcommands' parsers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As `argparse.ArgumentParser`."""
        # Set first: the base class adds -h/--help through `add_argument`.
        self.flags: list[str] = []
        self.commands: dict[str, Parser] = {}
        if isinstance(kwargs.get("description"), str):
            # Wrapped here: the raw formatter that keeps the examples' layout keeps this too.
            kwargs["description"] = textwrap.fill(kwargs["description"], 79)
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """As `argparse.ArgumentParser.add_argument`, recording the flag names."""
        self.flags.extend(name for name in args if isinstance(name, str) and name.startswith("-"))
        return super().add_argument(*args, **kwargs)

    def fail(self, problem: str, given: str, choices: Sequence[str]) -> NoReturn:
        """Exit with usage and `problem`, plus the closest of `choices` to `given`."""
        close = difflib.get_close_matches(given, list(choices), n=1, cutoff=0.6)
        self.error(f"{problem}{f' (did you mean {close[0]}?)' if close else ''}")


def one_of(choices: Sequence[str]) -> Callable[[str], str]:
    """An argparse `type=` that takes one of `choices`, suggesting the closest on a typo."""

    def check(value: str) -> str:
        if value in choices:
            return value
        close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        msg = f"invalid choice {value!r} (choose from {', '.join(choices)}){hint}"
        raise argparse.ArgumentTypeError(msg)

    return check


def parse(parser: Parser, argv: Sequence[str]) -> argparse.Namespace:
    """Parse `argv` (a command line without the program name) with typo suggestions.

    Exits with status 2 and the command's usage on bad arguments, as argparse does.
    """
    # The top level takes no option with a value, so the first word is the command.
    command = next((word for word in argv if not word.startswith("-")), None)
    for word in argv[: argv.index(command) if command is not None else len(argv)]:
        if word not in parser.flags:
            parser.fail(f"unrecognized option {word}", word, parser.flags)
    if command is not None and parser.commands and command not in parser.commands:
        names = list(parser.commands)
        parser.fail(
            f"unknown command {command!r}; the commands are {', '.join(names)}", command, names
        )
    args, extras = parser.parse_known_args(argv)
    if not extras:
        return args
    sub = parser.commands.get(getattr(args, "command", "") or "", parser)
    unknown = extras[0]
    flag = unknown.split("=", 1)[0]
    if flag.startswith("-"):
        sub.fail(f"unrecognized option {flag}", flag, sub.flags)
    sub.error(f'unexpected argument {unknown!r} (quote text that has spaces: "...")')
