"""OpenRouter `url_citation` annotations as LangChain v1 citations on `content_blocks`."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, AIMessageChunk

from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply
from langchain_openrouter_gemini.wire.response.chat import completion_to_result
from langchain_openrouter_gemini.wire.response.citations import citations_from_annotations
from tests.unit_tests.models import chat_model

ANSWER = "Gemini 3 Pro leads the board [1]. Flash is the cheapest [2]."
# Shapes as OpenRouter documents them for web search (Exa excerpts joined by [...]).
ANNOTATIONS = [
    {
        "type": "url_citation",
        "url_citation": {
            "url": "https://example.com/leaderboard",
            "title": "Leaderboard",
            "content": "First excerpt.\n[...]\nSecond excerpt.",
            "start_index": 0,
            "end_index": 33,
        },
    },
    {
        "type": "url_citation",
        "url_citation": {
            "url": "https://example.com/prices",
            "title": "Prices",
            "content": "Flash costs less.",
            "start_index": 34,
            "end_index": 60,
        },
    },
]
EXPECTED = [
    {
        "type": "citation",
        "url": "https://example.com/leaderboard",
        "title": "Leaderboard",
        "cited_text": "First excerpt.\n[...]\nSecond excerpt.",
        "start_index": 0,
        "end_index": 33,
    },
    {
        "type": "citation",
        "url": "https://example.com/prices",
        "title": "Prices",
        "cited_text": "Flash costs less.",
        "start_index": 34,
        "end_index": 60,
    },
]


def _text_block(message: AIMessage) -> dict[str, Any]:
    texts = [b for b in message.content_blocks if b["type"] == "text"]
    assert len(texts) == 1
    return dict(texts[0])


def test_invoke_puts_citations_on_the_text_block_and_keeps_the_raw_annotations(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    openrouter_emulator.enqueue(Reply.annotations(ANSWER, ANNOTATIONS))
    reply = chat_model(openrouter_emulator, web_search=True).invoke("Which Gemini is best?")
    assert reply.content == ANSWER  # content stays a string under the default output version
    block = _text_block(reply)
    assert block["text"] == ANSWER
    assert block["annotations"] == EXPECTED
    assert reply.response_metadata["annotations"] == ANNOTATIONS


def test_the_merged_stream_has_the_same_citations(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.enqueue(Reply.annotations(ANSWER, ANNOTATIONS))
    merged: AIMessageChunk | None = None
    for chunk in chat_model(openrouter_emulator, web_search=True).stream("Which Gemini is best?"):
        merged = chunk if merged is None else merged + chunk
    assert merged is not None
    assert _text_block(merged)["annotations"] == EXPECTED
    assert merged.response_metadata["annotations"] == ANNOTATIONS


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
def test_output_version_v1_content_carries_the_citations(
    openrouter_emulator: OpenRouterEmulator, stream: bool
) -> None:
    openrouter_emulator.enqueue(Reply.annotations(ANSWER, ANNOTATIONS))
    llm = chat_model(openrouter_emulator, web_search=True, output_version="v1")
    if stream:
        merged: Any = None
        for chunk in llm.stream("Which Gemini is best?"):
            merged = chunk if merged is None else merged + chunk
        message = merged
    else:
        message = llm.invoke("Which Gemini is best?")
    texts = [b for b in message.content if isinstance(b, dict) and b.get("type") == "text"]
    assert "".join(b["text"] for b in texts) == ANSWER
    found = [a for b in texts for a in b.get("annotations", [])]
    assert found == EXPECTED


def test_content_blocks_leave_the_message_content_unchanged() -> None:
    images = [{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]
    data = _completion(ANSWER, ANNOTATIONS, images=images)
    message = completion_to_result(data).generations[0].message
    before = copy.deepcopy(message.content)
    blocks = message.content_blocks
    assert message.content == before
    assert [b["type"] for b in blocks] == ["text", "image"]
    assert blocks[0].get("annotations") == EXPECTED


def test_a_reply_without_url_citations_gets_plain_blocks() -> None:
    file_annotation = {"type": "file", "file": {"hash": "abc", "name": "a.pdf", "content": []}}
    message = completion_to_result(_completion("Plain.", [file_annotation])).generations[0].message
    assert message.content_blocks == [{"type": "text", "text": "Plain."}]


def test_citations_survive_a_pickle_round_trip() -> None:
    message = completion_to_result(_completion(ANSWER, ANNOTATIONS)).generations[0].message
    restored = pickle.loads(pickle.dumps(message))
    assert _text_block(restored)["annotations"] == EXPECTED


def test_reasoning_still_shows_before_the_cited_text() -> None:
    data = _completion(ANSWER, ANNOTATIONS, reasoning="Searching first.")
    message = completion_to_result(data).generations[0].message
    kinds = [b["type"] for b in message.content_blocks]
    assert kinds == ["reasoning", "text"]


def test_responses_api_shape_and_partial_entries() -> None:
    flat = {"type": "url_citation", "url": "https://a.org", "title": "A"}
    no_url = {"type": "url_citation", "url_citation": {"title": "nothing to cite"}}
    bad_index = {
        "type": "url_citation",
        "url_citation": {"url": "https://b.org", "start_index": "3", "end_index": -1},
    }
    assert citations_from_annotations([flat, no_url, bad_index, "junk", None]) == [
        {"type": "citation", "url": "https://a.org", "title": "A"},
        {"type": "citation", "url": "https://b.org"},
    ]


def test_citations_rebase_onto_the_text_block_they_point_into() -> None:
    message = AIMessage(
        content=[{"type": "text", "text": "First part. "}, {"type": "text", "text": "Second."}],
        response_metadata={
            "model_provider": "openrouter",
            "annotations": [
                {"type": "url_citation", "url_citation": {"url": "https://x.org", "start_index": 12, "end_index": 19}}
            ],
        },
    )  # fmt: skip
    first, second = message.content_blocks
    assert "annotations" not in first
    assert second["annotations"] == [  # type: ignore[typeddict-item]
        {"type": "citation", "url": "https://x.org", "start_index": 0, "end_index": 7}
    ]


_scalars = st.none() | st.booleans() | st.integers(-5, 500) | st.text(max_size=8)
_fields = st.dictionaries(
    st.sampled_from(["url", "title", "content", "start_index", "end_index", "extra"]), _scalars
)
_entries = st.one_of(
    _scalars,
    st.fixed_dictionaries({"type": st.sampled_from(["url_citation", "file", 3])}).map(dict),
    st.builds(lambda f: {"type": "url_citation", "url_citation": f}, _fields),
    st.builds(lambda f: {"type": "url_citation", **f}, _fields),
)


@given(st.one_of(_scalars, st.lists(_entries, max_size=6)))
def test_any_annotations_list_reads_without_raising(annotations: Any) -> None:
    citations = citations_from_annotations(annotations)
    for citation in citations:
        assert citation["type"] == "citation"
        assert isinstance(citation["url"], str) and citation["url"]
        for key in ("start_index", "end_index"):
            value = citation.get(key)
            assert value is None or (type(value) is int and value >= 0)
        for key in ("title", "cited_text"):
            assert citation.get(key) is None or isinstance(citation.get(key), str)
    message = AIMessage(
        content="Some answer text.",
        response_metadata={"model_provider": "openrouter", "annotations": annotations},
    )
    blocks = message.content_blocks
    assert blocks[0]["type"] == "text"
    assert list(blocks[0].get("annotations", [])) == citations


def _completion(
    content: str,
    annotations: list[Any],
    *,
    images: list[Any] | None = None,
    reasoning: str | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content, "annotations": annotations}
    if images:
        message["images"] = images
    if reasoning:
        message["reasoning"] = reasoning
    return {
        "id": "gen-1770000000-Xq8vT2mN5pR7wK1yL3zA",
        "provider": "Google",
        "model": "google/gemini-3-flash-preview",
        "object": "chat.completion",
        "created": 1770000000,
        "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }
