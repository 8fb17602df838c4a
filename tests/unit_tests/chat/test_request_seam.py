"""The request seam: the body is built from frozen settings, through `_get_request_payload`.

A subclass's `_get_request_payload` decides what is sent on every path, tracing shows
the routing and reasoning options that are sent, and the settings never go stale when
a field changes.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import HumanMessage
from pydantic import BaseModel

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.chat.request import build_request_body
from langchain_openrouter_gemini.chat.settings import OPTION_FIELDS, RequestSettings
from langchain_openrouter_gemini.features.routing import OPTION_KEYS
from tests.unit_tests.fake_transport import FakeOpenRouter

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"


@pytest.fixture
def fake() -> FakeOpenRouter:
    return FakeOpenRouter()


class Tagged(ChatOpenRouterGemini):
    """A user's subclass that adds a body field, as thin `BaseChatOpenAI` subclasses do."""

    def _get_request_payload(
        self, input_: LanguageModelInput, *, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        payload = super()._get_request_payload(input_, stop=stop, **kwargs)
        payload["user"] = "tagged-by-subclass"
        return payload


async def test_a_subclass_payload_override_is_sent_on_every_path(fake: FakeOpenRouter) -> None:
    model = Tagged(api_key=KEY, **fake.clients())
    model.invoke("hi")
    list(model.stream("hi"))
    await model.ainvoke("hi")
    [chunk async for chunk in model.astream("hi")]
    bodies = fake.bodies
    assert [body.get("stream", False) for body in bodies] == [False, True, False, True]
    assert [body.get("user") for body in bodies] == ["tagged-by-subclass"] * 4


class Recorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.params: list[dict[str, Any]] = []

    def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
        self.params.append(kwargs["invocation_params"])


ROUTED: dict[str, Any] = {
    "provider": {"order": ["google-vertex"], "allow_fallbacks": False},
    "models": ["google/gemini-2.5-pro"],
    "request_metadata": {"team": "search"},
    "reasoning_effort": "low",
    "plugins": [{"id": "file-parser"}],
    "temperature": 0.2,
}


def test_tracing_shows_the_routing_and_reasoning_options_that_are_sent(
    fake: FakeOpenRouter,
) -> None:
    recorder = Recorder()
    model = ChatOpenRouterGemini(api_key=KEY, **fake.clients(), **ROUTED)
    model.invoke("hi", config={"callbacks": [recorder]})
    model.invoke("hi", session_id="s-1", reasoning_effort="high", config={"callbacks": [recorder]})
    model_level, per_call = recorder.params
    for params, body in zip(recorder.params, fake.bodies, strict=True):
        for key in ("provider", "models", "metadata", "plugins", "reasoning", "temperature"):
            assert params[key] == body[key], key
        assert params["model"] == body["model"]
    assert model_level["reasoning"] == {"effort": "low"}
    assert per_call["session_id"] == "s-1" == fake.bodies[1]["session_id"]
    assert per_call["reasoning"] == {"effort": "high"}
    # Old callers read these keys from the invocation parameters.
    assert per_call["model_name"] == "google/gemini-2.5-flash"
    assert per_call["_type"] == "openrouter-gemini"


def test_tracing_never_raises_for_a_call_that_cannot_be_sent(fake: FakeOpenRouter) -> None:
    model = ChatOpenRouterGemini(api_key=KEY, **fake.clients())
    params = model._get_invocation_params(stop=None, temperature="hot", n=3)
    assert params["temperature"] == "hot"
    with pytest.raises(ValueError, match="temperature"):
        model.invoke("hi", temperature="hot")
    assert fake.requests == []


def test_identifying_params_show_what_the_settings_send(fake: FakeOpenRouter) -> None:
    model = ChatOpenRouterGemini(api_key=KEY, **fake.clients(), **ROUTED)
    params = model._identifying_params
    assert params["reasoning"] == {"effort": "low"}
    assert params["provider"] == {"order": ["google-vertex"], "allow_fallbacks": False}
    assert params["metadata"] == {"team": "search"}


def test_the_body_is_built_from_settings_not_from_the_model() -> None:
    model = ChatOpenRouterGemini(api_key=KEY, **ROUTED)
    settings = RequestSettings.from_fields(ChatOpenRouterGemini, model.__dict__)
    messages = [HumanMessage("hi")]
    assert build_request_body(settings, messages) == model._get_request_payload(messages)
    with pytest.raises(AttributeError):
        settings.model = "google/gemini-2.5-pro"  # type: ignore[misc]


def test_one_table_of_option_names() -> None:
    assert set(OPTION_FIELDS.values()) == set(OPTION_KEYS) - {"reasoning"}
    assert set(OPTION_FIELDS) <= set(ChatOpenRouterGemini.model_fields)


def _sent(model: ChatOpenRouterGemini) -> dict[str, Any]:
    return model._get_request_payload("hi")


def test_setting_a_field_is_seen_by_the_next_request() -> None:
    model = ChatOpenRouterGemini(api_key=KEY, temperature=0.1)
    assert _sent(model)["temperature"] == 0.1
    model.temperature = 0.7
    model.provider = {"only": ["google-ai-studio"]}
    assert _sent(model)["temperature"] == 0.7
    assert _sent(model)["provider"] == {"only": ["google-ai-studio"]}
    assert model._get_invocation_params()["provider"] == {"only": ["google-ai-studio"]}


@pytest.mark.parametrize("deep", [False, True])
def test_a_copy_with_updates_never_sends_the_originals_settings(deep: bool) -> None:
    original = ChatOpenRouterGemini(api_key=KEY, temperature=0.1, models=["a/b"])
    _sent(original)  # the original's settings are built
    changed = original.model_copy(
        update={"temperature": 0.9, "models": ["c/d"], "model_name": "google/gemini-2.5-pro"},
        deep=deep,
    )
    body = _sent(changed)
    assert (body["temperature"], body["models"], body["model"]) == (
        0.9,
        ["c/d"],
        "google/gemini-2.5-pro",
    )
    assert _sent(original)["temperature"] == 0.1
    shallow = copy.copy(original).model_copy(update={"top_k": 3})
    assert _sent(shallow)["top_k"] == 3


def test_a_field_changed_in_place_is_sent_as_it_is_now() -> None:
    model = ChatOpenRouterGemini(api_key=KEY, provider={"order": ["google-vertex"]})
    _sent(model)
    model.model_kwargs["top_level_field"] = 1
    assert model.provider is not None and not isinstance(model.provider, dict)
    model.provider.order = ["google-ai-studio"]
    body = _sent(model)
    assert body["top_level_field"] == 1
    assert body["provider"] == {"order": ["google-ai-studio"]}
    assert model._get_invocation_params()["provider"] == {"order": ["google-ai-studio"]}


def test_a_pickled_model_sends_what_the_original_sends() -> None:
    model = ChatOpenRouterGemini(api_key=KEY, temperature=0.3, reasoning_effort="low")
    _sent(model)
    restored = pickle.loads(pickle.dumps(model))
    assert _sent(restored) == _sent(model)
    restored.temperature = 0.8
    assert _sent(restored)["temperature"] == 0.8


def test_a_subclass_validator_that_sets_a_field_is_seen() -> None:
    from pydantic import model_validator

    class Cold(ChatOpenRouterGemini):
        @model_validator(mode="after")
        def _cold(self) -> Cold:
            self.temperature = 0.0
            return self

    model = Cold(api_key=KEY, temperature=1.0)
    assert _sent(model)["temperature"] == 0.0
    assert isinstance(model, BaseModel)
