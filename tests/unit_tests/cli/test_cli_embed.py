"""`openrouter-gemini embed`, run as a real subprocess against the bundled emulator."""

from __future__ import annotations

import json

from tests.unit_tests.cli.test_cli import ANSI, run


def test_embed_prints_dimensions_and_cost_per_text() -> None:
    result = run(
        "embed", "Oslo is in Norway.", "Lima is in Peru.", "--offline", "--dimensions", "768"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("768 dimensions") and lines[0].endswith("Oslo is in Norway.")
    assert lines[1].endswith("Lima is in Peru.")
    # Piped, the offline banner and the summary go to stderr.
    banner, summary = result.stderr.strip().splitlines()
    assert "emulator" in banner
    assert "2 text(s)" in summary and "google/gemini-embedding-001" in summary
    assert "768 dimensions" in summary and "tokens" in summary and "$0.0000" in summary
    assert ANSI not in result.stdout


def test_embed_json_prints_the_vectors_and_usage() -> None:
    result = run(
        "embed",
        "fjords",
        "fjords and mountains",
        "--offline",
        "--json",
        "--model",
        "openrouter:google/gemini-embedding-001?dimensions=256",
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["model"] == "google/gemini-embedding-001"
    assert payload["dimensions"] == 256
    vectors = payload["vectors"]
    assert len(vectors) == 2 and all(len(v) == 256 for v in vectors)
    assert all(isinstance(x, float) for x in vectors[0])
    assert payload["prompt_tokens"] > 0 and payload["cost"] > 0


def test_embed_without_key_is_a_usage_error_naming_the_fix() -> None:
    result = run("embed", "hi")
    assert result.returncode == 2
    assert "OPENROUTER_API_KEY" in result.stderr and "--offline" in result.stderr


def test_embed_bad_input_is_a_usage_error_before_any_request() -> None:
    empty = run("embed", "  ", "--offline")
    assert empty.returncode == 2 and "texts[0] is empty" in empty.stderr
    dims = run("embed", "x", "--offline", "--dimensions", "0")
    assert dims.returncode == 2 and "positive whole number" in dims.stderr
    assert "Traceback" not in empty.stderr + dims.stderr


def test_embed_unknown_model_is_openrouters_error_worded_for_offline() -> None:
    result = run("embed", "x", "--offline", "--model", "google/gemini-embedding-999")
    assert result.returncode == 2
    message = " ".join(result.stderr.split())
    assert "google/gemini-embedding-999 is not a valid model ID" in message
    assert message.startswith("error: --model google/gemini-embedding-999: ")
    assert "--offline answers only for the catalogue's Gemini models" in message
    assert "openrouter-gemini models" in message and "emulator" not in result.stdout


def test_help_lists_embed() -> None:
    result = run("--help")
    assert result.returncode == 0 and "embed" in result.stdout
