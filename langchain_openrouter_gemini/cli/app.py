"""`openrouter-gemini`: ask Gemini through OpenRouter from the shell, or take the demo tour.

The commands live in their own modules (see `cli/command.py` for what one provides) and are
listed in `COMMANDS`; `main` owns error handling and exit codes for all of them.

Exit codes: 0 success, 1 OpenRouter or the model failed, 2 bad usage (arguments, files,
model string, missing key), 130 interrupted, 141 output closed early (`... | head`), as a
Unix tool killed by SIGPIPE reports.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from langchain_openrouter_gemini._version import __version__
from langchain_openrouter_gemini.cli import chat, credits, demo, embed, models
from langchain_openrouter_gemini.cli.command import ENVIRONMENT, Command, UsageError
from langchain_openrouter_gemini.cli.parsing import Parser, parse
from langchain_openrouter_gemini.cli.terminal import Terminal

__all__ = ["COMMANDS", "build_parser", "main"]

# One line per command module, in the order `--help` lists them.
COMMANDS: tuple[Command, ...] = (
    chat,
    embed,
    demo,
    models,
    credits,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141

EPILOG = """\
examples:
  openrouter-gemini chat "Name three moons of Jupiter."
  openrouter-gemini chat "What is in this chart?" --image chart.png
  openrouter-gemini chat "hi" --offline        # against the bundled emulator, no key needed
  openrouter-gemini demo                       # the tour; offline unless OPENROUTER_API_KEY is set
  openrouter-gemini embed "first text" "second"  # embedding dimensions and cost
  openrouter-gemini models                     # the catalogue: context, prices, reasoning rules
  openrouter-gemini credits                    # your key's spending limit, usage and what is left
  openrouter-gemini COMMAND --help             # each command's options and examples
"""


def build_parser() -> Parser:
    """The argument parser (exposed for the docs and tests)."""
    parser = Parser(
        prog="openrouter-gemini",
        description="Gemini through OpenRouter, from the shell, with LangChain underneath.",
        epilog=EPILOG + ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=Parser
    )
    for command in COMMANDS:
        before = set(commands.choices)
        command.add_parser(commands)
        for name in set(commands.choices) - before:
            commands.choices[name].set_defaults(run=command.run)
    parser.commands = {
        name: sub for name, sub in commands.choices.items() if isinstance(sub, Parser)
    }
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = parse(build_parser(), sys.argv[1:] if argv is None else argv)
    term = Terminal.detect()
    try:
        code: int = args.run(args, term)
        term.flush()
        return code
    except UsageError as exc:
        term.error(str(exc))
        return EXIT_USAGE
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        term.error("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        # Imported only now: the error classes pull in `openai`, which --help never needs.
        from langchain_openrouter_gemini.errors import OpenRouterError

        if not isinstance(exc, OpenRouterError):
            raise
        term.error(str(exc))
        return EXIT_FAILED


def _silence_stdout() -> None:
    # The reader is gone: point stdout at /dev/null so the interpreter's final flush does
    # not print a second BrokenPipeError on the way out.
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a real file (a notebook, a test's StringIO): nothing to silence
    finally:
        os.close(devnull)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
