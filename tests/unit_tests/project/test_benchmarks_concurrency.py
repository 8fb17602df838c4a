"""The concurrency row leaves nothing of a failed contender running into the next one's sample."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.workloads import all_or_none


async def _slow() -> str:
    await asyncio.sleep(30)
    return "late"


async def _fails() -> str:
    await asyncio.sleep(0)
    raise RuntimeError("PoolTimeout")


def test_a_failed_call_cancels_the_others_before_the_error_is_raised() -> None:
    async def run() -> list[asyncio.Task[object]]:
        with pytest.raises(RuntimeError, match="PoolTimeout"):
            await all_or_none([_fails(), *(_slow() for _ in range(50))])
        return [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]

    assert asyncio.run(run()) == []


def test_every_answer_comes_back_in_order() -> None:
    async def answer(text: str) -> str:
        await asyncio.sleep(0.01 if text == "a" else 0)
        return text

    assert asyncio.run(all_or_none([answer("a"), answer("b")])) == ["a", "b"]
