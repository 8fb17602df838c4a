"""A documented import path, kept working: Gemini reasoning on both sides of the wire.

The request's `reasoning` object lives in `langchain_openrouter_gemini.wire.request.reasoning`,
the reply's `reasoning_details` in `langchain_openrouter_gemini.wire.response.reasoning_details`.
This path once held both, so it names both; new code imports the side it needs.
"""

from langchain_openrouter_gemini.wire.request.reasoning import EFFORTS, build_reasoning
from langchain_openrouter_gemini.wire.response.reasoning_details import (
    ReasoningDetailsAccumulator,
    merge_reasoning_details,
    reasoning_text,
)

__all__ = [
    "EFFORTS",
    "ReasoningDetailsAccumulator",
    "build_reasoning",
    "merge_reasoning_details",
    "reasoning_text",
]
