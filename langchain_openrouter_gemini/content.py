"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.media.content`.
"""

from langchain_openrouter_gemini.media.content import *  # noqa: F403
from langchain_openrouter_gemini.media.content import __all__ as __all__
