"""`python -m benchmarks --quick` runs end to end and writes every row for every contender.

Only the shape of the results is checked: benchmark numbers are never asserted in tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
SYNC_AND_ASYNC = ["floor", "langchain floor", "ChatOpenAI", "ChatOpenRouter", "ours"]
ASYNC_ONLY = ["floor (aiohttp)", "langchain floor (aiohttp)"]  # they run row 3 only
CONTENDERS = [*SYNC_AND_ASYNC[:2], *ASYNC_ONLY, *SYNC_AND_ASYNC[2:]]
COMPARED_ROWS = {"1", "2", "3", "4", "5", "6", "9"}  # every contender runs these
ASYNC_ROWS = {"3"}
OURS_ONLY_ROWS = {"7", "8", "10"}

pytest.importorskip("langchain_openrouter", reason="the bench extra is not installed")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench")
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--rounds", "1", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert (out / "latest.md").read_text().startswith("# Benchmark results")
    payload: dict[str, Any] = json.loads((out / "latest.json").read_text())
    payload["stdout"] = completed.stdout
    return payload


def test_every_row_is_reported(results: dict[str, Any]) -> None:
    rows = {line["row"] for line in results["lines"]}
    assert rows == COMPARED_ROWS | OURS_ONLY_ROWS


@pytest.mark.parametrize("row", sorted(COMPARED_ROWS))
def test_compared_rows_have_a_number_for_every_contender(results: dict[str, Any], row: str) -> None:
    lines = [line for line in results["lines"] if line["row"] == row]
    assert lines
    for line in lines:
        expected = CONTENDERS if row in ASYNC_ROWS else SYNC_AND_ASYNC
        missing = [name for name in expected if line["values"].get(name) is None]
        assert not missing, f"row {row} ({line['label']}): no value for {missing}; {line['note']}"
        assert "ours/ChatOpenAI" in line["ratios"]
        assert "ours/floor" in line["ratios"]
        assert "ours/langchain floor" in line["ratios"]
        if row in ASYNC_ROWS:
            assert "ours/langchain floor (aiohttp)" in line["ratios"]
            assert "ours/floor (aiohttp)" in line["ratios"]


@pytest.mark.parametrize("row", sorted(OURS_ONLY_ROWS))
def test_ours_only_rows_report_ours(results: dict[str, Any], row: str) -> None:
    lines = [line for line in results["lines"] if line["row"] == row]
    assert lines
    assert all(line["values"].get("ours") is not None for line in lines)


def test_stream_growth_row_has_three_sizes(results: dict[str, Any]) -> None:
    growth = [line for line in results["lines"] if line["row"] == "7"]
    assert len(growth) == 3
    assert all("bytes_per_chunk" in line["extra"] for line in growth)


def test_machine_info_and_table(results: dict[str, Any]) -> None:
    machine = results["machine"]
    assert machine["cores"] and machine["python"] and machine["date"]
    assert machine["packages"]["langchain-openai"] != "not installed"
    assert results["contenders"] == CONTENDERS
    header = results["stdout"].splitlines()[0]
    assert all(name in header for name in CONTENDERS)
