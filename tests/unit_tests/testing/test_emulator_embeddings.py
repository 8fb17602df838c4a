"""The emulator's `POST /api/v1/embeddings` over real HTTP, and the model against it."""

from __future__ import annotations

import base64
import math
import struct
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from langchain_openrouter_gemini import OpenRouterGeminiEmbeddings, errors
from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply
from langchain_openrouter_gemini.testing.embeddings import embed_text

KEY = {"Authorization": "Bearer sk-or-test"}
MODEL = "google/gemini-embedding-001"


@pytest.fixture(scope="module")
def emu() -> Iterator[OpenRouterEmulator]:
    with OpenRouterEmulator() as emulator:
        yield emulator


def post(emu: OpenRouterEmulator, payload: Any, **headers: str) -> httpx.Response:
    return httpx.post(f"{emu.base_url}/embeddings", json=payload, headers={**KEY, **headers})


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_reply_has_openrouters_shape(emu: OpenRouterEmulator) -> None:
    response = post(emu, {"model": MODEL, "input": ["Oslo", "Lima is far"]})
    assert response.status_code == 200
    reply = response.json()
    assert reply["object"] == "list"
    assert reply["model"] == MODEL
    assert reply["id"].startswith("gen-")
    assert [item["object"] for item in reply["data"]] == ["embedding", "embedding"]
    assert [item["index"] for item in reply["data"]] == [0, 1]
    assert all(len(item["embedding"]) == 3072 for item in reply["data"])
    usage = reply["usage"]
    assert usage["prompt_tokens"] == usage["total_tokens"] > 0
    # $0.15 per million input tokens.
    assert usage["cost"] == pytest.approx(usage["prompt_tokens"] * 0.15e-6)


def test_a_single_string_input_is_one_embedding(emu: OpenRouterEmulator) -> None:
    reply = post(emu, {"model": MODEL, "input": "Oslo"}).json()
    assert len(reply["data"]) == 1


def test_vectors_are_unit_length_deterministic_and_honour_dimensions(
    emu: OpenRouterEmulator,
) -> None:
    first = post(emu, {"model": MODEL, "input": ["fjords of Norway"], "dimensions": 768}).json()
    again = post(emu, {"model": MODEL, "input": ["fjords of Norway"], "dimensions": 768}).json()
    vector = first["data"][0]["embedding"]
    assert len(vector) == 768
    assert vector == again["data"][0]["embedding"]
    assert math.isclose(math.sqrt(sum(v * v for v in vector)), 1.0, rel_tol=1e-9)
    # Matryoshka: a shorter vector is the longer one's prefix, renormalised.
    full = embed_text("fjords of Norway")
    assert cosine(vector, full[:768]) / math.sqrt(sum(v * v for v in full[:768])) > 0.999


def test_texts_that_share_words_land_closer(emu: OpenRouterEmulator) -> None:
    texts = [
        "Which city is the capital of Norway?",
        "Oslo is the capital city of Norway.",
        "Bananas are a yellow tropical fruit.",
    ]
    vectors = [
        item["embedding"] for item in post(emu, {"model": MODEL, "input": texts}).json()["data"]
    ]
    assert cosine(vectors[0], vectors[1]) > 0.5
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.4


def test_base64_encoding(emu: OpenRouterEmulator) -> None:
    reply = post(
        emu, {"model": MODEL, "input": ["x"], "dimensions": 4, "encoding_format": "base64"}
    ).json()
    packed = base64.b64decode(reply["data"][0]["embedding"])
    values = struct.unpack("<4f", packed)
    assert values == pytest.approx(embed_text("x", dimensions=4), abs=1e-6)


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"model": "google/gemini-embedding-999", "input": ["x"]}, "is not a valid model ID"),
        ({"input": ["x"]}, "`model` is required"),
        ({"model": MODEL, "input": []}, "non-empty list of strings"),
        ({"model": MODEL, "input": ["x", ""]}, "empty string"),
        ({"model": MODEL, "input": [1, 2]}, "non-empty list of strings"),
        ({"model": MODEL, "input": ["x"], "dimensions": 4000}, "from 1 to 3072"),
        ({"model": MODEL, "input": ["x"], "dimensions": 0}, "from 1 to 3072"),
        ({"model": MODEL, "input": ["x"], "encoding_format": "int8"}, "'float' or 'base64'"),
        ([1, 2], "JSON object"),
    ],
)
def test_bad_requests_get_openrouters_400(
    emu: OpenRouterEmulator, payload: Any, fragment: str
) -> None:
    response = post(emu, payload)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 400 and fragment in error["message"]


def test_no_key_is_a_401(emu: OpenRouterEmulator) -> None:
    response = httpx.post(f"{emu.base_url}/embeddings", json={"model": MODEL, "input": ["x"]})
    assert response.status_code == 401


def test_embedding_requests_leave_the_chat_script_alone(emu: OpenRouterEmulator) -> None:
    emu.reset()
    emu.enqueue(Reply.text("scripted for chat"))
    assert post(emu, {"model": MODEL, "input": ["x"]}).status_code == 200
    assert emu.pending == 1
    emu.reset()


def test_the_model_against_the_emulator_ranks_by_meaning(emu: OpenRouterEmulator) -> None:
    model = OpenRouterGeminiEmbeddings(api_key="sk-or-test", base_url=emu.base_url, dimensions=768)
    docs = ["Oslo is the capital of Norway.", "Lima is in Peru.", "Bananas are yellow."]
    vectors = model.embed_documents(docs)
    query = model.embed_query("Norway's capital city")
    scores = [cosine(query, vector) for vector in vectors]
    assert scores.index(max(scores)) == 0
    assert emu.requests[-1].path == "/api/v1/embeddings"


def test_an_unknown_model_surfaces_as_a_typed_error(emu: OpenRouterEmulator) -> None:
    model = OpenRouterGeminiEmbeddings(
        api_key="sk-or-test", base_url=emu.base_url, model="google/gemini-embedding-999"
    )
    with pytest.raises(errors.OpenRouterError) as info:
        model.embed_query("x")
    assert info.value.status_code == 400
    assert "google/gemini-embedding-999" in str(info.value)
