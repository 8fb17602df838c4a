"""Google Gemini through OpenRouter as a first-class LangChain chat model."""

from langchain_openrouter_gemini._version import __version__ as __version__
from langchain_openrouter_gemini.account import KeyInfo
from langchain_openrouter_gemini.callbacks import get_openrouter_callback
from langchain_openrouter_gemini.chat_models import ChatOpenRouterGemini
from langchain_openrouter_gemini.embeddings import OpenRouterGeminiEmbeddings
from langchain_openrouter_gemini.errors import (
    OpenRouterAuthenticationError,
    OpenRouterBadRequestError,
    OpenRouterBudgetExceededError,
    OpenRouterClientTimeoutError,
    OpenRouterConnectionError,
    OpenRouterContextLengthError,
    OpenRouterError,
    OpenRouterGenerationNotFoundError,
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
from langchain_openrouter_gemini.generations import Generation
from langchain_openrouter_gemini.model_string import init_chat_model, init_embeddings
from langchain_openrouter_gemini.server_tools import web_search_tool

__all__ = [
    "ChatOpenRouterGemini",
    "Generation",
    "KeyInfo",
    "OpenRouterAuthenticationError",
    "OpenRouterBadRequestError",
    "OpenRouterBudgetExceededError",
    "OpenRouterClientTimeoutError",
    "OpenRouterConnectionError",
    "OpenRouterContextLengthError",
    "OpenRouterError",
    "OpenRouterGenerationNotFoundError",
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
    "get_openrouter_callback",
    "init_chat_model",
    "web_search_tool",
    "init_embeddings",
]
