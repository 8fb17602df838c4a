"""`langchain_openrouter_gemini.media.content`: blocks from paths, bytes and URLs."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from langchain_openrouter_gemini.media import content
from langchain_openrouter_gemini.wire.request.parts import convert_content
from tests.unit_tests.media_samples import PNG, silent_wav

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08free"


def _wav() -> bytes:
    return silent_wav(40)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


def test_image_from_path(tmp_path: Path) -> None:
    assert content.image(_write(tmp_path, "chart.png", PNG)) == {
        "type": "image",
        "base64": _b64(PNG),
        "mime_type": "image/png",
    }


def test_image_from_str_path_and_bytes_agree(tmp_path: Path) -> None:
    path = _write(tmp_path, "chart.png", PNG)
    assert content.image(str(path)) == content.image(PNG) == content.image(bytearray(PNG))


def test_sniffed_type_beats_a_wrong_extension(tmp_path: Path) -> None:
    assert content.image(_write(tmp_path, "really-a-png.jpg", PNG))["mime_type"] == "image/png"


def test_image_detail_and_explicit_mime_type() -> None:
    assert content.image(PNG, mime_type="image/x-custom", detail="high") == {
        "type": "image",
        "base64": _b64(PNG),
        "mime_type": "image/x-custom",
        "extras": {"detail": "high"},
    }


def test_image_url_is_not_downloaded() -> None:
    assert content.image("https://e.com/cat.png") == {
        "type": "image",
        "url": "https://e.com/cat.png",
    }


def test_pdf_from_path_keeps_the_file_name(tmp_path: Path) -> None:
    block = content.pdf(_write(tmp_path, "paper.pdf", PDF))
    assert block == {
        "type": "file",
        "base64": _b64(PDF),
        "mime_type": "application/pdf",
        "extras": {"filename": "paper.pdf"},
    }
    assert convert_content([block], role="user", message_index=0) == [
        {
            "type": "file",
            "file": {
                "filename": "paper.pdf",
                "file_data": "data:application/pdf;base64," + _b64(PDF),
            },
        }
    ]


def test_pdf_from_bytes_with_and_without_filename() -> None:
    assert content.pdf(PDF) == {"type": "file", "base64": _b64(PDF), "mime_type": "application/pdf"}
    assert content.pdf(PDF, filename="q3.pdf")["extras"] == {"filename": "q3.pdf"}


def test_pdf_with_leading_junk_is_still_a_pdf() -> None:
    assert content.pdf(b"\r\n" + PDF)["mime_type"] == "application/pdf"


def test_pdf_url() -> None:
    assert content.pdf("https://e.com/paper.pdf") == {
        "type": "file",
        "url": "https://e.com/paper.pdf",
        "mime_type": "application/pdf",
    }


def test_pdf_refuses_other_data() -> None:
    with pytest.raises(
        ValueError, match=r"pdf\(\) needs a PDF file.*looks like image/png.*image\(\)"
    ):
        content.pdf(PNG)


def test_audio_from_path_converts_to_input_audio(tmp_path: Path) -> None:
    block = content.audio(_write(tmp_path, "memo.wav", _wav()))
    assert block == {"type": "audio", "base64": _b64(_wav()), "mime_type": "audio/wav"}
    assert convert_content([block], role="user", message_index=0) == [
        {"type": "input_audio", "input_audio": {"data": _b64(_wav()), "format": "wav"}}
    ]


def test_audio_url_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match=r"audio\(\) got a URL.*base64 data only.*content\.audio"):
        content.audio("https://e.com/memo.mp3")


def test_audio_mime_type_override() -> None:
    data = b"\x00" * 32  # raw PCM: nothing to sniff
    assert content.audio(data, mime_type="audio/L16")["mime_type"] == "audio/l16"


def test_video_from_path_and_url(tmp_path: Path) -> None:
    assert content.video(_write(tmp_path, "clip.mp4", MP4)) == {
        "type": "video",
        "base64": _b64(MP4),
        "mime_type": "video/mp4",
    }
    assert content.video("https://youtu.be/abc") == {"type": "video", "url": "https://youtu.be/abc"}


def test_file_uses_extension_when_bytes_say_nothing(tmp_path: Path) -> None:
    block = content.file(_write(tmp_path, "notes.md", b"# Notes\n"))
    assert block == {
        "type": "file",
        "base64": _b64(b"# Notes\n"),
        "mime_type": "text/markdown",
        "extras": {"filename": "notes.md"},
    }


def test_file_from_text_bytes_is_plain_text() -> None:
    assert content.file(b"just some text\n", filename="a.txt") == {
        "type": "file",
        "base64": _b64(b"just some text\n"),
        "mime_type": "text/plain",
        "extras": {"filename": "a.txt"},
    }


def test_file_url_with_mime_type() -> None:
    assert content.file("https://e.com/d", mime_type="text/csv", filename="d.csv") == {
        "type": "file",
        "url": "https://e.com/d",
        "mime_type": "text/csv",
        "extras": {"filename": "d.csv"},
    }


def test_data_url_source_is_passed_through() -> None:
    url = "data:image/png;base64," + _b64(PNG)
    assert content.image(url) == {"type": "image", "url": url}


def test_unknown_bytes_need_a_mime_type() -> None:
    with pytest.raises(ValueError, match=r"file\(\): cannot tell the type.*mime_type="):
        content.file(b"\x00\x01\x02\x03binary")


def test_wrong_helper_for_the_data(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"image\(\): 'memo.wav' is audio/wav, not image"):
        content.image(_write(tmp_path, "memo.wav", _wav()))


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.png"
    with pytest.raises(FileNotFoundError, match=r"image\(\): '.*nope.png' does not exist.*URL"):
        content.image(missing)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="is a directory"):
        content.pdf(tmp_path)


def test_refusals_carry_what_went_wrong_for_other_front_ends() -> None:
    # The CLI words its own advice from these (flags, not Python helpers).
    from langchain_openrouter_gemini.media.content import ContentSourceError
    from langchain_openrouter_gemini.testing import samples

    with pytest.raises(ContentSourceError) as wrong:
        content.pdf(samples.png())
    assert (wrong.value.reason, wrong.value.detected) == ("wrong_type", "image/png")
    with pytest.raises(ContentSourceError) as url:
        content.audio("https://example.com/a.mp3")
    assert (url.value.kind, url.value.reason) == ("audio", "audio_url")
    assert isinstance(url.value, ValueError)  # still the ValueError Python callers catch
