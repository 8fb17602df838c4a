"""What a new user trips over in the CLI (issue 26), each through the real command.

Every test runs `python -m langchain_openrouter_gemini` as a subprocess; "live" runs go to
an emulator started here, reached through `OPENROUTER_BASE_URL` as the README's offline
recipe does.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from langchain_openrouter_gemini.cli.app import COMMANDS, build_parser
from langchain_openrouter_gemini.testing import OpenRouterEmulator
from langchain_openrouter_gemini.wire.reasoning import EFFORTS
from tests.unit_tests.cli.cli_process import COMMAND, clean_env, live_emulator, run

DOCS = Path(__file__).resolve().parents[3] / "docs" / "cli.md"
OFFLINE_BANNER = "Offline: answered by the bundled OpenRouter emulator"


@pytest.fixture
def live() -> Iterator[tuple[OpenRouterEmulator, dict[str, str]]]:
    """An emulator to run the command 'live' against, and the environment that points there."""
    with live_emulator() as pair:
        yield pair


def _flat(text: str) -> str:
    return " ".join(text.split())


# 1. What the demo talks to


def test_demo_through_the_offline_recipe_says_it_talks_to_the_emulator(
    live: tuple[OpenRouterEmulator, dict[str, str]],
) -> None:
    emulator, env = live
    result = run("demo", env=env)
    first = result.stdout.splitlines()[0]
    assert "emulator" in first and emulator.base_url in first
    assert "live against OpenRouter" not in first


class _Foreign(BaseHTTPRequestHandler):
    """A server that is neither OpenRouter nor the emulator (a proxy, say)."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"data": {}}')

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_demo_names_another_base_url() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Foreign)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    try:
        result = run("demo", env={"OPENROUTER_API_KEY": "sk-or-test", "OPENROUTER_BASE_URL": base})
    finally:
        server.shutdown()
    first = result.stdout.splitlines()[0]
    assert f"live against {base}" in first and "not openrouter.ai" in first


# 2. Model ids


def test_offline_id_the_emulator_lacks_says_what_offline_serves() -> None:
    result = run("chat", "hi", "--offline", "--model", "openai/gpt-4o")
    assert result.returncode == 2
    message = _flat(result.stderr)
    assert message.startswith("error: --model openai/gpt-4o: ")
    assert "not a valid model ID" in message and "openrouter-gemini models" in message
    assert OFFLINE_BANNER not in result.stdout + result.stderr  # 7: no banner on failure


def test_live_typo_gets_did_you_mean(live: tuple[OpenRouterEmulator, dict[str, str]]) -> None:
    _, env = live
    result = run("chat", "hi", "--model", "gemini-2.5-flsh", env=env)
    assert result.returncode == 1
    assert "Did you mean 'google/gemini-2.5-flash'?" in _flat(result.stderr)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["embed", "x", "--model", "gemini-2.5-flash"], "is a chat model, not an embedding model"),
        (["chat", "x", "--model", "gemini-embedding-001"], "is an embedding model, not a chat"),
    ],
)
def test_the_wrong_kind_of_model_names_the_command_that_serves_it(
    args: list[str], words: str
) -> None:
    result = run(*args, "--offline")
    assert result.returncode == 2
    message = _flat(result.stderr)
    assert words in message and "not a valid model ID" not in message
    assert (
        "openrouter-gemini chat" if args[0] == "embed" else "openrouter-gemini embed"
    ) in message


# 3. A base URL without /api/v1


def test_base_url_without_api_v1_is_named(live: tuple[OpenRouterEmulator, dict[str, str]]) -> None:
    emulator, env = live
    result = run("chat", "hi", env={**env, "OPENROUTER_BASE_URL": emulator.root_url})
    assert result.returncode == 1
    message = _flat(result.stderr)
    assert "should end in /api/v1" in message and "could not find" not in message
    demo = run("demo", env={**env, "OPENROUTER_BASE_URL": emulator.root_url})
    assert "should end in /api/v1" in demo.stdout.splitlines()[0]


# 5. Errors name the right flag, in flags


@pytest.mark.parametrize(
    ("args", "start", "advice"),
    [
        (
            ["chat", "hi", "--model", "gemini-2.5-pro", "--reasoning", "none"],
            "error: --reasoning none: ",
            "--reasoning minimal",
        ),
        (["embed", "x", "--dimensions", "5000"], "error: --dimensions 5000 ", "3072"),
    ],
)
def test_setting_errors_blame_the_flag_without_pydantic(
    args: list[str], start: str, advice: str
) -> None:
    result = run(*args, "--offline")
    assert result.returncode == 2
    message = _flat(result.stderr)
    assert message.startswith(start) and advice in message
    for leak in ("pydantic", "validation error", "Value error", "reasoning_effort=", "[type="):
        assert leak not in message


@pytest.mark.parametrize(
    ("args", "usage", "suggestion"),
    [
        (["chat", "hi", "--offline", "--reasonig", "low"], "openrouter-gemini chat", "--reasoning"),
        (["chat", "hi", "--offline", "--reasoning", "lo"], "openrouter-gemini chat", "low"),
        (["embed", "x", "--dimesions=768"], "openrouter-gemini embed", "--dimensions"),
        (["models", "--jsn"], "openrouter-gemini models", "--json"),
        (["caht", "hi"], "openrouter-gemini [-h]", "chat"),
        (["--verison"], "openrouter-gemini [-h]", "--version"),
    ],
)
def test_typos_get_the_commands_usage_and_a_suggestion(
    args: list[str], usage: str, suggestion: str
) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert f"usage: {usage}" in result.stderr
    assert f"did you mean {suggestion}?" in result.stderr


# 6. Off a terminal, stdout carries the answer alone


def test_chat_into_a_file_holds_the_answer_only(tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    with answer.open("w") as out:
        result = subprocess.run(
            [*COMMAND, "chat", "Name a moon", "--offline", "--reasoning", "low"],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(),
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    text = answer.read_text()
    assert text.strip().splitlines() == [text.strip()]  # one answer, nothing around it
    assert "Name a moon" in text
    assert OFFLINE_BANNER in result.stderr and "timings emulated" in result.stderr
    assert "The user wrote" in result.stderr and "The user wrote" not in text  # the reasoning


def test_models_cut_short_by_head_exits_the_same_way_every_time() -> None:
    script = (
        'for i in 1 2 3 4 5 6; do $CLI models | head -2 > /dev/null; echo "${PIPESTATUS[0]}"; done'
    )
    result = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env=clean_env({"CLI": " ".join(COMMAND)}),
        timeout=120,
        check=False,
    )
    # The table fits one write, as `seq 30 | head -2` does: the whole output was delivered.
    assert result.stdout.split() == ["0"] * 6, result.stdout + result.stderr


# 7. Help and docs


@pytest.mark.parametrize("name", ["chat", "embed", "demo", "models", "credits"])
def test_every_command_help_has_a_description_examples_and_the_environment(name: str) -> None:
    result = run(name, "--help")
    assert result.returncode == 0
    text = result.stdout
    description = text.split("\n\n")[1]
    assert not description.lstrip().startswith(("options:", "positional")), text
    assert f"examples:\n  openrouter-gemini {name}" in text
    assert "environment:" in text and "OPENROUTER_API_KEY" in text and "OPENROUTER_BASE_URL" in text


def test_embed_offline_prints_the_banner_like_chat() -> None:
    result = run("embed", "hi", "--offline")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(OFFLINE_BANNER)


def _sections() -> dict[str, str]:
    page = DOCS.read_text(encoding="utf-8")
    parts = re.split(r"^## `openrouter-gemini (\w+)`", page, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_docs_cli_page_lists_every_flag_of_every_command() -> None:
    parser = build_parser()
    sections = _sections()
    assert len(parser.commands) == len(COMMANDS)
    missing = [
        f"{name} {flag}"
        for name, sub in parser.commands.items()
        for flag in sub.flags
        if flag not in ("-h", "--help") and f"`{flag}" not in sections.get(name, "")
    ]
    assert not missing, f"docs/cli.md does not document {missing}"


def test_docs_cli_page_lists_every_reasoning_effort() -> None:
    row = next(line for line in _sections()["chat"].splitlines() if "`--reasoning EFFORT`" in line)
    assert all(f"`{effort}`" in row for effort in EFFORTS), row
