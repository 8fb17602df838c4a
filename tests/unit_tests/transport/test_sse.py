"""The SSE line decoder on the byte sequences that trip line readers up."""

from __future__ import annotations

import pytest

from langchain_openrouter_gemini.transport.sse import SSELineDecoder


def decode(*reads: bytes) -> list[str]:
    decoder = SSELineDecoder()
    lines = [line for read in reads for line in decoder.feed(read)]
    return lines + decoder.close()


@pytest.mark.parametrize(
    "char", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]
)
def test_only_cr_and_lf_end_a_line(char: str) -> None:
    text = f'data: {{"content": "a{char}b"}}\n\n'
    assert decode(text.encode()) == [f'data: {{"content": "a{char}b"}}', ""]


@pytest.mark.parametrize("ending", [b"\n", b"\r", b"\r\n"])
def test_every_spec_line_ending(ending: bytes) -> None:
    assert decode(b"data: 1" + ending + ending + b": ping" + ending) == ["data: 1", "", ": ping"]


def test_a_crlf_split_between_reads_is_one_line_ending() -> None:
    assert decode(b"data: a\r", b"\n", b"\r", b"\n") == ["data: a", ""]
    assert decode(b"data: a\r", b"", b"\ndata: b\r\n") == ["data: a", "data: b"]


def test_a_cr_then_something_else_is_a_line_ending_of_its_own() -> None:
    assert decode(b"a\r", b"b\r\r\n") == ["a", "b", ""]


def test_a_character_split_between_reads_is_decoded_whole() -> None:
    raw = "data: 🌍é€\n".encode()
    assert decode(*(raw[i : i + 1] for i in range(len(raw)))) == ["data: 🌍é€"]


def test_a_long_line_in_many_reads() -> None:
    line = b"data: " + b"x" * 100_000
    reads = [line[i : i + 7] for i in range(0, len(line), 7)]
    assert decode(*reads, b"\n") == [line.decode()]


def test_a_byte_order_mark_is_dropped_only_at_the_start() -> None:
    bom = "\ufeff".encode()
    assert decode(bom[:2], bom[2:] + b"data: 1\n" + bom + b"\n") == ["data: 1", "\ufeff"]


def test_bytes_that_are_not_utf8_become_replacement_characters() -> None:
    assert decode(b"data: \xff\n") == ["data: \ufffd"]


def test_the_last_line_without_an_ending_is_kept_for_close() -> None:
    decoder = SSELineDecoder()
    assert decoder.feed(b"data: [DONE]") == []
    assert decoder.close() == ["data: [DONE]"]
    assert decoder.close() == []
