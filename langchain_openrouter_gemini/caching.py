"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.features.caching`.
"""

from langchain_openrouter_gemini.features.caching import *  # noqa: F403
from langchain_openrouter_gemini.features.caching import __all__ as __all__
