"""`get_openrouter_callback(max_cost=...)`: the call after the budget is reached is never sent.

Every test counts the emulator's requests: a stopped call must not reach it.
"""

from __future__ import annotations

import asyncio
import operator
import pickle
from typing import Annotated, Any
from uuid import uuid4

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda
from langchain_core.tools import tool
from typing_extensions import TypedDict

from langchain_openrouter_gemini import (
    OpenRouterBudgetExceededError,
    OpenRouterError,
    get_openrouter_callback,
)
from langchain_openrouter_gemini.errors import is_retryable
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply
from langchain_openrouter_gemini.usage.callbacks import OpenRouterCallbackHandler
from tests.unit_tests.models import chat_model


def chat_requests(emulator: OpenRouterEmulator) -> int:
    return sum(r.path.endswith("/chat/completions") for r in emulator.requests)


def test_the_call_after_the_budget_is_reached_raises_and_is_not_sent(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.text("one", cost=0.30), Reply.text("two", cost=0.25))
    llm = chat_model(openrouter_emulator)
    with get_openrouter_callback(max_cost=0.50) as usage:
        llm.invoke("first")  # $0.30: under the budget
        llm.invoke("second")  # starts under it, ends at $0.55
        with pytest.raises(OpenRouterBudgetExceededError) as raised:
            llm.invoke("third")
    assert chat_requests(openrouter_emulator) == 2
    assert usage.successful_requests == 2
    assert usage.total_cost == pytest.approx(0.55)
    assert raised.value.max_cost == 0.50 and raised.value.total_cost == pytest.approx(0.55)
    assert "max_cost=$0.500000" in str(raised.value) and "not sent" in str(raised.value)
    assert "of max_cost $0.500000" in repr(usage)


@pytest.mark.parametrize("mode", ["stream", "ainvoke", "astream", "batch", "abatch"])
def test_every_way_of_calling_is_stopped(
    openrouter_emulator: OpenRouterEmulator, mode: str
) -> None:
    openrouter_emulator.enqueue(Reply.text("spent", cost=1.0))
    llm = chat_model(openrouter_emulator)

    async def astream() -> None:
        async for _ in llm.astream("again"):
            pass

    with get_openrouter_callback(max_cost=1.0) as usage:
        list(llm.stream("spend it"))
        with pytest.raises(OpenRouterBudgetExceededError):
            if mode == "stream":
                list(llm.stream("again"))
            elif mode == "ainvoke":
                asyncio.run(llm.ainvoke("again"))
            elif mode == "astream":
                asyncio.run(astream())
            elif mode == "batch":
                llm.batch(["again", "and again"])
            else:
                asyncio.run(llm.abatch(["again", "and again"]))
    assert chat_requests(openrouter_emulator) == 1
    assert usage.total_cost == pytest.approx(1.0)


def test_no_budget_means_no_limit(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.enqueue(Reply.text("a", cost=5.0), Reply.text("b", cost=5.0))
    llm = chat_model(openrouter_emulator)
    with get_openrouter_callback() as usage:
        llm.invoke("one")
        llm.invoke("two")
    assert usage.total_cost == pytest.approx(10.0)


def test_an_outer_budget_stops_calls_in_an_inner_block(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.text("a", cost=0.2), Reply.text("b", cost=0.2))
    llm = chat_model(openrouter_emulator)
    with get_openrouter_callback(max_cost=0.3) as outer:
        llm.invoke("outside")
        with get_openrouter_callback() as inner:
            llm.invoke("inside")
            with pytest.raises(OpenRouterBudgetExceededError):
                llm.invoke("one too many")
    assert chat_requests(openrouter_emulator) == 2
    assert inner.total_cost == pytest.approx(0.2)
    assert outer.total_cost == pytest.approx(0.4)


def test_an_inner_budget_stops_only_its_own_block(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.enqueue(Reply.text("a", cost=0.2), Reply.text("b", cost=0.2))
    llm = chat_model(openrouter_emulator)
    with get_openrouter_callback() as outer:
        with get_openrouter_callback(max_cost=0.1):
            llm.invoke("spends the inner budget")
            with pytest.raises(OpenRouterBudgetExceededError):
                llm.invoke("stopped")
        llm.invoke("the outer block has no budget")
    assert chat_requests(openrouter_emulator) == 2
    assert outer.total_cost == pytest.approx(0.4)


def test_a_chain_stops_at_the_step_after_the_budget(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.text("short", cost=0.6))
    llm = chat_model(openrouter_emulator)
    step = ChatPromptTemplate.from_messages([("human", "Rewrite: {text}")])
    chain = step | llm | RunnableLambda(lambda m: {"text": m.text}) | step | llm
    with (
        get_openrouter_callback(max_cost=0.5) as usage,
        pytest.raises(OpenRouterBudgetExceededError),
    ):
        chain.invoke({"text": "a sentence"})
    assert chat_requests(openrouter_emulator) == 1
    assert usage.successful_requests == 1


@tool
def lookup(city: str) -> str:
    """Look a city up."""
    return f"{city}: 4 °C"


def test_an_agent_stops_before_its_next_model_call(openrouter_emulator: OpenRouterEmulator) -> None:
    from langchain.agents import create_agent

    openrouter_emulator.enqueue(Reply.tool_call("lookup", {"city": "Oslo"}, cost=0.8))
    agent = create_agent(chat_model(openrouter_emulator), tools=[lookup])
    with (
        get_openrouter_callback(max_cost=0.5) as usage,
        pytest.raises(OpenRouterBudgetExceededError),
    ):
        agent.invoke({"messages": [HumanMessage("Weather in Oslo?")]})
    assert chat_requests(openrouter_emulator) == 1  # the tool ran; the second turn did not
    assert usage.total_cost == pytest.approx(0.8)


class _State(TypedDict):
    messages: Annotated[list[BaseMessage], operator.add]


def test_a_langgraph_graph_stops_at_the_next_model_node(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    from langgraph.graph import END, START, StateGraph

    openrouter_emulator.enqueue(Reply.text("draft", cost=0.4), Reply.text("edit", cost=0.4))
    llm = chat_model(openrouter_emulator)

    def call(state: _State) -> dict[str, list[BaseMessage]]:
        return {"messages": [llm.invoke(state["messages"])]}

    graph = StateGraph(_State)
    for name in ("draft", "edit", "polish"):
        graph.add_node(name, call)
    graph.add_edge(START, "draft")
    graph.add_edge("draft", "edit")
    graph.add_edge("edit", "polish")
    graph.add_edge("polish", END)
    app = graph.compile()

    async def run() -> None:
        await app.ainvoke({"messages": [HumanMessage("Write a haiku.")]})

    with (
        get_openrouter_callback(max_cost=0.75) as usage,
        pytest.raises(OpenRouterBudgetExceededError),
    ):
        asyncio.run(run())
    assert chat_requests(openrouter_emulator) == 2
    assert usage.total_cost == pytest.approx(0.8)


def test_the_budget_error_is_an_openrouter_error_that_is_not_retried() -> None:
    error = OpenRouterBudgetExceededError(0.5, 0.6)
    assert isinstance(error, OpenRouterError)
    assert not is_retryable(error)
    restored = pickle.loads(pickle.dumps(error))
    assert (restored.max_cost, restored.total_cost) == (0.5, 0.6)


@pytest.mark.parametrize("bad", [-1, "0.5", True])
def test_a_bad_budget_is_refused_up_front(bad: Any) -> None:
    with pytest.raises(ValueError, match="max_cost must be a number of USD"):
        OpenRouterCallbackHandler(max_cost=bad)


def test_estimated_costs_count_toward_the_budget(openrouter_emulator: OpenRouterEmulator) -> None:
    # A reply without `cost` is priced from the catalogue and still spends the budget.
    llm = chat_model(openrouter_emulator)
    handler = OpenRouterCallbackHandler(max_cost=0.10)
    message = AIMessage(
        "x",
        usage_metadata={"input_tokens": 1_000_000, "output_tokens": 0, "total_tokens": 1_000_000},
        response_metadata={"model_name": "google/gemini-2.5-flash"},
    )
    handler.on_llm_end(LLMResult(generations=[[ChatGeneration(message=message)]]), run_id=uuid4())
    assert handler.cost_is_estimated and handler.total_cost == pytest.approx(0.30)
    with pytest.raises(OpenRouterBudgetExceededError):
        llm.invoke("stopped", config={"callbacks": [handler]})
    assert chat_requests(openrouter_emulator) == 0
