"""A local two-CPU Ray cluster and an emulator shared by the Ray tests of a module."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import ray

from langchain_openrouter_gemini.testing import OpenRouterEmulator


@pytest.fixture(scope="module")
def emulator() -> Iterator[OpenRouterEmulator]:
    """One emulator in this process; Ray's workers reach it over loopback."""
    with OpenRouterEmulator() as started:
        yield started


@pytest.fixture(autouse=True)
def _fresh_log(request: pytest.FixtureRequest) -> None:
    # Each test counts the requests it made, and answers come from echo mode.
    if "emulator" in request.fixturenames:
        request.getfixturevalue("emulator").reset()


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    """`ray.init(num_cpus=2)` on loopback only, no dashboard, no usage report; shut down after."""
    # Workers inherit the environment at start-up, so this reaches them too.
    previous = os.environ.get("RAY_USAGE_STATS_ENABLED")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
        configure_logging=False,
    )
    try:
        from ray.data import DataContext

        DataContext.get_current().enable_progress_bars = False
        yield
    finally:
        ray.shutdown()
        if previous is None:
            os.environ.pop("RAY_USAGE_STATS_ENABLED", None)
        else:
            os.environ["RAY_USAGE_STATS_ENABLED"] = previous
