"""Row 10: what having the package installed costs when it is not used.

pytest loads the `openrouter_emulator` plugin in every project where the package is
installed, and a shell user runs `openrouter-gemini --help`; neither should pay for
`openai` and LangChain. Each figure is the median over fresh interpreters, with bytecode
caches written first (as after a wheel install).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from benchmarks.measure import Line, median, subprocess_seconds
from benchmarks.workloads import Bench

__all__ = ["row_install_cost"]

PLUGIN_BUDGET_MS = 20.0

# Timed inside the interpreter, after pytest itself is loaded (it always is when pytest
# loads a plugin), so the figure is the plugin's own cost, free of start-up noise.
_PLUGIN_PROBE = """\
import time
import pytest
start = time.perf_counter()
import langchain_openrouter_gemini.testing.pytest_plugin
print(time.perf_counter() - start)
"""


def _env() -> dict[str, str]:
    # Bytecode caches written and used, as after a wheel install (see subprocess_seconds).
    return {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _plugin_seconds() -> float:
    done = subprocess.run(
        [sys.executable, "-c", _PLUGIN_PROBE],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
    )
    return float(done.stdout.strip())


def _command_seconds(code: str) -> float:
    # Like subprocess_seconds, but the command's own output (the help text) is not ours to print.
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL, env=_env())
    return time.perf_counter() - start


def _command(*args: str) -> str:
    return (
        "import sys; from langchain_openrouter_gemini.cli import main\n"
        f"sys.argv = ['openrouter-gemini', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )


def row_install_cost(bench: Bench) -> list[Line]:
    repeats = bench.sizes.import_repeats
    commands = {"--help": _command("--help"), "--version": _command("--version")}
    _plugin_seconds()  # writes bytecode caches, untimed
    for code in commands.values():
        _command_seconds(code)  # untimed, as above
    plugin: list[float] = []
    bare: list[float] = []
    timed: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        plugin.append(_plugin_seconds())
        bare.extend(subprocess_seconds("pass", 1))
        for name, code in commands.items():
            timed[name].append(_command_seconds(code))
    startup = median(bare)
    plugin_ms = median(plugin) * 1000
    lines = [
        Line(
            "10",
            "pytest plugin load",
            "ms",
            {"ours": plugin_ms},
            note=f"import after pytest is loaded; budget {PLUGIN_BUDGET_MS:.0f} ms",
        )
    ]
    for name, times in timed.items():
        lines.append(
            Line(
                "10",
                f"openrouter-gemini {name}",
                "ms",
                {"ours": (median(times) - startup) * 1000},
                note=f"fresh interpreter, minus start-up ({startup * 1000:.0f} ms); no openai",
            )
        )
    return lines
