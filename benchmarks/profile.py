"""`python -m benchmarks.profile [--workload stream|invoke|ainvoke]`: where the time goes.

Runs one workload under cProfile for the floors, ChatOpenAI and ours, and prints Markdown:
time per top-level package (own time of its functions) and the top functions by own time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence

from benchmarks.contenders import Contender, all_contenders
from benchmarks.emulator import EmulatorProcess
from benchmarks.workloads import filler_text
from langchain_openrouter_gemini.testing import Reply

PROFILED = ("floor", "langchain floor", "langchain floor (aiohttp)", "ChatOpenAI", "ours")
TOP = 15


def _package(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C)"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/langchain_openrouter_gemini/" in filename:
        return "langchain_openrouter_gemini"
    return "stdlib"


def _by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        totals[_package(filename)] += own
    return sorted(totals.items(), key=lambda item: -item[1])


def _top(stats: pstats.Stats, total: float) -> list[str]:
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:TOP]  # type: ignore[attr-defined]
    lines = ["| own ms | share | calls | function |", "|---:|---:|---:|---|"]
    for (filename, line, name), (_, calls, own, _, _) in rows:
        where = filename.split("site-packages/")[-1].split("/work/main/")[-1]
        lines.append(
            f"| {own * 1000:.1f} | {own / total:.0%} | {calls} | `{where}:{line} {name}` |"
        )
    return lines


def _workload(
    kind: str, emulator: EmulatorProcess, repeats: int, loop: asyncio.AbstractEventLoop
) -> Callable[[Contender], None]:
    def run(contender: Contender) -> None:
        for _ in range(repeats):
            if kind == "stream":
                emulator.script([Reply.text(filler_text(8000), chunk_size=4)])
                contender.stream("Tell me a story.")
            elif kind == "invoke":
                emulator.script([Reply.text("Hello!")] * 20)
                for _ in range(20):
                    contender.invoke("Hi.")
            else:
                emulator.script([Reply.text("Hello!")] * 200)

                async def many() -> None:
                    await asyncio.gather(*(contender.ainvoke("Hi.") for _ in range(200)))

                loop.run_until_complete(many())

    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile")
    parser.add_argument("--workload", choices=("stream", "invoke", "ainvoke"), default="stream")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    loop = asyncio.new_event_loop()
    try:
        out = _profile_all(args.workload, args.repeats, loop)
    finally:
        # As asyncio.run does, so no aiohttp session is left to warn at exit.
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    print("\n".join(out))
    return 0


def _profile_all(workload: str, repeats: int, loop: asyncio.AbstractEventLoop) -> list[str]:
    with EmulatorProcess() as emulator:
        contenders = [c for c in all_contenders(emulator.base_url) if c.name in PROFILED]
        run = _workload(workload, emulator, repeats, loop)
        for contender in contenders:
            run(contender)  # warm: connections, lazy imports
        out = [f"## `{workload}` x {repeats}, cProfile", ""]
        for contender in contenders:
            profiler = cProfile.Profile()
            profiler.runcall(run, contender)
            stats = pstats.Stats(profiler)
            total = stats.total_tt  # type: ignore[attr-defined]
            out += [f"### {contender.name}: {total * 1000:.0f} ms profiled", ""]
            packages = _by_package(stats)[:8]
            out.append(
                "By package (own time): "
                + ", ".join(f"{name} {own / total:.0%}" for name, own in packages)
                + "."
            )
            out += ["", *_top(stats, total), ""]
        for contender in contenders:
            loop.run_until_complete(contender.aclose())
    return out


if __name__ == "__main__":
    sys.exit(main())
