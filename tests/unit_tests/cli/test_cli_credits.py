"""`openrouter-gemini credits`, run as a real subprocess against the emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply
from langchain_openrouter_gemini.testing.keys import KEY_LIMIT

KEY = "sk-or-v1-" + "c" * 64


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")}
    return subprocess.run(
        [sys.executable, "-m", "langchain_openrouter_gemini", "credits", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=120,
        check=False,
    )


def test_credits_shows_the_limit_what_was_spent_and_what_is_left(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.text("ok", cost=1.25))
    ChatOpenRouterGemini(base_url=openrouter_emulator.base_url, api_key=KEY).invoke("hi")
    env = {"OPENROUTER_API_KEY": KEY, "OPENROUTER_BASE_URL": openrouter_emulator.base_url}
    result = run(env=env)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(None, 1) for line in result.stdout.strip().splitlines())
    assert lines["limit"] == f"${KEY_LIMIT:,.2f}"
    assert lines["used"].startswith("$1.25")
    assert lines["remaining"] == f"${KEY_LIMIT - 1.25:,.2f}"
    assert KEY not in result.stdout + result.stderr
    request = openrouter_emulator.requests[-1]
    assert request.path.endswith("/key") and request.headers["authorization"] == f"Bearer {KEY}"


def test_credits_json_prints_openrouter_s_fields(openrouter_emulator: OpenRouterEmulator) -> None:
    env = {"OPENROUTER_API_KEY": KEY, "OPENROUTER_BASE_URL": openrouter_emulator.base_url}
    result = run("--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["limit"] == KEY_LIMIT and data["limit_remaining"] == KEY_LIMIT
    assert data["usage"] == 0 and data["is_free_tier"] is False


def test_credits_without_a_key_is_a_usage_error_naming_the_fix() -> None:
    result = run()
    assert result.returncode == 2
    assert "OPENROUTER_API_KEY" in result.stderr and "--offline" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_openrouter_error_exits_1_without_a_traceback(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    # A base URL whose /key answers 404: reported as OpenRouter's error, exit code 1.
    env = {"OPENROUTER_API_KEY": KEY, "OPENROUTER_BASE_URL": openrouter_emulator.base_url + "/x"}
    result = run(env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "has no GET /key (HTTP 404)" in result.stderr
    assert "OPENROUTER_BASE_URL" in result.stderr


def test_credits_offline_asks_the_bundled_emulator() -> None:
    result = run("--offline")
    assert result.returncode == 0, result.stderr
    assert "remaining" in result.stdout and f"${KEY_LIMIT:,.2f}" in result.stdout
