"""A documented import path, kept working: OpenRouter's `POST /embeddings` on both sides.

The request body lives in `langchain_openrouter_gemini.wire.request.embeddings`, reading the
reply (and `EmbeddingUsage`, documented here) in
`langchain_openrouter_gemini.wire.response.embeddings`. This path once held both, so it
names both; new code imports the side it needs.
"""

from langchain_openrouter_gemini.wire.request.embeddings import EMBEDDINGS_PATH, embeddings_body
from langchain_openrouter_gemini.wire.response.embeddings import EmbeddingUsage, parse_embeddings

__all__ = [
    "EMBEDDINGS_PATH",
    "EmbeddingUsage",
    "embeddings_body",
    "parse_embeddings",
]
