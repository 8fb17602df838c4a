"""Where a CLI command sends its requests: live OpenRouter, or an emulator started for it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langchain_openrouter_gemini.cli.command import UsageError

__all__ = ["endpoint"]


@contextmanager
def endpoint(offline: bool) -> Iterator[dict[str, Any]]:
    """Model settings for live OpenRouter, or for an emulator started for this command.

    Raises:
        UsageError: Live use without `OPENROUTER_API_KEY`; the message names `--offline`.

    """
    if not offline:
        if not os.environ.get("OPENROUTER_API_KEY", "").strip():
            msg = (
                "OPENROUTER_API_KEY is not set. Export your key (sk-or-..., from "
                "https://openrouter.ai/keys), or add --offline to use the bundled emulator."
            )
            raise UsageError(msg)
        yield {}
        return
    from langchain_openrouter_gemini.testing import OpenRouterEmulator

    with OpenRouterEmulator() as emulator:
        yield {"base_url": emulator.base_url, "api_key": "sk-or-emulator"}
