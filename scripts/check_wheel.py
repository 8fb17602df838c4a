"""Build the sdist and wheel, check them, install the wheel alone and run the CLI offline.

`make test` (hence CI) runs this. It proves what a user gets from `pip install`: the
metadata passes `twine check`, every file of the package (catalogue, emulator, `py.typed`)
is inside the wheel, and the wheel works in a fresh virtualenv that holds nothing but its
runtime dependencies, run from outside the source tree.

Usage: `python scripts/check_wheel.py [--keep DIR] [--quiet]` (prints how long each step took;
`--quiet`, as `make test` runs it, prints only the outcome, and the failed step's output).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "langchain_openrouter_gemini"
# Not one of these may be installed by the wheel: they belong to the test/docs/bench/ray extras.
EXTRAS_ONLY = (
    "pytest",
    "hypothesis",
    "vcrpy",
    "mkdocs",
    "ruff",
    "mypy",
    "langchain-openrouter",
    "ray",
)


class CheckFailed(Exception):
    """One check did not hold; the message says which and shows the output."""


Say = Callable[[str], None]


def _print(line: str) -> None:
    print(line, flush=True)


def _silent(line: str) -> None:
    del line


def _run(
    title: str,
    command: Sequence[str | Path],
    *,
    say: Say,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    with_stderr: bool = False,
) -> str:
    started = time.perf_counter()
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
    )
    took = time.perf_counter() - started
    say(f"  {title}: {took:.1f} s")
    if done.returncode != 0:
        raise CheckFailed(f"{title} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    # Off a terminal the CLI may put its banner on stderr and keep stdout for the answer.
    return str(done.stdout + done.stderr) if with_stderr else str(done.stdout)


def _source_files() -> set[str]:
    root = REPO / PACKAGE
    return {
        path.relative_to(REPO).as_posix()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def _check_contents(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        points = archive.read(entry_points).decode()
    missing = sorted(_source_files() - names)
    if missing:
        raise CheckFailed(f"files of the package missing from the wheel: {missing}")
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
        raise CheckFailed("the wheel carries no LICENSE")
    for needed in ("openrouter-gemini = ", "openrouter_emulator = "):
        if needed not in points:
            raise CheckFailed(f"entry point {needed.strip(' =')!r} missing:\n{points}")


def check(work: Path, *, say: Say = _print) -> None:
    """Run every step in `work` (an empty folder), telling `say` how long each took."""
    dist = work / "dist"
    _run("build sdist and wheel", [sys.executable, "-m", "build", "--outdir", dist, REPO], say=say)
    artifacts = sorted(dist.iterdir())
    _run("twine check", [sys.executable, "-m", "twine", "check", "--strict", *artifacts], say=say)
    (wheel,) = [path for path in artifacts if path.suffix == ".whl"]
    _check_contents(wheel)

    venv = work / "venv"
    _run("fresh venv", [sys.executable, "-m", "venv", venv], say=say)
    python = venv / "bin" / "python"
    pip: list[str | Path] = [python, "-m", "pip", "--disable-pip-version-check"]
    _run(
        "install the wheel (runtime dependencies only)",
        [*pip, "install", "--quiet", wheel],
        say=say,
    )
    installed = _run("list installed", [*pip, "list", "--format=freeze"], say=say).lower()
    names = {line.split("==")[0] for line in installed.splitlines()}
    extra = sorted(name for name in EXTRAS_ONLY if name in names)
    if extra:
        raise CheckFailed(f"the wheel pulled in packages of the extras: {extra}")
    if "aiohttp" not in names:
        raise CheckFailed("the wheel did not bring aiohttp, the default async transport")

    # Outside the source tree, with no OpenRouter settings: only the installed wheel answers.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENROUTER_", "PYTHON"))}
    command = venv / "bin" / "openrouter-gemini"
    version = _run("--version", [command, "--version"], cwd=work, env=env, say=say)
    from_source = _run("source version", [sys.executable, "-c", _VERSION_PROBE], say=say)
    if version.split()[-1] != from_source.strip():
        raise CheckFailed(f"installed {version.strip()!r}, source says {from_source.strip()!r}")
    answer = _run(
        "chat --offline",
        [command, "chat", "Say hello to Oslo", "--offline"],
        cwd=work,
        env=env,
        say=say,
        with_stderr=True,
    )
    if "emulator" not in answer or "Oslo" not in answer:
        raise CheckFailed(f"unexpected offline answer:\n{answer}")
    tour = _run(
        "demo --offline",
        [command, "demo", "--offline"],
        cwd=work,
        env=env,
        say=say,
        with_stderr=True,
    )
    # The cost table is the tour's last step, whatever its number.
    if ". What it cost" not in tour or "thought signature carried" not in tour:
        raise CheckFailed(f"the offline tour did not finish:\n{tour}")
    answer = _run(
        "ainvoke --offline (aiohttp)", [python, "-c", _AINVOKE_PROBE], cwd=work, env=env, say=say
    )
    if not answer.startswith("aiohttp ") or "Oslo" not in answer:
        raise CheckFailed(f"unexpected async answer:\n{answer}")
    probe = f"import {PACKAGE}; print({PACKAGE}.__file__)"
    location = _run("import location", [python, "-c", probe], cwd=work, env=env, say=say)
    if str(venv) not in location:
        raise CheckFailed(f"the package was imported from {location.strip()}, not the venv")


# An async call over the default transport, against the bundled emulator.
_AINVOKE_PROBE = """\
import asyncio, logging, openai
from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.testing import OpenRouterEmulator
logging.basicConfig()  # a fallback to httpx2 would be told on stderr
async def ask(model):
    reply = await model.ainvoke("Say hello to Oslo")
    over = isinstance(model._async_client()._client, openai.DefaultAioHttpClient)
    return ("aiohttp " if over else "httpx2 ") + reply.text
with OpenRouterEmulator() as emulator:
    print(asyncio.run(ask(ChatOpenRouterGemini(api_key="sk-or-x", base_url=emulator.base_url))))
"""

_VERSION_PROBE = (
    f"import runpy; print(runpy.run_path({str(REPO / PACKAGE / '_version.py')!r})['__version__'])"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the checks; 0 when all hold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--quiet", action="store_true", help="print only the outcome (all output on failure)"
    )
    args = parser.parse_args(argv)
    say: Say = _silent if args.quiet else _print
    started = time.perf_counter()
    say("wheel check:")
    try:
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            check(args.keep, say=say)
        else:
            with tempfile.TemporaryDirectory(prefix="wheel-check-") as work:
                check(Path(work), say=say)
    except CheckFailed as failure:
        print(f"wheel check FAILED: {failure}", file=sys.stderr)
        return 1
    print(f"wheel check passed in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
