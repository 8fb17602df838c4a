"""ChatOpenRouterGemini: settings, headers, request bodies, metadata, secrets."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from langchain_core.load import dumpd, dumps, load
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_openrouter_gemini import ChatOpenRouterGemini
from tests.unit_tests.fake_transport import FakeOpenRouter
from tests.unit_tests.models import chat_model

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"


@pytest.fixture
def fake() -> FakeOpenRouter:
    return FakeOpenRouter()


def make(fake: FakeOpenRouter, **kwargs: Any) -> ChatOpenRouterGemini:
    return chat_model(fake, api_key=KEY, **kwargs)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "OPENROUTER_BASE_URL",
        "OPENROUTER_API_BASE",
        "OPENROUTER_APP_URL",
        "OPENROUTER_APP_TITLE",
    ):
        monkeypatch.delenv(name, raising=False)
    model = ChatOpenRouterGemini(api_key=KEY)
    assert model.model_name == "google/gemini-2.5-flash"
    assert model.openai_api_base == "https://openrouter.ai/api/v1"
    assert model._headers() == {}  # never credit someone else's app


@pytest.mark.parametrize("env", ["OPENROUTER_BASE_URL", "OPENROUTER_API_BASE"])
def test_base_url_from_env(monkeypatch: pytest.MonkeyPatch, env: str) -> None:
    monkeypatch.setenv(env, "http://127.0.0.1:9/api/v1/")
    assert ChatOpenRouterGemini(api_key=KEY).openai_api_base == "http://127.0.0.1:9/api/v1"


def test_missing_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-must-not-be-used")
    with pytest.raises(ValueError, match="OPENROUTER_API_KEY"):
        ChatOpenRouterGemini()


def test_key_from_env_never_openai_key(
    monkeypatch: pytest.MonkeyPatch, fake: FakeOpenRouter
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-must-not-be-used")
    ChatOpenRouterGemini(**fake.clients()).invoke("hi")
    assert fake.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_attribution_headers_and_user_headers_win(fake: FakeOpenRouter) -> None:
    model = make(
        fake,
        site_url="https://app.example",
        app_name="My App",
        app_categories=["cli-agent", "programming-app"],
        default_headers={"X-Title": "Override"},
    )
    model.invoke("hi")
    headers = fake.requests[0].headers
    assert headers["http-referer"] == "https://app.example"
    assert headers["x-title"] == "Override"
    # The user's title replaces app_title under both names, or OpenRouter gets two titles.
    assert "x-openrouter-title" not in headers
    assert headers["x-openrouter-categories"] == "cli-agent,programming-app"


def test_attribution_from_env(monkeypatch: pytest.MonkeyPatch, fake: FakeOpenRouter) -> None:
    monkeypatch.setenv("OPENROUTER_APP_URL", "https://env.example")
    monkeypatch.setenv("OPENROUTER_APP_TITLE", "Env App")
    make(fake).invoke("hi")
    assert fake.requests[0].headers["http-referer"] == "https://env.example"
    assert fake.requests[0].headers["x-title"] == "Env App"


def test_always_chat_completions_with_openrouter_fields_in_body(fake: FakeOpenRouter) -> None:
    model = make(
        fake,
        temperature=0.2,
        max_tokens=50,
        top_p=0.9,
        top_k=40,
        seed=7,
        frequency_penalty=0.1,
        presence_penalty=0.2,
        repetition_penalty=1.1,
        min_p=0.05,
        reasoning={"effort": "low"},
        include=["reasoning.encrypted_content"],
    )
    model.invoke([SystemMessage("sys"), HumanMessage("hi")], stop=["END"])
    assert fake.requests[0].url.path == "/api/v1/chat/completions"
    body = fake.bodies[0]
    assert body["model"] == "google/gemini-2.5-flash"
    assert body["messages"] == [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "hi"},
    ]
    expected = {
        "temperature": 0.2,
        "max_tokens": 50,
        "top_p": 0.9,
        "top_k": 40,
        "seed": 7,
        "frequency_penalty": 0.1,
        "presence_penalty": 0.2,
        "repetition_penalty": 1.1,
        "min_p": 0.05,
        "stop": ["END"],
        "reasoning": {"effort": "low"},
    }
    assert {k: body[k] for k in expected} == expected
    assert "stream_options" not in body


def test_per_call_values_win(fake: FakeOpenRouter) -> None:
    model = make(fake, temperature=0.2, top_k=3)
    model.bind(temperature=0.7).invoke("hi", top_k=9)
    assert (fake.bodies[0]["temperature"], fake.bodies[0]["top_k"]) == (0.7, 9)


def test_response_metadata_and_usage(fake: FakeOpenRouter) -> None:
    message = make(fake).invoke("hi")
    assert isinstance(message, AIMessage)
    assert message.content == "Hello!"
    meta = message.response_metadata
    assert meta["id"].startswith("gen-")
    assert meta["model_name"] == "google/gemini-2.5-flash"
    assert meta["model_provider"] == "openrouter"
    assert meta["provider"] == "Google AI Studio"
    assert (meta["finish_reason"], meta["native_finish_reason"]) == ("stop", "STOP")
    assert meta["created"] == 1770000000
    assert "system_fingerprint" in meta
    assert message.usage_metadata is not None
    assert (message.usage_metadata["input_tokens"], message.usage_metadata["output_tokens"]) == (
        61,
        18,
    )


async def test_async_batch_and_stream(fake: FakeOpenRouter) -> None:
    model = make(fake)
    results = await model.abatch(["a", "b", "c"])
    assert [r.content for r in results] == ["Hello!"] * 3
    pieces = [c.content async for c in model.astream("hi")]
    assert "".join(map(str, pieces)) == "Hello"
    assert fake.bodies[-1]["stream"] is True


def test_sync_stream_and_batch(fake: FakeOpenRouter) -> None:
    model = make(fake)
    assert [r.content for r in model.batch(["a", "b"])] == ["Hello!"] * 2
    chunks = list(model.stream("hi"))
    assert "".join(str(c.content) for c in chunks) == "Hello"
    assert chunks[-1].usage_metadata is not None


def test_langsmith_params(fake: FakeOpenRouter) -> None:
    params = make(fake, temperature=0.3)._get_ls_params()
    assert params["ls_provider"] == "openrouter"
    assert params["ls_model_name"] == "google/gemini-2.5-flash"
    assert params["ls_temperature"] == 0.3


def test_key_never_in_repr_str_or_serialized(fake: FakeOpenRouter) -> None:
    model = make(fake, app_title="T")
    for text in (repr(model), str(model), dumps(model), str(dumpd(model))):
        assert KEY not in text
    assert dumpd(model)["kwargs"]["openai_api_key"] == {
        "lc": 1,
        "type": "secret",
        "id": ["OPENROUTER_API_KEY"],
    }


def test_dumpd_load_round_trip() -> None:
    model = ChatOpenRouterGemini(
        api_key=KEY, model="google/gemini-2.5-pro", temperature=0.1, app_title="T", top_k=3
    )
    restored = load(
        dumpd(model),
        secrets_map={"OPENROUTER_API_KEY": KEY},
        valid_namespaces=["langchain_openrouter_gemini"],
        allowed_objects=[ChatOpenRouterGemini],
    )
    assert isinstance(restored, ChatOpenRouterGemini)
    assert (restored.model_name, restored.temperature, restored.app_title, restored.top_k) == (
        "google/gemini-2.5-pro",
        0.1,
        "T",
        3,
    )


def test_pickles_after_use_and_works_in_the_copy(fake: FakeOpenRouter) -> None:
    model = ChatOpenRouterGemini(api_key=KEY, temperature=0.4)
    model._sync_client()  # a live client must not block pickling
    copy = pickle.loads(pickle.dumps(model))
    assert copy.temperature == 0.4
    assert copy._clients.empty
    assert copy.openai_api_key is not None and copy.openai_api_key.get_secret_value() == KEY


def test_streaming_structured_output_yields_growing_partial_objects(fake: FakeOpenRouter) -> None:
    schema = {
        "title": "City",
        "type": "object",
        "properties": {"name": {"type": "string"}, "country": {"type": "string"}},
        "required": ["name", "country"],
    }
    fake.stream_pieces = ('{"name": "Os', 'lo", "coun', 'try": "Norway"}')
    partials = list(make(fake).with_structured_output(schema).stream("Oslo?"))
    assert partials[0] == {"name": "Os"}
    assert partials[-1] == {"name": "Oslo", "country": "Norway"}
    assert len(partials) >= 3
    assert fake.bodies[0]["response_format"]["json_schema"]["name"] == "City"
