"""What a wrong model id, a wrong base URL or LangChain's provider argument gets (issue 26).

Real library calls: against the bundled emulator where a server is involved (it keeps
OpenRouter's own 400, "<id> is not a valid model ID"), or through `error_from_response`
for replies only live OpenRouter or a foreign server sends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx2
import pytest

from langchain_openrouter_gemini import (
    ChatOpenRouterGemini,
    OpenRouterGeminiEmbeddings,
    init_chat_model,
    init_embeddings,
)
from langchain_openrouter_gemini import errors as e
from langchain_openrouter_gemini.testing import OpenRouterEmulator
from tests.unit_tests.models import chat_model


@pytest.fixture(scope="module")
def emulator() -> Iterator[OpenRouterEmulator]:
    with OpenRouterEmulator() as server:
        yield server


def _chat(emulator: OpenRouterEmulator, model: str, **kwargs: object) -> ChatOpenRouterGemini:
    return chat_model(emulator, model=model, **{"max_retries": 0, **kwargs})


def test_an_id_the_emulator_does_not_serve_says_how_to_serve_it(
    emulator: OpenRouterEmulator,
) -> None:
    with pytest.raises(e.OpenRouterBadRequestError) as caught:
        _chat(emulator, "openai/gpt-4o").invoke("hi")
    text = str(caught.value)
    assert "openai/gpt-4o is not a valid model ID" in text  # OpenRouter's own words, kept
    assert caught.value.message == "openai/gpt-4o is not a valid model ID"
    assert "emulator" in text
    assert "OpenRouterEmulator(models=['openai/gpt-4o'])" in text
    assert "--model openai/gpt-4o" in text


def test_a_misspelt_id_gets_did_you_mean(emulator: OpenRouterEmulator) -> None:
    with pytest.raises(e.OpenRouterBadRequestError) as caught:
        _chat(emulator, "gemini-2.5-flsh").invoke("hi")
    assert "Did you mean 'google/gemini-2.5-flash'?" in str(caught.value)
    with pytest.raises(e.OpenRouterBadRequestError) as embedding:
        OpenRouterGeminiEmbeddings(
            model="google/gemini-embeding-001",
            base_url=emulator.base_url,
            api_key="sk-or-test",
            max_retries=0,
        ).embed_query("hi")
    assert "Did you mean 'google/gemini-embedding-001'?" in str(embedding.value)


def test_live_openrouter_refusal_points_at_the_models_page() -> None:
    request = httpx2.Request("POST", "https://openrouter.ai/api/v1/chat/completions")
    reply = {"error": {"message": "google/gemini-9-ultra is not a valid model ID", "code": 400}}
    error = e.error_from_response(httpx2.Response(400, json=reply, request=request))
    assert "https://openrouter.ai/models" in str(error) and "emulator" not in str(error)


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (
            lambda: ChatOpenRouterGemini(model="gemini-embedding-001", api_key="sk-or-test"),
            "google/gemini-embedding-001 is an embedding model, not a chat model",
        ),
        (
            lambda: OpenRouterGeminiEmbeddings(model="gemini-2.5-flash", api_key="sk-or-test"),
            "google/gemini-2.5-flash is a chat model, not an embedding model",
        ),
    ],
)
def test_the_wrong_kind_of_model_is_named_before_any_request(build: object, words: str) -> None:
    with pytest.raises(ValueError, match=words) as caught:
        build()  # type: ignore[operator]
    assert "not a valid model ID" not in str(caught.value)


def test_the_wrong_kind_sent_anyway_is_named_by_the_refusal(emulator: OpenRouterEmulator) -> None:
    # `models=[...]` fallbacks are not checked up front; OpenRouter's refusal is explained.
    request = httpx2.Request("POST", emulator.base_url + "/embeddings")
    reply = httpx2.post(
        emulator.base_url + "/embeddings",
        json={"model": "google/gemini-2.5-flash", "input": ["hi"]},
        headers={"Authorization": "Bearer sk-or-test"},
    )
    assert reply.status_code == 400
    error = e.error_from_response(
        httpx2.Response(400, content=reply.content, headers=reply.headers, request=request)
    )
    assert "google/gemini-2.5-flash is a chat model, not an embedding model" in str(error)


def test_a_base_url_without_api_v1_is_named_not_reported_as_a_missing_model(
    emulator: OpenRouterEmulator,
) -> None:
    with pytest.raises(e.OpenRouterError) as caught:
        _chat(emulator, "gemini-2.5-flash", base_url=emulator.root_url).invoke("hi")
    text = str(caught.value)
    assert "does not end in /api/v1" in text and emulator.root_url in text
    assert "could not find" not in text and "model" not in text.split(":")[0]


def test_an_html_404_page_is_a_wrong_url_too() -> None:
    request = httpx2.Request("POST", "https://example.com/chat/completions")
    page = b"<!DOCTYPE html><html><head><title>404 Not Found</title></head></html>"
    error = e.error_from_response(httpx2.Response(404, content=page, request=request))
    assert "base URL https://example.com does not end in /api/v1" in str(error)
    assert "short outage" not in str(error)


def test_openrouters_own_404_still_names_the_model() -> None:
    request = httpx2.Request("POST", "https://openrouter.ai/api/v1/chat/completions")
    reply = {
        "error": {"message": "No endpoints found for google/gemini-2.5-flash:free.", "code": 404}
    }
    error = e.error_from_response(
        httpx2.Response(404, content=json.dumps(reply).encode(), request=request)
    )
    assert isinstance(error, e.OpenRouterModelNotFoundError)
    assert "could not find model 'google/gemini-2.5-flash:free'" in str(error)
    assert "/api/v1" not in str(error).split("Check")[0]


def test_the_emulator_names_itself_in_its_server_header(emulator: OpenRouterEmulator) -> None:
    from langchain_openrouter_gemini.errors.parsing import served_by_emulator

    reply = httpx2.get(emulator.base_url + "/models")
    assert served_by_emulator(reply.headers)
    assert not served_by_emulator({"Server": "cloudflare"})


def test_init_chat_model_takes_langchains_model_provider(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test")
    model = init_chat_model("gemini-2.5-flash", model_provider="openrouter")
    assert isinstance(model, ChatOpenRouterGemini)
    assert model.model_name == "google/gemini-2.5-flash"
    with pytest.raises(ValueError, match="model_provider may only be 'openrouter'") as caught:
        init_chat_model("gemini-2.5-flash", model_provider="openai")
    assert "from langchain.chat_models import init_chat_model" in str(caught.value)


def test_init_embeddings_takes_langchains_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test")
    embeddings = init_embeddings("google/gemini-embedding-001", provider="openrouter")
    assert embeddings.model == "google/gemini-embedding-001"
    with pytest.raises(ValueError, match="provider may only be 'openrouter'") as caught:
        init_embeddings("google/gemini-embedding-001", provider="cohere")
    assert "validation error" not in str(caught.value)
    # A mapping is still OpenRouter's routing preferences, the field of that name.
    routed = init_embeddings("google/gemini-embedding-001", provider={"order": ["google-vertex"]})
    assert routed.provider is not None and routed.provider.order == ["google-vertex"]
