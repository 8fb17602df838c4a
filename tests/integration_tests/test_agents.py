"""Tool loops, create_agent, LangGraph with a checkpointer, run-time model switching.

Assertions hold for emulator and live recordings alike: they check what a user relies on
(signatures sent back, the loop finishing, structured results), not exact wording.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from pydantic import BaseModel

from langchain_openrouter_gemini import ChatOpenRouterGemini, init_chat_model
from tests import recording

pytestmark = pytest.mark.vcr


@tool
def get_weather(city: str) -> str:
    """Current weather for a city."""
    return json.dumps({"city": city, "celsius": 4, "sky": "light snow"})


@tool
def convert_temperature(celsius: float) -> str:
    """Convert Celsius to Fahrenheit."""
    return str(round(celsius * 9 / 5 + 32, 1))


TOOLS = {t.name: t for t in (get_weather, convert_temperature)}
QUESTION = "What's the weather in Oslo in Fahrenheit? Call get_weather, then convert_temperature."


class CityFacts(BaseModel):
    city: str
    country: str


def model(**kwargs: Any) -> ChatOpenRouterGemini:
    return ChatOpenRouterGemini(
        model="google/gemini-2.5-flash", temperature=0, **recording.connection_settings(), **kwargs
    )


def weather_script() -> tuple[Any, ...]:
    from langchain_openrouter_gemini.testing import Reply

    return (
        Reply.tool_call("get_weather", {"city": "Oslo"}),
        Reply.tool_call("convert_temperature", {"celsius": 4}),
        Reply.text("It is 39.2 °F (4 °C) with light snow in Oslo."),
    )


def chat_bodies(vcr: Any) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in vcr.requests if r.uri.endswith("/chat/completions")]


def assert_signatures_sent_back(bodies: list[dict[str, Any]]) -> None:
    """Every assistant tool-call turn goes back with its reasoning_details, on one provider."""
    carried = 0
    for body in bodies:
        for message in body["messages"]:
            if message["role"] == "assistant" and message.get("tool_calls"):
                assert message.get("reasoning_details"), "thought signature not sent back"
                carried += 1
                assert body["provider"]["order"], "tool loop not pinned to its provider"
    assert carried >= 1


async def reply_to(bound: Any, history: list[BaseMessage], mode: str) -> AIMessage:
    reply: Any = None
    if mode == "invoke":
        reply = bound.invoke(history)
    elif mode == "ainvoke":
        reply = await bound.ainvoke(history)
    elif mode == "stream":
        for chunk in bound.stream(history):
            reply = chunk if reply is None else reply + chunk
    else:
        async for chunk in bound.astream(history):
            reply = chunk if reply is None else reply + chunk
    assert isinstance(reply, AIMessage)
    return reply


async def run_loop(llm: ChatOpenRouterGemini, *, mode: str) -> list[BaseMessage]:
    bound = llm.bind_tools(list(TOOLS.values()))
    history: list[BaseMessage] = [HumanMessage(QUESTION)]
    for _ in range(6):
        reply = await reply_to(bound, history, mode)
        history.append(reply)
        if not reply.tool_calls:
            return history
        for call in reply.tool_calls:
            result = TOOLS[call["name"]].invoke(call["args"])
            history.append(ToolMessage(result, tool_call_id=call["id"]))
    pytest.fail("the tool loop did not finish in 6 turns")


@pytest.mark.parametrize("mode", ["invoke", "stream", "ainvoke", "astream"])
async def test_three_turn_tool_loop_carries_thought_signatures(
    mode: str, script: Callable[..., None], vcr: Any
) -> None:
    script(*weather_script())
    history = await run_loop(model(reasoning={"effort": "low"}), mode=mode)
    final = history[-1]
    assert isinstance(final, AIMessage) and final.text
    received = [
        m.additional_kwargs.get("reasoning_details")
        for m in history
        if isinstance(m, AIMessage) and m.tool_calls
    ]
    assert received and all(received)
    bodies = chat_bodies(vcr)
    assert_signatures_sent_back(bodies)
    # The last request replays the whole loop: each tool turn with the exact details received.
    sent = [
        m["reasoning_details"]
        for m in bodies[-1]["messages"]
        if m["role"] == "assistant" and m.get("tool_calls")
    ]
    assert sent == received


def test_create_agent_runs_tools_and_streams(script: Callable[..., None], vcr: Any) -> None:
    from langchain.agents import create_agent

    script(*weather_script())
    agent = create_agent(model(reasoning={"effort": "low"}), tools=list(TOOLS.values()))
    tokens = []
    for token, _meta in agent.stream(
        {"messages": [HumanMessage(QUESTION)]}, stream_mode="messages"
    ):
        if isinstance(token, AIMessage) and token.text:
            tokens.append(token.text)
    assert "".join(tokens).strip()
    assert_signatures_sent_back(chat_bodies(vcr))


def test_create_agent_structured_response(script: Callable[..., None]) -> None:
    from langchain.agents import create_agent

    from langchain_openrouter_gemini.testing import Reply

    script(Reply.text(json.dumps({"city": "Oslo", "country": "Norway"})))
    agent = create_agent(model(), tools=[], response_format=CityFacts)
    result = agent.invoke({"messages": [HumanMessage("Which country is Oslo in?")]})
    facts = result["structured_response"]
    assert isinstance(facts, CityFacts)
    assert facts.city.lower() == "oslo" and facts.country.lower() == "norway"


def weather_graph(bound: Any, **compile_kwargs: Any) -> Any:
    """model -> tools -> model ... until the model answers without tool calls."""
    from langgraph.graph import START, MessagesState, StateGraph
    from langgraph.prebuilt import ToolNode, tools_condition

    def call_model(state: MessagesState) -> dict[str, list[BaseMessage]]:
        return {"messages": [bound.invoke(state["messages"])]}

    graph = StateGraph(MessagesState)
    graph.add_node("model", call_model)
    graph.add_node("tools", ToolNode(list(TOOLS.values())))
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", tools_condition)
    graph.add_edge("tools", "model")
    return graph.compile(**compile_kwargs)


def test_langgraph_checkpoint_keeps_thought_signatures(
    script: Callable[..., None], vcr: Any
) -> None:
    from langgraph.checkpoint.memory import InMemorySaver

    script(*weather_script())
    bound = model().bind_tools(list(TOOLS.values()))

    def build(saver: InMemorySaver) -> Any:
        # Stop before each tool run, so every turn resumes from the checkpoint.
        return weather_graph(bound, checkpointer=saver, interrupt_before=["tools"])

    saver = InMemorySaver()
    config = {"configurable": {"thread_id": "weather"}}
    build(saver).invoke({"messages": [HumanMessage(QUESTION)]}, config)
    for _ in range(4):
        # A fresh graph each time: state comes back only through the checkpointer.
        state = build(saver).invoke(None, config)
        if not state["messages"][-1].tool_calls:
            break
    assert isinstance(state["messages"][-1], AIMessage) and state["messages"][-1].text
    assert_signatures_sent_back(chat_bodies(vcr))


def test_langgraph_two_tools_streamed_with_reasoning(script: Callable[..., None], vcr: Any) -> None:
    script(*weather_script())
    bound = model(reasoning={"effort": "low"}).bind_tools(list(TOOLS.values()))

    tokens: list[str] = []
    tool_results: list[str] = []
    for message, _meta in weather_graph(bound).stream(
        {"messages": [HumanMessage(QUESTION)]}, stream_mode="messages"
    ):
        if isinstance(message, ToolMessage):
            tool_results.append(message.name or "")
        elif isinstance(message, AIMessage) and message.text:
            tokens.append(message.text)
    assert "".join(tokens).strip()
    assert set(tool_results) == {"get_weather", "convert_temperature"}
    bodies = chat_bodies(vcr)
    assert len(bodies) == 3
    assert all(body["stream"] is True and body["reasoning"] == {"effort": "low"} for body in bodies)
    assert_signatures_sent_back(bodies)


def test_configurable_model_switches_at_run_time(script: Callable[..., None], vcr: Any) -> None:
    target = recording.TARGET
    llm = init_chat_model(
        "gemini-2.5-flash",
        configurable_fields=("model", "temperature"),
        api_key=target.api_key,
        base_url=target.base_url,
        max_retries=0,
    )
    default = llm.invoke("Say hi.")
    switched = llm.invoke(
        "Say hi.", config={"configurable": {"model": "google/gemini-2.5-flash-lite"}}
    )
    assert default.response_metadata["model_name"].startswith("google/gemini-2.5-flash")
    assert switched.response_metadata["model_name"].startswith("google/gemini-2.5-flash-lite")
    assert [b["model"] for b in chat_bodies(vcr)] == [
        "google/gemini-2.5-flash",
        "google/gemini-2.5-flash-lite",
    ]
