"""OpenRouter `url_citation` annotations as LangChain v1 citations on `content_blocks`.

Web search answers carry `message.annotations` entries such as `{"type": "url_citation",
"url_citation": {"url", "title", "content", "start_index", "end_index"}}` (the Responses API
shape, without the inner object, is read too). They stay as they came in
`response_metadata["annotations"]`; `content_blocks` shows each as
`{"type": "citation", "url", "title", "cited_text", "start_index", "end_index"}` on the text
block it points into. `content` is the text of the search result the answer cites, LangChain's
`cited_text`; the indices are character offsets into the answer, LangChain's too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.messages import content as types

__all__ = ["citations_from_annotations", "translate_content", "translate_content_chunk"]


def citations_from_annotations(annotations: Any) -> list[types.Citation]:
    """The `url_citation` entries of an annotations list, as LangChain `Citation`s.

    Entries of other types (`file` annotations for PDFs) and entries without a string
    `url` are skipped; fields of the wrong type are left out rather than guessed at.
    """
    if not isinstance(annotations, Sequence) or isinstance(annotations, (str, bytes)):
        return []
    found: list[types.Citation] = []
    for entry in annotations:
        if not isinstance(entry, Mapping) or entry.get("type") != "url_citation":
            continue
        inner = entry.get("url_citation")
        fields = inner if isinstance(inner, Mapping) else entry
        url = fields.get("url")
        if not isinstance(url, str) or not url:
            continue
        citation: dict[str, Any] = {"type": "citation", "url": url}
        if isinstance(title := fields.get("title"), str):
            citation["title"] = title
        if isinstance(cited := fields.get("content"), str):
            citation["cited_text"] = cited
        for key in ("start_index", "end_index"):
            value = fields.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                citation[key] = value
        found.append(cast("types.Citation", citation))
    return found


def translate_content(message: AIMessage) -> list[types.ContentBlock]:
    """`content_blocks` for a message of ours: LangChain's own reading, plus citations.

    Raises:
        NotImplementedError: The message cites nothing; LangChain then reads it itself
            (its documented fallback), at no extra cost.

    """
    return _with_citations(message)


def translate_content_chunk(message: AIMessageChunk) -> list[types.ContentBlock]:
    """`content_blocks` for a chunk (or merged chunks) of ours, plus citations.

    Raises:
        NotImplementedError: The chunk cites nothing (see `translate_content`).

    """
    return _with_citations(message)


def _with_citations(message: AIMessage) -> list[types.ContentBlock]:
    citations = citations_from_annotations(message.response_metadata.get("annotations"))
    if not citations:
        raise NotImplementedError
    # LangChain's best-effort reading (text, images, tool calls, reasoning) is what a
    # message without a registered provider gets; reuse it rather than restate it.
    meta = {k: v for k, v in message.response_metadata.items() if k != "model_provider"}
    blocks = list(message.model_copy(update={"response_metadata": meta}).content_blocks)
    texts = [i for i, block in enumerate(blocks) if block.get("type") == "text"]
    if not texts:
        blocks.append(cast("types.TextContentBlock", {"type": "text", "text": ""}))
        texts = [len(blocks) - 1]
    placed: dict[int, list[types.Citation]] = {i: [] for i in texts}
    starts: list[tuple[int, int, int]] = []  # (block index, offset, length)
    offset = 0
    for i in texts:
        length = len(str(blocks[i].get("text", "")))
        starts.append((i, offset, length))
        offset += length
    for citation in citations:
        index, rebased = _locate(citation, starts)
        placed[index].append(rebased)
    for i, found in placed.items():
        if found:
            block = dict(blocks[i])  # a copy: the message's own content stays as it is
            block["annotations"] = [*cast("list[Any]", block.get("annotations") or []), *found]
            blocks[i] = cast("types.ContentBlock", block)
    return blocks


def _locate(
    citation: types.Citation, starts: list[tuple[int, int, int]]
) -> tuple[int, types.Citation]:
    """The text block a citation points into, and the citation with indices rebased to it."""
    start = citation.get("start_index")
    if len(starts) > 1 and isinstance(start, int):
        for index, offset, length in starts:
            if offset <= start < offset + length:
                rebased = dict(citation)
                rebased["start_index"] = start - offset
                if isinstance(end := citation.get("end_index"), int):
                    rebased["end_index"] = end - offset
                return index, cast("types.Citation", rebased)
    # One text block, or indices that fit none: the first text block, indices as sent.
    return starts[0][0], citation
