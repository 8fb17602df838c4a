"""MIME types: sniffing from magic bytes, extension fallback, codec names and default filenames.

Everything here is pure and works on a few leading bytes, so callers can sniff a 20 MB base64
string by decoding only its first characters.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import posixpath
import re

__all__ = [
    "ACCEPTED_MEDIA_TYPES",
    "AUDIO_FORMATS",
    "AUDIO_URL_FIX",
    "BASE64_CHECK_CHARS",
    "SNIFF_BYTES",
    "audio_format_for_mime",
    "base64_problem",
    "bytes_contradict",
    "default_filename",
    "extension_for_mime",
    "looks_like_text",
    "mime_from_filename",
    "normalize_mime",
    "sniff_base64_mime",
    "sniff_mime",
]

SNIFF_BYTES = 64
"""How many leading bytes `sniff_mime` needs to recognise every format it knows."""

# ISO base media (MP4 family) brands at bytes 8..12, after `....ftyp`.
_FTYP_BRANDS: dict[bytes, str] = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"heim": "image/heic",
    b"heis": "image/heic",
    b"hevc": "image/heic",
    b"hevx": "image/heic",
    b"mif1": "image/heif",
    b"msf1": "image/heif",
    b"avif": "image/avif",
    b"avis": "image/avif",
    b"M4A ": "audio/mp4",
    b"M4B ": "audio/mp4",
    b"M4P ": "audio/mp4",
    b"qt  ": "video/quicktime",
    b"3gp4": "video/3gpp",
    b"3gp5": "video/3gpp",
    b"3gp6": "video/3gpp",
    b"3g2a": "video/3gpp2",
}

# QuickTime files written without an `ftyp` box start directly with one of these atoms.
_QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")

# Codec names OpenRouter's `input_audio.format` takes, keyed by (lower-case) MIME type.
# OpenRouter lists wav, mp3, aiff, aac, ogg, flac, m4a, pcm16 and pcm24.
AUDIO_FORMATS: dict[str, str] = {
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mpeg3": "mp3",
    "audio/x-mpeg-3": "mp3",
    "audio/mpga": "mp3",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/vnd.wave": "wav",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
    "audio/ogg": "ogg",
    "audio/vorbis": "ogg",
    "audio/mp4": "m4a",
    "audio/m4a": "m4a",
    "audio/x-m4a": "m4a",
    "audio/aac": "aac",
    "audio/x-aac": "aac",
    "audio/aacp": "aac",
    "audio/aiff": "aiff",
    "audio/x-aiff": "aiff",
    "audio/pcm": "pcm16",
    "audio/l16": "pcm16",
    "audio/l24": "pcm24",
}

AUDIO_URL_FIX = (
    "OpenRouter's input_audio takes base64 data only, not URLs: download the audio and pass its "
    "bytes as base64 (`{'type': 'audio', 'base64': ..., 'mime_type': 'audio/wav'}`), or build "
    "the block with `langchain_openrouter_gemini.content.audio(path_or_bytes)`."
)
"""What to do with audio given as a URL: the content helpers and the converter both say it."""

# Our own table first: `mimetypes` depends on the OS's mime.types and the Python version
# (3.10 does not know .webp, .heic or .flac everywhere), so results would differ per machine.
_EXTENSION_TO_MIME: dict[str, str] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".avif": "image/avif",
    ".pdf": "application/pdf",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".aif": "audio/aiff",
    ".aiff": "audio/aiff",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".mpeg": "video/mpeg",
    ".mpg": "video/mpeg",
    ".3gp": "video/3gpp",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".html": "text/html",
    ".json": "application/json",
}

_MIME_TO_EXTENSION: dict[str, str] = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "image/heif": ".heif",
    "image/avif": ".avif",
    "application/pdf": ".pdf",
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/flac": ".flac",
    "audio/x-flac": ".flac",
    "audio/ogg": ".ogg",
    "audio/mp4": ".m4a",
    "audio/m4a": ".m4a",
    "audio/x-m4a": ".m4a",
    "audio/aac": ".aac",
    "audio/aiff": ".aiff",
    "audio/x-aiff": ".aiff",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "video/x-matroska": ".mkv",
    "video/mpeg": ".mpeg",
    "video/3gpp": ".3gp",
    "video/ogg": ".ogv",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/csv": ".csv",
    "text/html": ".html",
    "application/json": ".json",
}

# Image and video MIME types at least one Gemini provider behind OpenRouter accepts inline:
# OpenRouter's image guide lists image/png, image/jpeg, image/webp and image/gif
# (https://openrouter.ai/docs/features/multimodal/images), its video guide video/mp4,
# video/mpeg, video/mov and video/webm (https://openrouter.ai/docs/features/multimodal/videos);
# Google's Gemini API adds image/heic and image/heif, and video/avi, video/x-flv, video/mpg,
# video/wmv and video/3gpp (https://ai.google.dev/gemini-api/docs/prompting_with_media,
# "Supported file formats"). The registered names of the same containers (video/quicktime,
# video/x-msvideo, video/x-ms-wmv) are accepted too. Audio types are `AUDIO_FORMATS`' keys.
ACCEPTED_MEDIA_TYPES: dict[str, frozenset[str]] = {
    "image": frozenset(
        {"image/png", "image/jpeg", "image/webp", "image/gif", "image/heic", "image/heif"}
    ),
    "video": frozenset(
        {
            "video/mp4",
            "video/mpeg",
            "video/mpg",
            "video/mov",
            "video/quicktime",
            "video/webm",
            "video/avi",
            "video/x-msvideo",
            "video/x-flv",
            "video/wmv",
            "video/x-ms-wmv",
            "video/3gpp",
        }
    ),
    "audio": frozenset(AUDIO_FORMATS),
}

# What a sniffed type says about the data's kind, when it is not simply its major type.
# Containers that hold audio, video or both (MP4, QuickTime, 3GP, Ogg, Matroska/WebM, AVI)
# are "av": an .m4a sniffs as MP4, an audio-only WebM as video/webm.
_AV_CONTAINERS = frozenset(
    {
        "video/mp4",
        "audio/mp4",
        "video/quicktime",
        "video/3gpp",
        "video/3gpp2",
        "audio/ogg",
        "video/ogg",
        "video/webm",
        "video/x-matroska",
        "video/x-msvideo",
    }
)
_SAME_IMAGE_FORMAT = {"image/heif": "image/heic"}
_ISOBMFF_IMAGES = frozenset({"image/heic", "image/heif", "image/avif"})

BASE64_CHECK_CHARS = 4096
"""How many characters at each end of a base64 payload `base64_problem` reads."""

_BASE64_ALPHABET = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=\r\n\t "
)

_FILENAME_STEMS = {"image": "image", "audio": "audio", "video": "video"}

# C0 controls other than tab, line feed, form feed and carriage return, plus DEL.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def normalize_mime(mime_type: str) -> str:
    """Lower-case a MIME type and drop its parameters (`audio/L16; rate=16000` -> `audio/l16`)."""
    return mime_type.split(";", 1)[0].strip().lower()


def sniff_mime(head: bytes) -> str | None:
    """Recognise a file format from its first bytes (`SNIFF_BYTES` are enough).

    Args:
        head: The leading bytes of the file (more is fine).

    Returns:
        The MIME type, or None when the bytes match no known binary format. Plain text is
        deliberately not guessed here: see `looks_like_text`.

    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"RIFF") and len(head) >= 12:
        return {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}.get(
            head[8:12]
        )
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"):
        return "audio/aiff"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"OggS"):
        # Ogg is a container; Theora is video, everything common (Vorbis, Opus, FLAC) is audio.
        return "video/ogg" if b"theora" in head[28:40] else "audio/ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm" if b"webm" in head[:SNIFF_BYTES] else "video/x-matroska"
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], "video/mp4")
    if head[4:8] in _QUICKTIME_ATOMS:
        return "video/quicktime"
    if head.startswith(b"ID3"):
        return "audio/mpeg"
    return _sniff_mpeg_audio_frame(head)


def _sniff_mpeg_audio_frame(head: bytes) -> str | None:
    # A bare MPEG audio stream starts with an 11-bit frame sync (0xFFE). The two "layer" bits
    # tell MP3 (layer III, non-zero) from AAC in an ADTS header (always 00).
    if len(head) < 2 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    layer_bits = head[1] & 0x06
    if layer_bits == 0:
        # ADTS also fixes bit 4 of the second byte to 1 (MPEG-4) or 0 (MPEG-2); both are AAC.
        return "audio/aac"
    return "audio/mpeg"


def sniff_base64_mime(data: str) -> str | None:
    """Sniff the MIME type of base64 data by decoding only its first characters.

    Args:
        data: Base64 text (standard or URL-safe alphabet; line breaks are tolerated).

    Returns:
        The MIME type, or None when the prefix is not valid base64 or matches no known format.

    """
    # 4 base64 characters carry 3 bytes; a little slack covers stray line breaks.
    prefix = "".join(data[: SNIFF_BYTES * 2].split())
    prefix = prefix[: (SNIFF_BYTES // 3 + 1) * 4]
    prefix = prefix[: len(prefix) - len(prefix) % 4]
    if not prefix:
        return None
    try:
        head = base64.b64decode(prefix.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None
    return sniff_mime(head)


def base64_problem(text: str, start: int = 0) -> str | None:
    """Tell why `text[start:]` plainly is not base64, reading only its two ends.

    At most `BASE64_CHECK_CHARS` characters at the start and 64 at the end are read, so a
    20 MB payload is checked as fast as a small one and never decoded whole. The standard
    and URL-safe alphabets are accepted, and so are line breaks. Data that passes may
    still be corrupt in the middle; what fails is certainly not base64.

    Args:
        text: The string holding the payload (a data URL or bare base64).
        start: Where the payload starts inside `text` (after a data URL's comma).

    Returns:
        A short reason ("it contains '.'", ...), or None when the data may be base64.

    """
    size = len(text) - start
    if size <= 0:
        return "it is empty"
    whole = size <= BASE64_CHECK_CHARS
    head = text[start : start + BASE64_CHECK_CHARS]
    tail = head if whole else text[-64:]
    for piece in (head, tail):
        if bad := next((ch for ch in piece if ch not in _BASE64_ALPHABET), None):
            return f"it contains {bad!r}, which is not a base64 character"
    compact_head = "".join(head.split())
    if not whole and "=" in compact_head:
        return "it has '=' padding before its end"
    end = compact_head if whole else "".join(tail.split())
    unpadded = end.rstrip("=")
    if "=" in unpadded or len(end) - len(unpadded) > 2:
        return "it has '=' padding before its end"
    if whole and (len(end) % 4 == 1 or (len(end) > len(unpadded) and len(end) % 4)):
        return f"its length ({len(end)} characters) does not fit base64"
    return None


def bytes_contradict(declared: str, sniffed: str | None) -> bool:
    """Whether data sniffed as `sniffed` plainly is not of the declared image/audio/video type.

    Images must be the declared format (every format Gemini takes has a signature, so bytes
    matching none are not an image). Audio and video only contradict their type when the
    bytes are of another kind altogether (an image or a PDF; audio-only formats for video),
    since one container can hold either and some audio has no signature.

    Args:
        declared: The MIME type the caller gave (normalised or not).
        sniffed: What `sniff_mime` made of the leading bytes (None: unknown).

    Returns:
        True when the bytes cannot be what the MIME type says.

    """
    declared = normalize_mime(declared)
    major = declared.partition("/")[0]
    if major == "image":
        if declared in _ISOBMFF_IMAGES:
            # HEIF brands are many; any ISO media file may be one.
            return sniffed is not None and sniffed not in _ISOBMFF_IMAGES | _AV_CONTAINERS
        same = _SAME_IMAGE_FORMAT.get(declared, declared)
        return sniffed is None or _SAME_IMAGE_FORMAT.get(sniffed, sniffed) != same
    if major not in ("audio", "video") or sniffed is None or sniffed in _AV_CONTAINERS:
        return False
    sniffed_major = sniffed.partition("/")[0]
    return sniffed_major != "audio" if major == "audio" else sniffed_major != "video"


def looks_like_text(data: bytes) -> bool:
    """Tell whether `data` is entirely UTF-8 text without control characters.

    Only safe on the whole file, never on a prefix: a binary format can start with text.

    Args:
        data: The complete file contents.

    Returns:
        True for non-empty UTF-8 text free of control characters other than whitespace.

    """
    if not data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _CONTROL_CHARACTER.search(text) is None


def mime_from_filename(name: str) -> str | None:
    """Guess a MIME type from a file name or URL path's extension.

    Args:
        name: A file name, path or URL path.

    Returns:
        The MIME type, or None when the extension is missing or unknown.

    """
    extension = posixpath.splitext(name.replace("\\", "/").lower())[1]
    if not extension:
        return None
    return _EXTENSION_TO_MIME.get(extension) or mimetypes.guess_type("file" + extension)[0]


def extension_for_mime(mime_type: str) -> str | None:
    """Return the usual file extension (with its dot) for a MIME type, or None if unknown."""
    mime = normalize_mime(mime_type)
    return _MIME_TO_EXTENSION.get(mime) or mimetypes.guess_extension(mime)


def default_filename(mime_type: str) -> str:
    """Derive a descriptive filename from a MIME type, e.g. `document.pdf` or `audio.wav`.

    Args:
        mime_type: The MIME type of the data.

    Returns:
        `<kind>.<extension>`, where kind is image, audio, video or document. For a MIME type
        with no known extension the subtype serves as the extension (`document.x-custom`),
        so the name still tells the model what the data is.

    """
    mime = normalize_mime(mime_type)
    major, _, subtype = mime.partition("/")
    stem = _FILENAME_STEMS.get(major, "document")
    extension = extension_for_mime(mime)
    if extension is None:
        subtype = subtype.rsplit(".", 1)[-1].split("+", 1)[0]
        extension = "." + subtype if subtype else ""
    return stem + extension


def audio_format_for_mime(mime_type: str) -> str | None:
    """Map an audio MIME type to the codec name OpenRouter's `input_audio.format` expects.

    Args:
        mime_type: For example `audio/mpeg` or `audio/x-wav`.

    Returns:
        For example `mp3` or `wav`; None when OpenRouter has no name for the codec.

    """
    return AUDIO_FORMATS.get(normalize_mime(mime_type))
