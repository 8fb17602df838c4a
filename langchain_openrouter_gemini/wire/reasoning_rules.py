"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.wire.request.reasoning_rules`.
"""

from langchain_openrouter_gemini.wire.request.reasoning_rules import *  # noqa: F403
from langchain_openrouter_gemini.wire.request.reasoning_rules import __all__ as __all__
