"""How the command behaves as a Unix tool: pipes, --version, help, width, advice, exit codes.

Every test runs `python -m langchain_openrouter_gemini` as a real subprocess. Where a test
needs to see what the command sent, it runs the command "live" against an emulator started
here (`OPENROUTER_BASE_URL` and any key), so the request log is at hand.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from langchain_openrouter_gemini import __version__
from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator, samples
from langchain_openrouter_gemini.wire.reasoning import EFFORTS
from tests.unit_tests.cli.cli_process import COMMAND, clean_env, live_emulator, run, run_on_terminal

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG_PROMPT = (
    "Please describe, in plain words and without hurry, how the tides of the North Sea rise "
    "and fall twice a day along the Norwegian coast"
)


@pytest.fixture
def live() -> Iterator[tuple[OpenRouterEmulator, dict[str, str]]]:
    """An emulator to run the command 'live' against, and the environment that points there."""
    with live_emulator() as pair:
        yield pair


def _bash(script: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env=clean_env({"CLI": " ".join(COMMAND), **(env or {})}),
        timeout=120,
        check=False,
    )


def test_output_cut_short_by_head_exits_quietly_like_a_unix_tool() -> None:
    # `yes | head -1` reports 141 (killed by SIGPIPE) and prints nothing on stderr.
    result = _bash('$CLI demo | head -1; echo "status=${PIPESTATUS[0]}"')
    first, status = result.stdout.strip().splitlines()
    assert "emulator" in first
    assert status == "status=141"
    assert result.stderr == ""


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"openrouter-gemini {__version__}"


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["chat", "--help"]])
def test_help_and_version_answer_without_importing_openai(args: list[str]) -> None:
    result = _importtime(args)
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert result.returncode == 0
    assert "langchain_openrouter_gemini.cli.app" in imported  # the trace is really there
    assert not {name for name in imported if name.split(".")[0] in {"openai", "langchain_core"}}


def _importtime(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COMMAND[0], "-X", "importtime", *COMMAND[1:], *args],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
        check=False,
    )


def test_attachment_options_are_explained_in_help() -> None:
    result = run("chat", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for flag, what in [
        ("--image PATH|URL", "attach an image"),
        ("--pdf PATH|URL", "attach a PDF"),
        ("--audio PATH", "attach audio"),
        ("--video PATH|URL", "attach a video"),
    ]:
        assert f"{flag} {what}" in text, text
    assert all(effort in text for effort in EFFORTS)


@pytest.mark.parametrize("effort", EFFORTS)
def test_reasoning_accepts_every_effort_model_strings_accept(
    effort: str, live: tuple[OpenRouterEmulator, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator, env = live
    result = run("chat", "hi", "--reasoning", effort, env=env)
    assert result.returncode == 0, result.stderr
    assert emulator.requests[-1].body["reasoning"] == {"effort": effort}
    # And the model-string parser takes the very same word.
    from langchain_openrouter_gemini import init_chat_model

    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test")
    model = init_chat_model(f"openrouter:gemini-2.5-flash?reasoning_effort={effort}")
    assert model.reasoning_effort == effort


def test_unknown_effort_is_a_usage_error_listing_the_choices() -> None:
    result = run("chat", "hi", "--offline", "--reasoning", "extreme")
    assert result.returncode == 2
    assert "extreme" in result.stderr and "xhigh" in result.stderr


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "chart.png").write_bytes(samples.png())
    (tmp_path / "report.pdf").write_bytes(samples.pdf())
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 4)
    return tmp_path


@pytest.mark.parametrize(
    ("args", "advice"),
    [
        (["--pdf", "chart.png"], ["image/png", "not a PDF", "--image"]),
        (["--image", "report.pdf"], ["application/pdf", "not an image", "--pdf"]),
        (["--video", "chart.png"], ["not a video", "--image"]),
        (["--image", "blob.bin"], ["application/octet-stream", "only images, PDFs, audio"]),
        (["--audio", "https://example.com/memo.mp3"], ["not as a URL", "curl", "--audio clip.mp3"]),
        (["--image", "."], ["is a directory"]),
        (["--pdf", "missing.pdf"], ["does not exist", "http(s)://"]),
    ],
)
def test_attachment_errors_speak_in_flags_not_python(
    files: Path, args: list[str], advice: list[str]
) -> None:
    result = subprocess.run(
        [*COMMAND, "chat", "what is this?", "--offline", *args],
        capture_output=True,
        text=True,
        env=clean_env(),
        cwd=files,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    message = " ".join(result.stderr.split())
    for words in advice:
        assert words in message, message
    assert args[1] in message  # names the file it is about
    assert "()" not in message and "mime_type=" not in message and "Traceback" not in message


def test_failed_live_demo_suggests_offline(live: tuple[OpenRouterEmulator, dict[str, str]]) -> None:
    emulator, env = live
    emulator.enqueue(Fault.status(401, message="User not found."))
    result = run("demo", env=env)
    assert result.returncode == 1
    assert "emulator" in result.stdout.splitlines()[0]
    message = " ".join(result.stderr.split())
    assert "User not found" in message and "demo --offline" in message
    assert "Traceback" not in result.stderr


def test_demo_offline_ignores_a_configured_key(
    live: tuple[OpenRouterEmulator, dict[str, str]],
) -> None:
    emulator, env = live
    result = run("demo", "--offline", env=env)
    assert result.returncode == 0, result.stderr
    assert "offline" in result.stdout.splitlines()[0]
    assert emulator.requests == []  # the key and URL in the environment were not used
    # The streamed step's timings are labelled, not shown as loopback times.
    assert "timings emulated" in result.stdout and "0.00 s" not in result.stdout


def test_chat_offline_says_so_on_its_first_line() -> None:
    code, output = run_on_terminal("chat", "hi", "--offline", env=clean_env({"NO_COLOR": "1"}))
    assert code == 0
    first = output.decode().splitlines()[0]
    assert "Offline" in first and "emulator" in first
    piped = run("chat", "hi", "--offline")  # off a terminal, on stderr's first line
    assert "Offline" in piped.stderr.splitlines()[0] and "Offline" not in piped.stdout


def test_offline_json_answer_stays_parseable(tmp_path: Path) -> None:
    schema = tmp_path / "city.json"
    schema.write_text(json.dumps({"type": "object", "properties": {"city": {"type": "string"}}}))
    result = run(
        "chat", "Biggest city?", "--offline", "--json-schema", str(schema), env={"COLUMNS": "20"}
    )
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout)["city"], str)  # never wrapped, no notice
    assert "emulator" in result.stderr


def test_live_timings_are_measured(live: tuple[OpenRouterEmulator, dict[str, str]]) -> None:
    _, env = live
    result = run("chat", "hi", env=env)
    assert result.returncode == 0, result.stderr
    summary = result.stderr.strip().splitlines()[-1]
    assert "first token" in summary and "total" in summary and "emulated" not in summary


def test_output_wraps_to_columns() -> None:
    result = run("chat", LONG_PROMPT, "--offline", env={"COLUMNS": "40"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) > 3
    assert max(len(line) for line in lines) <= 40, result.stdout
    # The banner and summary on stderr wrap to the same width.
    assert max(len(line) for line in result.stderr.splitlines()) <= 40, result.stderr
    assert "North Sea" in " ".join(result.stdout.split())  # words are kept whole


def test_piped_output_is_not_wrapped_without_columns() -> None:
    result = run("chat", LONG_PROMPT, "--offline")
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) > 100


def test_output_wraps_to_the_terminal_width() -> None:
    code, output = run_on_terminal(
        "chat", LONG_PROMPT, "--offline", env=clean_env({"NO_COLOR": "1"}), columns=50
    )
    assert code == 0
    lines = ANSI.sub("", output.decode()).replace("\r\n", "\n").splitlines()
    assert len(lines) > 3
    assert max(len(line) for line in lines) <= 50, lines


def test_errors_wrap_to_columns_too() -> None:
    result = run("chat", "hi", env={"COLUMNS": "40"})
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ") and max(len(line) for line in lines) <= 40
    assert "--offline" in " ".join(result.stderr.split())


def test_a_key_in_the_model_string_is_refused_without_being_echoed() -> None:
    result = run("chat", "hi", "--offline", "--model", "gemini-2.5-flash?api_key=sk-or-v1-secret42")
    assert result.returncode == 2
    assert "secret42" not in result.stderr + result.stdout
    assert "export OPENROUTER_API_KEY" in result.stderr


def test_bad_model_string_advice_names_the_flag() -> None:
    result = run("chat", "hi", "--offline", "--model", "gemini-2.5-flash:turbo")
    assert result.returncode == 2
    assert result.stderr.startswith("error: --model: ") and ":nitro" in result.stderr
