"""OpenRouter's own options in the request body, fallbacks, and usage/cost totals."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.features.routing import ProviderPreferences
from tests import recording

pytestmark = pytest.mark.vcr


def model(**kwargs: Any) -> ChatOpenRouterGemini:
    return ChatOpenRouterGemini(
        model="google/gemini-2.5-flash", **recording.connection_settings(), **kwargs
    )


def last_body(vcr: Any) -> dict[str, Any]:
    bodies = [json.loads(r.body) for r in vcr.requests if r.uri.endswith("/chat/completions")]
    return bodies[-1]


OPTIONS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "provider",
        {"provider": ProviderPreferences(order=["google-ai-studio"], allow_fallbacks=False)},
        {"provider": {"order": ["google-ai-studio"], "allow_fallbacks": False}},
    ),
    (
        "provider_dict",
        {"provider": {"sort": "price", "data_collection": "deny", "zdr": True}},
        {"provider": {"sort": "price", "data_collection": "deny", "zdr": True}},
    ),
    ("transforms", {"transforms": ["middle-out"]}, {"transforms": ["middle-out"]}),
    (
        "web_search",
        {"web_search": {"max_results": 2}},
        {"tools": [{"type": "openrouter:web_search", "parameters": {"max_results": 2}}]},
    ),
    ("session_user", {"session_id": "s-1", "user": "u-1"}, {"session_id": "s-1", "user": "u-1"}),
    ("metadata", {"request_metadata": {"team": "docs"}}, {"metadata": {"team": "docs"}}),
    (
        "sampling",
        {"top_k": 3, "min_p": 0.1, "repetition_penalty": 1.1},
        {"top_k": 3, "min_p": 0.1, "repetition_penalty": 1.1},
    ),
]


@pytest.mark.parametrize(("name", "fields", "expected"), OPTIONS, ids=[o[0] for o in OPTIONS])
@pytest.mark.parametrize("level", ["model", "call"])
def test_option_lands_in_body(
    name: str, fields: dict[str, Any], expected: dict[str, Any], level: str, vcr: Any
) -> None:
    if level == "model":
        reply = model(**fields).invoke("Say ok.")
    else:
        # `metadata=` is LangChain's own invoke argument, hence `request_metadata`.
        reply = model().invoke("Say ok.", **fields)
    assert reply.text
    body = last_body(vcr)
    for key, value in expected.items():
        assert body[key] == value, key


def test_per_call_value_wins(vcr: Any) -> None:
    llm = model(provider={"order": ["google-vertex"]}, session_id="model-level")
    llm.bind(session_id="bound").invoke("Say ok.", provider={"order": ["google-ai-studio"]})
    body = last_body(vcr)
    assert body["provider"] == {"order": ["google-ai-studio"]}
    assert body["session_id"] == "bound"


def test_fallback_model_is_reported(script: Callable[..., None], vcr: Any) -> None:
    from langchain_openrouter_gemini.testing import Reply

    # The emulator stands in for a primary that could not serve: the fallback answers.
    script(Reply.text("ok", model="google/gemini-2.5-flash-lite"))
    llm = model(models=["google/gemini-2.5-flash", "google/gemini-2.5-flash-lite"])
    reply = llm.invoke("Say ok.")
    assert last_body(vcr)["models"] == ["google/gemini-2.5-flash", "google/gemini-2.5-flash-lite"]
    assert reply.response_metadata["model_name"] in last_body(vcr)["models"]


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
def test_callback_totals_match_a_three_step_chain(stream: bool) -> None:
    from langchain_openrouter_gemini.usage.callbacks import get_openrouter_callback

    llm = model()
    seen: list[Any] = []

    def keep(message: Any) -> Any:
        seen.append(message)
        return message.text

    step = ChatPromptTemplate.from_messages([("human", "Rewrite in five words: {text}")])
    chain = (
        step
        | llm
        | RunnableLambda(keep)
        | (lambda text: {"text": text})
        | step
        | llm
        | RunnableLambda(keep)
        | (lambda text: {"text": text})
        | step
        | llm
        | RunnableLambda(keep)
        | StrOutputParser()
    )
    with get_openrouter_callback() as totals:
        if stream:
            "".join(chain.stream({"text": "The quick brown fox jumps over the lazy dog."}))
        else:
            chain.invoke({"text": "The quick brown fox jumps over the lazy dog."})
    assert totals.successful_requests == 3
    assert totals.total_tokens == sum(m.usage_metadata["total_tokens"] for m in seen)
    assert totals.total_cost == pytest.approx(sum(m.response_metadata["cost"] for m in seen))
    assert totals.total_cost > 0
