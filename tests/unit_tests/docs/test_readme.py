"""The README, followed line by line as a new user would, on this machine and offline.

The offline recipe's shell steps, the quick start and the stop step run in one `bash`, as
pasted into a terminal (only the port is changed to a free one, so runs cannot collide).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
README = (REPO / "README.md").read_text(encoding="utf-8")
_FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
RECIPE = "## Without a key: the offline recipe"
QUICK_START = "## Quick start"
INSTALL = "## Install"


def section(heading: str) -> str:
    return README.split(heading + "\n", 1)[1].split("\n## ", 1)[0]


def blocks(heading: str, language: str) -> list[str]:
    return [code for lang, code in _FENCE.findall(section(heading)) if lang == language]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_install_makes_and_activates_a_virtualenv_before_installing() -> None:
    (first, *_) = blocks(INSTALL, "bash")
    lines = first.splitlines()
    venv = next(i for i, line in enumerate(lines) if "-m venv .venv" in line)
    activate = next(i for i, line in enumerate(lines) if line.startswith("source .venv/bin/"))
    install = next(i for i, line in enumerate(lines) if "pip install" in line)
    assert venv < activate < install, first


def test_every_shell_line_is_a_real_command() -> None:
    for heading in (INSTALL, RECIPE):
        for block in blocks(heading, "bash"):
            code = "\n".join(line.split("  #")[0] for line in block.splitlines())
            assert not re.search(r"<[^>]+>", code), f"a placeholder in {heading}:\n{block}"


def test_the_clone_url_is_the_package_home_and_its_status_is_said() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (home,) = re.findall(r'^Homepage = "([^"]+)"$', pyproject, re.MULTILINE)
    clone = next(line for line in blocks(INSTALL, "bash")[0].splitlines() if "git clone" in line)
    assert clone.split()[2].removesuffix(".git") == home
    assert "not public yet" in section(INSTALL)


def test_quick_start_reads_text_like_the_docs() -> None:
    (code,) = blocks(QUICK_START, "python")
    assert ".content" not in code and ".text" in code


def test_the_offline_recipe_runs_as_pasted_and_stops_cleanly(tmp_path: Path) -> None:
    start, stop = blocks(RECIPE, "bash")
    assert start.splitlines()[0].split("#")[0].rstrip().endswith("&")
    assert "kill" in stop
    (quick_start,) = blocks(QUICK_START, "python")
    (tmp_path / "quick_start.py").write_text(quick_start, encoding="utf-8")
    port = _free_port()
    # `python` is this interpreter, as it is the venv's once the README activated it.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (bin_dir / "python").chmod(0o755)
    script = "\n".join(
        [
            "set -euo pipefail",
            start.replace("8765", str(port)),
            # Not the README's: whatever fails below, the emulator does not outlive the test.
            "pid=$EMULATOR_PID; trap 'kill \"$pid\" 2>/dev/null || true' EXIT",
            "python quick_start.py",
            stop,
            'echo "base url after stop: ${OPENROUTER_BASE_URL:-unset}"',
            # Give the stopped process a moment to exit, then say whether it still runs.
            'for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done',
            'if kill -0 "$pid" 2>/dev/null; then echo "emulator: running"; else echo "emulator: stopped"; fi',
        ]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    with subprocess.Popen(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as shell:
        try:
            out, err = shell.communicate(timeout=120)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(shell.pid, signal.SIGKILL)
    assert shell.returncode == 0, out + err
    lines = out.splitlines()
    assert lines[0] == f"http://127.0.0.1:{port}/api/v1"  # what the recipe says it prints
    assert "You said: Name three moons of Jupiter. How can I help you with that?" in lines
    assert "Explain thought signatures in one sentence." in lines[-3]
    assert lines[-2:] == ["base url after stop: unset", "emulator: stopped"], out
    assert not _listening(port)
