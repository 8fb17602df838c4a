"""The 2026 lineup on the wire: 3.1 Pro's reasoning rules, aliases and presets, pinning."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, ToolMessage

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.catalogue import estimate_cost
from langchain_openrouter_gemini.testing import Reply
from langchain_openrouter_gemini.usage.callbacks import get_openrouter_callback
from tests import recording

pytestmark = pytest.mark.vcr

PRO = "google/gemini-3.1-pro-preview"
PRO_SERVED = "google/gemini-3.1-pro-preview-20260219"


def chat_bodies(vcr: Any) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in vcr.requests if r.uri.endswith("/chat/completions")]


def test_gemini_3_1_pro_xhigh_is_sent_as_high(script: Callable[..., None], vcr: Any) -> None:
    script(Reply.reasoning("Two and two.", "4", model=PRO_SERVED))
    model = ChatOpenRouterGemini(
        model=PRO, reasoning_effort="xhigh", **recording.connection_settings()
    )
    with pytest.warns(UserWarning, match="sending 'high'"):
        reply = model.invoke("What is 2 + 2? Answer with the number only.")
    assert reply.text
    assert chat_bodies(vcr)[-1]["reasoning"] == {"effort": "high"}
    assert reply.response_metadata["model_name"].startswith(PRO)


def test_an_alias_is_sent_unchanged_and_priced_as_the_model_that_served(
    script: Callable[..., None], vcr: Any
) -> None:
    script(Reply.text("ok", model=PRO_SERVED))
    model = ChatOpenRouterGemini(
        model="~google/gemini-pro-latest", **recording.connection_settings()
    )
    with get_openrouter_callback() as usage:
        reply = model.invoke("Say ok.")
    assert chat_bodies(vcr)[-1]["model"] == "~google/gemini-pro-latest"
    served = reply.response_metadata["model_name"]
    assert served.startswith("google/gemini")
    assert reply.usage_metadata is not None
    # The catalogue prices the model the reply names, not the alias.
    assert estimate_cost(served, reply.usage_metadata) is not None
    assert usage.total_cost > 0


def test_a_preset_tool_loop_stays_on_the_provider_that_signed(
    script: Callable[..., None], vcr: Any
) -> None:
    script(
        Reply.tool_call("lookup", {"q": "moons"}, model=PRO_SERVED, provider="Google"),
        Reply.text("Io, Europa, Ganymede.", model=PRO_SERVED, provider="Google"),
    )

    def lookup(q: str) -> str:
        """Look something up."""
        return "Io, Europa, Ganymede, Callisto"

    model = ChatOpenRouterGemini(
        model="@preset/moons-helper", **recording.connection_settings()
    ).bind_tools([lookup])
    question = HumanMessage("Name three moons of Jupiter; use the lookup tool.")
    first = model.invoke([question])
    assert first.tool_calls
    call = first.tool_calls[0]
    answer = model.invoke(
        [question, first, ToolMessage(lookup(**call["args"]), tool_call_id=call["id"])]
    )
    assert answer.text
    bodies = chat_bodies(vcr)
    assert bodies[0]["model"] == "@preset/moons-helper"
    provider = first.response_metadata["provider"]
    assert bodies[-1]["provider"]["allow_fallbacks"] is False
    assert len(bodies[-1]["provider"]["order"]) == 1, provider
