"""Timing and memory primitives: interleaved rounds, medians, tracemalloc peaks, subprocesses."""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = ["Line", "Sample", "interleave", "median", "peak_bytes", "subprocess_seconds", "timed"]

T = TypeVar("T")


@dataclass
class Sample:
    """One timed run: wall seconds, this process's CPU seconds, and op-specific numbers."""

    wall: float
    cpu: float
    extra: dict[str, float] = field(default_factory=dict)


@dataclass
class Line:
    """One line of the results table: a metric for every contender that ran it."""

    row: str
    label: str
    unit: str
    values: dict[str, float | None]
    higher_is_better: bool = False
    cpu: dict[str, float | None] = field(default_factory=dict)
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)


def timed(op: Callable[[], dict[str, float] | None]) -> Sample:
    """Run `op` once; its returned dict is kept as the sample's extra numbers."""
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    extra = op()
    wall = time.perf_counter() - wall0
    return Sample(wall, time.process_time() - cpu0, dict(extra or {}))


def interleave(
    names: Sequence[str],
    rounds: int,
    op: Callable[[int], dict[str, float] | None],
    prepare: Callable[[int], None] | None = None,
    warmup: int = 1,
    failures: dict[str, str] | None = None,
    budget: float = float("inf"),
) -> dict[str, list[Sample]]:
    """Run `op(i)` for contender i in the order A B C D A B C D ..., `rounds` times.

    `prepare(i)` runs untimed before every op (scripting the emulator's next replies).
    Warm-up rounds (connection set-up, first-call imports, caches) are not kept, except
    for a contender so slow that one op takes over `budget` seconds: it stops there and
    keeps the samples it has, so one very slow client cannot eat the whole run. A
    contender whose op raises stops too, with its error in `failures`.
    """
    failed = failures if failures is not None else {}
    samples: dict[str, list[Sample]] = {name: [] for name in names}
    warmups: dict[str, Sample] = {}
    stopped: set[str] = set()
    for round_index in range(warmup + rounds):
        for index, name in enumerate(names):
            if name in failed or name in stopped:
                continue
            if prepare is not None:
                prepare(index)
            gc.collect()
            try:
                sample = timed(lambda: op(index))  # noqa: B023 - called at once
            except Exception as exc:
                failed[name] = f"{type(exc).__name__}: {exc}"[:300]
                continue
            if round_index >= warmup:
                samples[name].append(sample)
            else:
                warmups[name] = sample
            if sample.wall > budget:
                stopped.add(name)
    for name in stopped:
        if not samples[name] and name in warmups:
            samples[name].append(warmups[name])
    return samples


def median(values: Sequence[float]) -> float:
    """The median (a benchmark run is skewed by stragglers; the mean would follow them)."""
    return float(statistics.median(values))


def peak_bytes(op: Callable[[], Any]) -> int:
    """Peak Python heap growth while `op` runs, by tracemalloc (a separate, slower run)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        op()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return max(0, peak - base)


def subprocess_seconds(code: str, repeats: int) -> list[float]:
    """Wall seconds of `python -c code` in fresh interpreters (imports are cold each time).

    Bytecode caches are always written and used: an editable checkout, or a shell with
    PYTHONDONTWRITEBYTECODE set, would otherwise recompile that package's sources on every
    import, while a wheel install loads compiled bytecode. Warm the caches with one untimed
    call first.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    times: list[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        times.append(time.perf_counter() - start)
    return times
