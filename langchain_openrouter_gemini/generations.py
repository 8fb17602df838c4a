"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.usage.generations`.
"""

from langchain_openrouter_gemini.usage.generations import *  # noqa: F403
from langchain_openrouter_gemini.usage.generations import __all__ as __all__
