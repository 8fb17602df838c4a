"""LangChain's own `openrouter:` prefix builds the official package's model, not ours.

`langchain.chat_models.init_chat_model("openrouter:...")`, and `create_agent("openrouter:...")`
which calls it, map the prefix to `langchain_openrouter.ChatOpenRouter` (langchain 1.5.2,
`_BUILTIN_PROVIDERS`). The docs (model-strings.md, migrating.md) say so and show the idiom
that works; these tests prove both, against an emulator, by who sent the request.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langchain.agents import create_agent
from langchain.chat_models import init_chat_model as langchain_init_chat_model

from langchain_openrouter_gemini import ChatOpenRouterGemini, init_chat_model
from langchain_openrouter_gemini.testing import OpenRouterEmulator

OURS = "langchain-openrouter-gemini/"


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenRouterEmulator]:
    with OpenRouterEmulator() as emulator:
        monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test")
        # Each package reads its own variable; point both at the emulator.
        monkeypatch.setenv("OPENROUTER_BASE_URL", emulator.base_url)
        monkeypatch.setenv("OPENROUTER_API_BASE", emulator.base_url)
        yield emulator


def _sender(emulator: OpenRouterEmulator) -> str:
    return emulator.requests[-1].headers.get("user-agent", "")


def test_langchains_init_chat_model_picks_the_official_package(
    emulator: OpenRouterEmulator,
) -> None:
    model = langchain_init_chat_model("openrouter:google/gemini-2.5-flash")
    assert type(model).__module__.startswith("langchain_openrouter.")
    assert not isinstance(model, ChatOpenRouterGemini)
    model.invoke("hi")
    assert not _sender(emulator).startswith(OURS)


def test_create_agent_with_the_prefix_string_picks_the_official_package(
    emulator: OpenRouterEmulator,
) -> None:
    agent = create_agent("openrouter:google/gemini-2.5-flash", tools=[])
    agent.invoke({"messages": [("user", "hi")]})
    assert not _sender(emulator).startswith(OURS)


@pytest.mark.parametrize(
    "build",
    [
        lambda: ChatOpenRouterGemini(model="google/gemini-2.5-flash"),
        lambda: init_chat_model("openrouter:gemini-2.5-flash?temperature=0"),
    ],
    ids=["our model object", "our init_chat_model"],
)
def test_passing_our_model_to_create_agent_uses_ours(
    emulator: OpenRouterEmulator, build: object
) -> None:
    model = build()  # type: ignore[operator]
    assert isinstance(model, ChatOpenRouterGemini)
    agent = create_agent(model, tools=[])
    reply = agent.invoke({"messages": [("user", "hi")]})["messages"][-1]
    assert _sender(emulator).startswith(OURS)
    assert reply.response_metadata["provider"]  # our reply metadata, with the upstream
