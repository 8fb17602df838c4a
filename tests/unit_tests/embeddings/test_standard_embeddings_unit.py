"""LangChain's standard unit suite for embeddings."""

from __future__ import annotations

from typing import Any

from langchain_tests.unit_tests import EmbeddingsUnitTests

from langchain_openrouter_gemini import OpenRouterGeminiEmbeddings


class TestOpenRouterGeminiEmbeddingsStandard(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[OpenRouterGeminiEmbeddings]:
        return OpenRouterGeminiEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        # A placeholder key: the suite builds models from these params alone.
        return {"model": "google/gemini-embedding-001", "api_key": "sk-or-placeholder"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {
                "OPENROUTER_API_KEY": "sk-or-from-env",
                "OPENROUTER_BASE_URL": "https://openrouter.example/api/v1",
                "OPENROUTER_APP_URL": "https://app.example",
                "OPENROUTER_APP_TITLE": "Env App",
            },
            {"dimensions": 768},
            {
                "openai_api_key": "sk-or-from-env",
                "openai_api_base": "https://openrouter.example/api/v1",
                "app_url": "https://app.example",
                "app_title": "Env App",
                "dimensions": 768,
            },
        )
