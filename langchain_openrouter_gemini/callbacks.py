"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.usage.callbacks`.
"""

from langchain_openrouter_gemini.usage.callbacks import *  # noqa: F403
from langchain_openrouter_gemini.usage.callbacks import __all__ as __all__
