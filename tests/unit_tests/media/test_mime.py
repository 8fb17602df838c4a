"""MIME sniffing from magic bytes, extension fallback, audio codec names and default filenames."""

from __future__ import annotations

import base64

import pytest

from langchain_openrouter_gemini.media.mime import (
    SNIFF_BYTES,
    audio_format_for_mime,
    default_filename,
    looks_like_text,
    mime_from_filename,
    sniff_base64_mime,
    sniff_mime,
)
from tests.unit_tests.media_samples import PNG, silent_wav

GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _wav() -> bytes:
    return silent_wav(16)


def _ftyp(brand: bytes) -> bytes:
    return b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00" + brand + b"isom"


def _ogg(codec_header: bytes) -> bytes:
    # Page header (27 bytes) + a one-entry segment table, then the codec's identification packet.
    return b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e" + codec_header + b"\x00" * 16


SAMPLES = [
    ("png", PNG, "image/png"),
    ("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00", "image/jpeg"),
    ("gif", GIF, "image/gif"),
    ("webp", b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00", "image/webp"),
    ("heic", _ftyp(b"heic"), "image/heic"),
    ("heif", _ftyp(b"mif1"), "image/heif"),
    ("avif", _ftyp(b"avif"), "image/avif"),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
    ("wav", _wav(), "audio/wav"),
    ("mp3 with ID3 tag", b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64", "audio/mpeg"),
    ("mp3 bare frame", b"\xff\xfb\x90\x64" + b"\x00" * 12, "audio/mpeg"),
    ("mpeg-2 layer III frame", b"\xff\xf3\x90\x64" + b"\x00" * 12, "audio/mpeg"),
    ("aac adts", b"\xff\xf1\x50\x80\x02\x1f\xfc", "audio/aac"),
    ("aac adts mpeg-2", b"\xff\xf9\x50\x80\x02\x1f\xfc", "audio/aac"),
    ("flac", b"fLaC\x00\x00\x00\x22\x10\x00\x10\x00", "audio/flac"),
    ("ogg vorbis", _ogg(b"\x01vorbis"), "audio/ogg"),
    ("ogg opus", _ogg(b"OpusHead"), "audio/ogg"),
    ("ogg theora", _ogg(b"\x80theora"), "video/ogg"),
    ("m4a", _ftyp(b"M4A "), "audio/mp4"),
    ("aiff", b"FORM\x00\x00\x00\x2eAIFFCOMM", "audio/aiff"),
    ("mp4", _ftyp(b"isom"), "video/mp4"),
    ("mp4 mp42", _ftyp(b"mp42"), "video/mp4"),
    ("mov with ftyp", _ftyp(b"qt  "), "video/quicktime"),
    ("mov without ftyp", b"\x00\x00\x00\x08wide\x00\x00\x00\x10mdat", "video/quicktime"),
    ("3gp", _ftyp(b"3gp5"), "video/3gpp"),
    ("webm", b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm\x42\x87", "video/webm"),
    ("mkv", b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
]


@pytest.mark.parametrize(("data", "expected"), [pytest.param(d, e, id=n) for n, d, e in SAMPLES])
def test_sniff_mime(data: bytes, expected: str) -> None:
    assert sniff_mime(data) == expected


@pytest.mark.parametrize(("data", "expected"), [pytest.param(d, e, id=n) for n, d, e in SAMPLES])
def test_sniff_base64_mime_reads_only_a_prefix(data: bytes, expected: str) -> None:
    # Garbage after the prefix would break a full decode; the sniffer must not look at it.
    encoded = base64.b64encode(data + bytes(SNIFF_BYTES)).decode() + "!!not base64!!" * 1000
    assert sniff_base64_mime(encoded) == expected


def test_sniff_base64_mime_tolerates_line_breaks_and_urlsafe_alphabet() -> None:
    encoded = base64.encodebytes(PNG * 4).decode()  # MIME-style, a newline every 76 characters
    assert "\n" in encoded[:100]
    assert sniff_base64_mime(encoded) == "image/png"
    assert sniff_base64_mime(base64.urlsafe_b64encode(b"\xff\xfb\x90\x64" * 8).decode()) == (
        "audio/mpeg"
    )


@pytest.mark.parametrize(
    "data",
    [b"", b"hello world, plain text", b"\x00\x01\x02\x03" * 8, b"RIFF\x00\x00\x00\x00XXXX"],
)
def test_sniff_mime_unknown_is_none(data: bytes) -> None:
    assert sniff_mime(data) is None


@pytest.mark.parametrize("encoded", ["", "@@@@", "QUJDREVGR0hJSktM"])
def test_sniff_base64_mime_unknown_is_none(encoded: str) -> None:
    assert sniff_base64_mime(encoded) is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"# Notes\n\n- one\n- two\n", True),
        ("naïve café, 東京\n".encode(), True),
        (b"col1\tcol2\r\n1\t2\r\n", True),
        (b"", False),
        (b"\xff\xfe\x00\x00", False),
        (b"text with a NUL\x00 inside", False),
        (PNG, False),
    ],
)
def test_looks_like_text(data: bytes, expected: bool) -> None:
    assert looks_like_text(data) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("photo.JPG", "image/jpeg"),
        ("/tmp/a.b/clip.webm", "video/webm"),
        ("C:\\docs\\paper.pdf", "application/pdf"),
        ("song.flac", "audio/flac"),
        ("voice.m4a", "audio/mp4"),
        ("pic.heic", "image/heic"),
        ("notes.md", "text/markdown"),
        ("Makefile", None),
        ("archive.unknownext", None),
    ],
)
def test_mime_from_filename(name: str, expected: str | None) -> None:
    assert mime_from_filename(name) == expected


@pytest.mark.parametrize(
    ("mime", "expected"),
    [
        ("audio/mpeg", "mp3"),
        ("audio/mp3", "mp3"),
        ("audio/wav", "wav"),
        ("audio/x-wav", "wav"),
        ("audio/wave", "wav"),
        ("audio/flac", "flac"),
        ("audio/x-flac", "flac"),
        ("audio/ogg", "ogg"),
        ("audio/mp4", "m4a"),
        ("audio/m4a", "m4a"),
        ("audio/x-m4a", "m4a"),
        ("audio/aac", "aac"),
        ("audio/aiff", "aiff"),
        ("audio/x-aiff", "aiff"),
        ("audio/L16; rate=16000", "pcm16"),
        ("audio/L24", "pcm24"),
        ("AUDIO/MPEG", "mp3"),
        ("audio/webm", None),
        ("video/mp4", None),
    ],
)
def test_audio_format_for_mime(mime: str, expected: str | None) -> None:
    assert audio_format_for_mime(mime) == expected


@pytest.mark.parametrize(
    ("mime", "expected"),
    [
        ("application/pdf", "document.pdf"),
        ("audio/wav", "audio.wav"),
        ("audio/x-wav", "audio.wav"),
        ("audio/mpeg", "audio.mp3"),
        ("image/png", "image.png"),
        ("image/jpeg", "image.jpg"),
        ("video/mp4", "video.mp4"),
        ("video/quicktime", "video.mov"),
        ("text/plain", "document.txt"),
        ("text/csv; charset=utf-8", "document.csv"),
        ("application/x-custom-thing", "document.x-custom-thing"),
        ("application/vnd.acme.report+json", "document.report"),
    ],
)
def test_default_filename(mime: str, expected: str) -> None:
    assert default_filename(mime) == expected
