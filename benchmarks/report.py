"""Results out: ratios, a printed table, JSON and Markdown, with the machine they ran on."""

from __future__ import annotations

import dataclasses
import datetime
import importlib.metadata
import json
import os
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.measure import Line

__all__ = ["CONTENDERS", "machine_info", "ratios", "table", "write_results"]

CONTENDERS = (
    "floor",
    "langchain floor",
    "floor (aiohttp)",
    "langchain floor (aiohttp)",
    "ChatOpenAI",
    "ChatOpenRouter",
    "ours",
)
# (numerator, reference): the cost of one relative to the other; < 1 means the first wins.
RATIOS = (
    ("ours", "ChatOpenAI"),
    ("ours", "floor"),
    ("ours", "langchain floor"),
    ("ours", "ChatOpenRouter"),
    ("ours", "floor (aiohttp)"),
    ("ours", "langchain floor (aiohttp)"),
    ("ChatOpenRouter", "ChatOpenAI"),
)
TABLE_RATIOS = RATIOS[:6]
PACKAGES = (
    "langchain-openrouter-gemini",
    "langchain-core",
    "langchain-openai",
    "langchain-openrouter",
    "openai",
    "openrouter",
    "httpx",
    "httpx2",
    "aiohttp",
    "pydantic",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict[str, Any]:
    """CPU, cores, OS, Python, package versions, date and load: what a reader needs to compare."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_average_at_start": [round(x, 2) for x in load],
    }


def ratios(line: Line) -> dict[str, float | None]:
    """Cost ratios (a/b for times and memory, b/a for throughput): below 1, `a` is better."""
    result: dict[str, float | None] = {}
    for a, b in RATIOS:
        va, vb = line.values.get(a), line.values.get(b)
        if va is None or vb is None or va <= 0 or vb <= 0:
            continue
        result[f"{a}/{b}"] = vb / va if line.higher_is_better else va / vb
    return result


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _rows(lines: Sequence[Line]) -> list[list[str]]:
    header = ["row", "metric", "unit", *CONTENDERS, *(f"{a}÷{b}" for a, b in TABLE_RATIOS)]
    rows = [header]
    for line in lines:
        line_ratios = ratios(line)
        unit = line.unit + (" ↑" if line.higher_is_better else "")
        rows.append(
            [
                line.row,
                line.label,
                unit,
                *(_number(line.values.get(name)) for name in CONTENDERS),
                *(_ratio(line_ratios.get(f"{a}/{b}")) for a, b in TABLE_RATIOS),
            ]
        )
    return rows


def table(lines: Sequence[Line]) -> str:
    """A fixed-width table for the terminal."""
    rows = _rows(lines)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    text = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    text.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(text)


def markdown(lines: Sequence[Line], machine: dict[str, Any], settings: dict[str, Any]) -> str:
    """The Markdown page: machine, table, notes per line."""
    rows = _rows(lines)
    out = [
        "# Benchmark results",
        "",
        f"Run on {machine['date']}: {machine['cpu']}, {machine['cores']} cores, "
        f"Python {machine['python']}, {machine['os']}; load average at start "
        f"{machine['load_average_at_start'][0]}.",
        "",
        "Packages: " + ", ".join(f"{k} {v}" for k, v in machine["packages"].items()) + ".",
        "",
        f"Settings: {json.dumps(settings)}.",
        "",
        "Medians of interleaved rounds against the same loopback emulator (its own process).",
        "Ratio columns are costs: time or memory of ours over the other, or the other's",
        "throughput over ours (units marked ↑ are higher-is-better); below 1.00 ours wins.",
        "",
        "| " + " | ".join(rows[0]) + " |",
        "|" + "|".join("---" for _ in rows[0]) + "|",
    ]
    out.extend("| " + " | ".join(row) + " |" for row in rows[1:])
    notes = [f"- row {line.row}, {line.label}: {line.note}" for line in lines if line.note]
    if notes:
        out += ["", "Notes:", "", *notes]
    return "\n".join(out) + "\n"


def write_results(
    lines: Sequence[Line], machine: dict[str, Any], settings: dict[str, Any], out_dir: Path
) -> tuple[Path, Path]:
    """Write `latest.json` and `latest.md` into `out_dir`; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": machine,
        "settings": settings,
        "contenders": list(CONTENDERS),
        "lines": [{**dataclasses.asdict(line), "ratios": ratios(line)} for line in lines],
    }
    json_path = out_dir / "latest.json"
    md_path = out_dir / "latest.md"
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    md_path.write_text(markdown(lines, machine, settings))
    return json_path, md_path
