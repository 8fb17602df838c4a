"""Running the `openrouter-gemini` command as a real subprocess, with no ambient OpenRouter setup."""

from __future__ import annotations

import os
import subprocess
import sys

COMMAND = [sys.executable, "-m", "langchain_openrouter_gemini"]


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment without the developer's OpenRouter settings or terminal width."""
    base = {
        k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_") and k != "COLUMNS"
    }
    return {**base, **(extra or {})}


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args],
        capture_output=True,
        text=True,
        env=clean_env(env),
        timeout=timeout,
        check=False,
    )
