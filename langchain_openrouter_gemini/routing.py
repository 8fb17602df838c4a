"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.features.routing`.
"""

from langchain_openrouter_gemini.features.routing import *  # noqa: F403
from langchain_openrouter_gemini.features.routing import __all__ as __all__
