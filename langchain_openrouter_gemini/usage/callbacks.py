"""Token and cost totals across everything run inside `get_openrouter_callback()`."""

from __future__ import annotations

import threading
from collections.abc import Generator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from langchain_core.tracers.context import register_configure_hook

from langchain_openrouter_gemini.catalogue import estimate_cost
from langchain_openrouter_gemini.errors import OpenRouterBudgetExceededError
from langchain_openrouter_gemini.features.caching import cache_hit_tokens, estimate_cache_savings
from langchain_openrouter_gemini.wire.response.usage import usd

__all__ = ["OpenRouterCallbackHandler", "count_embeddings", "get_openrouter_callback"]


class OpenRouterCallbackHandler(BaseCallbackHandler):
    """Totals tokens, requests and USD cost of every chat-model run it sees.

    `total_cost` is what OpenRouter billed (`response_metadata["cost"]`). A reply without a
    cost is never counted as free: it counts in `unreported_cost_requests`, is priced from
    the catalogue (`estimate_cost`) and sets `cost_is_estimated`; one the catalogue cannot
    price either counts in `unpriced_requests`. BYOK replies (`is_byok`) are billed by
    OpenRouter at (nearly) nothing; what your own provider account pays for them, the
    reported upstream cost, is totalled apart in `byok_cost`. Safe to share across threads
    and asyncio tasks; each run is counted once even if the handler is attached twice.

    With `max_cost`, a model call that starts once `total_cost` has reached it raises
    `OpenRouterBudgetExceededError` before anything is sent (an enclosing handler's budget
    counts too). Calls already running when the budget is reached finish and are counted, so
    the total can end above `max_cost` by what those calls cost.

    Also kept: `cache_hit_requests` and `cache_read_tokens` (prompt tokens read from a cache),
    `cache_savings` (USD those reads saved, from catalogue prices; the exact figure per
    generation is `cache_discount` from `ChatOpenRouterGemini.get_generation`), and
    `web_search_requests` (searches run by the `openrouter:web_search` server tool).
    """

    # Called in the event loop for async runs: the work is tiny and guarded by a lock.
    run_inline = True

    def __init__(
        self, parent: OpenRouterCallbackHandler | None = None, *, max_cost: float | None = None
    ) -> None:
        """Start at zero; totals also flow into `parent` (an enclosing callback), if any.

        Raises:
            ValueError: `max_cost` is negative or not a number.

        """
        super().__init__()
        if max_cost is not None and (
            isinstance(max_cost, bool) or not isinstance(max_cost, (int, float)) or max_cost < 0
        ):
            msg = f"max_cost must be a number of USD >= 0, such as 0.50; got {max_cost!r}."
            raise ValueError(msg)
        self._lock = threading.Lock()
        self._parent = parent
        self.max_cost = None if max_cost is None else float(max_cost)
        # LangChain swallows callback errors unless the handler asks: the budget check must
        # stop the call, so a handler under any budget lets its errors through.
        self.raise_error = self.max_cost is not None or bool(parent and parent.raise_error)
        self._counted_runs: set[UUID] = set()
        self._requested_models: dict[UUID, str] = {}
        self.total_tokens = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.reasoning_tokens = 0
        self.cached_tokens = 0
        self.total_cost = 0.0
        self.successful_requests = 0
        self.failed_requests = 0
        self.unpriced_requests = 0
        self.unreported_cost_requests = 0
        self.cost_is_estimated = False
        self.byok_cost = 0.0
        self.byok_requests = 0
        self.cache_hit_requests = 0
        self.cache_read_tokens = 0
        self.cache_savings = 0.0
        self.web_search_requests = 0

    def __repr__(self) -> str:
        """A one-line human summary."""
        cost = f"${self.total_cost:.6f}" + (" (estimated)" if self.cost_is_estimated else "")
        if self.unpriced_requests:
            cost += f", {self.unpriced_requests} request(s) unpriced"
        if self.byok_requests:
            cost += f", BYOK upstream ${self.byok_cost:.6f} ({self.byok_requests} request(s))"
        if self.max_cost is not None:
            cost += f" of max_cost ${self.max_cost:.6f}"
        extras = ""
        if self.cache_hit_requests:
            extras += (
                f", cache hits {self.cache_hit_requests} request(s) saving about"
                f" ${self.cache_savings:.6f}"
            )
        if self.web_search_requests:
            extras += f", web searches {self.web_search_requests}"
        if self.failed_requests:
            extras += f", {self.failed_requests} failed stream(s) billed for what they sent"
        return (
            f"OpenRouter usage: {self.successful_requests} request(s), "
            f"{self.total_tokens} tokens (prompt {self.prompt_tokens}, "
            f"cached {self.cached_tokens}, completion {self.completion_tokens}, "
            f"reasoning {self.reasoning_tokens}), cost {cost}{extras}"
        )

    def __copy__(self) -> OpenRouterCallbackHandler:
        """Stay the same object: LangChain copies handler lists, totals must not fork."""
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> OpenRouterCallbackHandler:
        """Stay the same object (see `__copy__`)."""
        return self

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        **kwargs: Any,
    ) -> None:
        """Stop the call if a budget is spent; remember the requested model, for pricing.

        Raises:
            OpenRouterBudgetExceededError: This handler's `max_cost`, or an enclosing one's,
                has been reached; the model call is not sent.

        """
        self.check_budget()
        params = kwargs.get("invocation_params")
        if isinstance(params, Mapping):
            model = params.get("model") or params.get("model_name")
            if isinstance(model, str):
                with self._lock:
                    self._requested_models[run_id] = model

    def check_budget(self) -> None:
        """Raise `OpenRouterBudgetExceededError` if this budget or an enclosing one is spent."""
        handler: OpenRouterCallbackHandler | None = self
        while handler is not None:
            with handler._lock:
                spent, limit = handler.total_cost, handler.max_cost
            if limit is not None and spent >= limit:
                raise OpenRouterBudgetExceededError(limit, spent)
            handler = handler._parent

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Count what a failed stream was billed for; other failed runs cost nothing.

        A stream that fails after it started (an error event after a `length` finish, a
        cut) has usually been billed: its usage rides on `error.partial_message`, and is
        counted in `failed_requests`, never in `successful_requests`.
        """
        with self._lock:
            requested = self._requested_models.pop(run_id, None)
        partial = getattr(error, "partial_message", None)
        if isinstance(partial, BaseMessage) and getattr(partial, "usage_metadata", None):
            self._add_message(partial, requested, run_id, failed=True)

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        """Add one finished run's usage and cost (streamed runs arrive here aggregated)."""
        with self._lock:
            requested = self._requested_models.pop(run_id, None)
        for generations in response.generations:
            for generation in generations:
                if isinstance(generation, ChatGeneration):
                    self._add_message(generation.message, requested, run_id)
                    # One request per run: its other generations (if any) share the usage.
                    return
        self._record(run_id, _Counted(usage={}, cost=None, estimated=False, unreported=True))

    def _add_message(
        self, message: BaseMessage, requested: str | None, run_id: UUID, *, failed: bool = False
    ) -> None:
        usage: Mapping[str, Any] = getattr(message, "usage_metadata", None) or {}
        metadata = message.response_metadata or {}
        named = metadata.get("model_name") or metadata.get("model") or requested
        model = named if isinstance(named, str) else None
        extras = _extras(model, usage, metadata)
        byok = usd(metadata.get("upstream_cost")) if metadata.get("is_byok") is True else None
        counted = _priced(
            usage, usd(metadata.get("cost")), model, byok=byok, extras=extras, failed=failed
        )
        self._record(run_id, counted)

    def _record(self, run_id: UUID, counted: _Counted) -> None:
        usage, extras = counted.usage, counted.extras
        input_details = usage.get("input_token_details") or {}
        output_details = usage.get("output_token_details") or {}
        prompt = int(usage.get("input_tokens") or 0)
        completion = int(usage.get("output_tokens") or 0)
        with self._lock:
            if run_id in self._counted_runs:
                return
            self._counted_runs.add(run_id)
            self.prompt_tokens += prompt
            self.completion_tokens += completion
            self.total_tokens += int(usage.get("total_tokens") or prompt + completion)
            self.reasoning_tokens += int(output_details.get("reasoning") or 0)
            self.cached_tokens += int(input_details.get("cache_read") or 0)
            if counted.failed:
                self.failed_requests += 1
            else:
                self.successful_requests += 1
            if counted.cost is None:
                self.unpriced_requests += 1
            else:
                self.total_cost += counted.cost
                self.cost_is_estimated = self.cost_is_estimated or counted.estimated
            self.unreported_cost_requests += counted.unreported
            if counted.byok is not None:
                self.byok_cost += counted.byok
                self.byok_requests += 1
            if extras is not None:
                self.cache_hit_requests += 1 if extras.cache_hits else 0
                self.cache_read_tokens += extras.cache_hits
                self.cache_savings += extras.cache_savings
                self.web_search_requests += extras.web_searches
        if self._parent is not None:
            self._parent._record(run_id, counted)


@dataclass(frozen=True)
class _Counted:
    """What one run adds to the totals; passed up unchanged to enclosing handlers."""

    usage: Mapping[str, Any]
    cost: float | None
    estimated: bool
    byok: float | None = None
    unreported: bool = False
    extras: _Extras | None = None
    failed: bool = False


def _priced(
    usage: Mapping[str, Any],
    reported: float | None,
    model: str | None,
    *,
    byok: float | None = None,
    extras: _Extras | None = None,
    failed: bool = False,
) -> _Counted:
    # A reply without a reported cost is priced from the catalogue, never counted as free.
    cost = reported if reported is not None else estimate_cost(model, usage)
    return _Counted(
        usage=usage,
        cost=cost,
        estimated=reported is None and cost is not None,
        byok=byok,
        unreported=reported is None,
        extras=extras,
        failed=failed,
    )


@dataclass(frozen=True)
class _Extras:
    """Per-reply counts beyond tokens and cost."""

    cache_hits: int
    cache_savings: float
    web_searches: int


def _extras(model: str | None, usage: Mapping[str, Any], metadata: Mapping[str, Any]) -> _Extras:
    tools = metadata.get("server_tool_use")
    searches = tools.get("web_search_requests") if isinstance(tools, Mapping) else None
    return _Extras(
        cache_hits=cache_hit_tokens(usage),
        cache_savings=estimate_cache_savings(model, usage) or 0.0,
        web_searches=searches
        if isinstance(searches, int) and not isinstance(searches, bool)
        else 0,
    )


_current_handler: ContextVar[OpenRouterCallbackHandler | None] = ContextVar(
    "openrouter_gemini_callback", default=None
)
# Inheritable: child runs (chains, graphs, tools calling models) all report to the handler.
register_configure_hook(_current_handler, inheritable=True)


@contextmanager
def get_openrouter_callback(
    max_cost: float | None = None,
) -> Generator[OpenRouterCallbackHandler, None, None]:
    """Total tokens, requests and USD cost of every model call made inside the block.

    Works for sync, async and streamed calls, and for calls made deep inside chains and
    graphs. Blocks can nest: an inner block's totals also count in the outer one.

    With `max_cost` (USD), once the block's total cost reaches it, the next model call raises
    `OpenRouterBudgetExceededError` before any request is sent; the totals stay readable on
    the handler. An outer block's budget also stops calls made in an inner block.

    Example:
        ```python
        with get_openrouter_callback() as usage:
            chain.invoke({"question": "..."})
        print(usage.total_tokens, usage.total_cost)
        ```

    Yields:
        The handler holding the running totals.

    """
    handler = OpenRouterCallbackHandler(parent=_current_handler.get(), max_cost=max_cost)
    token = _current_handler.set(handler)
    try:
        yield handler
    finally:
        _current_handler.reset(token)


def count_embeddings(usage: Mapping[str, Any], cost: float | None, model: str | None) -> None:
    """Add one embeddings request to the enclosing `get_openrouter_callback()`, if any.

    LangChain's `Embeddings` emit no callbacks, so `OpenRouterGeminiEmbeddings` reports each
    request here. `usage` is LangChain `usage_metadata`; a reply without `cost` is priced
    from the catalogue when it knows `model`, else counted as unpriced.
    """
    handler = _current_handler.get()
    if handler is None:
        return
    handler._record(uuid4(), _priced(usage, cost, model))
