"""The install path a user and CI take: the README's commands, the Makefile, release files.

The wheel itself is built, checked and installed in a fresh virtualenv by
`scripts/check_wheel.py`, a step of `make test`; these tests pin down the wiring around it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from importlib.metadata import metadata
from pathlib import Path
from typing import Any

import pytest

from langchain_openrouter_gemini import __version__

REPO = Path(__file__).resolve().parents[3]


def _dry_run(target: str) -> list[str]:
    # -B: every step as on a fresh clone, whatever this checkout has installed already.
    # Without the settings of a `make` this test may itself run under (`make test`).
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    done = subprocess.run(
        ["make", "-n", "-B", target], cwd=REPO, capture_output=True, text=True, check=True, env=env
    )
    return [line for line in done.stdout.splitlines() if not line.startswith("make")]


def _installs(lines: list[str]) -> list[str]:
    return [
        re.findall(r"\.venv/bin/python -m pip install [^)>]*?(?= \)|$)", line)[0]
        for line in lines
        if "pip install" in line and "--upgrade pip" not in line
    ]


def test_make_demo_installs_only_the_runtime_dependencies() -> None:
    lines = _dry_run("demo")
    assert _installs(lines) == [".venv/bin/python -m pip install -e ."]
    assert lines[-1] == ".venv/bin/openrouter-gemini demo"


def test_make_test_installs_every_extra_and_checks_the_wheel() -> None:
    lines = _dry_run("test")
    # Every extra the package declares, so a new extra cannot go untested.
    declared = set(metadata("langchain-openrouter-gemini").get_all("Provides-Extra") or [])
    assert {"test", "docs", "bench", "ray"} <= declared
    installed = [
        set(found.split(","))
        for line in _installs(lines)
        for found in re.findall(r'-e "\.\[([\w,-]+)\]"', line)
    ]
    assert installed == [declared], (installed, declared)
    assert ".venv/bin/python scripts/check_wheel.py --quiet" in lines
    assert any("mkdocs build --strict" in line for line in lines)


def test_make_test_keeps_the_log_readable() -> None:
    lines = _dry_run("test")
    # pip and the docs build write to a log file, shown only if they fail.
    for line in lines:
        if "pip install" in line or "mkdocs build" in line:
            assert "> build/logs/" in line, line
    # pytest prints to the terminal: quiet (no header, no benchmark table), and its closing
    # "N passed" line is not redirected anywhere.
    (pytest_line,) = [line for line in lines if "-m pytest" in line]
    assert pytest_line.split() == [
        ".venv/bin/python", "-m", "pytest", "-q", "--benchmark-disable"
    ]  # fmt: skip


def _quietly(command: str) -> subprocess.CompletedProcess[str]:
    # The Makefile's own `quietly` step, run on a throwaway target.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    probe = f"probe: ; $(call quietly,probe-step,{command})"
    return subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", probe, "probe"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_a_quiet_step_shows_one_line_and_its_log_only_on_failure() -> None:
    log = REPO / "build" / "logs" / "probe-step.log"
    try:
        passed = _quietly("echo chatter-from-pip")
        assert passed.returncode == 0, passed.stderr
        assert passed.stdout == "probe-step (full output: build/logs/probe-step.log)\n"
        assert log.read_text(encoding="utf-8") == "chatter-from-pip\n"

        failed = _quietly("echo what went wrong >&2; exit 3")
        assert failed.returncode != 0
        assert "what went wrong" in failed.stdout
        assert "probe-step FAILED (exit 3)" in failed.stdout
    finally:
        log.unlink(missing_ok=True)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"\| `(make \w+)` \|", readme)
    assert commands == ["make demo", "make test"]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == "make test"


def test_release_metadata() -> None:
    # As installed: the metadata a package index would show.
    meta = metadata("langchain-openrouter-gemini")
    assert meta["License-Expression"] == "MIT" and meta["License-File"] == "LICENSE"
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    urls = {entry.split(",")[0] for entry in meta.get_all("Project-URL") or []}
    assert {"Homepage", "Documentation", "Repository", "Issues", "Changelog"} <= urls
    requires = meta.get_all("Requires-Dist") or []
    for tool in ("build", "twine"):
        assert any(re.match(rf"{tool}==[\d.]+; extra == .test.", r) for r in requires), requires


def test_changelog_has_unreleased_and_the_current_version() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    assert f"## [{__version__}]" in changelog
    assert f"[{__version__}]: " in changelog  # the heading's link target


def test_readme_install_works_today_and_names_the_index_line_for_later() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    install = readme.split("## Install", 1)[1].split("\n## ", 1)[0]
    assert "git clone" in install and "pip install ." in install
    assert "-m build" in install and "pip install dist/" in install
    assert "pip install langchain-openrouter-gemini" in install
    assert "after" in install.lower() and "release" in install.lower()


def _check_wheel(monkeypatch: pytest.MonkeyPatch, steps: list[list[str]]) -> Any:
    """scripts/check_wheel.py with its checks replaced by `steps` (commands run in order)."""
    spec = importlib.util.spec_from_file_location(
        "check_wheel", REPO / "scripts" / "check_wheel.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def check(work: Path, *, say: Any) -> None:
        for number, command in enumerate(steps):
            module._run(f"step {number}", command, say=say)

    monkeypatch.setattr(module, "check", check)
    return module


def test_the_quiet_wheel_check_prints_one_line_or_the_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ok = [sys.executable, "-c", "print('building wheel... lots of chatter')"]
    bad = [sys.executable, "-c", "import sys; sys.exit('twine: README does not render')"]
    module = _check_wheel(monkeypatch, [ok, ok])
    assert module.main(["--quiet"]) == 0
    out, err = capsys.readouterr()
    assert re.fullmatch(r"wheel check passed in [\d.]+ s\n", out) and err == ""

    assert module.main([]) == 0  # without --quiet: a line per step
    assert capsys.readouterr().out.count("  step ") == 2

    module = _check_wheel(monkeypatch, [ok, bad])
    assert module.main(["--quiet"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "step 1 failed" in err and "README does not render" in err
