"""`python -m benchmarks [--quick] [--rounds N] [--rows 1,2] [--out DIR]`: run, print, write."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.contenders import all_contenders
from benchmarks.emulator import EmulatorProcess
from benchmarks.install_cost import row_install_cost
from benchmarks.measure import Line
from benchmarks.report import machine_info, table, write_results
from benchmarks.scaling import (
    row_construct_invoke,
    row_process_pool,
    row_startup,
    row_stream_growth,
)
from benchmarks.workloads import (
    FULL,
    QUICK,
    Bench,
    row_concurrency,
    row_invoke,
    row_media,
    row_stream,
    row_tool_loop,
)

ROWS = {
    "1": row_invoke,
    "2": row_stream,
    "3": row_concurrency,
    "4": row_tool_loop,
    "5": row_media,
    "6": row_startup,
    "7": row_stream_growth,
    "8": row_process_pool,
    "9": row_construct_invoke,
    "10": row_install_cost,
}
ASYNC_ROWS = {"3"}  # the rows the async-only floors (over aiohttp) run
DEFAULT_OUT = Path(__file__).parent / "results"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=(
            "ChatOpenRouterGemini vs ChatOpenAI, ChatOpenRouter, raw httpx2 and aiohttp "
            "floors and the thinnest LangChain chat model over each."
        ),
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes (about a minute)")
    parser.add_argument("--rounds", type=int, help="rounds per interleaved row")
    parser.add_argument("--rows", default=",".join(ROWS), help="rows to run, e.g. 1,2,7")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where results go")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.rounds is not None:
        if args.rounds < 1:
            parser.error("--rounds must be at least 1")
        sizes = dataclasses.replace(sizes, rounds=args.rounds)
    selected = [row.strip() for row in args.rows.split(",") if row.strip()]
    unknown = sorted(set(selected) - set(ROWS))
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {', '.join(ROWS)}")

    machine = machine_info()
    started = time.perf_counter()
    lines: list[Line] = []
    loop = asyncio.new_event_loop()
    try:
        with EmulatorProcess() as emulator:
            bench = Bench(emulator, all_contenders(emulator.base_url), loop, sizes)
            try:
                for row in selected:
                    row_started = time.perf_counter()
                    new = ROWS[row](bench if row in ASYNC_ROWS else bench.sync_rows())
                    lines.extend(new)
                    took = time.perf_counter() - row_started
                    print(f"row {row} done in {took:.1f} s", file=sys.stderr, flush=True)
            finally:
                for contender in bench.contenders:
                    loop.run_until_complete(contender.aclose())
                # As asyncio.run does: models close the clients they made on this loop.
                loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()
    settings = {
        **dataclasses.asdict(sizes),
        "mode": "quick" if args.quick else "full",
        "rows": selected,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(table(lines))
    json_path, md_path = write_results(lines, machine, settings, args.out)
    print(f"\nWrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
