"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.features.server_tools`.
"""

from langchain_openrouter_gemini.features.server_tools import *  # noqa: F403
from langchain_openrouter_gemini.features.server_tools import __all__ as __all__
