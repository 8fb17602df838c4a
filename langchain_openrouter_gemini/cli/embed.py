"""`openrouter-gemini embed TEXT...`: embed texts, print their dimensions and what it cost."""

from __future__ import annotations

import argparse
import json

from langchain_openrouter_gemini.cli.building import build_model, check_model_kind, plain_message
from langchain_openrouter_gemini.cli.command import Subcommands, UsageError, add_command
from langchain_openrouter_gemini.cli.endpoint import OFFLINE_BANNER, endpoint, offline_refusals
from langchain_openrouter_gemini.cli.terminal import Terminal, format_cost

__all__ = ["add_parser", "run"]

DEFAULT_MODEL = "google/gemini-embedding-001"
_EXAMPLES = """\
examples:
  openrouter-gemini embed "Oslo is the capital of Norway." "Lima is in Peru."
  openrouter-gemini embed "fjords" --dimensions 768 --json > vectors.json
  openrouter-gemini embed "capital of Norway" --query
  openrouter-gemini embed "hi" --offline       # against the bundled emulator, no key needed
"""
_PREVIEW = 48


def add_parser(commands: Subcommands) -> None:
    """Register the `embed` command on the CLI's subparsers."""
    parser = add_command(
        commands,
        "embed",
        summary="embed texts; print dimensions and cost (--json for the vectors)",
        description=(
            "Embed each TEXT with a Gemini embedding model through OpenRouter; print each "
            "vector's length and first values, then a summary line (model, tokens, cost)."
        ),
        examples=_EXAMPLES,
    )
    parser.add_argument("texts", nargs="+", metavar="TEXT", help="a text to embed")
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        metavar="SPEC",
        help='a model id or string: "openrouter:google/gemini-embedding-001?dimensions=768"',
    )
    parser.add_argument(
        "--dimensions", type=int, metavar="N", help="vector length (Google: 768, 1536, 3072)"
    )
    parser.add_argument(
        "--query", action="store_true", help="embed as search queries, not documents"
    )
    parser.add_argument("--json", action="store_true", help="print the vectors and usage as JSON")
    parser.add_argument(
        "--offline", action="store_true", help="answer from the bundled emulator (no key needed)"
    )


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW else flat[: _PREVIEW - 1] + "…"


def run(args: argparse.Namespace, term: Terminal) -> int:
    """Run `embed`; returns the exit code (OpenRouter errors propagate to the CLI)."""
    from langchain_openrouter_gemini.embeddings import OpenRouterGeminiEmbeddings

    flags = []
    if args.dimensions is not None:
        flags.append((f"--dimensions {args.dimensions}", {"dimensions": args.dimensions}))
    check_model_kind("embed", args.model)
    with endpoint(args.offline) as settings, offline_refusals(args.offline, args.model):
        model = build_model(
            lambda **kw: OpenRouterGeminiEmbeddings.from_model_string(args.model, **kw),
            settings,
            flags,
            model_flag="--model",
        )
        try:
            result = model.embed_with_usage(args.texts, as_query=args.query)
        except (TypeError, ValueError) as exc:
            raise UsageError(plain_message(exc)) from None
    if args.offline:
        # After the request: a failed one never claimed an answer. Off a terminal it goes
        # to stderr, so `--json` stays parseable.
        term.notes.line(OFFLINE_BANNER, "bold")
    usage = result.usage
    dimensions = len(result.vectors[0])
    if args.json:
        payload = {
            "model": usage.model or model.model,
            "dimensions": dimensions,
            "prompt_tokens": usage.prompt_tokens,
            "cost": usage.cost,
            "vectors": result.vectors,
        }
        term.verbatim(json.dumps(payload))
        return 0
    with term.batch():
        for text, vector in zip(args.texts, result.vectors, strict=True):
            head = ", ".join(f"{value:+.4f}" for value in vector[:3])
            term.line(f"{len(vector)} dimensions  [{head}, …]  {_preview(text)}")
    summary = (
        f"{len(result.vectors)} text(s) · {usage.model or model.model} · {dimensions} dimensions"
        f" · {usage.prompt_tokens} tokens · {format_cost(usage.cost)}"
    )
    term.notes.line(summary, "dim")
    return 0
