"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.wire.response.citations`.
"""

from langchain_openrouter_gemini.wire.response.citations import *  # noqa: F403
from langchain_openrouter_gemini.wire.response.citations import __all__ as __all__
