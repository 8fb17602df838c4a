"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.usage.tokens`.
"""

from langchain_openrouter_gemini.usage.tokens import *  # noqa: F403
from langchain_openrouter_gemini.usage.tokens import __all__ as __all__
