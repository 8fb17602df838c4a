"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.chat.model`.
"""

from langchain_openrouter_gemini.chat.model import *  # noqa: F403
from langchain_openrouter_gemini.chat.model import __all__ as __all__
