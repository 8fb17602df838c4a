"""get_openrouter_callback(): totals across sync, async, streamed and nested runs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda

from langchain_openrouter_gemini.catalogue import estimate_cost
from langchain_openrouter_gemini.usage.callbacks import (
    OpenRouterCallbackHandler,
    get_openrouter_callback,
)


class FakeOpenRouterModel(BaseChatModel):
    """Replies like the real model: usage and OpenRouter's cost on the (last) message."""

    model: str = "google/gemini-2.5-flash"
    cost: float | None = 0.0001
    report_model_name: bool = True
    cached: int = 3
    reasoning: int = 2

    @property
    def _llm_type(self) -> str:
        return "fake-openrouter"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model}

    def _usage(self, messages: list[BaseMessage]) -> dict[str, Any]:
        prompt = 10 + sum(len(str(m.content)) for m in messages) // 4
        return {
            "input_tokens": prompt,
            "output_tokens": 7,
            "total_tokens": prompt + 7,
            "input_token_details": {"cache_read": self.cached},
            "output_token_details": {"reasoning": self.reasoning},
        }

    def _metadata(self) -> dict[str, Any]:
        metadata: dict[str, Any] = {}
        if self.report_model_name:
            metadata["model_name"] = self.model
        if self.cost is not None:
            metadata["cost"] = self.cost
        return metadata

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = AIMessage(
            content="five short words right here",
            usage_metadata=self._usage(messages),
            response_metadata=self._metadata(),
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for word in ("five ", "short ", "words ", "right ", "here"):
            yield ChatGenerationChunk(message=AIMessageChunk(content=word))
        # OpenRouter sends usage (and cost) once, in the last chunk.
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=self._usage(messages),  # type: ignore[arg-type]
                response_metadata=self._metadata(),
            )
        )


def _total(message: BaseMessage) -> int:
    usage = getattr(message, "usage_metadata", None)
    assert usage is not None
    return int(usage["total_tokens"])


def _three_step_chain(llm: BaseChatModel, seen: list[BaseMessage]) -> Any:
    step = ChatPromptTemplate.from_messages([("human", "Rewrite in five words: {text}")])

    def keep(message: BaseMessage) -> dict[str, str]:
        seen.append(message)
        return {"text": message.text}

    return step | llm | RunnableLambda(keep) | step | llm | RunnableLambda(keep) | step | llm


def test_sync_invoke_totals() -> None:
    llm = FakeOpenRouterModel()
    with get_openrouter_callback() as totals:
        reply = llm.invoke("hello there")
    usage = reply.usage_metadata
    assert usage is not None
    assert totals.successful_requests == 1
    assert totals.prompt_tokens == usage["input_tokens"]
    assert totals.completion_tokens == 7
    assert totals.total_tokens == usage["total_tokens"]
    assert totals.cached_tokens == 3
    assert totals.reasoning_tokens == 2
    assert totals.total_cost == pytest.approx(0.0001)
    assert totals.cost_is_estimated is False


def test_nothing_is_counted_outside_the_block() -> None:
    llm = FakeOpenRouterModel()
    with get_openrouter_callback() as totals:
        llm.invoke("inside")
    llm.invoke("outside")
    assert totals.successful_requests == 1


async def test_async_gather_counts_every_call() -> None:
    llm = FakeOpenRouterModel()
    with get_openrouter_callback() as totals:
        replies = await asyncio.gather(*(llm.ainvoke(f"question {i}") for i in range(3)))
    assert totals.successful_requests == 3
    assert totals.total_tokens == sum(_total(r) for r in replies)
    assert totals.total_cost == pytest.approx(0.0003)


def test_streaming_counts_the_aggregated_reply_once() -> None:
    llm = FakeOpenRouterModel()
    with get_openrouter_callback() as totals:
        chunks = list(llm.stream("hello there"))
    final = chunks[0]
    for chunk in chunks[1:]:
        final = final + chunk
    assert totals.successful_requests == 1
    assert totals.total_tokens == final.usage_metadata["total_tokens"]  # type: ignore[index]
    assert totals.total_cost == pytest.approx(0.0001)


async def test_async_streaming() -> None:
    llm = FakeOpenRouterModel()
    with get_openrouter_callback() as totals:
        async for _ in llm.astream("hello"):
            pass
    assert totals.successful_requests == 1
    assert totals.completion_tokens == 7


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
def test_three_step_chain_totals_match_the_replies(stream: bool) -> None:
    llm = FakeOpenRouterModel(cost=0.00021)
    seen: list[BaseMessage] = []

    def keep_last(message: BaseMessage) -> BaseMessage:
        seen.append(message)
        return message

    chain = _three_step_chain(llm, seen) | RunnableLambda(keep_last)
    with get_openrouter_callback() as totals:
        if stream:
            for _ in chain.stream({"text": "The quick brown fox jumps over the lazy dog."}):
                pass
        else:
            chain.invoke({"text": "The quick brown fox jumps over the lazy dog."})
    assert len(seen) == 3
    assert totals.successful_requests == 3
    assert totals.total_tokens == sum(_total(m) for m in seen)
    assert totals.total_cost == pytest.approx(3 * 0.00021)


def test_calls_nested_inside_other_runnables_are_counted() -> None:
    llm = FakeOpenRouterModel()

    def inner_tool(question: str) -> str:
        # A model call made from inside another runnable (as a graph node or tool would).
        return llm.invoke(question).text

    outer = RunnableLambda(inner_tool) | RunnableLambda(lambda text: llm.invoke(text))
    with get_openrouter_callback() as totals:
        outer.invoke("hi")
    assert totals.successful_requests == 2


def test_nested_blocks_roll_up_into_the_outer_one() -> None:
    llm = FakeOpenRouterModel()
    with get_openrouter_callback() as outer:
        llm.invoke("one")
        with get_openrouter_callback() as inner:
            llm.invoke("two")
            llm.invoke("three")
    assert inner.successful_requests == 2
    assert outer.successful_requests == 3
    assert outer.total_cost == pytest.approx(0.0003)


def test_a_handler_attached_twice_counts_each_run_once() -> None:
    llm = FakeOpenRouterModel()
    with get_openrouter_callback() as totals:
        llm.invoke("hello", config={"callbacks": [totals]})
    assert totals.successful_requests == 1
    assert totals.total_cost == pytest.approx(0.0001)


def test_reply_without_cost_is_estimated_from_the_catalogue() -> None:
    llm = FakeOpenRouterModel(cost=None)
    with get_openrouter_callback() as totals:
        reply = llm.invoke("hello there")
    expected = estimate_cost("google/gemini-2.5-flash", reply.usage_metadata or {})
    assert expected
    assert totals.total_cost == pytest.approx(expected)
    assert totals.cost_is_estimated is True
    assert "estimated" in repr(totals)


def test_estimate_falls_back_to_the_requested_model() -> None:
    llm = FakeOpenRouterModel(cost=None, report_model_name=False)
    with get_openrouter_callback() as totals:
        llm.invoke("hello there")
    assert totals.total_cost > 0
    assert totals.cost_is_estimated is True


def test_unknown_model_without_cost_is_reported_unpriced() -> None:
    llm = FakeOpenRouterModel(model="acme/unknown-model", cost=None)
    with get_openrouter_callback() as totals:
        llm.invoke("hello")
    assert totals.successful_requests == 1
    assert totals.total_cost == 0.0
    assert totals.unpriced_requests == 1
    assert totals.cost_is_estimated is False
    assert "unpriced" in repr(totals)


def test_totals_are_thread_safe() -> None:
    llm = FakeOpenRouterModel(cached=0, reasoning=0)
    with get_openrouter_callback() as totals, ThreadPoolExecutor(max_workers=4) as pool:
        # Runnables carry the context into worker threads via their config.
        list(pool.map(lambda i: llm.invoke(f"q{i}", config={"callbacks": [totals]}), range(16)))
    assert totals.successful_requests == 16
    assert totals.total_cost == pytest.approx(16 * 0.0001)


def test_errors_are_not_successful_requests() -> None:
    class Failing(FakeOpenRouterModel):
        def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
            raise RuntimeError("upstream 502")

    with get_openrouter_callback() as totals, pytest.raises(RuntimeError):
        Failing().invoke("hello")
    assert totals.successful_requests == 0


def test_repr_is_a_short_summary() -> None:
    handler = OpenRouterCallbackHandler()
    text = repr(handler)
    assert text.startswith("OpenRouter usage: 0 request(s), 0 tokens")
    assert "$0.000000" in text
    assert "\n" not in text
