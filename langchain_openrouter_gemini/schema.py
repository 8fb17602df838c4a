"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.features.schema`.
"""

from langchain_openrouter_gemini.features.schema import *  # noqa: F403
from langchain_openrouter_gemini.features.schema import __all__ as __all__
