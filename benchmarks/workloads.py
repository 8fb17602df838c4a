"""Rows 1-5: the same request through every contender, interleaved, median of rounds."""

from __future__ import annotations

import asyncio
import base64
import random
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from benchmarks.contenders import Contender
from benchmarks.emulator import EmulatorProcess, signature_for
from benchmarks.measure import Line, Sample, interleave, median, peak_bytes
from langchain_openrouter_gemini.testing import Reply
from langchain_openrouter_gemini.testing.signatures import SIGNATURE_FORMAT

__all__ = ["FULL", "QUICK", "Bench", "Sizes", "compare"]


# A contender whose single op takes longer than this stops after it (see `interleave`).
SLOW = 20.0


@dataclass(frozen=True)
class Sizes:
    """How big and how often; `QUICK` keeps every row but shrinks it to seconds."""

    rounds: int
    invoke_calls: int
    stream_chunks: int
    concurrency: tuple[int, ...]
    concurrency_rounds: int
    tool_rounds: int
    image_mb: float
    pdf_mb: float
    media_rounds: int
    import_repeats: int
    construct_repeats: int
    growth_chunks: tuple[int, ...]
    pool_prompts: int
    construct_invoke_calls: int


FULL = Sizes(
    rounds=9,
    invoke_calls=20,
    stream_chunks=2000,
    concurrency=(200, 1000),
    concurrency_rounds=5,
    tool_rounds=7,
    image_mb=10,
    pdf_mb=20,
    media_rounds=11,
    import_repeats=7,
    construct_repeats=200,
    growth_chunks=(2_000, 20_000, 200_000),
    pool_prompts=1000,
    construct_invoke_calls=20,
)
QUICK = Sizes(
    rounds=2,
    invoke_calls=3,
    stream_chunks=200,
    concurrency=(10, 40),
    concurrency_rounds=1,
    tool_rounds=1,
    image_mb=0.2,
    pdf_mb=0.4,
    media_rounds=1,
    import_repeats=1,
    construct_repeats=5,
    growth_chunks=(100, 1_000, 5_000),
    pool_prompts=40,
    construct_invoke_calls=3,
)


@dataclass
class Bench:
    """What every row needs: the emulator, the contenders, one event loop, the sizes."""

    emulator: EmulatorProcess
    contenders: list[Contender]
    loop: asyncio.AbstractEventLoop
    sizes: Sizes

    @property
    def names(self) -> list[str]:
        return [contender.name for contender in self.contenders]

    def sync_rows(self) -> Bench:
        """This bench without the async-only contenders (for every row but row 3)."""
        kept = [contender for contender in self.contenders if not contender.async_only]
        return Bench(self.emulator, kept, self.loop, self.sizes)

    def script_each(self, replies: Callable[[], list[Reply]]) -> Callable[[int], None]:
        """A `prepare` hook that scripts fresh replies before every op."""
        return lambda _index: self.emulator.script(replies())


def compare(
    row: str,
    label: str,
    unit: str,
    samples: Mapping[str, list[Sample]],
    metric: Callable[[Sample], float],
    failures: Mapping[str, str],
    *,
    higher_is_better: bool = False,
    cpu_scale: float = 1.0,
) -> Line:
    """A table line: the median of `metric` per contender (None for one that failed)."""
    values: dict[str, float | None] = {}
    cpu: dict[str, float | None] = {}
    notes = [f"{name} failed: {error}" for name, error in failures.items()]
    most = max(len(runs) for runs in samples.values())
    for name, runs in samples.items():
        values[name] = median([metric(s) for s in runs]) if runs else None
        cpu[name] = median([s.cpu * cpu_scale for s in runs]) if runs else None
        if runs and len(runs) < most:
            notes.append(f"{name}: {len(runs)} sample(s) only, one took over {SLOW} s")
    return Line(row, label, unit, values, higher_is_better, cpu, "; ".join(notes))


def filler_text(chars: int) -> str:
    words = "Gemini answers through OpenRouter token by token while the client keeps up. "
    return (words * (chars // len(words) + 1))[:chars]


def row_invoke(bench: Bench) -> list[Line]:
    calls = bench.sizes.invoke_calls
    failures: dict[str, str] = {}
    samples = interleave(
        bench.names,
        bench.sizes.rounds,
        lambda i: _invoke_many(bench.contenders[i], calls),
        bench.script_each(lambda: [Reply.text("Hello! How can I help?")] * calls),
        failures=failures,
    )
    per_call = 1000 / calls
    return [
        compare(
            "1",
            "invoke, short reply",
            "ms/call",
            samples,
            lambda s: s.wall * per_call,
            failures,
            cpu_scale=per_call,
        )
    ]


def _invoke_many(contender: Contender, calls: int) -> None:
    for _ in range(calls):
        if not contender.invoke("Say hello."):
            raise RuntimeError("empty reply")


def row_stream(bench: Bench) -> list[Line]:
    chunks = bench.sizes.stream_chunks
    failures: dict[str, str] = {}

    def op(index: int) -> dict[str, float]:
        first, count = bench.contenders[index].stream("Tell me a long story.")
        if count < chunks:
            raise RuntimeError(f"only {count} chunks")
        return {"ttft": first}

    samples = interleave(
        bench.names,
        bench.sizes.rounds,
        op,
        bench.script_each(lambda: [Reply.text(filler_text(chunks * 4), chunk_size=4)]),
        failures=failures,
    )
    return [
        compare(
            "2",
            f"stream {chunks:,} chunks",
            "ms",
            samples,
            lambda s: s.wall * 1000,
            failures,
            cpu_scale=1000,
        ),
        compare(
            "2", "time to first token", "ms", samples, lambda s: s.extra["ttft"] * 1000, failures
        ),
    ]


async def all_or_none(calls: list[Coroutine[Any, Any, str]]) -> list[str]:
    """Await every call; when one fails, cancel the rest before raising.

    A bare `gather` leaves the others running on the loop after the first failure, and
    they would then load the next contender's sample (and the emulator) with this one's work.
    """
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def close_pools(bench: Bench) -> None:
    """Close every contender's async connections, so the next op starts with none idle.

    aiohttp expires idle connections on a timer of the shared event loop, and the
    emulator's thread per connection then wakes to end. Left open, one contender's
    connections are torn down inside another's timed op: the LangChain floor over aiohttp
    paid for none of them while ours paid for hundreds, depending only on the order and
    on keep-alive (15 s for the aiohttp floors, 5 s for ours and the httpx2 contenders).
    So every op starts cold: at 1000 concurrent calls they all did anyway.
    """
    for contender in bench.contenders:
        bench.loop.run_until_complete(contender.aclose())


def row_concurrency(bench: Bench) -> list[Line]:
    lines: list[Line] = []
    for n in bench.sizes.concurrency:
        failures: dict[str, str] = {}

        def run(index: int, n: int = n) -> None:
            contender = bench.contenders[index]

            async def many() -> list[str]:
                return await all_or_none([contender.ainvoke("Hi.") for _ in range(n)])

            answers = bench.loop.run_until_complete(many())
            if len(answers) != n or not all(answers):
                raise RuntimeError("missing answers")

        def replies(_index: int, n: int = n) -> None:
            close_pools(bench)
            bench.emulator.script([Reply.text("Hello there.")] * n)

        samples = interleave(
            bench.names,
            bench.sizes.concurrency_rounds,
            run,
            replies,
            failures=failures,
            budget=SLOW,
        )
        lines.append(
            compare(
                "3",
                f"{n} concurrent ainvoke",
                "req/s",
                samples,
                lambda s, n=n: n / s.wall,  # type: ignore[misc]
                failures,
                higher_is_better=True,
            )
        )
        peaks: dict[str, float | None] = {}
        skipped: list[str] = []
        for index, name in enumerate(bench.names):
            runs = samples[name]
            if name in failures or not runs or median([s.wall for s in runs]) > SLOW / 2:
                # tracemalloc slows a run three to five times over; a slower machine should
                # not drop a contender that finished comfortably inside the budget.
                peaks[name] = None
                skipped.append(name)
                continue
            replies(index)
            peaks[name] = peak_bytes(lambda index=index: run(index)) / 2**20  # type: ignore[misc]
        note = f"not traced (too slow or failed): {', '.join(skipped)}" if skipped else ""
        label = f"{n} concurrent ainvoke, peak memory"
        lines.append(Line("3", label, "MB", peaks, note=note))
    return lines


TOOLS: list[dict[str, Any]] = [
    {
        "name": name,
        "description": description,
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    }
    for name, description in (
        ("get_weather", "Current weather in a city."),
        ("get_local_time", "Local time in a city."),
    )
]


def _signed_call(name: str, call_id: str, thought: str) -> Reply:
    # Details given verbatim with a signature minted by the shared secret: a client that
    # sends them back passes; one that drops them passes too (hand-written history on
    # Gemini 2.5), so each contender runs the loop exactly as it naturally would.
    details = (
        {"type": "reasoning.text", "text": thought, "format": SIGNATURE_FORMAT, "index": 0},
        {
            "type": "reasoning.encrypted",
            "data": signature_for(call_id),
            "format": SIGNATURE_FORMAT,
            "id": call_id,
            "index": 1,
        },
    )
    return Reply.tool_call(
        name, {"city": "Oslo"}, id=call_id, reasoning_text=thought, reasoning_details=details
    )


def tool_loop_replies() -> list[Reply]:
    """Three streamed turns: two signed tool calls with reasoning, then the answer."""
    thought = filler_text(600)
    return [
        _signed_call("get_weather", "tool_get_weather_bench0000000000001", thought),
        _signed_call("get_local_time", "tool_get_local_time_bench00000000002", thought),
        Reply.reasoning(thought, filler_text(1200)),
    ]


def _run_tool(name: str, args: Mapping[str, Any]) -> str:
    return f"{name} for {args.get('city')}: 4 °C, 10:42"


def row_tool_loop(bench: Bench) -> list[Line]:
    failures: dict[str, str] = {}

    def op(index: int) -> None:
        answer = bench.contenders[index].tool_loop("Weather and time in Oslo?", TOOLS, _run_tool)
        if not answer:
            raise RuntimeError("no final answer")

    samples = interleave(
        bench.names,
        bench.sizes.tool_rounds,
        op,
        bench.script_each(tool_loop_replies),
        failures=failures,
    )
    return [
        compare(
            "4",
            "3-turn tool loop, streamed, signatures",
            "ms",
            samples,
            lambda s: s.wall * 1000,
            failures,
            cpu_scale=1000,
        )
    ]


def media_payloads(image_mb: float, pdf_mb: float) -> tuple[str, str]:
    """Base64 of an image and a PDF of the given sizes (random bodies, real magic bytes)."""
    rng = random.Random(9)
    image = b"\x89PNG\r\n\x1a\n" + rng.randbytes(int(image_mb * 2**20))
    pdf = b"%PDF-1.7\n" + rng.randbytes(int(pdf_mb * 2**20))
    return base64.b64encode(image).decode(), base64.b64encode(pdf).decode()


def row_media(bench: Bench) -> list[Line]:
    image_b64, pdf_b64 = media_payloads(bench.sizes.image_mb, bench.sizes.pdf_mb)
    failures: dict[str, str] = {}

    def op(index: int) -> None:
        answer = bench.contenders[index].invoke_media("Describe both.", image_b64, pdf_b64)
        if not answer:
            raise RuntimeError("empty reply")

    prepare = bench.script_each(lambda: [Reply.text("A chart and a report.")])
    samples = interleave(bench.names, bench.sizes.media_rounds, op, prepare, failures=failures)
    label = f"{bench.sizes.image_mb:g} MB image + {bench.sizes.pdf_mb:g} MB PDF"
    peaks: dict[str, float | None] = {}
    for index, name in enumerate(bench.names):
        if name in failures:
            peaks[name] = None
            continue
        prepare(index)
        peaks[name] = peak_bytes(lambda index=index: op(index)) / 2**20  # type: ignore[misc]
    return [
        compare("5", label, "ms", samples, lambda s: s.wall * 1000, failures, cpu_scale=1000),
        Line(
            "5",
            f"{label}, peak memory",
            "MB",
            peaks,
            note="beyond the base64 strings the caller already holds",
        ),
    ]
