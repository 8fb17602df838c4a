"""The `openrouter-gemini` command, run as a real subprocess against the bundled emulator."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.unit_tests.cli.cli_process import run, run_on_terminal

ANSI = "\x1b["


def test_help_lists_commands_and_examples() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "chat" in result.stdout and "demo" in result.stdout and "examples:" in result.stdout


def test_chat_without_key_is_a_usage_error_naming_the_fix() -> None:
    result = run("chat", "hi")
    assert result.returncode == 2
    assert "OPENROUTER_API_KEY" in result.stderr and "--offline" in result.stderr
    assert "Traceback" not in result.stderr


def test_chat_offline_streams_answer_and_summary_without_colour_when_piped() -> None:
    result = run("chat", "Say hello to Oslo", "--offline")
    assert result.returncode == 0, result.stderr
    assert "Oslo" in result.stdout  # the emulator echoes the question
    # Piped, the summary goes to stderr: stdout holds the answer alone.
    summary = result.stderr.strip().splitlines()[-1]
    assert "google/gemini-2.5-flash" in summary and "in /" in summary and "$" in summary
    assert "timings emulated" in summary and "0.00 s" not in summary
    assert ANSI not in result.stdout + result.stderr


def test_missing_image_file_is_a_usage_error() -> None:
    result = run("chat", "what is this?", "--offline", "--image", "no-such-chart.png")
    assert result.returncode == 2
    assert "no-such-chart.png" in result.stderr and "does not exist" in result.stderr


def test_bad_model_string_is_a_usage_error() -> None:
    result = run("chat", "hi", "--offline", "--model", "anthropic:claude-3")
    assert result.returncode == 2
    assert "anthropic" in result.stderr


def test_json_schema_answer(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "rank": {"type": "integer"}},
        "required": ["city", "rank"],
    }
    path = tmp_path / "city.json"
    path.write_text(json.dumps(schema))
    result = run("chat", "Biggest city in Norway?", "--offline", "--json-schema", str(path))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert isinstance(answer["city"], str) and isinstance(answer["rank"], int)


def test_unreadable_json_schema(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    result = run("chat", "hi", "--offline", "--json-schema", str(path))
    assert result.returncode == 2 and "not valid JSON" in result.stderr


def test_demo_runs_offline_end_to_end_without_a_key() -> None:
    result = run("demo")
    assert result.returncode == 0, result.stderr
    first, *_ = result.stdout.splitlines()
    assert "offline" in first and "emulator" in first
    for heading in ("1. ", "2. ", "3. ", "4. ", "5. Retrieval", "6. What it cost"):
        assert heading in result.stdout
    assert "thought signature carried" in result.stdout
    assert "closest to the question: bergen.md" in result.stdout
    assert any(line.startswith("embeddings ") for line in result.stdout.splitlines())
    assert "total" in result.stdout.splitlines()[-1]


@pytest.mark.parametrize(("no_color", "expect_colour"), [("", True), ("1", False)])
def test_colour_only_on_a_terminal_and_never_with_no_color(
    no_color: str, expect_colour: bool
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")}
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = no_color
    env["TERM"] = "xterm"
    code, output = run_on_terminal("chat", "hi", "--offline", env=env)
    assert code == 0
    assert (ANSI.encode() in output) is expect_colour
