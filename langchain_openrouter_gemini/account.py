"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.usage.account`.
"""

from langchain_openrouter_gemini.usage.account import *  # noqa: F403
from langchain_openrouter_gemini.usage.account import __all__ as __all__
