"""Bad input is a clear ValueError naming the field and the fix, and no request goes out."""

from __future__ import annotations

import base64
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_openrouter_gemini import ChatOpenRouterGemini
from langchain_openrouter_gemini.media.mime import (
    BASE64_CHECK_CHARS,
    base64_problem,
    bytes_contradict,
    sniff_mime,
)
from langchain_openrouter_gemini.model_string import init_chat_model
from langchain_openrouter_gemini.testing import samples
from tests.unit_tests.fake_transport import FakeOpenRouter
from tests.unit_tests.models import chat_model

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"

PNG = samples.png()
PDF = samples.pdf()
WAV = samples.wav(0.1)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
MP4 = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00isomiso2" + b"\x00" * 64


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def fake() -> FakeOpenRouter:
    return FakeOpenRouter()


def make(fake: FakeOpenRouter, **kwargs: Any) -> ChatOpenRouterGemini:
    return chat_model(fake, api_key=KEY, **kwargs)


def _refused(fake: FakeOpenRouter, match: str, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ValueError, match=match) as caught:
        make(fake).invoke(*args, **kwargs)
    assert fake.requests == []  # nothing was sent
    assert KEY not in str(caught.value)
    return str(caught.value)


def _user(*blocks: dict[str, Any]) -> list[HumanMessage]:
    return [HumanMessage([{"type": "text", "text": "Look."}, *blocks])]


# --- The conversation itself -------------------------------------------------------------------


def test_an_empty_message_list_is_refused(fake: FakeOpenRouter) -> None:
    _refused(fake, r"No messages to send.*at least one message", [])


async def test_an_empty_message_list_is_refused_async(fake: FakeOpenRouter) -> None:
    with pytest.raises(ValueError, match="No messages to send"):
        await make(fake).ainvoke([])
    with pytest.raises(ValueError, match="No messages to send"):
        async for _ in make(fake).astream([]):
            pass
    assert fake.requests == []


@pytest.mark.parametrize("tool_call_id", ["", "   "])
def test_an_empty_tool_call_id_is_refused(fake: FakeOpenRouter, tool_call_id: str) -> None:
    call = {"name": "get_weather", "args": {"city": "Oslo"}, "id": "call_1"}
    history = [
        HumanMessage("Weather in Oslo?"),
        AIMessage("", tool_calls=[call]),
        ToolMessage("Sunny", tool_call_id=tool_call_id),
    ]
    _refused(fake, r"Message 2 is a ToolMessage with an empty tool_call_id.*tool_call_id=", history)


# --- max_tokens and sampling parameters ---------------------------------------------------------


@pytest.mark.parametrize("value", [0, -1])
def test_max_tokens_below_one_is_refused_in_the_constructor(value: int) -> None:
    with pytest.raises(ValueError, match=rf"max_tokens={value} leaves no room.*positive"):
        ChatOpenRouterGemini(api_key=KEY, max_tokens=value)


@pytest.mark.parametrize("value", [0, -20])
def test_max_tokens_below_one_is_refused_per_call(fake: FakeOpenRouter, value: int) -> None:
    _refused(
        fake, rf"invoke\(\.\.\., max_tokens=\.\.\.\): max_tokens={value}", "Hi", max_tokens=value
    )


def test_max_tokens_below_one_is_refused_when_bound(fake: FakeOpenRouter) -> None:
    with pytest.raises(ValueError, match="max_tokens=0"):
        make(fake).bind(max_tokens=0).invoke("Hi")
    assert fake.requests == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("temperature", "hot"),
        ("top_p", [0.9]),
        ("top_k", "many"),
        ("seed", 1.5),
        ("max_tokens", "lots"),
        ("frequency_penalty", {"a": 1}),
        ("logprobs", "maybe"),
    ],
)
def test_per_call_sampling_values_follow_the_constructors_rules(
    fake: FakeOpenRouter, name: str, value: Any
) -> None:
    with pytest.raises(ValueError):
        ChatOpenRouterGemini(api_key=KEY, **{name: value})
    message = _refused(fake, rf"invoke\(\.\.\., {name}=\.\.\.\): {name}=", "Hi", **{name: value})
    assert "constructor" in message


def test_per_call_values_the_constructor_converts_are_converted(fake: FakeOpenRouter) -> None:
    make(fake).invoke("Hi", temperature="0.5", top_k="40")
    body = fake.bodies[0]
    assert body["temperature"] == 0.5
    assert body["top_k"] == 40


# --- Base64 payloads -----------------------------------------------------------------------------

NOT_BASE64 = "this is a file name.png"
BAD_BASE64_BLOCKS = {
    "v1 image": {"type": "image", "base64": NOT_BASE64, "mime_type": "image/png"},
    "v1 file": {"type": "file", "base64": NOT_BASE64, "mime_type": "application/pdf"},
    "v1 audio": {"type": "audio", "base64": NOT_BASE64, "mime_type": "audio/wav"},
    "v0 image": {
        "type": "image",
        "source_type": "base64",
        "data": NOT_BASE64,
        "mime_type": "image/png",
    },
    "image_url data URL": {
        "type": "image_url",
        "image_url": {"url": "data:image/png;base64," + NOT_BASE64},
    },
    "video_url data URL": {
        "type": "video_url",
        "video_url": {"url": "data:video/mp4;base64," + NOT_BASE64},
    },
    "file data URL": {
        "type": "file",
        "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64," + NOT_BASE64},
    },
    "anthropic source": {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": NOT_BASE64},
    },
    "input_audio": {"type": "input_audio", "input_audio": {"data": NOT_BASE64, "format": "wav"}},
    "v1 text-plain": {"type": "text-plain", "base64": NOT_BASE64, "mime_type": "text/plain"},
    "v0 plain-text file": {
        "type": "file",
        "source_type": "base64",
        "data": NOT_BASE64,
        "mime_type": "text/plain",
    },
    "padding in the middle": {"type": "image", "base64": "iVBO==Rw0KGgo", "mime_type": "image/png"},
}


@pytest.mark.parametrize("block", BAD_BASE64_BLOCKS.values(), ids=BAD_BASE64_BLOCKS)
def test_base64_that_is_not_base64_is_refused(fake: FakeOpenRouter, block: dict[str, Any]) -> None:
    message = _refused(fake, r"Message 0, content block 1.*is not base64", _user(block))
    assert "b64encode" in message  # the fix


def test_a_huge_payload_is_judged_by_its_ends(fake: FakeOpenRouter) -> None:
    # 24 MB of valid base64 whose last characters are not: found without decoding it all.
    payload = b64(PNG + bytes(18_000_000)) + "!!"
    _refused(fake, "'!'", _user({"type": "image", "base64": payload, "mime_type": "image/png"}))


@given(st.binary(min_size=1, max_size=6000), st.booleans(), st.booleans(), st.booleans())
def test_real_base64_is_never_refused(
    data: bytes, urlsafe: bool, strip_padding: bool, wrap: bool
) -> None:
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(data).decode()
    if strip_padding:
        text = text.rstrip("=")
    if wrap:
        text = "\n".join(text[i : i + 76] for i in range(0, len(text), 76))
    assert base64_problem(text) is None
    assert base64_problem("data:image/png;base64," + text, len("data:image/png;base64,")) is None


@given(
    st.binary(max_size=3000),
    st.integers(min_value=0, max_value=BASE64_CHECK_CHARS - 1),
    st.sampled_from(list("!.#%&*,;:?@[]{}~\"'\\<>|^`$()é")),
)
def test_a_foreign_character_near_the_start_is_always_found(
    data: bytes, position: int, bad: str
) -> None:
    text = b64(data)
    position = min(position, len(text))
    assert base64_problem(text[:position] + bad + text[position:]) is not None


# --- MIME types and bytes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ({"type": "image", "base64": b64(PNG), "mime_type": "image/bmp"}, "image/bmp"),
        ({"type": "image", "base64": b64(PNG), "mime_type": "image/svg+xml"}, "image/svg"),
        ({"type": "video", "base64": b64(MP4), "mime_type": "video/x-matroska"}, "x-matroska"),
        (
            {"type": "image_url", "image_url": {"url": "data:image/tiff;base64," + b64(PNG)}},
            "image/tiff",
        ),
        (
            {"type": "image", "url": "https://example.com/scan.tiff", "mime_type": "image/tiff"},
            "image/tiff",
        ),
    ],
)
def test_a_mime_type_no_gemini_provider_accepts_is_refused(
    fake: FakeOpenRouter, block: dict[str, Any], problem: str
) -> None:
    message = _refused(fake, r"no Gemini provider accepts", _user(block))
    assert problem in message
    assert "image/png" in message or "video/mp4" in message  # what to convert to


@pytest.mark.parametrize(
    ("block", "found"),
    [
        ({"type": "image", "base64": b64(JPEG), "mime_type": "image/png"}, "image/jpeg"),
        ({"type": "image", "base64": b64(WAV), "mime_type": "image/jpeg"}, "audio/wav"),
        (
            {"type": "image", "base64": b64(b"plain text, no image"), "mime_type": "image/png"},
            "no such",
        ),
        ({"type": "video", "base64": b64(PNG), "mime_type": "video/mp4"}, "image/png"),
        ({"type": "video", "base64": b64(WAV), "mime_type": "video/mp4"}, "audio/wav"),
        ({"type": "audio", "base64": b64(PDF), "mime_type": "audio/wav"}, "application/pdf"),
        (
            {"type": "input_audio", "input_audio": {"data": b64(PNG), "format": "mp3"}},
            "image/png",
        ),
        (
            {"type": "video_url", "video_url": {"url": "data:video/webm;base64," + b64(PDF)}},
            "application/pdf",
        ),
    ],
)
def test_bytes_that_plainly_are_not_the_declared_type_are_refused(
    fake: FakeOpenRouter, block: dict[str, Any], found: str
) -> None:
    message = _refused(fake, r"the data is declared", _user(block))
    assert found in message
    assert "mime_type" in message  # the fix


REAL_HEADS = [
    (PNG, "image/png"),
    (JPEG, "image/jpeg"),
    (b"GIF89a\x01\x00\x01\x00", "image/gif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
    (struct.pack(">I", 24) + b"ftypheic", "image/heic"),
    (struct.pack(">I", 24) + b"ftypmif1", "image/heif"),
    (WAV, "audio/wav"),
    (b"fLaC\x00\x00\x00\x22", "audio/flac"),
    (b"OggS\x00\x02" + bytes(22) + b"\x01vorbis", "audio/ogg"),
    (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
    (b"\xff\xf1\x50\x80", "audio/aac"),
    (b"FORM\x00\x00\x00\x00AIFF", "audio/aiff"),
    (MP4, "audio/mp4"),
    (MP4, "video/mp4"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm", "video/webm"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm", "audio/webm"),
    (struct.pack(">I", 20) + b"ftypqt  ", "video/quicktime"),
]


@given(st.sampled_from(REAL_HEADS), st.binary(max_size=200))
def test_real_files_never_contradict_their_own_type(head: tuple[bytes, str], rest: bytes) -> None:
    data, mime = head
    assert not bytes_contradict(mime, sniff_mime(data + rest))


@pytest.mark.parametrize(
    "block",
    [
        {"type": "image", "base64": b64(PNG), "mime_type": "image/png"},
        {"type": "image", "base64": b64(JPEG), "mime_type": "image/jpeg"},
        {"type": "video", "base64": b64(MP4), "mime_type": "video/mp4"},
        {"type": "audio", "base64": b64(MP4), "mime_type": "audio/mp4"},  # an .m4a is MP4 inside
        {"type": "audio", "base64": b64(WAV), "mime_type": "audio/wav"},
        {
            "type": "video",
            "base64": b64(b"\x00\x00\x01\xba" + bytes(60)),
            "mime_type": "video/mpeg",
        },
        {"type": "image", "url": "https://example.com/chart.bmp"},  # fetched by OpenRouter
    ],
)
def test_media_gemini_takes_still_goes_out(fake: FakeOpenRouter, block: dict[str, Any]) -> None:
    make(fake).invoke(_user(block))
    assert len(fake.requests) == 1


# --- Unknown constructor arguments ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "suggestion"),
    [
        ({"temprature": 0}, "temperature"),
        ({"max_token": 10}, "max_tokens"),
        ({"api_kye": "x"}, "api_key"),
        ({"modle": "google/gemini-2.5-pro"}, "model"),
        ({"thinking_budgett": 100}, "thinking_budget"),
    ],
)
def test_an_unknown_constructor_argument_suggests_the_right_name(
    kwargs: dict[str, Any], suggestion: str
) -> None:
    with pytest.raises(ValueError, match=rf"did you mean {suggestion!r}\?") as caught:
        ChatOpenRouterGemini(api_key=KEY, **kwargs)
    text = str(caught.value)
    assert "model_kwargs" in text and "extra_body" in text  # the deliberate way
    assert KEY not in text


def test_a_name_like_nothing_known_is_still_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown argument\(s\) 'zzqqx'") as caught:
        ChatOpenRouterGemini(api_key=KEY, zzqqx=1)
    assert "did you mean" not in str(caught.value)


def test_deliberate_extra_fields_still_go_out(fake: FakeOpenRouter) -> None:
    model = make(fake, model_kwargs={"custom_field": 1}, extra_body={"other_field": "x"})
    model.invoke("Hi", extra_body={"per_call_field": True})
    body = fake.bodies[0]
    assert body["custom_field"] == 1
    assert body["other_field"] == "x"
    assert body["per_call_field"] is True
    assert "temprature" not in body


def test_other_spellings_the_class_documents_are_accepted() -> None:
    model = ChatOpenRouterGemini(
        api_key=KEY,
        site_url="https://app.example",
        app_name="App",
        timeout=30,
        base_url="https://openrouter.ai/api/v1",
    )
    assert (model.app_url, model.app_title, model.request_timeout) == (
        "https://app.example",
        "App",
        30,
    )


def test_model_strings_and_configurable_models_still_work(fake: FakeOpenRouter) -> None:
    with pytest.raises(ValueError, match="did you mean 'temperature'"):
        init_chat_model("openrouter:google/gemini-2.5-flash", api_key=KEY, temprature=0.1)
    model = init_chat_model(
        "openrouter:google/gemini-2.5-flash?temperature=0.2",
        api_key=KEY,
        configurable_fields=("temperature",),
        **fake.clients(),
    )
    model.invoke("Hi", config={"configurable": {"temperature": 0.7}})
    assert fake.bodies[0]["temperature"] == 0.7
