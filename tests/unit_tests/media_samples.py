"""Small real media files for the tests of MIME sniffing, content blocks and content parts.

Made here, byte for byte, so a test can say what it expects of them; the emulator's own
`langchain_openrouter_gemini.testing.samples` makes larger, realistic ones.
"""

from __future__ import annotations

import base64
import io
import wave

__all__ = ["PNG", "silent_wav"]

# A real 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def silent_wav(frames: int) -> bytes:
    """A mono 16-bit 8 kHz WAV of `frames` silent frames, made with the wave module."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(b"\x00\x00" * frames)
    return buffer.getvalue()
