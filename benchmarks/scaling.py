"""Rows 6-8: start-up cost, memory growth of long streams, and work spread over processes."""

from __future__ import annotations

import multiprocessing
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from benchmarks.contenders import build_ours
from benchmarks.measure import Line, median, peak_bytes, subprocess_seconds, timed
from benchmarks.workloads import Bench
from langchain_openrouter_gemini.testing import Reply

__all__ = ["row_process_pool", "row_startup", "row_stream_growth"]

IMPORTS = {
    "floor": "import httpx2",
    "ChatOpenAI": "from langchain_openai import ChatOpenAI",
    "ChatOpenRouter": "from langchain_openrouter import ChatOpenRouter",
    "ours": "from langchain_openrouter_gemini import ChatOpenRouterGemini",
}
POOL_WORKERS = 2
POOL_TASK_PROMPTS = 50
BATCH_CONCURRENCY = 8


def row_startup(bench: Bench) -> list[Line]:
    repeats = bench.sizes.import_repeats
    bare: list[float] = []
    imports: dict[str, list[float]] = {name: [] for name in bench.names}
    for name in bench.names:
        subprocess_seconds(IMPORTS[name], 1)  # writes any missing bytecode caches, untimed
    for _ in range(repeats):  # interleaved, like every other row
        bare.extend(subprocess_seconds("pass", 1))
        for name in bench.names:
            imports[name].extend(subprocess_seconds(IMPORTS[name], 1))
    startup = median(bare)
    import_ms: dict[str, float | None] = {
        name: (median(times) - startup) * 1000 for name, times in imports.items()
    }
    construct_us: dict[str, float | None] = {}
    for contender in bench.contenders:
        contender.build()  # first build pays lazy imports; not what the row is about
        times = [timed(contender.build).wall for _ in range(bench.sizes.construct_repeats)]
        construct_us[contender.name] = median(times) * 1e6
    return [
        Line(
            "6",
            "import time",
            "ms",
            import_ms,
            note=f"fresh interpreter, bytecode cached, minus start-up ({startup * 1000:.0f} ms)",
        ),
        Line(
            "6",
            "model construction",
            "µs",
            construct_us,
            note="floor: an httpx2 sync + async client pair",
        ),
    ]


def row_stream_growth(bench: Bench) -> list[Line]:
    ours = next(c for c in bench.contenders if c.name == "ours")
    lines: list[Line] = []
    for chunks in bench.sizes.growth_chunks:
        reply = [Reply.text("x" * chunks, chunk_size=1)]
        bench.emulator.script(reply)
        wall = timed(lambda: {"ttft": ours.stream("Count.")[0]}).wall
        bench.emulator.script(reply)
        peak = peak_bytes(lambda: ours.stream("Count."))
        extra = {"bytes_per_chunk": peak / chunks, "us_per_chunk": wall / chunks * 1e6}
        note = (
            f"{extra['bytes_per_chunk']:,.0f} B/chunk, {extra['us_per_chunk']:.1f} µs/chunk; "
            "chunks dropped as consumed"
        )
        label = f"stream {chunks:,} chunks, peak memory"
        lines.append(Line("7", label, "MB", {"ours": peak / 2**20}, note=note, extra=extra))
    return lines


_worker_model: Any = None


def _receive_model(model: Any) -> None:
    """Pool initializer: the model arrives pickled, once per worker; clients build lazily."""
    global _worker_model
    _worker_model = model


def _answer_prompts(prompts: list[str], model: Any = None) -> int:
    """Answer a batch with `model` (or the worker's own copy)."""
    chosen = model if model is not None else _worker_model
    answers = chosen.batch(prompts, config={"max_concurrency": BATCH_CONCURRENCY})
    return sum(1 for answer in answers if answer.text)


def _warm_worker(_: int) -> bool:
    return _worker_model is not None


def row_process_pool(bench: Bench) -> list[Line]:
    bench.emulator.echo()
    model = build_ours(bench.emulator.base_url)
    count = bench.sizes.pool_prompts
    prompts = [f"Question number {i}: what is {i} squared?" for i in range(count)]
    tasks = [prompts[i : i + POOL_TASK_PROMPTS] for i in range(0, count, POOL_TASK_PROMPTS)]
    context = multiprocessing.get_context("spawn")  # fresh interpreters, as Ray and Dask use
    pool = ProcessPoolExecutor(
        POOL_WORKERS, mp_context=context, initializer=_receive_model, initargs=(model,)
    )
    with pool:
        # Start both workers (imports, unpickling) before the clock starts.
        list(pool.map(_warm_worker, range(POOL_WORKERS * 4)))
        start = time.perf_counter()
        answered = sum(pool.map(_answer_prompts, tasks))
        pooled = time.perf_counter() - start
    if answered != count:
        raise RuntimeError(f"the pool answered {answered} of {count} prompts")
    start = time.perf_counter()
    in_process = _answer_prompts(prompts, model)
    single = time.perf_counter() - start
    if in_process != count:
        raise RuntimeError(f"batch answered {in_process} of {count} prompts")
    size = len(pickle.dumps(model))
    return [
        Line(
            "8",
            f"{count:,} prompts, ProcessPoolExecutor({POOL_WORKERS})",
            "prompts/s",
            {"ours": count / pooled},
            higher_is_better=True,
            note=(
                f"model pickled once per worker ({size:,} bytes), tasks of "
                f"{POOL_TASK_PROMPTS} prompts, batch max_concurrency={BATCH_CONCURRENCY}; "
                "the emulator shares the 2 cores with both workers"
            ),
        ),
        Line(
            "8",
            f"{count:,} prompts, one process",
            "prompts/s",
            {"ours": count / single},
            higher_is_better=True,
            note="the same batch calls in this one process, for comparison",
        ),
    ]
