"""Every way OpenRouter fails, through invoke, ainvoke, stream and astream, on a real socket.

Each cell scripts one or more emulator faults, makes one call, and checks that it ends in
the right typed error (also catchable as LangChain's standard exception) or in the correct
answer after a retry, with the number of requests that implies, and that it ends within
the timeout that bounds it plus one second. The async calls run over both HTTP libraries
(`async_transport=`): aiohttp, the default, and httpx2.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from langchain_core import exceptions as lc

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini import errors as e
from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator, Reply
from langchain_openrouter_gemini.testing.echo import echo_reply
from tests.reliability.conftest import ASYNC_TRANSPORTS

# A socket or aiohttp session left for the garbage collector fails the run.
pytestmark = pytest.mark.filterwarnings(
    "error::ResourceWarning", "error::pytest.PytestUnraisableExceptionWarning"
)

QUESTION = "hi"
# The emulator's echo reply: what every call answers once the scripted faults are used up.
ANSWER = echo_reply({"messages": [{"role": "user", "content": QUESTION}]}).content or ""
# An async call style names its HTTP library: "ainvoke/httpx" is ainvoke over httpx2.
MODES = (
    "invoke",
    "stream",
    *(f"{call}/{transport}" for call in ("ainvoke", "astream") for transport in ASYNC_TRANSPORTS),
)
ModelFactory = Callable[..., ChatOpenRouterGemini]  # the `chat_model` fixture

REQUEST_TIMEOUT = 2.0  # bounds every cell that does not test a timeout
STALL_TIMEOUT = 0.3  # the small timeout that a stalled reply must trip
STALL = 5.0  # far longer than any timeout here: only the client's timeout ends the wait
BACKOFF = 0.5  # the SDK's first retry delay when the server gives no Retry-After
TINY_RETRY_AFTER = 0.01


@dataclass(frozen=True)
class Raises:
    """The call fails with `error`, also catchable as LangChain's `langchain` class."""

    error: type[e.OpenRouterError]
    langchain: type[lc.ModelError]
    requests: int = 1
    status: int | None = None
    retry_after: float | None = None
    says: tuple[str, ...] = ()  # words the message must hold
    keeps_partial: bool = False  # a failed stream's error holds what the caller received


@dataclass(frozen=True)
class Answers:
    """The call returns the echo answer after `requests` requests (retries included)."""

    requests: int = 2


Outcome = Raises | Answers


@dataclass(frozen=True)
class Cell:
    """One row of the matrix; `stream_*` override the row for stream and astream."""

    name: str
    faults: tuple[Fault, ...]
    outcome: Outcome
    settings: dict[str, Any] = field(default_factory=dict)
    limit: float = REQUEST_TIMEOUT
    stream_outcome: Outcome | None = None
    stream_settings: dict[str, Any] | None = None
    stream_limit: float | None = None

    def for_mode(self, mode: str) -> tuple[Outcome, dict[str, Any], float]:
        """The expected outcome, model settings and time limit for one call style."""
        if mode.startswith(("stream", "astream")):
            return (
                self.stream_outcome or self.outcome,
                {**self.settings, **(self.stream_settings or {})},
                self.limit if self.stream_limit is None else self.stream_limit,
            )
        return self.outcome, self.settings, self.limit


NOT_RETRIED = [
    (400, e.OpenRouterBadRequestError, lc.ModelInvalidRequestError),
    (401, e.OpenRouterAuthenticationError, lc.ModelAuthenticationError),
    (402, e.OpenRouterInsufficientCreditsError, lc.ModelError),
    (403, e.OpenRouterModerationError, lc.ModelPermissionDeniedError),
    (404, e.OpenRouterModelNotFoundError, lc.ModelNotFoundError),
    (413, e.OpenRouterRequestTooLargeError, lc.ModelInvalidRequestError),
]
RETRIED = [
    (408, e.OpenRouterRequestTimeoutError, lc.ModelTimeoutError),
    (429, e.OpenRouterRateLimitError, lc.ModelRateLimitError),
    (500, e.OpenRouterUpstreamError, lc.ModelAPIError),
    (502, e.OpenRouterUpstreamError, lc.ModelAPIError),
    (503, e.OpenRouterUpstreamError, lc.ModelAPIError),
    (524, e.OpenRouterUpstreamError, lc.ModelAPIError),
    (529, e.OpenRouterUpstreamError, lc.ModelAPIError),
]


def _status_cells() -> list[Cell]:
    cells = [
        # max_retries stays at its default (2): these must fail on the first answer.
        Cell(f"{code}-never-retried", (Fault.status(code),), Raises(cls, base, status=code))
        for code, cls, base in NOT_RETRIED
    ]
    for code, cls, base in RETRIED:
        cells.append(
            Cell(
                f"{code}-no-retries-left",
                (Fault.status(code),),
                Raises(cls, base, status=code),
                {"max_retries": 0},
            )
        )
        cells.append(
            Cell(
                f"{code}-retried",
                (Fault.status(code, retry_after=TINY_RETRY_AFTER),),
                Answers(requests=2),
                {"max_retries": 1},
            )
        )
    return cells


RATE_LIMITED = e.OpenRouterRateLimitError, lc.ModelRateLimitError
CUT = e.OpenRouterConnectionError, lc.ModelConnectionError
MALFORMED = e.OpenRouterMalformedResponseError, lc.ModelAPIError
UPSTREAM = e.OpenRouterUpstreamError, lc.ModelAPIError
TIMED_OUT = e.OpenRouterTimeoutError, lc.ModelTimeoutError

CELLS = [
    *_status_cells(),
    Cell(
        "429-every-attempt",
        (Fault.status(429, retry_after=TINY_RETRY_AFTER),) * 3,
        Raises(*RATE_LIMITED, requests=2, status=429),
        {"max_retries": 1},
    ),
    Cell(
        "retry-after-reported",
        (Fault.status(429, retry_after=0.25),),
        Raises(*RATE_LIMITED, status=429, retry_after=0.25),
        {"max_retries": 0},
    ),
    Cell(
        "retry-after-waited-then-answered",
        (Fault.status(429, retry_after=0.25),),
        Answers(requests=2),
        {"max_retries": 1},
        limit=REQUEST_TIMEOUT + 0.25,
    ),
    Cell(
        # Waiting an hour is never what a caller wants: fail now and say how long.
        "retry-after-an-hour-not-waited",
        (Fault.status(429, retry_after=3600),),
        Raises(*RATE_LIMITED, status=429, retry_after=3600),
        {"max_retries": 2},
    ),
    Cell(
        "mid-stream-502",
        (Fault.mid_stream_error(502, after_events=2),),
        Raises(*UPSTREAM, status=502),
        {"max_retries": 2},
        stream_outcome=Raises(*UPSTREAM, status=502, keeps_partial=True),
    ),
    Cell(
        # As recorded: a whole answer cut by max_tokens, its usage, then an error event.
        "error-after-length-finish",
        (
            Fault.mid_stream_error(
                400,
                "Token limit reached",
                after_events=10_000,
                finish_reason=None,
                reply=Reply.text(ANSWER, finish_reason="length"),
            ),
        ),
        Raises(e.OpenRouterBadRequestError, lc.ModelInvalidRequestError, status=400),
        {"max_retries": 2},
        stream_outcome=Raises(
            e.OpenRouterBadRequestError,
            lc.ModelInvalidRequestError,
            status=400,
            says=("Token limit reached",),
            keeps_partial=True,
        ),
    ),
    Cell(
        "mid-stream-server_error",
        (Fault.mid_stream_error("server_error", after_events=2, finish_reason=None),),
        Raises(e.OpenRouterStreamError, lc.ModelAPIError),
        {"max_retries": 2},
    ),
    Cell(
        "error-object-in-200",
        (Fault.error_in_200(503, "No instances available"),),
        Raises(*UPSTREAM, status=503),
    ),
    Cell(
        "malformed-function-call",
        (Fault.malformed_function_call(),),
        Raises(e.OpenRouterStreamError, lc.ModelAPIError),
    ),
    Cell(
        "cut-no-retries",
        (Fault.cut(after_events=2),),
        Raises(*CUT),
        {"max_retries": 0},
        stream_outcome=Raises(*CUT, keeps_partial=True),
    ),
    Cell(
        # Nothing reached the caller of invoke, so it is retried; a stream had begun.
        "cut-with-retries",
        (Fault.cut(after_events=2),),
        Answers(requests=2),
        {"max_retries": 1},
        limit=REQUEST_TIMEOUT + BACKOFF,
        stream_outcome=Raises(*CUT),
    ),
    Cell(
        "stall-before-first-byte",
        (Fault.stall(STALL),),
        Raises(*TIMED_OUT),
        {"max_retries": 0, "timeout": STALL_TIMEOUT},
        limit=STALL_TIMEOUT,
    ),
    Cell(
        "stall-before-first-byte-retried",
        (Fault.stall(STALL),),
        Answers(requests=2),
        {"max_retries": 1, "timeout": STALL_TIMEOUT},
        limit=2 * STALL_TIMEOUT + BACKOFF,
    ),
    Cell(
        # invoke stalls after the headers and trips its read timeout; a stream stalls
        # after its first events, trips stream_chunk_timeout, and is not retried.
        "stall-mid-stream",
        (Fault.stall(STALL, after_events=2),),
        Raises(*TIMED_OUT),
        {"max_retries": 0, "timeout": STALL_TIMEOUT},
        limit=STALL_TIMEOUT,
        stream_settings={
            "max_retries": 2,
            "timeout": REQUEST_TIMEOUT,
            "stream_chunk_timeout": STALL_TIMEOUT,
        },
        stream_outcome=Raises(*TIMED_OUT, says=("stalled", "not retried"), keeps_partial=True),
    ),
    Cell("malformed-json", (Fault.malformed_json(),), Raises(*MALFORMED), {"max_retries": 2}),
    Cell(
        "html-error-page",
        (Fault.html(502),),
        Raises(*UPSTREAM, status=502),
        {"max_retries": 0},
    ),
    Cell(
        "html-error-page-retried",
        (Fault.html(502),),
        Answers(requests=2),
        {"max_retries": 1},
        limit=REQUEST_TIMEOUT + BACKOFF,
    ),
    Cell(
        "empty-body",
        (Fault.empty_body(),),
        Raises(*MALFORMED),
        stream_outcome=Raises(*CUT),
    ),
    Cell("no-choices-no-usage", (Fault.no_choices(),), Raises(*MALFORMED)),
]


def _call_sync(mode: str, model: ChatOpenRouterGemini, received: list[str]) -> None:
    if mode == "invoke":
        received.append(model.invoke(QUESTION).text)
        return
    for chunk in model.stream(QUESTION):
        received.append(chunk.text)


async def _call_async(mode: str, model: ChatOpenRouterGemini, received: list[str]) -> None:
    if mode == "ainvoke":
        received.append((await model.ainvoke(QUESTION)).text)
        return
    async for chunk in model.astream(QUESTION):
        received.append(chunk.text)


def _finish_sync(call: Callable[[], None], within: float) -> BaseException | None:
    # A thread, not the event loop's executor: a hung call must not hang the test run too.
    raised: list[BaseException] = []
    finished = threading.Event()

    def run() -> None:
        try:
            call()
        except Exception as error:
            raised.append(error)
        finished.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(within)
    assert finished.is_set(), f"the call did not end within {within:g} s"
    return raised[0] if raised else None


async def _call(
    mode: str, model: ChatOpenRouterGemini, received: list[str], within: float
) -> BaseException | None:
    if mode in ("invoke", "stream"):
        return _finish_sync(lambda: _call_sync(mode, model, received), within)
    call = mode.partition("/")[0]
    try:
        await asyncio.wait_for(_call_async(call, model, received), within)
    except asyncio.TimeoutError:
        pytest.fail(f"the call did not end within {within:g} s")
    except Exception as error:
        return error
    return None


def _transport(mode: str) -> dict[str, Any]:
    _, _, transport = mode.partition("/")
    return {"async_transport": transport} if transport else {}


def _check_error(error: BaseException | None, expected: Raises, received: str) -> None:
    assert error is not None, f"expected {expected.error.__name__}, got the answer {received!r}"
    assert isinstance(error, expected.error), f"{type(error).__name__}: {error}"
    assert isinstance(error, expected.langchain)
    if expected.status is not None:
        assert error.status_code == expected.status
    if expected.retry_after is not None:
        assert error.retry_after == pytest.approx(expected.retry_after)
    assert str(error).strip(), "an error must say what happened"
    for words in expected.says:
        assert words in str(error)
    # Whatever a stream delivered before failing is the start of the real answer.
    assert ANSWER.startswith(received)
    if expected.keeps_partial:
        assert isinstance(error, e.OpenRouterError)
        assert error.partial_message is not None, "a failed stream must keep what it received"
        assert error.partial_message.text == received


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cell", CELLS, ids=lambda cell: cell.name)
async def test_fault_cell(
    cell: Cell, mode: str, emulator: OpenRouterEmulator, chat_model: ModelFactory
) -> None:
    expected, settings, limit = cell.for_mode(mode)
    model = chat_model(**{"timeout": REQUEST_TIMEOUT, **settings, **_transport(mode)})
    emulator.enqueue(*cell.faults)
    received: list[str] = []

    error = await _call(mode, model, received, within=limit + 1.0)

    text = "".join(received)
    if isinstance(expected, Answers):
        assert error is None, f"{type(error).__name__}: {error}"
        assert text == ANSWER
    else:
        _check_error(error, expected, text)
    assert len(emulator.chat_requests) == expected.requests


@pytest.mark.parametrize("transport", ASYNC_TRANSPORTS)
async def test_zero_stream_chunk_timeout_means_no_chunk_timeout(
    emulator: OpenRouterEmulator, chat_model: ModelFactory, transport: str
) -> None:
    # langchain-openai documents 0 as "off"; it must not become a zero-second read timeout.
    model = chat_model(
        timeout=REQUEST_TIMEOUT, stream_chunk_timeout=0, max_retries=0, async_transport=transport
    )
    emulator.enqueue(Fault.stall(0.05, after_events=2))
    received: list[str] = []
    error = await _call("astream", model, received, within=REQUEST_TIMEOUT + 1.0)
    assert error is None, f"{type(error).__name__}: {error}"
    assert "".join(received) == ANSWER
