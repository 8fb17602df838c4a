"""Running the `openrouter-gemini` command as a real subprocess, with no ambient OpenRouter setup."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from langchain_openrouter_gemini.testing import OpenRouterEmulator

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


def run_on_terminal(
    *args: str, env: dict[str, str], columns: int | None = None
) -> tuple[int, bytes]:
    """Run the command with stdout on a pseudo-terminal (optionally `columns` wide)."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    if columns is not None:
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    process = subprocess.Popen([*COMMAND, *args], stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    output = b""
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the follower side closed: the command is done
            break
        if not data:
            break
        output += data
    code = process.wait(timeout=120)
    os.close(leader)
    return code, output


@contextmanager
def live_emulator() -> Iterator[tuple[OpenRouterEmulator, dict[str, str]]]:
    """An emulator to run the command "live" against, and the environment that points there.

    As the README's offline recipe does: `OPENROUTER_BASE_URL` at the emulator, any key.
    """
    with OpenRouterEmulator() as emulator:
        yield (
            emulator,
            {"OPENROUTER_API_KEY": "sk-or-test", "OPENROUTER_BASE_URL": emulator.base_url},
        )
