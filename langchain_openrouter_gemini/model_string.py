"""Model strings: `"openrouter:google/gemini-2.5-flash:nitro?temperature=0&reasoning_effort=low"`.

A documented import path, kept whole: the parsers live in `model_ids`, the factories that
build models from a string in `factories`.
"""

from __future__ import annotations

from langchain_openrouter_gemini.factories import (
    ConfigurableChatModel,
    init_chat_model,
    init_embeddings,
)
from langchain_openrouter_gemini.model_ids import parse_embeddings_string, parse_model_string

__all__ = [
    "ConfigurableChatModel",
    "init_chat_model",
    "init_embeddings",
    "parse_embeddings_string",
    "parse_model_string",
]
