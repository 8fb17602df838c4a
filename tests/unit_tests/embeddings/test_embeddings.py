"""`OpenRouterGeminiEmbeddings` against an in-memory OpenRouter: wire format, batching, errors."""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import random
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from langchain_core.load import dumpd, dumps, load

from langchain_openrouter_gemini import (
    ChatOpenRouterGemini,
    OpenRouterGeminiEmbeddings,
    init_embeddings,
)
from langchain_openrouter_gemini import errors as e
from langchain_openrouter_gemini.usage.callbacks import get_openrouter_callback
from tests.unit_tests.fake_transport import FakeOpenRouter

KEY = "sk-or-v1-embeddings-0123456789abcdef0123456789"
Reply = Callable[[dict[str, Any]], httpx2.Response]


def vector(text: str, size: int = 4) -> list[float]:
    """A distinct, recognisable vector per text: its length, then its position markers."""
    seed = sum(map(ord, text))
    return [float(len(text))] + [seed + i / 10 for i in range(1, size)]


def ok(
    body: dict[str, Any], *, shuffle: bool = False, cost: float | None = 2e-7
) -> httpx2.Response:
    texts = body["input"]
    size = body.get("dimensions") or 4
    data = [
        {"object": "embedding", "embedding": vector(t, size), "index": i}
        for i, t in enumerate(texts)
    ]
    if shuffle:
        random.Random(len(texts)).shuffle(data)
    usage: dict[str, Any] = {"prompt_tokens": 3 * len(texts), "total_tokens": 3 * len(texts)}
    if cost is not None:
        usage["cost"] = cost * len(texts)
    payload = {
        "object": "list",
        "data": data,
        "model": body["model"],
        "id": "gen-emb-1",
        "usage": usage,
    }
    # OpenRouter pads JSON bodies while it waits for the upstream.
    return httpx2.Response(200, content=b"\n  \n" + json.dumps(payload).encode())


class FakeEmbeddings:
    """Records every request; answers with `reply(body)` (well-formed by default)."""

    def __init__(self, reply: Reply | None = None) -> None:
        self.requests: list[httpx2.Request] = []
        self.reply: Reply = reply or ok

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return self.reply(json.loads(request.content))

    def model(self, **kwargs: Any) -> OpenRouterGeminiEmbeddings:
        transport = httpx2.MockTransport(self.handler)
        settings: dict[str, Any] = {
            "api_key": KEY,
            "base_url": "https://openrouter.test/api/v1",
            "http_client": httpx2.Client(transport=transport),
            "http_async_client": httpx2.AsyncClient(transport=transport),
            **kwargs,
        }
        return OpenRouterGeminiEmbeddings(**settings)


@pytest.fixture
def fake() -> FakeEmbeddings:
    return FakeEmbeddings()


# --- Wire format ---------------------------------------------------------------------------


def test_documents_request_body_path_and_headers(fake: FakeEmbeddings) -> None:
    model = fake.model(
        dimensions=768,
        document_input_type="search_document",
        query_input_type="search_query",
        provider={"order": ["google-vertex"], "allow_fallbacks": False},
        user="user-42",
        app_url="https://app.example",
        app_title="My App",
        app_categories=["cli-agent"],
        default_headers={"X-Custom": "1"},
    )
    vectors = model.embed_documents(["Oslo is in Norway.", "Lima is in Peru."])
    assert len(vectors) == 2 and all(len(v) == 768 for v in vectors)
    request = fake.requests[0]
    assert request.method == "POST"
    assert str(request.url) == "https://openrouter.test/api/v1/embeddings"
    assert fake.bodies[0] == {
        "model": "google/gemini-embedding-001",
        "input": ["Oslo is in Norway.", "Lima is in Peru."],
        "dimensions": 768,
        "input_type": "search_document",
        "provider": {"order": ["google-vertex"], "allow_fallbacks": False},
        "user": "user-42",
    }
    headers = request.headers
    assert headers["authorization"] == f"Bearer {KEY}"
    assert headers["content-type"] == "application/json"
    assert headers["http-referer"] == "https://app.example"
    assert headers["x-title"] == headers["x-openrouter-title"] == "My App"
    assert headers["x-openrouter-categories"] == "cli-agent"
    assert headers["x-custom"] == "1"
    assert headers["user-agent"].startswith("langchain-openrouter-gemini/")


def test_query_sends_the_query_input_type_and_returns_one_vector(fake: FakeEmbeddings) -> None:
    model = fake.model(query_input_type="search_query", document_input_type="search_document")
    assert model.embed_query("Which city is in Norway?") == vector("Which city is in Norway?")
    assert fake.bodies[0]["input"] == ["Which city is in Norway?"]
    assert fake.bodies[0]["input_type"] == "search_query"


def test_unset_options_are_not_sent(fake: FakeEmbeddings) -> None:
    fake.model().embed_documents(["a b"])
    assert fake.bodies[0] == {"model": "google/gemini-embedding-001", "input": ["a b"]}


def test_base64_vectors_are_decoded() -> None:
    import base64
    import struct

    values = [0.25, -0.5, 1.0]

    def reply(body: dict[str, Any]) -> httpx2.Response:
        packed = base64.b64encode(struct.pack("<3f", *values)).decode()
        data = [{"object": "embedding", "embedding": packed, "index": 0}]
        return httpx2.Response(200, json={"object": "list", "data": data, "model": "m"})

    fake = FakeEmbeddings(reply)
    assert fake.model(encoding_format="base64").embed_query("x") == values
    assert fake.bodies[0]["encoding_format"] == "base64"


# --- Batching and order --------------------------------------------------------------------


def test_empty_list_returns_empty_and_sends_nothing(fake: FakeEmbeddings) -> None:
    model = fake.model()
    assert model.embed_documents([]) == []
    assert asyncio.run(model.aembed_documents([])) == []
    assert fake.requests == []


def test_long_lists_are_split_by_chunk_size_and_joined_in_order(fake: FakeEmbeddings) -> None:
    texts = [f"text number {i}" for i in range(250)]
    vectors = fake.model(chunk_size=100).embed_documents(texts)
    assert [len(body["input"]) for body in fake.bodies] == [100, 100, 50]
    assert vectors == [vector(t) for t in texts]


def test_default_chunk_size_is_googles_batch_limit(fake: FakeEmbeddings) -> None:
    fake.model().embed_documents([f"t{i}" for i in range(101)])
    assert [len(body["input"]) for body in fake.bodies] == [100, 1]


@pytest.mark.parametrize("run", ["sync", "async"])
def test_results_follow_input_order_whatever_order_data_comes_in(run: str) -> None:
    fake = FakeEmbeddings(lambda body: ok(body, shuffle=True))
    texts = [f"document {i} " + "x" * i for i in range(7)]
    model = fake.model(chunk_size=3)
    if run == "sync":
        vectors = model.embed_documents(texts)
    else:
        vectors = asyncio.run(model.aembed_documents(texts))
    assert vectors == [vector(t) for t in texts]


def test_replies_without_any_index_are_taken_in_list_order() -> None:
    def reply(body: dict[str, Any]) -> httpx2.Response:
        data = [{"object": "embedding", "embedding": vector(t)} for t in body["input"]]
        return httpx2.Response(200, json={"object": "list", "data": data, "model": "m"})

    texts = ["one", "two", "three"]
    assert FakeEmbeddings(reply).model().embed_documents(texts) == [vector(t) for t in texts]


async def test_async_batches_run_concurrently_but_never_more_than_max_concurrency() -> None:
    in_flight = 0
    peak = 0
    seen: list[list[str]] = []

    async def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal in_flight, peak
        body = json.loads(request.content)
        seen.append(body["input"])
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        return ok(body)

    transport = httpx2.MockTransport(handler)
    model = OpenRouterGeminiEmbeddings(
        api_key=KEY,
        chunk_size=2,
        max_concurrency=3,
        http_async_client=httpx2.AsyncClient(transport=transport),
    )
    texts = [f"t{i}" for i in range(20)]
    assert await model.aembed_documents(texts) == [vector(t) for t in texts]
    assert len(seen) == 10
    assert peak == 3


async def test_a_failed_async_batch_stops_the_ones_still_waiting() -> None:
    sent: list[list[str]] = []

    async def handler(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        sent.append(body["input"])
        await asyncio.sleep(0.01)
        if len(sent) == 1:
            return httpx2.Response(400, json={"error": {"code": 400, "message": "bad input"}})
        return ok(body)

    transport = httpx2.MockTransport(handler)
    model = OpenRouterGeminiEmbeddings(
        api_key=KEY,
        chunk_size=1,
        max_concurrency=1,
        max_retries=0,
        http_async_client=httpx2.AsyncClient(transport=transport),
    )
    with pytest.raises(e.OpenRouterBadRequestError):
        await model.aembed_documents([f"t{i}" for i in range(10)])
    assert len(sent) < 10


# --- Checks before sending -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"dimensions": 0}, "positive whole number"),
        ({"dimensions": -768}, "positive whole number"),
        ({"dimensions": True}, "positive whole number"),
        ({"dimensions": 4096}, "recommends 768, 1536, 3072"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"dimension": 768}, "did you mean 'dimensions'?"),
        ({"model": "  "}, "empty or contains spaces"),
    ],
)
def test_bad_settings_are_refused_at_construction(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValueError, match=None) as info:
        OpenRouterGeminiEmbeddings(api_key=KEY, **kwargs)
    assert fragment in str(info.value)
    assert KEY not in str(info.value)


def test_missing_key_names_the_variable_and_the_class(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    with pytest.raises(ValueError, match="OPENROUTER_API_KEY") as info:
        OpenRouterGeminiEmbeddings()
    assert "OpenRouterGeminiEmbeddings" in str(info.value)


def test_environment_supplies_key_base_url_and_attribution(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", KEY)
    monkeypatch.setenv("OPENROUTER_API_BASE", "https://proxy.example/api/v1/")
    monkeypatch.setenv("OPENROUTER_APP_TITLE", "Env App")
    model = OpenRouterGeminiEmbeddings()
    assert model.openai_api_key is not None and model.openai_api_key.get_secret_value() == KEY
    assert model.openai_api_base == "https://proxy.example/api/v1"
    assert model.app_title == "Env App"


def test_langchain_openrouter_spellings_are_accepted(fake: FakeEmbeddings) -> None:
    model = fake.model(site_url="https://app.example", app_name="Named")
    assert (model.app_url, model.app_title) == ("https://app.example", "Named")


@pytest.mark.parametrize(
    ("texts", "error", "fragment"),
    [
        (["fine", ""], ValueError, "texts[1] is empty"),
        (["fine", "   "], ValueError, "texts[1] is empty"),
        (["fine", 3], TypeError, "texts[1] is int"),
        ("a single string", TypeError, "wrap it in a list"),
    ],
)
def test_bad_texts_are_refused_before_any_request(
    fake: FakeEmbeddings, texts: Any, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error) as info:
        fake.model().embed_documents(texts)
    assert fragment in str(info.value)
    assert fake.requests == []


# --- Malformed replies ---------------------------------------------------------------------


def _data(*items: dict[str, Any]) -> Reply:
    def reply(body: dict[str, Any]) -> httpx2.Response:
        return httpx2.Response(200, json={"object": "list", "data": list(items), "model": "m"})

    return reply


def _item(index: Any, embedding: Any) -> dict[str, Any]:
    return {"object": "embedding", "index": index, "embedding": embedding}


@pytest.mark.parametrize(
    ("reply", "fragment"),
    [
        (_data(_item(0, [1.0, 2.0])), "1 embedding(s) for 2 input(s)"),
        (_data(_item(0, [1.0]), _item(1, [1.0]), _item(2, [1.0])), "3 embedding(s) for 2"),
        (_data(_item(0, [1.0, 2.0]), {"object": "embedding", "embedding": [1.0, 2.0]}), "index"),
        (_data(_item(0, [1.0, 2.0]), _item(0, [3.0, 4.0])), "index 0 twice"),
        (_data(_item(0, [1.0, 2.0]), _item(5, [3.0, 4.0])), "index 5"),
        (_data(_item(0, [1.0, "2"]), _item(1, [3.0, 4.0])), "not a number"),
        (_data(_item(0, [1.0, None]), _item(1, [3.0, 4.0])), "not a number"),
        (_data(_item(0, [1.0, True]), _item(1, [3.0, 4.0])), "not a number"),
        (_data(_item(0, []), _item(1, [3.0, 4.0])), "no vector"),
        (_data(_item(0, "%%%"), _item(1, [3.0, 4.0])), "not base64"),
        (_data(_item(0, [1.0, 2.0]), _item(1, [3.0])), "differing lengths"),
        (lambda body: httpx2.Response(200, json={"object": "list", "model": "m"}), "no `data`"),
        (lambda body: httpx2.Response(200, content=b"\n\n"), "empty body"),
        (lambda body: httpx2.Response(200, content=b'{"object": "li'), "not JSON"),
    ],
)
def test_malformed_replies_raise_typed_errors(reply: Reply, fragment: str) -> None:
    with pytest.raises(e.OpenRouterMalformedResponseError) as info:
        FakeEmbeddings(reply).model(max_retries=0).embed_documents(["first", "second"])
    assert fragment in str(info.value)


def test_non_finite_values_are_refused() -> None:
    def reply(body: dict[str, Any]) -> httpx2.Response:
        text = '{"object":"list","model":"m","data":[{"object":"embedding","index":0,"embedding":[1.0,NaN]}]}'
        return httpx2.Response(200, content=text.encode())

    with pytest.raises(e.OpenRouterMalformedResponseError, match="not a finite number"):
        FakeEmbeddings(reply).model().embed_query("x")


def test_a_vector_of_another_length_than_asked_is_an_error() -> None:
    fake = FakeEmbeddings(lambda body: ok({**body, "dimensions": 3072}))
    with pytest.raises(e.OpenRouterMalformedResponseError, match="not the 768 asked for"):
        fake.model(dimensions=768).embed_query("x")


def test_an_error_inside_a_200_reply_is_raised_typed() -> None:
    def reply(body: dict[str, Any]) -> httpx2.Response:
        error = {"code": 429, "message": "Rate limit exceeded upstream"}
        return httpx2.Response(200, json={"error": error})

    with pytest.raises(e.OpenRouterRateLimitError):
        FakeEmbeddings(reply).model().embed_query("x")


# --- HTTP errors and retries ---------------------------------------------------------------


def _scripted(*statuses: int) -> FakeEmbeddings:
    queue = list(statuses)

    def reply(body: dict[str, Any]) -> httpx2.Response:
        if queue:
            status = queue.pop(0)
            error = {"code": status, "message": f"status {status}"}
            return httpx2.Response(status, json={"error": error}, headers={"retry-after-ms": "5"})
        return ok(body)

    return FakeEmbeddings(reply)


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_transient_errors_are_retried_with_the_shared_policy(status: int) -> None:
    fake = _scripted(status)
    assert fake.model().embed_query("x") == vector("x")
    assert len(fake.requests) == 2


async def test_async_retries_too() -> None:
    fake = _scripted(503, 503)
    assert await fake.model().aembed_query("x") == vector("x")
    assert len(fake.requests) == 3


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, e.OpenRouterBadRequestError),
        (401, e.OpenRouterAuthenticationError),
        (402, e.OpenRouterInsufficientCreditsError),
        (404, e.OpenRouterModelNotFoundError),
    ],
)
def test_client_errors_are_typed_and_not_retried(status: int, error: type[Exception]) -> None:
    fake = _scripted(status, status)
    with pytest.raises(error):
        fake.model().embed_query("x")
    assert len(fake.requests) == 1


def test_max_retries_zero_gives_up_at_once() -> None:
    fake = _scripted(429)
    with pytest.raises(e.OpenRouterRateLimitError):
        fake.model(max_retries=0).embed_query("x")
    assert len(fake.requests) == 1


# --- Usage and cost ------------------------------------------------------------------------


def test_embed_with_usage_sums_tokens_and_cost_over_requests(fake: FakeEmbeddings) -> None:
    result = fake.model(chunk_size=2).embed_with_usage(["a", "b", "c"])
    assert result.vectors == [vector(t) for t in "abc"]
    assert (result.usage.prompt_tokens, result.usage.total_tokens) == (9, 9)
    assert result.usage.cost == pytest.approx(6e-7)
    assert result.usage.requests == 2
    assert result.usage.model == "google/gemini-embedding-001"


def test_a_reply_without_cost_makes_the_cost_unknown_not_zero() -> None:
    calls = 0

    def reply(body: dict[str, Any]) -> httpx2.Response:
        nonlocal calls
        calls += 1
        return ok(body, cost=None if calls == 2 else 2e-7)

    result = FakeEmbeddings(reply).model(chunk_size=1).embed_with_usage(["a", "b"])
    assert result.usage.cost is None
    assert result.usage.prompt_tokens == 6


async def test_async_usage_matches_sync(fake: FakeEmbeddings) -> None:
    model = fake.model(chunk_size=2)
    sync = model.embed_with_usage(["a", "b", "c"])
    assert await model.aembed_with_usage(["a", "b", "c"]) == sync


def test_usage_callback_counts_embeddings_alongside_chat(fake: FakeEmbeddings) -> None:
    chat_fake = FakeOpenRouter()
    chat = ChatOpenRouterGemini(api_key=KEY, **chat_fake.clients())
    embeddings = fake.model(chunk_size=2)
    with get_openrouter_callback() as outer:
        with get_openrouter_callback() as usage:
            embeddings.embed_documents(["a", "b", "c"])
        chat.invoke("hi")
    assert usage.successful_requests == 2
    assert usage.prompt_tokens == usage.total_tokens == 9
    assert usage.completion_tokens == 0
    assert usage.total_cost == pytest.approx(6e-7)
    assert outer.successful_requests == 3
    assert outer.prompt_tokens > 9


async def test_usage_callback_counts_async_embeddings(fake: FakeEmbeddings) -> None:
    with get_openrouter_callback() as usage:
        await fake.model().aembed_query("hello")
    assert (usage.successful_requests, usage.prompt_tokens) == (1, 3)


def test_usage_callback_marks_unpriced_embeddings() -> None:
    fake = FakeEmbeddings(lambda body: ok(body, cost=None))
    with get_openrouter_callback() as usage:
        fake.model(model="vendor/unknown-embedder").embed_query("x")
    assert usage.unpriced_requests == 1 and usage.total_cost == 0


# --- Secrets -------------------------------------------------------------------------------


def test_the_key_is_in_no_repr_dump_or_serialization(fake: FakeEmbeddings) -> None:
    model = fake.model()
    model.embed_query("x")
    for text in (
        repr(model),
        str(model),
        model.model_dump_json(),
        json.dumps(model.model_dump(), default=str),
        dumps(model),
        repr(model._clients),
    ):
        assert KEY not in text
    assert dumpd(model)["kwargs"]["openai_api_key"] == {
        "lc": 1,
        "type": "secret",
        "id": ["OPENROUTER_API_KEY"],
    }


def test_the_key_is_in_no_error_or_log_even_when_the_server_echoes_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue = [429]

    def reply(body: dict[str, Any]) -> httpx2.Response:
        status = queue.pop(0) if queue else 401
        error = {"code": status, "message": f"Key {KEY} is not valid", "metadata": {"raw": KEY}}
        return httpx2.Response(status, json={"error": error}, headers={"retry-after-ms": "1"})

    caplog.set_level(logging.DEBUG)
    with pytest.raises(e.OpenRouterAuthenticationError) as info:
        FakeEmbeddings(reply).model().embed_query("x")
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    assert KEY not in json.dumps(info.value.metadata, default=str)
    assert KEY not in caplog.text


# --- Serialization, pickling, model strings ------------------------------------------------


def test_dumpd_load_round_trip() -> None:
    model = OpenRouterGeminiEmbeddings(api_key=KEY, dimensions=1536, app_title="T", chunk_size=10)
    restored = load(
        dumpd(model),
        secrets_map={"OPENROUTER_API_KEY": KEY},
        valid_namespaces=["langchain_openrouter_gemini"],
        allowed_objects=[OpenRouterGeminiEmbeddings],
    )
    assert isinstance(restored, OpenRouterGeminiEmbeddings)
    assert (restored.dimensions, restored.app_title, restored.chunk_size) == (1536, "T", 10)


def test_pickles_after_use_and_works_in_the_copy(fake: FakeEmbeddings) -> None:
    model = OpenRouterGeminiEmbeddings(api_key=KEY, dimensions=768)
    model._sync_client()
    copy = pickle.loads(pickle.dumps(model))
    assert copy.dimensions == 768 and copy._clients.empty
    assert copy.openai_api_key is not None and copy.openai_api_key.get_secret_value() == KEY


def test_init_embeddings_reads_the_model_string(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", KEY)
    model = init_embeddings(
        "openrouter:google/gemini-embedding-001?dimensions=768&chunk_size=50&encoding_format=base64"
    )
    assert (model.model, model.dimensions, model.chunk_size, model.encoding_format) == (
        "google/gemini-embedding-001",
        768,
        50,
        "base64",
    )
    assert init_embeddings("gemini-embedding-001", dimensions=1536).dimensions == 1536
    assert init_embeddings().model == "google/gemini-embedding-001"
    # Keyword arguments win over the string.
    assert (
        init_embeddings(
            "openrouter:gemini-embedding-001?dimensions=768", dimensions=3072
        ).dimensions
        == 3072
    )


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("openai:text-embedding-3-small", "names provider 'openai'"),
        ("openrouter:google/gemini-embedding-001?temperature=0", "unknown parameter 'temperature'"),
        ("openrouter:google/gemini-embedding-001?dimensions=big", "bad value 'big'"),
        ("openrouter:google/gemini-embedding-001?encoding_format=int8", "float or base64"),
        ("openrouter:google/gemini-embedding-001?api_key=sk-or-leak", "carries an API key"),
        ("", "is empty"),
    ],
)
def test_init_embeddings_errors_like_init_chat_model(
    monkeypatch: pytest.MonkeyPatch, spec: str, fragment: str
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", KEY)
    with pytest.raises(ValueError) as info:
        init_embeddings(spec)
    assert fragment in str(info.value)
    assert "sk-or-leak" not in str(info.value)


# --- Over a real socket --------------------------------------------------------------------


def test_a_server_that_never_answers_is_our_typed_timeout() -> None:
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)  # accepts connections, never replies
        port = server.getsockname()[1]
        model = OpenRouterGeminiEmbeddings(
            api_key=KEY, base_url=f"http://127.0.0.1:{port}/api/v1", timeout=0.3, max_retries=0
        )
        with pytest.raises(e.OpenRouterClientTimeoutError) as info:
            model.embed_query("x")
    assert KEY not in str(info.value)
