"""Google Gemini through OpenRouter as a first-class LangChain chat model."""

from langchain_openrouter_gemini._version import __version__ as __version__
from langchain_openrouter_gemini.chat_models import ChatOpenRouterGemini
from langchain_openrouter_gemini.embeddings import OpenRouterGeminiEmbeddings
from langchain_openrouter_gemini.errors import (
    OpenRouterAuthenticationError,
    OpenRouterBadRequestError,
    OpenRouterClientTimeoutError,
    OpenRouterConnectionError,
    OpenRouterContextLengthError,
    OpenRouterError,
    OpenRouterInsufficientCreditsError,
    OpenRouterMalformedResponseError,
    OpenRouterModelNotFoundError,
    OpenRouterModerationError,
    OpenRouterRateLimitError,
    OpenRouterRequestTimeoutError,
    OpenRouterRequestTooLargeError,
    OpenRouterStreamError,
    OpenRouterTimeoutError,
    OpenRouterUpstreamError,
)
from langchain_openrouter_gemini.model_string import init_chat_model, init_embeddings

__all__ = [
    "ChatOpenRouterGemini",
    "OpenRouterAuthenticationError",
    "OpenRouterBadRequestError",
    "OpenRouterClientTimeoutError",
    "OpenRouterConnectionError",
    "OpenRouterContextLengthError",
    "OpenRouterError",
    "OpenRouterGeminiEmbeddings",
    "OpenRouterInsufficientCreditsError",
    "OpenRouterMalformedResponseError",
    "OpenRouterModelNotFoundError",
    "OpenRouterModerationError",
    "OpenRouterRateLimitError",
    "OpenRouterRequestTimeoutError",
    "OpenRouterRequestTooLargeError",
    "OpenRouterStreamError",
    "OpenRouterTimeoutError",
    "OpenRouterUpstreamError",
    "init_chat_model",
    "init_embeddings",
]
