"""The install path a user and CI take: the README's commands, the Makefile, release files.

The wheel itself is built, checked and installed in a fresh virtualenv by
`scripts/check_wheel.py`, a step of `make test`; these tests pin down the wiring around it.
"""

from __future__ import annotations

import os
import re
import subprocess
from importlib.metadata import metadata
from pathlib import Path

from langchain_openrouter_gemini import __version__

REPO = Path(__file__).resolve().parents[2]


def _dry_run(target: str) -> list[str]:
    # -B: every step as on a fresh clone, whatever this checkout has installed already.
    # Without the settings of a `make` this test may itself run under (`make test`).
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    done = subprocess.run(
        ["make", "-n", "-B", target], cwd=REPO, capture_output=True, text=True, check=True, env=env
    )
    return [line for line in done.stdout.splitlines() if not line.startswith("make")]


def _installs(lines: list[str]) -> list[str]:
    return [line for line in lines if "pip install" in line and "--upgrade pip" not in line]


def test_make_demo_installs_only_the_runtime_dependencies() -> None:
    lines = _dry_run("demo")
    assert _installs(lines) == [".venv/bin/python -m pip install --quiet -e ."]
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
    assert ".venv/bin/python scripts/check_wheel.py" in lines
    assert any("mkdocs build --strict" in line for line in lines)


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
