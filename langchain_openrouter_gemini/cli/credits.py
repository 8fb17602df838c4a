"""`openrouter-gemini credits`: the key's spending limit, usage and what is left (`GET /key`)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from langchain_openrouter_gemini.cli.command import Subcommands, add_command
from langchain_openrouter_gemini.cli.endpoint import endpoint
from langchain_openrouter_gemini.cli.terminal import Terminal, format_cost

__all__ = ["add_parser", "run"]

_EXAMPLES = """\
examples:
  openrouter-gemini credits            # limit, used (today, this week), remaining
  openrouter-gemini credits --json     # OpenRouter's fields as they came
  openrouter-gemini credits --offline  # the bundled emulator's key, no key needed
"""


def add_parser(commands: Subcommands) -> None:
    """Register the `credits` command on the CLI's subparsers."""
    parser = add_command(
        commands,
        "credits",
        summary="show your key's spending limit, usage and what is left",
        description=(
            "Read OpenRouter's GET /key for OPENROUTER_API_KEY: the key's spending limit, "
            "what is left of it, and its usage (all in USD)."
        ),
        examples=_EXAMPLES,
    )
    parser.add_argument("--json", action="store_true", help="print OpenRouter's fields as JSON")
    parser.add_argument(
        "--offline", action="store_true", help="ask the bundled emulator (no key needed)"
    )


def run(args: argparse.Namespace, term: Terminal) -> int:
    """Print the key's limit and usage; exit code 2 without a key, 1 when OpenRouter fails."""
    from langchain_openrouter_gemini.chat.model import ChatOpenRouterGemini

    with endpoint(args.offline) as settings:
        info = ChatOpenRouterGemini(**settings).get_key_info().model_dump()
    if args.json:
        term.verbatim(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    with term.batch():
        for line in describe(info):
            term.line(line)
    return 0


def describe(info: dict[str, Any]) -> list[str]:
    """The human lines for a `KeyInfo` dump."""
    limit, remaining = info.get("limit"), info.get("limit_remaining")
    reset = info.get("limit_reset")
    lines = [f"key        {info.get('label') or '(no label)'}"]
    if limit is None:
        lines.append("limit      none on this key (your account's credits apply)")
    else:
        lines.append(f"limit      {_usd(limit)}" + (f", resets {reset}" if reset else ""))
    periods = [
        f"{name} {_usd(info[key])}"
        for name, key in (("today", "usage_daily"), ("this week", "usage_weekly"))
        if isinstance(info.get(key), (int, float))
    ]
    used = _usd(info.get("usage"))
    lines.append(f"used       {used}" + (f" ({', '.join(periods)})" if periods else ""))
    if remaining is not None:
        lines.append(f"remaining  {_usd(remaining)}")
    if info.get("byok_usage"):
        lines.append(f"BYOK usage {_usd(info['byok_usage'])} (billed by your own provider keys)")
    if info.get("is_free_tier"):
        lines.append("free tier  yes (free models only, with their rate limits)")
    return lines


def _usd(value: Any) -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return "unknown"
    return format_cost(float(value)) if 0 < value < 0.01 else f"${value:,.2f}"
