"""`openrouter-gemini models`, run as a real subprocess against the emulator."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from langchain_openrouter_gemini.catalogue import catalogue_document, models_endpoint_payload
from langchain_openrouter_gemini.catalogue.entries import model_from_entry
from langchain_openrouter_gemini.testing import OpenRouterEmulator


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")}
    clean["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "langchain_openrouter_gemini", "models", *args],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def emulator() -> Iterator[OpenRouterEmulator]:
    with OpenRouterEmulator() as running:
        yield running


@pytest.fixture(scope="module")
def changed_base_url(emulator: OpenRouterEmulator) -> str:
    """A /models that has moved on: a new model, a new price, a model gone."""
    live: list[dict[str, Any]] = copy.deepcopy(models_endpoint_payload("all")["data"])
    for entry in live:
        if entry["id"] == "google/gemini-3.1-pro-preview":
            entry["pricing"]["completion"] = "0.000015"
    live = [e for e in live if e["id"] != "google/gemini-2.0-flash-lite-001"]
    new = copy.deepcopy(next(e for e in live if e["id"] == "google/gemini-3.6-flash"))
    new.update(id="google/gemini-3.9-flash", name="Google: Gemini 3.9 Flash")
    live.append(new)
    body = json.dumps({"data": live}).encode()
    emulator.add_file("/moved-on/api/v1/models", body, "application/json")
    return emulator.root_url + "/moved-on/api/v1"


def test_models_lists_the_catalogue_without_network() -> None:
    result = _run()
    assert result.returncode == 0, result.stderr
    for model_id in (
        "google/gemini-3.1-pro-preview",
        "google/gemini-3.6-flash",
        "google/gemini-3.1-flash-image",
        "google/gemini-embedding-001",
    ):
        assert model_id in result.stdout
    assert "1,048,576" in result.stdout
    assert "always (high/medium/low)" in result.stdout  # 3.1 Pro's reasoning rules
    assert "not verified" in result.stdout


def test_models_json_is_the_data_file() -> None:
    result = _run("--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == catalogue_document()


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--live",), "OPENROUTER_API_KEY"), (("--write",), "--write needs --live")],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    result = _run(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_live_against_a_models_list_that_matches(emulator: OpenRouterEmulator) -> None:
    result = _run(
        "--live", env={"OPENROUTER_API_KEY": "sk-or-test", "OPENROUTER_BASE_URL": emulator.base_url}
    )
    assert result.returncode == 0, result.stderr
    assert "matches" in result.stdout


def test_live_shows_new_changed_and_gone_models(changed_base_url: str) -> None:
    env = {"OPENROUTER_API_KEY": "sk-or-test", "OPENROUTER_BASE_URL": changed_base_url}
    result = _run("--live", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("new") and "google/gemini-3.9-flash" in line for line in lines)
    assert any("changed" in line and "google/gemini-3.1-pro-preview" in line for line in lines)
    assert "pricing.completion: '0.000012' -> '0.000015'" in result.stdout
    assert any(line.startswith("gone") and "gemini-2.0-flash-lite-001" in line for line in lines)
    assert "sk-or-test" not in result.stdout + result.stderr


def test_live_write_refreshes_the_catalogue_in_one_command(
    changed_base_url: str, tmp_path: Path
) -> None:
    env = {"OPENROUTER_API_KEY": "sk-or-test", "OPENROUTER_BASE_URL": changed_base_url}
    target = tmp_path / "models.json"
    written = _run("--live", "--write", str(target), env=env)
    assert written.returncode == 0, written.stderr
    assert f"to {target}" in written.stderr
    document = json.loads(target.read_text(encoding="utf-8"))
    entries = {e["id"]: e for e in document["data"]}
    pro = model_from_entry(entries["google/gemini-3.1-pro-preview"])
    assert pro.prices.completion == pytest.approx(15.0)
    assert pro.unverified == ()  # it came from /models itself
    assert model_from_entry(entries["google/gemini-3.9-flash"]).context_window == 1_048_576
    assert entries["google/gemini-2.0-flash-lite-001"]["x_catalogue"]["listed"] is False
    printed = _run("--live", "--json", env=env)
    assert json.loads(printed.stdout)["data"] == document["data"]
