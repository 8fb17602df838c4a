"""Cassette wiring for the integration tests (see tests/recording.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import recording
from tests.integration_tests.samples import STANDARD_SUITE_DOWNLOADS


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_serializer("yaml", recording.ProvenanceYAML)
    vcr.register_matcher("json_body", recording.json_body_matcher)


@pytest.fixture(scope="session", autouse=True)
def openrouter_target(request: pytest.FixtureRequest) -> Iterator[recording.Target]:
    record_mode = request.config.getoption("--record-mode") or "none"
    recording.TARGET = recording.choose_target(record_mode)
    if recording.TARGET.emulator is not None:
        for url, (mime, make) in STANDARD_SUITE_DOWNLOADS.items():
            recording.TARGET.emulator.add_file(recording.sample_path(url), make(), mime)
    yield recording.TARGET
    if recording.TARGET.emulator is not None:
        recording.TARGET.emulator.stop()
    recording.TARGET = recording.Target("replay")


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    # No `record_mode` key: it would beat the --record-mode flag.
    return {
        "filter_headers": ["authorization", "x-api-key", "api-key", "cookie", "set-cookie"],
        "match_on": ["method", "uri", "json_body"],
        "allow_playback_repeats": True,
        "decode_compressed_response": True,
        "serializer": "yaml",
        "before_record_request": recording.before_record_request,
        "before_record_response": recording.before_record_response,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    # Absolute, so where pytest was started from does not matter.
    return str(recording.CASSETTES / request.module.__name__.rsplit(".", 1)[-1])


# Standard tests under the class-wide vcr marker that never call the model: vcr writes no
# cassette for them, so there is nothing to require.
_MAKES_NO_REQUESTS = frozenset({"test_no_overrides_DO_NOT_OVERRIDE"})


@pytest.fixture(autouse=True)
def _cassette_must_exist(
    request: pytest.FixtureRequest, openrouter_target: recording.Target
) -> None:
    if openrouter_target.recording or request.node.get_closest_marker("vcr") is None:
        return
    if request.node.originalname in _MAKES_NO_REQUESTS:
        return
    directory = Path(request.getfixturevalue("vcr_cassette_dir"))
    name = request.getfixturevalue("default_cassette_name")
    path = directory / f"{name}.yaml"
    if not path.exists():
        pytest.fail(
            f"Missing cassette {path}. Record it against the emulator with "
            "`make pytest PYTEST_ARGS='--record-mode=rewrite'` (or live with OPENROUTER_API_KEY set).",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _serve_standard_downloads(
    monkeypatch: pytest.MonkeyPatch, openrouter_target: recording.Target
) -> None:
    """While recording against the emulator, answer the standard suite's downloads locally."""
    if openrouter_target.mode != "emulator":
        return
    import langchain_tests.integration_tests.chat_models as standard

    real_get = httpx.get

    def get(url: str, *args: Any, **kwargs: Any) -> httpx.Response:
        if url in STANDARD_SUITE_DOWNLOADS:
            url = recording.sample_url(url)
        return real_get(url, *args, **kwargs)

    monkeypatch.setattr(standard.httpx, "get", get)


@pytest.fixture
def script(openrouter_target: recording.Target) -> Callable[..., None]:
    """Queue emulator replies for the next requests; a no-op when replaying or live."""

    def enqueue(*replies: Any) -> None:
        if openrouter_target.emulator is not None:
            openrouter_target.emulator.enqueue(*replies)

    return enqueue
