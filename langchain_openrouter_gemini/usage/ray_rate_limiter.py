"""`RayRateLimiter`: one requests-per-second budget shared by every worker of a Ray cluster.

LangChain's `InMemoryRateLimiter` counts in one process: ten Ray workers that each get a
copy of it send ten times its rate. This limiter keeps its schedule in a single Ray actor;
every copy of it (the model pickles it along to tasks, actors and Ray Data workers) asks
that actor for a slot before each request, so the cluster as a whole stays under the budget.

```python
import ray

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.usage.ray_rate_limiter import RayRateLimiter

ray.init()
llm = ChatOpenRouterGemini(rate_limiter=RayRateLimiter(requests_per_second=20))
# ship `llm` to any number of tasks or actors: together they send at most 20 requests/s
```

Needs the `ray` extra (`pip install "langchain-openrouter-gemini[ray]"`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from langchain_core.rate_limiters import BaseRateLimiter

__all__ = ["RayRateLimiter"]


class _Schedule:
    """The shared schedule (runs as a Ray actor): hands out send times `1/rate` apart.

    Callers are told how long to wait rather than kept waiting inside the actor, so one
    actor serves a whole cluster with tiny calls.
    """

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._next = time.monotonic()

    def reserve(self, blocking: bool) -> float | None:
        """Seconds until the caller may send; `None` (nothing reserved) if not `blocking`."""
        now = time.monotonic()
        if not blocking and self._next > now:
            return None
        slot = max(now, self._next)
        self._next = slot + self._interval
        return slot - now


class RayRateLimiter(BaseRateLimiter):
    """A LangChain rate limiter whose budget holds across a whole Ray cluster.

    Requests are spaced `1 / requests_per_second` apart, cluster-wide (no bursts), in the
    order workers ask. Pass it as `rate_limiter=` to the chat model; like any LangChain
    rate limiter it is consulted once per model call (each `invoke`, each item of a
    `batch`, each stream), before the request is sent, and retries inside a call are not
    counted separately.

    Build it after `ray.init()`: it starts its actor at once (zero CPUs, so it never takes
    a worker's slot). Copies made by pickling share that actor. Give it a `name` to let
    other drivers on the same cluster join the same budget.

    The budget is enforced where the actor hands out slots: on one machine that is exact;
    across machines, each worker's network delay to the actor shifts its sends a little.
    """

    def __init__(self, requests_per_second: float, *, name: str | None = None) -> None:
        """Start (or, with `name`, join) the cluster-wide schedule.

        Args:
            requests_per_second: The budget for the whole cluster; must be positive.
            name: Register the schedule as a named Ray actor, or reuse the one by that name.

        Raises:
            ValueError: `requests_per_second` is not a positive number.
            RuntimeError: Ray is not installed.

        """
        if not isinstance(requests_per_second, (int, float)) or not requests_per_second > 0:
            msg = (
                f"requests_per_second must be a positive number, got {requests_per_second!r}; "
                "e.g. RayRateLimiter(requests_per_second=10)."
            )
            raise ValueError(msg)
        try:
            import ray
        except ImportError as exc:
            msg = (
                "RayRateLimiter needs Ray: pip install 'langchain-openrouter-gemini[ray]'. "
                "On one machine, LangChain's InMemoryRateLimiter is enough."
            )
            raise RuntimeError(msg) from exc
        self.requests_per_second = float(requests_per_second)
        options: dict[str, Any] = {"num_cpus": 0}
        if name is not None:
            options.update(name=name, get_if_exists=True)
        actor = ray.remote(_Schedule).options(**options)
        # Ray's stubs cannot type an actor made from a class at run time.
        self._schedule: Any = actor.remote(1.0 / self.requests_per_second)

    def __repr__(self) -> str:
        return f"RayRateLimiter(requests_per_second={self.requests_per_second:g})"

    def acquire(self, *, blocking: bool = True) -> bool:
        """Wait for this caller's slot; without `blocking`, take one only if free now."""
        import ray

        delay: float | None = ray.get(self._schedule.reserve.remote(blocking))
        if delay is None:
            return False
        if delay > 0:
            time.sleep(delay)
        return True

    async def aacquire(self, *, blocking: bool = True) -> bool:
        """Async twin of `acquire`: the event loop keeps running while the caller waits."""
        delay: float | None = await self._schedule.reserve.remote(blocking)
        if delay is None:
            return False
        if delay > 0:
            await asyncio.sleep(delay)
        return True
