"""The concurrency row leaves nothing of a failed contender running into the next one's sample."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any, cast

import pytest

from benchmarks.contenders import Contender, ToolExecutor, all_contenders
from benchmarks.emulator import EmulatorProcess
from benchmarks.workloads import QUICK, Bench, all_or_none, row_concurrency
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply


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


class _Recorder(Contender):
    """A contender that logs its calls and holds an "idle pool" between them."""

    async_only = True

    def __init__(self, name: str, log: list[tuple[str, str]], others: list[_Recorder]) -> None:
        super().__init__("http://unused")
        self.name = name
        self._log = log
        self._others = others
        self.idle = False

    def build(self) -> None:
        """Nothing to build."""

    async def ainvoke(self, prompt: str) -> str:
        idle = [other.name for other in self._others if other.idle and other is not self]
        self._log.append((self.name, "op with idle: " + ",".join(idle)))
        self.idle = True
        return "ok"

    async def aclose(self) -> None:
        self.idle = False

    def invoke(self, prompt: str) -> str:
        raise NotImplementedError

    def stream(self, prompt: str) -> tuple[float, int]:
        raise NotImplementedError

    def tool_loop(self, question: str, tools: list[dict[str, Any]], run: ToolExecutor) -> str:
        raise NotImplementedError

    def invoke_media(self, text: str, image_b64: str, pdf_b64: str) -> str:
        raise NotImplementedError


class _Script:
    def script(self, replies: object) -> None:
        """The bench scripts replies before each op; these contenders need none."""


def test_no_op_of_row_3_runs_beside_another_contenders_idle_connections() -> None:
    # aiohttp expires idle connections on a timer of the shared loop: left open, one
    # contender's teardown lands inside another's timed op.
    log: list[tuple[str, str]] = []
    contenders: list[_Recorder] = []
    contenders += [_Recorder(name, log, contenders) for name in ("a", "b", "c")]
    loop = asyncio.new_event_loop()
    try:
        bench = Bench(
            cast("EmulatorProcess", _Script()),
            cast("list[Contender]", contenders),
            loop,
            replace(QUICK, concurrency=(2,), concurrency_rounds=2),
        )
        lines = row_concurrency(bench)
    finally:
        loop.close()
    assert [line.label for line in lines] == [
        "2 concurrent ainvoke",
        "2 concurrent ainvoke, peak memory",
    ]
    # Warm-up, two rounds and the memory trace, each contender twice per op (two calls).
    assert len(log) == 3 * 4 * 2
    assert [entry for _, entry in log if entry != "op with idle: "] == []


def test_the_aiohttp_contenders_answer_again_after_row_3_closes_their_pools() -> None:
    with OpenRouterEmulator() as emulator:
        emulator.enqueue(*[Reply.text("Hello there.")] * 9)
        chosen = [
            contender
            for contender in all_contenders(emulator.base_url)
            if contender.name in {"floor (aiohttp)", "langchain floor (aiohttp)", "ours"}
        ]

        async def twice() -> list[str]:
            answers = []
            for _ in range(2):
                for contender in chosen:
                    answers.append(await contender.ainvoke("Hi."))
                    await contender.aclose()
            return answers

        assert asyncio.run(twice()) == ["Hello there."] * 6
