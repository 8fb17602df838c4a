"""Stand-ins for the standard suite's downloads (the files themselves come from the package).

At record time the standard tests' `httpx.get` of public sample URLs is answered with
these bytes (served by the emulator), so cassettes hold real files of the right type
without reaching the internet.
"""

from __future__ import annotations

from langchain_openrouter_gemini.testing.samples import pdf, png, wav

__all__ = ["STANDARD_SUITE_DOWNLOADS", "pdf", "png", "wav"]

# The standard suite's download URLs and the local file served for each.
STANDARD_SUITE_DOWNLOADS = {
    "https://raw.githubusercontent.com/langchain-ai/docs/4d11d08b6b0e210bd456943f7a22febbd168b543/src/images/agentic-rag-output.png": (
        "image/png",
        png,
    ),
    "https://www.w3.org/WAI/ER/tests/xhtml/testfiles/resources/pdf/dummy.pdf": (
        "application/pdf",
        pdf,
    ),
    "https://upload.wikimedia.org/wikipedia/commons/6/6a/Northern_Flicker_202280456.wav": (
        "audio/wav",
        wav,
    ),
}
