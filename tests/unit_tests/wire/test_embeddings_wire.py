"""Properties of the embeddings reply parser: order restored, and junk is a typed error."""

from __future__ import annotations

import base64
import struct
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from langchain_openrouter_gemini.errors import OpenRouterError
from langchain_openrouter_gemini.wire.embeddings import (
    EmbeddingUsage,
    embeddings_body,
    parse_embeddings,
)
from tests.reliability.test_parser_properties import FUZZ

finite = st.floats(allow_nan=False, allow_infinity=False, width=32)


@st.composite
def shuffled_reply(draw: st.DrawFn) -> tuple[list[list[float]], dict[str, Any]]:
    size = draw(st.integers(1, 8))
    count = draw(st.integers(1, 12))
    vectors = [draw(st.lists(finite, min_size=size, max_size=size)) for _ in range(count)]
    order = draw(st.permutations(range(count)))
    as_base64 = draw(st.booleans())
    data = []
    for index in order:
        embedding: Any = vectors[index]
        if as_base64:
            embedding = base64.b64encode(struct.pack(f"<{size}f", *embedding)).decode()
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    return vectors, {"object": "list", "model": "google/gemini-embedding-001", "data": data}


@FUZZ
@given(shuffled_reply())
def test_vectors_come_back_in_input_order_whatever_the_order_of_data(
    case: tuple[list[list[float]], dict[str, Any]],
) -> None:
    vectors, reply = case
    parsed, usage = parse_embeddings(reply, expected=len(vectors))
    assert parsed == [[float(v) for v in vector] for vector in vectors]
    assert usage == EmbeddingUsage(cost=None, requests=1, model="google/gemini-embedding-001")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
item = st.fixed_dictionaries(
    {},
    optional={
        "object": st.just("embedding") | json_values,
        "index": st.integers(-2, 4) | json_values,
        "embedding": st.lists(st.floats() | json_values, max_size=4) | json_values,
    },
)


@FUZZ
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "data": st.lists(item | json_values, max_size=5) | json_values,
            "usage": json_values,
            "error": json_values,
            "model": json_values,
        },
    ),
    st.integers(1, 4),
    st.none() | st.integers(1, 4),
)
def test_any_reply_gives_complete_vectors_or_a_typed_error(
    reply: dict[str, Any], expected: int, dimensions: int | None
) -> None:
    try:
        vectors, usage = parse_embeddings(reply, expected=expected, dimensions=dimensions)
    except OpenRouterError:
        return
    assert len(vectors) == expected
    assert all(vector and all(isinstance(v, float) for v in vector) for vector in vectors)
    assert len({len(vector) for vector in vectors}) == 1
    assert dimensions is None or len(vectors[0]) == dimensions
    assert isinstance(usage.prompt_tokens, int) and isinstance(usage.total_tokens, int)
    assert usage.cost is None or isinstance(usage.cost, float)


def test_usage_reads_tokens_and_cost_and_sums_with_unknown_cost_sticking() -> None:
    reply = {
        "object": "list",
        "model": "google/gemini-embedding-001",
        "data": [{"object": "embedding", "index": 0, "embedding": [1.0]}],
        "usage": {"prompt_tokens": 7, "total_tokens": 7, "cost": 1.05e-6},
    }
    _, first = parse_embeddings(reply, expected=1)
    assert first == EmbeddingUsage(7, 7, 1.05e-6, 1, "google/gemini-embedding-001")
    _, second = parse_embeddings({**reply, "usage": {"prompt_tokens": 2}}, expected=1)
    assert second.cost is None and second.total_tokens == 2
    total = first + second
    assert (total.prompt_tokens, total.requests, total.cost) == (9, 2, None)


def test_body_leaves_out_unset_options() -> None:
    body = embeddings_body("m", ("a", "b"), {"dimensions": 768, "input_type": None})
    assert body == {"model": "m", "input": ["a", "b"], "dimensions": 768}
