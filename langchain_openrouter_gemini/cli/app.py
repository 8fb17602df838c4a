"""`openrouter-gemini`: ask Gemini through OpenRouter from the shell, or take the demo tour.

Exit codes: 0 success, 1 OpenRouter or the model failed, 2 bad usage (arguments, files,
model string, missing key), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from langchain_openrouter_gemini.cli import credits
from langchain_openrouter_gemini.cli import embed as embed_command
from langchain_openrouter_gemini.cli import models as models_command
from langchain_openrouter_gemini.cli.answer import stream_answer
from langchain_openrouter_gemini.cli.endpoint import UsageError, endpoint
from langchain_openrouter_gemini.cli.terminal import Terminal

__all__ = ["main"]

EXAMPLES = """\
examples:
  openrouter-gemini chat "Name three moons of Jupiter."
  openrouter-gemini chat "What is in this chart?" --image chart.png
  openrouter-gemini chat "Summarise" --pdf https://example.com/paper.pdf --reasoning low
  openrouter-gemini chat "Extract the invoice" --pdf invoice.pdf --json-schema invoice.json
  openrouter-gemini chat "hi" --model "openrouter:gemini-2.5-pro?temperature=0"
  openrouter-gemini chat "hi" --offline        # against the bundled emulator, no key needed
  openrouter-gemini embed "Oslo is in Norway." "Lima is in Peru." --dimensions 768
  openrouter-gemini demo                       # the tour; offline unless OPENROUTER_API_KEY is set
  openrouter-gemini credits                    # your key's spending limit, usage and what is left

environment:
  OPENROUTER_API_KEY   your key (sk-or-...); required for live calls
  NO_COLOR             set to turn colour off; colour is also off when output is not a terminal
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and tests)."""
    parser = argparse.ArgumentParser(
        prog="openrouter-gemini",
        description="Gemini through OpenRouter, from the shell, with LangChain underneath.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chat = commands.add_parser(
        "chat",
        help="ask one question and stream the answer",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    chat.add_argument("prompt", help="the question")
    chat.add_argument("--image", action="append", default=[], metavar="PATH|URL")
    chat.add_argument("--pdf", action="append", default=[], metavar="PATH|URL")
    chat.add_argument("--audio", action="append", default=[], metavar="PATH")
    chat.add_argument("--video", action="append", default=[], metavar="PATH|URL")
    chat.add_argument(
        "--model",
        default="google/gemini-2.5-flash",
        metavar="SPEC",
        help='a model id or model string: "gemini-2.5-pro", "openrouter:gemini-2.5-flash:nitro"',
    )
    chat.add_argument("--reasoning", choices=["minimal", "low", "medium", "high"])
    chat.add_argument("--no-reasoning", action="store_true", help="hide the reasoning text")
    chat.add_argument("--system", metavar="TEXT", help="a system prompt")
    chat.add_argument(
        "--json-schema", metavar="FILE", help="answer as JSON matching this JSON Schema file"
    )
    chat.add_argument(
        "--offline", action="store_true", help="answer from the bundled emulator (no key needed)"
    )
    embed_command.add_parser(commands)
    demo = commands.add_parser("demo", help="a short tour of the package")
    demo.add_argument(
        "--offline", action="store_true", help="use the emulator even when a key is set"
    )
    models_command.add_parser(commands)
    credits.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = build_parser().parse_args(argv)
    term = Terminal.detect()
    from langchain_openrouter_gemini.errors import OpenRouterError

    try:
        if args.command == "models":
            return models_command.run(args, term)
        if args.command == "credits":
            return credits.run(args, term)
        if args.command == "demo":
            from langchain_openrouter_gemini.cli.demo import run_demo

            return run_demo(term, offline=args.offline)
        if args.command == "embed":
            return embed_command.run(args, term)
        return _chat(args, term)
    except UsageError as exc:
        term.error(str(exc))
        return 2
    except OpenRouterError as exc:
        term.error(str(exc))
        return 1
    except KeyboardInterrupt:
        term.error("interrupted")
        return 130


def _attachments(args: argparse.Namespace) -> list[dict[str, Any]]:
    from langchain_openrouter_gemini import content

    builders = (
        (args.image, content.image),
        (args.pdf, content.pdf),
        (args.audio, content.audio),
        (args.video, content.video),
    )
    blocks = []
    for sources, build in builders:
        for source in sources:
            try:
                blocks.append(build(source))
            except (OSError, ValueError) as exc:
                raise UsageError(str(exc)) from None
    return blocks


def _messages(args: argparse.Namespace) -> list[BaseMessage]:
    attachments = _attachments(args)
    human = (
        HumanMessage([{"type": "text", "text": args.prompt}, *attachments])
        if attachments
        else HumanMessage(args.prompt)
    )
    return [SystemMessage(args.system), human] if args.system else [human]


def _load_schema(path: str) -> dict[str, Any]:
    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read --json-schema file {path!r}: {exc.strerror}") from None
    except ValueError as exc:
        raise UsageError(f"--json-schema file {path!r} is not valid JSON: {exc}") from None
    if not isinstance(schema, dict):
        raise UsageError(f"--json-schema file {path!r} must hold a JSON object (a JSON Schema).")
    schema.setdefault("title", Path(path).stem or "answer")
    return schema


def _chat(args: argparse.Namespace, term: Terminal) -> int:
    from langchain_openrouter_gemini.chat_models import ChatOpenRouterGemini

    messages = _messages(args)
    schema = _load_schema(args.json_schema) if args.json_schema else None
    with endpoint(args.offline) as settings:
        if args.reasoning:
            settings["reasoning"] = {"effort": args.reasoning}
        try:
            model = ChatOpenRouterGemini.from_model_string(args.model, **settings)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if schema is not None:
            parsed = model.with_structured_output(schema).invoke(messages)
            term.line(json.dumps(parsed, indent=2, ensure_ascii=False))
            return 0
        stream_answer(model, messages, term, show_reasoning=not args.no_reasoning)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
