"""Rows 6-9: start-up cost, memory growth of long streams, work spread over processes, and a
model built per request."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from benchmarks.contenders import Contender, build_ours
from benchmarks.measure import Line, interleave, median, peak_bytes, subprocess_seconds, timed
from benchmarks.workloads import Bench, compare
from langchain_openrouter_gemini.testing import Reply

__all__ = ["row_construct_invoke", "row_process_pool", "row_startup", "row_stream_growth"]

IMPORTS = {
    "floor": "import httpx2",
    "langchain floor": "import httpx2\nfrom langchain_core.language_models import BaseChatModel",
    "ChatOpenAI": "from langchain_openai import ChatOpenAI",
    "ChatOpenRouter": "from langchain_openrouter import ChatOpenRouter",
    "ours": "from langchain_openrouter_gemini import ChatOpenRouterGemini",
}
POOL_WORKERS = 2
POOL_TASK_PROMPTS = 50
BATCH_CONCURRENCY = 8
POOL_ROUNDS = 3


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
            note="floor: an httpx2 sync + async client pair; langchain floor: that, in a model",
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


class _RayWorker:
    """A Ray actor holding one copy of the model, like a pool worker after its initializer."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def answer(self, prompts: list[str]) -> int:
        return _answer_prompts(prompts, self.model)


@contextlib.contextmanager
def _ray_actors(model: Any) -> Iterator[Callable[[list[list[str]]], int]]:
    """A local 2-CPU Ray cluster with 2 actors each holding one copy of the model.

    Yields a function that answers a list of tasks on them and returns the answer count.
    """
    import ray
    from ray.util import ActorPool

    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(
        num_cpus=POOL_WORKERS,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
        configure_logging=False,
    )
    try:
        pool = ActorPool([ray.remote(_RayWorker).remote(model) for _ in range(POOL_WORKERS)])

        def run(tasks: list[list[str]]) -> int:
            return sum(pool.map(lambda actor, batch: actor.answer.remote(batch), tasks))

        yield run
    finally:
        ray.shutdown()


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
    seconds: dict[str, list[float]] = {"pool": [], "ray": [], "one": []}
    with pool, _ray_actors(model) as on_ray:
        runs: dict[str, Callable[[], int]] = {
            "pool": lambda: sum(pool.map(_answer_prompts, tasks)),
            "ray": lambda: on_ray(tasks),
            "one": lambda: _answer_prompts(prompts, model),
        }
        # Start every worker (imports, unpickling, a first client) before the clock starts.
        warm = [prompts[:2]] * POOL_WORKERS * 2
        list(pool.map(_answer_prompts, warm))
        on_ray(warm)
        for _ in range(POOL_ROUNDS):  # interleaved, like every other row
            for name, run in runs.items():
                start = time.perf_counter()
                answered = run()
                seconds[name].append(time.perf_counter() - start)
                if answered != count:
                    raise RuntimeError(f"{name} answered {answered} of {count} prompts")
    rate = {name: count / median(times) for name, times in seconds.items()}
    size = len(pickle.dumps(model))
    shared = (
        f"tasks of {POOL_TASK_PROMPTS} prompts, batch max_concurrency={BATCH_CONCURRENCY}, "
        f"median of {POOL_ROUNDS} interleaved rounds; the emulator shares the 2 cores"
    )
    return [
        Line(
            "8",
            f"{count:,} prompts, ProcessPoolExecutor({POOL_WORKERS})",
            "prompts/s",
            {"ours": rate["pool"]},
            higher_is_better=True,
            note=f"model pickled once per worker ({size:,} bytes); {shared}",
        ),
        Line(
            "8",
            f"{count:,} prompts, Ray, {POOL_WORKERS} actors",
            "prompts/s",
            {"ours": rate["ray"]},
            higher_is_better=True,
            note=(
                f"ray.init(num_cpus={POOL_WORKERS}) on loopback, an ActorPool of "
                f"{POOL_WORKERS} actors each holding one copy of the model; {shared}"
            ),
        ),
        Line(
            "8",
            f"{count:,} prompts, one process",
            "prompts/s",
            {"ours": rate["one"]},
            higher_is_better=True,
            note="the same batch calls in this one process, for comparison",
        ),
    ]


def row_construct_invoke(bench: Bench) -> list[Line]:
    """A new model for every request (per-tenant keys, `configurable_fields`), then the call.

    What it costs over `invoke` alone is the model's construction plus whatever it builds on
    first use (an SDK client, a connection pool with its TLS context, a connection).
    """
    calls = bench.sizes.construct_invoke_calls
    per_call = 1000 / calls

    def sync(contender: Contender) -> None:
        for _ in range(calls):
            contender.renew()
            if not contender.invoke("Say hello."):
                raise RuntimeError("empty reply")

    def in_loop(contender: Contender) -> None:
        async def many() -> None:
            for _ in range(calls):
                contender.renew()
                if not await contender.ainvoke("Say hello."):
                    raise RuntimeError("empty reply")

        bench.loop.run_until_complete(many())

    lines: list[Line] = []
    for label, op in (("construct + invoke", sync), ("construct + ainvoke", in_loop)):
        failures: dict[str, str] = {}
        samples = interleave(
            bench.names,
            bench.sizes.rounds,
            lambda index, op=op: op(bench.contenders[index]),  # type: ignore[misc]
            bench.script_each(lambda: [Reply.text("Hello! How can I help?")] * calls),
            failures=failures,
        )
        line = compare(
            "9",
            label,
            "ms/call",
            samples,
            lambda s: s.wall * per_call,
            failures,
            cpu_scale=per_call,
        )
        line.note = "; ".join(
            filter(
                None,
                [
                    "a new model per request, one request each; floor: the raw client has no "
                    "model, so its requests share one pool; langchain floor: builds its own "
                    "httpx2 clients per model",
                    line.note,
                ],
            )
        )
        lines.append(line)
    return lines
