"""LangChain message content -> OpenRouter content parts, for every block shape users send."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from langchain_openrouter_gemini.wire.request.parts import (
    annotations_to_citations,
    convert_content,
    images_to_blocks,
)
from tests.unit_tests.media_samples import PNG, silent_wav

# A minimal PDF.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _wav() -> bytes:
    return silent_wav(80)


MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08free"
PNG_B64 = base64.b64encode(PNG).decode()
PDF_B64 = base64.b64encode(PDF).decode()
WAV_B64 = base64.b64encode(_wav()).decode()
MP4_B64 = base64.b64encode(MP4).decode()
PNG_URL = "data:image/png;base64," + PNG_B64
PDF_URL = "data:application/pdf;base64," + PDF_B64
CACHE = {"type": "ephemeral"}


def _image(url: str, **extra: Any) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": url, **extra}}


def _file(filename: str, data: str) -> dict[str, Any]:
    return {"type": "file", "file": {"filename": filename, "file_data": data}}


def _audio(data: str, audio_format: str) -> dict[str, Any]:
    return {"type": "input_audio", "input_audio": {"data": data, "format": audio_format}}


CONVERSIONS: list[tuple[str, dict[str, Any] | str, dict[str, Any]]] = [
    # --- text
    ("plain string item", "hello", {"type": "text", "text": "hello"}),
    (
        "text keeps cache_control, drops LangChain-only keys",
        {
            "type": "text",
            "text": "long prompt",
            "cache_control": CACHE,
            "id": "lc_1",
            "index": 0,
            "annotations": [{"type": "citation", "url": "https://e.com"}],
            "extras": {"x": 1},
        },
        {"type": "text", "text": "long prompt", "cache_control": CACHE},
    ),
    (
        "text cache_control from extras",
        {"type": "text", "text": "t", "extras": {"cache_control": CACHE}},
        {"type": "text", "text": "t", "cache_control": CACHE},
    ),
    # --- OpenAI / OpenRouter shapes
    (
        "image_url as a bare string",
        {"type": "image_url", "image_url": "https://e.com/cat.png"},
        _image("https://e.com/cat.png"),
    ),
    (
        "image_url keeps detail",
        {"type": "image_url", "image_url": {"url": "https://e.com/cat.png", "detail": "high"}},
        _image("https://e.com/cat.png", detail="high"),
    ),
    ("image_url data URL", _image(PNG_URL), _image(PNG_URL)),
    (
        "image_url holding a PDF data URL becomes a file part",
        _image(PDF_URL),
        _file("document.pdf", PDF_URL),
    ),
    ("input_audio as given", _audio(WAV_B64, "wav"), _audio(WAV_B64, "wav")),
    ("input_audio format upper-case", _audio(WAV_B64, "WAV"), _audio(WAV_B64, "wav")),
    ("input_audio format given as MIME", _audio(WAV_B64, "audio/mpeg"), _audio(WAV_B64, "mp3")),
    (
        "input_audio without format is sniffed",
        {"type": "input_audio", "input_audio": {"data": WAV_B64}},
        _audio(WAV_B64, "wav"),
    ),
    (
        "input_audio data URL is stripped to raw base64",
        {"type": "input_audio", "input_audio": {"data": "data:audio/x-wav;base64," + WAV_B64}},
        _audio(WAV_B64, "wav"),
    ),
    ("OpenAI file block", _file("paper.pdf", PDF_URL), _file("paper.pdf", PDF_URL)),
    (
        "OpenAI file block without filename",
        {"type": "file", "file": {"file_data": PDF_URL}},
        _file("document.pdf", PDF_URL),
    ),
    (
        "OpenAI file block with bare base64",
        {"type": "file", "file": {"filename": "a.pdf", "file_data": PDF_B64}},
        _file("a.pdf", PDF_URL),
    ),
    (
        "OpenAI file block with https URL",
        {"type": "file", "file": {"file_data": "https://e.com/docs/dummy.pdf?x=1"}},
        _file("dummy.pdf", "https://e.com/docs/dummy.pdf?x=1"),
    ),
    (
        "video_url as given",
        {"type": "video_url", "video_url": {"url": "https://youtu.be/abc"}},
        {"type": "video_url", "video_url": {"url": "https://youtu.be/abc"}},
    ),
    # --- LangChain v1 standard blocks
    (
        "v1 image url",
        {"type": "image", "url": "https://e.com/a.png"},
        _image("https://e.com/a.png"),
    ),
    (
        "v1 image base64",
        {"type": "image", "base64": PNG_B64, "mime_type": "image/png", "id": "lc_x"},
        _image(PNG_URL),
    ),
    ("v1 image base64, MIME sniffed", {"type": "image", "base64": PNG_B64}, _image(PNG_URL)),
    (
        "v1 image MIME with parameters and capitals",
        {"type": "image", "base64": PNG_B64, "mime_type": "Image/PNG; q=1"},
        _image(PNG_URL),
    ),
    (
        "v1 image detail in extras",
        {"type": "image", "url": "https://e.com/a.png", "extras": {"detail": "low"}},
        _image("https://e.com/a.png", detail="low"),
    ),
    (
        "v1 image with a data URL in url",
        {"type": "image", "url": PNG_URL},
        _image(PNG_URL),
    ),
    (
        "v1 image with a whole data URL in base64",
        {"type": "image", "base64": PNG_URL},
        _image(PNG_URL),
    ),
    (
        "v1 image block carrying a PDF (as in langchain-tests' docstring)",
        {"type": "image", "base64": PDF_B64, "mime_type": "application/pdf"},
        _file("document.pdf", PDF_URL),
    ),
    (
        "v1 file base64 + extras.filename",
        {
            "type": "file",
            "base64": PDF_B64,
            "mime_type": "application/pdf",
            "extras": {"filename": "q3.pdf"},
        },
        _file("q3.pdf", PDF_URL),
    ),
    (
        "v1 file base64 + top-level filename",
        {"type": "file", "base64": PDF_B64, "mime_type": "application/pdf", "filename": "x.pdf"},
        _file("x.pdf", PDF_URL),
    ),
    (
        "v1 file name from metadata",
        {"type": "file", "base64": PDF_B64, "metadata": {"filename": "m.pdf"}},
        _file("m.pdf", PDF_URL),
    ),
    (
        "v1 file without filename gets one from its MIME type",
        {"type": "file", "base64": PDF_B64, "mime_type": "application/pdf"},
        _file("document.pdf", PDF_URL),
    ),
    (
        "v1 file octet-stream is sniffed",
        {"type": "file", "base64": PDF_B64, "mime_type": "application/octet-stream"},
        _file("document.pdf", PDF_URL),
    ),
    (
        "v1 file text/csv",
        {"type": "file", "base64": "YSxiCjEsMgo=", "mime_type": "text/csv"},
        _file("document.csv", "data:text/csv;base64,YSxiCjEsMgo="),
    ),
    (
        "v1 file URL, name from the URL",
        {"type": "file", "url": "https://e.com/papers/attention.pdf"},
        _file("attention.pdf", "https://e.com/papers/attention.pdf"),
    ),
    (
        "v1 file URL without extension gets one from mime_type",
        {"type": "file", "url": "https://e.com/download", "mime_type": "application/pdf"},
        _file("download.pdf", "https://e.com/download"),
    ),
    (
        "v1 audio base64 wav",
        {"type": "audio", "base64": WAV_B64, "mime_type": "audio/wav"},
        _audio(WAV_B64, "wav"),
    ),
    ("v1 audio sniffed", {"type": "audio", "base64": WAV_B64}, _audio(WAV_B64, "wav")),
    (
        "v1 audio/mpeg is mp3",
        {"type": "audio", "base64": WAV_B64, "mime_type": "audio/mpeg"},
        _audio(WAV_B64, "mp3"),
    ),
    (
        "v1 audio data URL in url",
        {"type": "audio", "url": "data:audio/wav;base64," + WAV_B64},
        _audio(WAV_B64, "wav"),
    ),
    (
        "v1 file block carrying audio",
        {"type": "file", "base64": WAV_B64, "mime_type": "audio/x-wav"},
        _audio(WAV_B64, "wav"),
    ),
    (
        "v1 video url",
        {"type": "video", "url": "https://www.youtube.com/watch?v=abc"},
        {"type": "video_url", "video_url": {"url": "https://www.youtube.com/watch?v=abc"}},
    ),
    (
        "v1 video base64, sniffed",
        {"type": "video", "base64": MP4_B64},
        {"type": "video_url", "video_url": {"url": "data:video/mp4;base64," + MP4_B64}},
    ),
    (
        "text-plain text",
        {"type": "text-plain", "text": "a,b", "mime_type": "text/plain"},
        {"type": "text", "text": "a,b"},
    ),
    (
        "text-plain keeps title, context and cache_control",
        {
            "type": "text-plain",
            "text": "body",
            "title": "Notes",
            "context": "Meeting",
            "extras": {"cache_control": CACHE},
        },
        {"type": "text", "text": "Title: Notes\nContext: Meeting\n\nbody", "cache_control": CACHE},
    ),
    (
        "text-plain base64 is decoded",
        {"type": "text-plain", "base64": base64.b64encode("héllo".encode()).decode()},
        {"type": "text", "text": "héllo"},
    ),
    (
        "text-plain URL is fetched by OpenRouter as a file",
        {"type": "text-plain", "url": "https://e.com/notes.txt", "mime_type": "text/plain"},
        _file("notes.txt", "https://e.com/notes.txt"),
    ),
    # --- LangChain v0 blocks
    (
        "v0 image url",
        {"type": "image", "source_type": "url", "url": "https://e.com/a.png"},
        _image("https://e.com/a.png"),
    ),
    (
        "v0 image base64",
        {"type": "image", "source_type": "base64", "data": PNG_B64, "mime_type": "image/png"},
        _image(PNG_URL),
    ),
    (
        "v0 file base64 with filename",
        {
            "type": "file",
            "source_type": "base64",
            "data": PDF_B64,
            "mime_type": "application/pdf",
            "filename": "v0.pdf",
        },
        _file("v0.pdf", PDF_URL),
    ),
    (
        "v0 audio base64",
        {"type": "audio", "source_type": "base64", "data": WAV_B64, "mime_type": "audio/wav"},
        _audio(WAV_B64, "wav"),
    ),
    (
        "v0 plain text (text kept in url)",
        {"type": "file", "source_type": "text", "url": "the text", "mime_type": "text/plain"},
        {"type": "text", "text": "the text"},
    ),
    (
        "v0 plain text (text key)",
        {"type": "file", "source_type": "text", "text": "the text"},
        {"type": "text", "text": "the text"},
    ),
    # --- Anthropic-style blocks
    (
        "Anthropic image base64",
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}},
        _image(PNG_URL),
    ),
    (
        "Anthropic image url",
        {"type": "image", "source": {"type": "url", "url": "https://e.com/a.png"}},
        _image("https://e.com/a.png"),
    ),
    (
        "Anthropic document base64, title becomes the filename",
        {
            "type": "document",
            "title": "Annual report",
            "source": {"type": "base64", "media_type": "application/pdf", "data": PDF_B64},
        },
        _file("Annual report.pdf", PDF_URL),
    ),
    (
        "Anthropic document url",
        {"type": "document", "source": {"type": "url", "url": "https://e.com/r.pdf"}},
        _file("r.pdf", "https://e.com/r.pdf"),
    ),
    (
        "Anthropic text document",
        {
            "type": "document",
            "title": "Spec",
            "source": {"type": "text", "media_type": "text/plain", "data": "The spec."},
            "cache_control": CACHE,
        },
        {"type": "text", "text": "Title: Spec\n\nThe spec.", "cache_control": CACHE},
    ),
    # --- wrappers and leftovers
    (
        "non_standard wrapper is unwrapped",
        {"type": "non_standard", "value": _image("https://e.com/a.png")},
        _image("https://e.com/a.png"),
    ),
    (
        "refusal is kept as text",
        {"type": "refusal", "refusal": "I can't."},
        {"type": "text", "text": "I can't."},
    ),
]


@pytest.mark.parametrize(
    ("block", "expected"),
    [pytest.param(block, expected, id=name) for name, block, expected in CONVERSIONS],
)
@pytest.mark.parametrize("role", ["user", "tool"])
def test_block_converts_to_exact_part(block: Any, expected: dict[str, Any], role: Any) -> None:
    assert convert_content([block], role=role, message_index=0) == [expected]


def test_assistant_content_carries_media_too() -> None:
    content = [{"type": "text", "text": "Here:"}, {"type": "image", "base64": PNG_B64}]
    assert convert_content(content, role="assistant", message_index=1) == [
        {"type": "text", "text": "Here:"},
        _image(PNG_URL),
    ]


def test_string_content_stays_a_string() -> None:
    assert convert_content("hi", role="user", message_index=0) == "hi"


def test_mixed_list_keeps_order() -> None:
    content: list[Any] = [
        "Compare",
        {"type": "image", "url": "https://e.com/a.png"},
        _file("p.pdf", PDF_URL),
    ]
    assert convert_content(content, role="user", message_index=0) == [
        {"type": "text", "text": "Compare"},
        _image("https://e.com/a.png"),
        _file("p.pdf", PDF_URL),
    ]


def test_assistant_skips_reasoning_and_tool_call_blocks() -> None:
    content: list[Any] = [
        {"type": "reasoning", "reasoning": "thinking..."},
        {"type": "thinking", "thinking": "hmm", "signature": "sig"},
        {"type": "redacted_thinking", "data": "xx"},
        {"type": "text", "text": "Let me check."},
        {"type": "tool_call", "id": "1", "name": "f", "args": {}},
        {"type": "tool_call_chunk", "id": "1", "name": "f", "args": "{}", "index": 0},
        {"type": "invalid_tool_call", "id": "2", "name": "g", "args": "{", "error": "bad"},
        {"type": "tool_use", "id": "3", "name": "f", "input": {}},
        {"type": "function_call", "call_id": "4", "name": "f", "arguments": "{}"},
        {"type": "server_tool_call", "id": "5", "name": "web_search", "args": {}},
        {"type": "server_tool_result", "tool_call_id": "5", "status": "success"},
    ]
    assert convert_content(content, role="assistant", message_index=1) == [
        {"type": "text", "text": "Let me check."}
    ]


def test_assistant_with_only_non_content_blocks_becomes_empty_string() -> None:
    content: list[Any] = [{"type": "tool_call", "id": "1", "name": "f", "args": {}}]
    assert convert_content(content, role="assistant", message_index=1) == ""


def test_system_text_parts_keep_cache_control() -> None:
    content: list[Any] = [
        "Be brief.",
        {"type": "text", "text": "Big context", "cache_control": CACHE},
        {"type": "text-plain", "text": "doc"},
    ]
    assert convert_content(content, role="system", message_index=0) == [
        {"type": "text", "text": "Be brief."},
        {"type": "text", "text": "Big context", "cache_control": CACHE},
        {"type": "text", "text": "doc"},
    ]


def test_data_url_of_a_large_image_is_built_from_the_same_base64() -> None:
    payload = PNG + bytes(range(256)) * (7_600_000 // 256)
    big = base64.b64encode(payload).decode()
    assert len(big) > 10_000_000

    [built] = convert_content(
        [{"type": "image", "base64": big, "mime_type": "image/png"}], role="user", message_index=0
    )
    url = built["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    assert url[len("data:image/png;base64,") :] == big

    # Sniffing a missing MIME type decodes a prefix only; the output still embeds `big` as is.
    [sniffed] = convert_content([{"type": "image", "base64": big}], role="user", message_index=0)
    assert sniffed == built

    # A data URL that is already right goes out as the very same string object.
    data_url = "data:image/png;base64," + big
    [passed] = convert_content([_image(data_url)], role="user", message_index=0)
    assert passed["image_url"]["url"] is data_url


SECRET_QUERY = "X-Amz-Signature=deadbeefsecret"

ERRORS: list[tuple[str, Any, str, list[str]]] = [
    (
        "unknown type",
        {"type": "hologram", "data": "x"},
        "user",
        ["'hologram'", "unknown content block type", "image_url", "text-plain"],
    ),
    (
        "audio URL",
        {"type": "audio", "url": f"https://e.com/a.wav?{SECRET_QUERY}"},
        "user",
        ["'audio'", "audio given as a URL", "base64", "content.audio("],
    ),
    (
        "audio URL in v0 form",
        {"type": "audio", "source_type": "url", "url": "https://e.com/a.mp3"},
        "tool",
        ["audio given as a URL", "content.audio("],
    ),
    (
        "input_audio with a URL",
        {"type": "input_audio", "input_audio": {"data": "https://e.com/a.mp3", "format": "mp3"}},
        "user",
        ["'input_audio'", "audio given as a URL"],
    ),
    (
        "v1 file_id",
        {"type": "file", "file_id": "file-abc"},
        "user",
        ["'file'", "cannot resolve provider file ids", "base64", "https URL"],
    ),
    (
        "OpenAI file_id",
        {"type": "file", "file": {"file_id": "file-abc"}},
        "user",
        ["cannot resolve provider file ids"],
    ),
    (
        "v0 id",
        {"type": "image", "source_type": "id", "id": "file-abc"},
        "user",
        ["cannot resolve provider file ids"],
    ),
    (
        "Anthropic file source",
        {"type": "document", "source": {"type": "file", "file_id": "file_011"}},
        "user",
        ["'document'", "cannot resolve provider file ids"],
    ),
    (
        "base64 without MIME that cannot be sniffed",
        {"type": "file", "base64": "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="},
        "user",
        ["no MIME type", "mime_type", "<36 base64 chars>"],
    ),
    (
        "image in a system message",
        {"type": "image", "url": "https://e.com/a.png"},
        "system",
        ["'image'", "system messages take text only", "HumanMessage"],
    ),
    (
        "OpenAI file in a system message",
        _file("p.pdf", PDF_URL),
        "system",
        ["system messages take text only", "HumanMessage"],
    ),
    (
        "Anthropic PDF document in a system message",
        {"type": "document", "source": {"type": "url", "url": "https://e.com/r.pdf"}},
        "system",
        ["system messages take text only"],
    ),
    (
        "text-plain URL in a system message",
        {"type": "text-plain", "url": "https://e.com/notes.txt"},
        "system",
        ["system messages take text only"],
    ),
    (
        "data URL without ;base64",
        _image("data:image/png,rawbytes"),
        "user",
        ["malformed data URL", "data:<mime type>;base64,<base64 data>"],
    ),
    (
        "data URL without MIME type",
        {"type": "image", "url": "data:;base64," + PNG_B64},
        "user",
        ["malformed data URL"],
    ),
    (
        "data URL with empty payload",
        {"type": "file", "url": "data:application/pdf;base64,"},
        "user",
        ["malformed data URL"],
    ),
    (
        "local path where a URL belongs",
        {"type": "image", "url": "charts/q3.png"},
        "user",
        ["not an http(s) URL", "content.image(path)"],
    ),
    (
        "cloud storage URL",
        {"type": "file", "url": "gs://bucket/doc.pdf"},
        "user",
        ["not an http(s) URL", "content.file(path)"],
    ),
    (
        "audio codec OpenRouter cannot name",
        {"type": "audio", "base64": WAV_B64, "mime_type": "audio/webm"},
        "user",
        ["'audio/webm'", "Convert the audio to WAV"],
    ),
    (
        "input_audio without format, unsniffable",
        {"type": "input_audio", "input_audio": {"data": "QUJDREVGR0g="}},
        "user",
        ["no usable 'format'", "wav", "mp3"],
    ),
    (
        "text-plain base64 that is not UTF-8",
        {"type": "text-plain", "base64": base64.b64encode(b"\xff\xfe\x00bin").decode()},
        "user",
        ["not base64-encoded UTF-8 text", "'text-plain'"],
    ),
    (
        "bytes instead of base64 text",
        {"type": "image", "base64": PNG, "mime_type": "image/png"},
        "user",
        ["'base64' must be a string", "bytes", "content"],
    ),
    ("text block without text", {"type": "text"}, "user", ["no 'text' string"]),
    (
        "reasoning block in a user message",
        {"type": "reasoning", "reasoning": "x"},
        "user",
        ["only belong in AIMessage content"],
    ),
    ("image with no data", {"type": "image", "mime_type": "image/png"}, "user", ["no data"]),
    (
        "unknown Anthropic source type",
        {"type": "document", "source": {"type": "content", "content": []}},
        "user",
        ["source type 'content'", "base64"],
    ),
]


@pytest.mark.parametrize(
    ("block", "role", "fragments"),
    [pytest.param(block, role, fragments, id=name) for name, block, role, fragments in ERRORS],
)
def test_bad_block_error_names_message_block_and_fix(
    block: Any, role: Any, fragments: list[str]
) -> None:
    with pytest.raises(ValueError, match=r"^Message 7, content block 1 \(type ") as caught:
        convert_content(["first", block], role=role, message_index=7)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message
    assert SECRET_QUERY not in message


def test_error_elides_base64_of_a_large_block() -> None:
    junk = "QUJD" * 50_000
    with pytest.raises(ValueError) as caught:
        convert_content([{"type": "image", "base64": junk}], role="user", message_index=0)
    message = str(caught.value)
    assert "<200000 base64 chars>" in message
    assert len(message) < 1000


def test_non_dict_item_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"Message 2, content block 0 .*strings or dicts, got int"):
        convert_content([42], role="user", message_index=2)  # type: ignore[list-item]


# --- output side ---------------------------------------------------------------------------------


def test_images_to_blocks() -> None:
    images = [
        {"type": "image_url", "image_url": {"url": PNG_URL}},
        {"type": "image_url", "image_url": {"url": "https://cdn.e.com/out.png"}},
        {"type": "image_url", "image_url": "data:image/jpeg;base64,/9j/4AAQ"},
        {"type": "image_url", "image_url": {}},
    ]
    assert images_to_blocks(images) == [
        {"type": "image", "base64": PNG_B64, "mime_type": "image/png"},
        {"type": "image", "url": "https://cdn.e.com/out.png"},
        {"type": "image", "base64": "/9j/4AAQ", "mime_type": "image/jpeg"},
    ]


def test_generated_image_round_trips_into_the_next_request() -> None:
    blocks: list[Any] = images_to_blocks([{"type": "image_url", "image_url": {"url": PNG_URL}}])
    assert convert_content(blocks, role="assistant", message_index=3) == [_image(PNG_URL)]


def test_annotations_to_citations() -> None:
    file_annotation = {
        "type": "file",
        "file": {"hash": "abc", "name": "paper.pdf", "content": [{"type": "text", "text": "p1"}]},
    }
    annotations = [
        {
            "type": "url_citation",
            "url_citation": {
                "url": "https://e.com/a",
                "title": "A",
                "content": "quoted",
                "start_index": 3,
                "end_index": 9,
            },
        },
        {"type": "url_citation", "url": "https://e.com/b", "title": "B"},
        file_annotation,
    ]
    assert annotations_to_citations(annotations) == [
        {
            "type": "citation",
            "url": "https://e.com/a",
            "title": "A",
            "cited_text": "quoted",
            "start_index": 3,
            "end_index": 9,
        },
        {"type": "citation", "url": "https://e.com/b", "title": "B"},
        {"type": "non_standard_annotation", "value": file_annotation},
    ]
