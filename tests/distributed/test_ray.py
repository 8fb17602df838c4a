"""Batch jobs on a local Ray cluster (2 CPUs) against the emulator.

The model travels pickled (its HTTP clients stay behind and each worker builds its own) to
Ray tasks, to an actor pool and to a Ray Data `map_batches` job; every answer must be the
one for its own prompt and the costs reported back must add up to what the emulator billed.
A `RayRateLimiter` keeps the whole cluster under one requests-per-second budget, checked on
the emulator's arrival times; LangChain's per-process limiter does not.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
import ray
from langchain_core.rate_limiters import InMemoryRateLimiter
from ray.util import ActorPool

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.testing import OpenRouterEmulator, RecordedRequest
from langchain_openrouter_gemini.testing.echo import echo_reply
from langchain_openrouter_gemini.testing.usage import (
    estimate_prompt_tokens,
    text_tokens,
    usage_object,
)
from langchain_openrouter_gemini.usage.ray_rate_limiter import RayRateLimiter

pytestmark = pytest.mark.usefixtures("cluster")

# Every Ray wait is bounded, so a wedged worker fails the test instead of hanging CI.
WAIT = 120
BATCH_CONCURRENCY = 8
PROMPTS = [f"Question {i}: what is {i} squared?" for i in range(1000)]


def _model(emulator: OpenRouterEmulator, **options: Any) -> ChatOpenRouterGemini:
    # No retries: a request that failed and was sent again would hide in the totals.
    return ChatOpenRouterGemini(
        base_url=emulator.base_url, api_key="sk-or-ray-test", max_retries=0, timeout=30, **options
    )


def _warm(model: ChatOpenRouterGemini) -> ChatOpenRouterGemini:
    # Build the HTTP clients in the driver first: a model holding live clients must still
    # ship (they are not pickled; each worker builds its own).
    assert model.invoke("warm up").text
    return model


def _answers(model: ChatOpenRouterGemini, prompts: Sequence[str]) -> list[tuple[str, float]]:
    replies = model.batch(list(prompts), config={"max_concurrency": BATCH_CONCURRENCY})
    return [(reply.text, float(reply.response_metadata["cost"])) for reply in replies]


@ray.remote
def answer_task(model: ChatOpenRouterGemini, prompts: list[str]) -> dict[str, Any]:
    return {"pid": os.getpid(), "answers": _answers(model, prompts)}


@ray.remote
def answer_with_own_limiter(
    model: ChatOpenRouterGemini, prompts: list[str], rate: float
) -> dict[str, Any]:
    # InMemoryRateLimiter holds a lock and does not pickle: each worker makes its own.
    limiter = InMemoryRateLimiter(
        requests_per_second=rate, check_every_n_seconds=0.01, max_bucket_size=1
    )
    limited = model.model_copy(update={"rate_limiter": limiter})
    return {"pid": os.getpid(), "answers": _answers(limited, prompts)}


@ray.remote
class Answerer:
    def __init__(self, model: ChatOpenRouterGemini) -> None:
        self.model = model

    def answer(self, prompts: list[str]) -> dict[str, Any]:
        return {"pid": os.getpid(), "answers": _answers(self.model, prompts)}


class AnswerBatch:
    """A Ray Data map_batches callable: one per actor, holding its own copy of the model."""

    def __init__(self, model: ChatOpenRouterGemini) -> None:
        self.model = model

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        answers = _answers(self.model, [str(p) for p in batch["prompt"]])
        return {
            "prompt": batch["prompt"],
            "answer": np.array([text for text, _ in answers], dtype=object),
            "cost": np.array([cost for _, cost in answers], dtype=float),
            "pid": np.full(len(answers), os.getpid()),
        }


def _chunks(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _billed(requests: Sequence[RecordedRequest]) -> tuple[dict[str, str], float]:
    """What the emulator answered each prompt, and the total it billed, from its own log."""
    answers: dict[str, str] = {}
    total = 0.0
    for request in requests:
        body = request.body
        answer = str(echo_reply(body).content)
        answers[body["messages"][-1]["content"]] = answer
        usage = usage_object(body["model"], estimate_prompt_tokens(body), text_tokens(answer))
        total += usage["cost"]
    return answers, total


def _check(
    emulator: OpenRouterEmulator,
    prompts: Sequence[str],
    answered: Sequence[tuple[str, str, float]],
) -> None:
    """Every prompt answered once, with its own answer, and the costs add up."""
    requests = emulator.chat_requests
    assert len(requests) == len(prompts), "one request per prompt, no more"
    expected, billed = _billed(requests)
    assert sorted(expected) == sorted(prompts)
    assert len(answered) == len(prompts)
    for prompt, answer, _ in answered:
        assert prompt in answer
        assert answer == expected[prompt]
    total = sum(cost for _, _, cost in answered)
    assert total > 0
    assert math.isclose(total, billed, rel_tol=1e-9)


def _flatten(prompt_batches: list[list[str]], results: list[dict[str, Any]]) -> list[Any]:
    return [
        (prompt, text, cost)
        for prompts, result in zip(prompt_batches, results, strict=True)
        for prompt, (text, cost) in zip(prompts, result["answers"], strict=True)
    ]


def test_model_ships_to_ray_tasks(emulator: OpenRouterEmulator) -> None:
    model = _warm(_model(emulator))
    emulator.reset()
    batches = _chunks(PROMPTS[:200], 50)
    results = ray.get([answer_task.remote(model, batch) for batch in batches], timeout=WAIT)
    assert all(result["pid"] != os.getpid() for result in results)
    _check(emulator, PROMPTS[:200], _flatten(batches, results))


def test_model_ships_to_an_actor_pool(emulator: OpenRouterEmulator) -> None:
    model = _warm(_model(emulator))
    emulator.reset()
    actors = [Answerer.remote(model) for _ in range(2)]
    try:
        pool = ActorPool(actors)
        batches = _chunks(PROMPTS[:200], 25)
        results = list(pool.map(lambda actor, batch: actor.answer.remote(batch), batches))
        assert len({result["pid"] for result in results}) == 2, "both actors worked"
        _check(emulator, PROMPTS[:200], _flatten(batches, results))
    finally:
        for actor in actors:
            ray.kill(actor)


def test_ray_data_map_batches_answers_1000_prompts(emulator: OpenRouterEmulator) -> None:
    model = _warm(_model(emulator))
    emulator.reset()
    dataset = ray.data.from_items([{"prompt": prompt} for prompt in PROMPTS])
    answered = dataset.map_batches(
        AnswerBatch, fn_constructor_kwargs={"model": model}, batch_size=50, concurrency=2
    )
    rows = answered.take_all()
    assert os.getpid() not in {row["pid"] for row in rows}
    _check(emulator, PROMPTS, [(row["prompt"], row["answer"], row["cost"]) for row in rows])


def _busiest_second(requests: Sequence[RecordedRequest]) -> int:
    """The most requests that arrived within any one second."""
    times = sorted(request.received_at for request in requests)
    most = start = 0
    for end, arrived in enumerate(times):
        while times[start] <= arrived - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def _run_limited(
    emulator: OpenRouterEmulator, prompts: list[str], limiter: Any = None, own_rate: float = 0
) -> None:
    # One task per CPU, so both run at once; the workers are warmed first (imports, a
    # first client), so what the emulator sees is the limiter, not a cold start.
    warm = _model(emulator)
    ray.get([answer_task.remote(warm, ["warm up"] * 4) for _ in range(2)], timeout=WAIT)
    emulator.reset()
    batches = _chunks(prompts, len(prompts) // 2)
    if limiter is not None:
        model = _model(emulator, rate_limiter=limiter)
        tasks = [answer_task.remote(model, batch) for batch in batches]
    else:
        tasks = [answer_with_own_limiter.remote(warm, batch, own_rate) for batch in batches]
    results = ray.get(tasks, timeout=WAIT)
    assert sum(len(result["answers"]) for result in results) == len(prompts)
    assert len(emulator.chat_requests) == len(prompts)


def _span(requests: Sequence[RecordedRequest]) -> float:
    times = [request.received_at for request in requests]
    return max(times) - min(times)


def test_ray_rate_limiter_keeps_the_cluster_under_its_budget(
    emulator: OpenRouterEmulator,
) -> None:
    budget = 20
    prompts = PROMPTS[:60]
    _run_limited(emulator, prompts, RayRateLimiter(requests_per_second=budget))
    requests = emulator.chat_requests
    # Slots are 1/20 s apart cluster-wide. What arrives can bunch by a request or two:
    # each copy's first call builds its HTTP client after taking its slot, and a loaded
    # machine wakes a sleeping thread late.
    assert _busiest_second(requests) <= budget + 2
    assert (len(requests) - 1) / _span(requests) <= budget * 1.1
    # Unlimited, 60 requests take a fraction of a second here.
    assert _span(requests) >= (len(prompts) - 1) / budget * 0.9


def test_per_process_limiter_does_not_bound_the_cluster(emulator: OpenRouterEmulator) -> None:
    # Why the Ray limiter exists: each worker gets its own copy of LangChain's in-memory
    # limiter, and together they send about twice the rate each was given.
    budget = 20
    _run_limited(emulator, PROMPTS[:60], own_rate=budget)
    assert _busiest_second(emulator.chat_requests) > budget * 1.5


def test_ray_rate_limiter_refuses_a_bad_budget() -> None:
    with pytest.raises(ValueError, match="requests_per_second must be a positive number"):
        RayRateLimiter(requests_per_second=0)


def test_ray_rate_limiter_without_blocking_takes_only_a_free_slot() -> None:
    limiter = RayRateLimiter(requests_per_second=0.5)
    assert limiter.acquire(blocking=False)
    assert not limiter.acquire(blocking=False), "the next slot is two seconds away"


async def test_ray_rate_limiter_spaces_async_callers() -> None:
    import time

    limiter = RayRateLimiter(requests_per_second=10)
    start = time.monotonic()
    for _ in range(4):
        assert await limiter.aacquire()
    assert time.monotonic() - start >= 0.3 * 0.9
