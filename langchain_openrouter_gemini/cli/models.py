"""`openrouter-gemini models`: the catalogue, and what live `GET /models` says differently.

`models` lists the bundled catalogue (no network). `models --live` (needs
`OPENROUTER_API_KEY`; `OPENROUTER_BASE_URL` picks the endpoint) fetches OpenRouter's list and
prints the Gemini models the catalogue lacks, the facts that changed and the models no
longer listed. `--json` prints the catalogue's data file (refreshed from the live list with
`--live`), and `--write [PATH]` writes it, by default over the bundled file, so the
catalogue is refreshed by one command.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from langchain_openrouter_gemini.cli.command import Subcommands, add_command
from langchain_openrouter_gemini.cli.terminal import Terminal

__all__ = ["add_parser", "run"]

_EXAMPLES = """\
examples:
  openrouter-gemini models                  # the bundled catalogue
  openrouter-gemini models --live           # what OpenRouter lists that the catalogue does not
  openrouter-gemini models --live --write   # refresh the bundled catalogue from OpenRouter
  openrouter-gemini models --live --json > models.json
"""


def add_parser(commands: Subcommands) -> None:
    """Register `models` on the CLI's subcommands."""
    models = add_command(
        commands,
        "models",
        summary="list the Gemini catalogue; --live compares it with OpenRouter's /models",
        description=(
            "List the bundled catalogue of Gemini chat and embedding models: context window, "
            "output limit, prices per million tokens and reasoning rules (no network). "
            "--live compares it with OpenRouter's GET /models; --live --write refreshes it."
        ),
        examples=_EXAMPLES,
    )
    models.add_argument(
        "--live",
        action="store_true",
        help="fetch GET /models (needs OPENROUTER_API_KEY) and show what differs",
    )
    models.add_argument(
        "--json",
        action="store_true",
        help="print the catalogue data file (refreshed from /models with --live)",
    )
    models.add_argument(
        "--write",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="with --live: write the refreshed data file (default: the bundled models.json)",
    )


def run(args: argparse.Namespace, term: Terminal) -> int:
    """Run `models`; returns the exit code (2 for bad usage)."""
    with term.batch():
        return _run(args, term)


def _run(args: argparse.Namespace, term: Terminal) -> int:
    from langchain_openrouter_gemini import catalogue

    if args.write is not None and not args.live:
        term.error("--write needs --live: the data file is refreshed from OpenRouter's /models.")
        return 2
    if not args.live:
        if args.json:
            term.line(_dumps(catalogue.catalogue_document()))
        else:
            _table(term)
        return 0
    key = os.environ.get("OPENROUTER_API_KEY", "").strip()
    if not key:
        term.error(
            "--live needs OPENROUTER_API_KEY (your sk-or-... key from https://openrouter.ai/keys)."
        )
        return 2
    base_url = os.environ.get("OPENROUTER_BASE_URL") or "https://openrouter.ai/api/v1"
    live = catalogue.fetch_models(base_url, key)
    checked = datetime.now(timezone.utc).date().isoformat()
    document = catalogue.refreshed_document(live, checked)
    if args.json:
        term.line(_dumps(document))
    else:
        _report(term, catalogue.diff_catalogue(live), base_url)
    if args.write is not None:
        path = Path(args.write) if args.write else _bundled_file()
        path.write_text(_dumps(document) + "\n", encoding="utf-8")
        term.err.write(f"wrote {len(document['data'])} models to {path}\n")
    return 0


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False)


def _bundled_file() -> Path:
    from langchain_openrouter_gemini.catalogue.lookup import DATA_FILE

    return Path(str(resources.files("langchain_openrouter_gemini.catalogue").joinpath(DATA_FILE)))


def _money(per_million: float) -> str:
    return f"${per_million:g}"


def _reasoning(model: Any) -> str:
    rules = model.reasoning
    if rules is None:
        return "yes" if model.supports_reasoning else "-"
    efforts = "/".join(rules.supported_efforts) if rules.supported_efforts else "any"
    return f"{'always' if rules.mandatory else 'optional'} ({efforts})"


def _table(term: Terminal) -> None:
    from langchain_openrouter_gemini import catalogue

    rows = [("model", "context", "max out", "in $/M", "out $/M", "reasoning", "")]
    for model in catalogue.CATALOGUE:
        rows.append(
            (
                model.id,
                f"{model.context_window:,}",
                f"{model.max_output_tokens:,}" if model.max_output_tokens else "?",
                _money(model.prices.prompt),
                _money(model.prices.completion),
                _reasoning(model),
                "*" if model.unverified else "",
            )
        )
    for embedding in catalogue.EMBEDDING_MODELS:
        rows.append(
            (
                embedding.id,
                f"{embedding.context_window:,}",
                "embeddings",
                _money(embedding.price_per_million),
                "-",
                "-",
                "*" if embedding.unverified else "",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        text = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        term.line(text.rstrip(), *(("bold",) if index == 0 else ()))
    checked = catalogue.catalogue_document().get("checked", "?")
    term.line()
    term.line(
        f"Checked against OpenRouter on {checked}. * = some facts not verified against "
        "OpenRouter's own listing (see --json, x_catalogue.unverified).",
        "dim",
    )


def _report(term: Terminal, diff: Any, base_url: str) -> None:
    if not diff:
        term.line(f"The catalogue matches {base_url}/models for every Gemini model.")
        return
    for entry in diff.new:
        pricing = entry.get("pricing") or {}
        term.line(
            f"new      {entry['id']}  context {entry.get('context_length')}  "
            f"prompt {pricing.get('prompt')}/token  completion {pricing.get('completion')}/token",
            "green",
        )
    for model_id, changes in diff.changed.items():
        term.line(f"changed  {model_id}", "cyan")
        for change in changes:
            term.line(f"           {change}")
    for model_id in diff.gone:
        term.line(f"gone     {model_id}  (kept in the catalogue so old replies still price)")
    term.line()
    term.line("Refresh the catalogue with: openrouter-gemini models --live --write", "dim")
