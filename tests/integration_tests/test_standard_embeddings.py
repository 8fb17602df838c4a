"""LangChain's standard integration suite for embeddings, replayed from cassettes."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests

from langchain_openrouter_gemini import OpenRouterGeminiEmbeddings
from tests import recording


@pytest.mark.vcr
class TestOpenRouterGeminiEmbeddingsIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[OpenRouterGeminiEmbeddings]:
        return OpenRouterGeminiEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        # 768 of gemini-embedding-001's 3072 values (Google's smallest recommended size)
        # keeps the cassettes a quarter of the size.
        return {
            "model": "google/gemini-embedding-001",
            "dimensions": 768,
            **recording.connection_settings(),
        }
