"""The stream reader held to the SSE spec, by hypothesis.

Lines end at CR, LF or CRLF and nowhere else, however the network cuts the bytes into
reads (inside a CRLF, inside a multibyte character); keep-alive comments may come
anywhere; a JSON string may hold any character `str.splitlines()` treats as a line
break; nothing after `data: [DONE]` is read. The stream goes through the real transport
(`model.stream` / `model.astream` over an in-memory HTTP transport), so the decoder the
package uses is the one under test.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessageChunk, BaseMessageChunk

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.testing import Reply
from langchain_openrouter_gemini.testing.render import materialize, stream_chunks
from langchain_openrouter_gemini.testing.replies import ToolCallSpec
from langchain_openrouter_gemini.testing.signatures import SignatureBook
from langchain_openrouter_gemini.transport.sse import SSELineDecoder
from langchain_openrouter_gemini.wire.response.stream import StreamParser
from tests.reliability.test_parser_properties import FUZZ as SPEC
from tests.reliability.test_parser_properties import REQUEST

BOOK = SignatureBook(b"sse-property-tests-secret")

# Everything `str.splitlines()` splits at besides CR and LF, then CR and LF themselves.
BREAK_LIKE = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]
JSON_SAFE_BREAK_LIKE = ["\u2028", "\u2029", "\x85"]  # the ones JSON may carry unescaped
TERMINATORS = ["\n", "\r", "\r\n"]
# Multibyte characters of every UTF-8 length, so byte cuts land inside them.
WIDE = ["é", "€", "𝄞", "🌍", "ß", "中"]


def _spec_lines(text: str) -> list[str]:
    """What the SSE spec makes of `text`: split at CRLF, CR or LF, nothing else."""
    pieces = re.split(r"\r\n|\r|\n", text)
    if pieces[-1] == "":
        pieces.pop()  # the text ended with a line ending; there is no unfinished line
    return pieces


def _cut(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *cuts})
    return [data[a:b] for a, b in itertools.pairwise(points)]


def _decode(reads: list[bytes]) -> list[str]:
    decoder = SSELineDecoder()
    out = [line for read in reads for line in decoder.feed(read)]
    return out + decoder.close()


stream_text = st.lists(
    st.sampled_from([*BREAK_LIKE, *TERMINATORS, *WIDE, "a", "b", " ", ":", "data: "]),
    max_size=60,
).map("".join)


@SPEC
@given(text=stream_text, data=st.data())
def test_lines_end_at_cr_lf_or_crlf_only_under_any_cut(text: str, data: st.DataObject) -> None:
    raw = text.encode()
    cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=30))
    assert _decode(_cut(raw, cuts)) == _spec_lines(text)


@SPEC
@given(lines=st.lists(st.text(st.sampled_from([*BREAK_LIKE, *WIDE, "x"]), max_size=8), max_size=6))
def test_one_byte_reads_give_the_same_lines(lines: list[str]) -> None:
    # The worst cut: every byte its own read, a CRLF always split in two.
    raw = "".join(f"{line}\r\n" for line in lines).encode()
    assert _decode([raw[i : i + 1] for i in range(len(raw))]) == lines


# Reply texts full of line-break-like characters and multibyte characters.
reply_text = st.text(
    st.sampled_from([*JSON_SAFE_BREAK_LIKE, *WIDE, "a", "b", " ", "\n", '"', "\\"]),
    min_size=1,
    max_size=40,
)
after_done = st.lists(
    st.binary(max_size=24)
    | st.sampled_from(
        [
            b'data: {"choices": [{"delta": {"content": "LATE"}}]}\n\n',
            b'data: {"usage": {"prompt_tokens": 999, "completion_tokens": 1}}\n\n',
            b"data: [DONE]\n\n",
            b"data: {not json\n\n",
        ]
    ),
    max_size=4,
)


def _events(content: str, reasoning: str | None, args_text: str, chunk_size: int) -> list[Any]:
    arguments = json.dumps({"note": args_text}, ensure_ascii=False)
    reply = Reply(
        content=content,
        reasoning_text=reasoning,
        calls=(ToolCallSpec("note", arguments, "tool_note_0123456789abcdefghij"),),
        chunk_size=chunk_size,
    )
    return stream_chunks(materialize(reply, REQUEST, BOOK))


def _frame(data: st.DataObject, events: list[Any]) -> tuple[list[str], bytes]:
    """SSE bytes with a drawn line ending per line and comments at drawn places."""
    lines: list[str] = []
    for event in events:
        if data.draw(st.booleans()):
            lines.append(": OPENROUTER PROCESSING" + data.draw(st.sampled_from(["", *BREAK_LIKE])))
        # ensure_ascii=False: U+2028, U+2029 and U+0085 go out raw, as JSON allows.
        lines.append("data: " + json.dumps(event, ensure_ascii=False))
        if data.draw(st.booleans()):
            lines.append(":")  # a comment between the data line and its blank line
        lines.append("")
    lines += ["data: [DONE]", ""]
    out: list[str] = []
    previous = ""
    for line in lines:
        ending = data.draw(st.sampled_from(TERMINATORS))
        if previous == "\r" and line == "" and ending.startswith("\n"):
            ending = "\r"  # CR then LF would read as one CRLF, swallowing the blank line
        out.append(line + ending)
        previous = ending
    return lines, "".join(out).encode()


def _parse(lines: list[str]) -> AIMessageChunk:
    parser = StreamParser()
    chunks = [c.message for line in lines if (c := parser.feed(line)) is not None]
    if (last := parser.finish()) is not None:
        chunks.append(last.message)
    return _total(chunks)


def _total(chunks: list[Any]) -> AIMessageChunk:
    total = chunks[0]
    for piece in chunks[1:]:
        total = total + piece
    assert isinstance(total, AIMessageChunk)
    return total


class Served:
    """An in-memory OpenRouter answering every stream with the current reads, as cut."""

    def __init__(self) -> None:
        self.reads: list[bytes] = []

    def sync(self, request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers=_SSE, content=iter(self.reads))

    async def asynchronous(self, request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers=_SSE, content=self._areads())

    async def _areads(self) -> AsyncIterator[bytes]:
        for read in self.reads:
            yield read


_SSE = {"content-type": "text/event-stream"}
SERVED = Served()
MODEL = ChatOpenRouterGemini(
    api_key="sk-or-sse-properties",
    max_retries=0,
    http_client=httpx2.Client(transport=httpx2.MockTransport(SERVED.sync)),
    http_async_client=httpx2.AsyncClient(transport=httpx2.MockTransport(SERVED.asynchronous)),
)


def _streamed() -> Iterator[AIMessageChunk]:
    chunks: list[BaseMessageChunk] = list(MODEL.stream("hi"))
    yield _total(chunks)

    async def collect() -> list[BaseMessageChunk]:
        return [c async for c in MODEL.astream("hi")]

    yield _total(asyncio.run(collect()))


@SPEC
@given(
    content=reply_text,
    reasoning=st.none() | reply_text,
    args_text=reply_text,
    chunk_size=st.integers(1, 9),
    junk=after_done,
    data=st.data(),
)
def test_any_framing_and_any_cut_give_the_reply_sent(
    content: str,
    reasoning: str | None,
    args_text: str,
    chunk_size: int,
    junk: list[bytes],
    data: st.DataObject,
) -> None:
    events = _events(content, reasoning, args_text, chunk_size)
    lines, raw = _frame(data, events)
    raw += b"".join(junk)  # after [DONE]: never read
    SERVED.reads = _cut(raw, data.draw(st.lists(st.integers(0, len(raw)), max_size=40)))
    expected = _parse(lines)

    for received in _streamed():
        assert received.content == content == expected.content
        assert received.additional_kwargs == expected.additional_kwargs
        assert received.additional_kwargs.get("reasoning_content") == reasoning
        assert [c["args"] for c in received.tool_calls] == [{"note": args_text}]
        assert received.usage_metadata == expected.usage_metadata
        for key in ("finish_reason", "cost", "id", "model_name"):
            assert received.response_metadata[key] == expected.response_metadata[key]
