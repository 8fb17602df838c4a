"""Token and cost totals across everything run inside `get_openrouter_callback()`."""

from __future__ import annotations

import threading
from collections.abc import Generator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID, uuid4

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from langchain_core.tracers.context import register_configure_hook

from langchain_openrouter_gemini.catalogue import estimate_cost

__all__ = ["OpenRouterCallbackHandler", "count_embeddings", "get_openrouter_callback"]


class OpenRouterCallbackHandler(BaseCallbackHandler):
    """Totals tokens, requests and USD cost of every chat-model run it sees.

    Cost is OpenRouter's own `response_metadata["cost"]`; a reply without one is priced from
    the catalogue (`estimate_cost`) and `cost_is_estimated` becomes True. Replies that are
    neither reported nor in the catalogue count in `unpriced_requests`. Safe to share across
    threads and asyncio tasks; each run is counted once even if the handler is attached twice.
    """

    # Called in the event loop for async runs: the work is tiny and guarded by a lock.
    run_inline = True

    def __init__(self, parent: OpenRouterCallbackHandler | None = None) -> None:
        """Start at zero; totals also flow into `parent` (an enclosing callback), if any."""
        super().__init__()
        self._lock = threading.Lock()
        self._parent = parent
        self._counted_runs: set[UUID] = set()
        self._requested_models: dict[UUID, str] = {}
        self.total_tokens = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.reasoning_tokens = 0
        self.cached_tokens = 0
        self.total_cost = 0.0
        self.successful_requests = 0
        self.unpriced_requests = 0
        self.cost_is_estimated = False

    def __repr__(self) -> str:
        """A one-line human summary."""
        cost = f"${self.total_cost:.6f}" + (" (estimated)" if self.cost_is_estimated else "")
        if self.unpriced_requests:
            cost += f", {self.unpriced_requests} request(s) unpriced"
        return (
            f"OpenRouter usage: {self.successful_requests} request(s), "
            f"{self.total_tokens} tokens (prompt {self.prompt_tokens}, "
            f"cached {self.cached_tokens}, completion {self.completion_tokens}, "
            f"reasoning {self.reasoning_tokens}), cost {cost}"
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
        """Remember the requested model, for pricing a reply that names none."""
        params = kwargs.get("invocation_params")
        if isinstance(params, Mapping):
            model = params.get("model") or params.get("model_name")
            if isinstance(model, str):
                with self._lock:
                    self._requested_models[run_id] = model

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Forget a failed run (it is not a successful request)."""
        with self._lock:
            self._requested_models.pop(run_id, None)

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
        self._record(run_id, usage={}, cost=None, estimated=False)

    def _add_message(self, message: BaseMessage, requested: str | None, run_id: UUID) -> None:
        usage: Mapping[str, Any] = getattr(message, "usage_metadata", None) or {}
        metadata = message.response_metadata or {}
        reported = metadata.get("cost")
        if isinstance(reported, (int, float)) and not isinstance(reported, bool):
            self._record(run_id, usage=usage, cost=float(reported), estimated=False)
            return
        model = metadata.get("model_name") or metadata.get("model") or requested
        estimate = estimate_cost(model if isinstance(model, str) else None, usage)
        self._record(run_id, usage=usage, cost=estimate, estimated=estimate is not None)

    def _record(
        self, run_id: UUID, *, usage: Mapping[str, Any], cost: float | None, estimated: bool
    ) -> None:
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
            self.successful_requests += 1
            if cost is None:
                self.unpriced_requests += 1
            else:
                self.total_cost += cost
                self.cost_is_estimated = self.cost_is_estimated or estimated
        if self._parent is not None:
            self._parent._record(run_id, usage=usage, cost=cost, estimated=estimated)


_current_handler: ContextVar[OpenRouterCallbackHandler | None] = ContextVar(
    "openrouter_gemini_callback", default=None
)
# Inheritable: child runs (chains, graphs, tools calling models) all report to the handler.
register_configure_hook(_current_handler, inheritable=True)


@contextmanager
def get_openrouter_callback() -> Generator[OpenRouterCallbackHandler, None, None]:
    """Total tokens, requests and USD cost of every model call made inside the block.

    Works for sync, async and streamed calls, and for calls made deep inside chains and
    graphs. Blocks can nest: an inner block's totals also count in the outer one.

    Example:
        ```python
        with get_openrouter_callback() as usage:
            chain.invoke({"question": "..."})
        print(usage.total_tokens, usage.total_cost)
        ```

    Yields:
        The handler holding the running totals.

    """
    handler = OpenRouterCallbackHandler(parent=_current_handler.get())
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
    estimated = cost is None
    if cost is None:
        cost = estimate_cost(model, usage)
    handler._record(uuid4(), usage=usage, cost=cost, estimated=estimated and cost is not None)
