"""Typed errors for everything OpenRouter can answer besides a good reply.

Every class subclasses `OpenRouterError`, LangChain's matching standard exception
(`ModelRateLimitError`, `ContextOverflowError`, ...) and the `openai` SDK's matching class,
so handlers written for any of the three keep working. `str(error)` is a sentence for
people: what happened and what to do. Keys never appear in it.
"""

from __future__ import annotations

from langchain_openrouter_gemini.errors import classes
from langchain_openrouter_gemini.errors.classes import *  # noqa: F403  (every class, by its __all__)
from langchain_openrouter_gemini.errors.incomplete import OpenRouterIncompleteOutputError
from langchain_openrouter_gemini.errors.mapping import (
    error_from_openai,
    error_from_payload,
    error_from_response,
    is_retryable,
    malformed_response,
    stalled_stream,
)

__all__ = [
    "OpenRouterIncompleteOutputError",
    "error_from_openai",
    "error_from_payload",
    "error_from_response",
    "is_retryable",
    "malformed_response",
    "stalled_stream",
]
__all__ += classes.__all__
