"""A documented import path, kept working.

The code lives in `langchain_openrouter_gemini.usage.ray_rate_limiter`.
"""

from langchain_openrouter_gemini.usage.ray_rate_limiter import *  # noqa: F403
from langchain_openrouter_gemini.usage.ray_rate_limiter import __all__ as __all__
