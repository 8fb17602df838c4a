"""Google Gemini through OpenRouter as a first-class LangChain chat model.

Importing the package is cheap: each name below is imported from its module on first use
(PEP 562), so `openrouter-gemini --help` and the pytest plugin never pay for `openai` and
LangChain unless they use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_openrouter_gemini._lazy import load_export
from langchain_openrouter_gemini._version import __version__ as __version__

if TYPE_CHECKING:
    # Static view of the lazy table below, for type checkers and IDEs.
    from langchain_openrouter_gemini.chat.model import ChatOpenRouterGemini
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
        OpenRouterIncompleteOutputError,
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
    from langchain_openrouter_gemini.factories import (
        init_chat_model,
        init_embeddings,
    )
    from langchain_openrouter_gemini.features.server_tools import web_search_tool
    from langchain_openrouter_gemini.media.content import (
        audio,
        file,
        image,
        pdf,
        video,
    )
    from langchain_openrouter_gemini.usage.account import KeyInfo
    from langchain_openrouter_gemini.usage.callbacks import (
        OpenRouterCallbackHandler,
        get_openrouter_callback,
    )
    from langchain_openrouter_gemini.usage.generations import Generation

# Public name -> the module that defines it. A new export is a line here, its name in
# `__all__` and its import in the `TYPE_CHECKING` block (a test checks the three agree).
_EXPORTS: dict[str, str] = {
    "ChatOpenRouterGemini": "chat.model",
    "OpenRouterGeminiEmbeddings": "embeddings",
    "init_chat_model": "factories",
    "init_embeddings": "factories",
    "OpenRouterCallbackHandler": "usage.callbacks",
    "get_openrouter_callback": "usage.callbacks",
    "audio": "media.content",
    "file": "media.content",
    "image": "media.content",
    "pdf": "media.content",
    "video": "media.content",
    "KeyInfo": "usage.account",
    "Generation": "usage.generations",
    "web_search_tool": "features.server_tools",
    "OpenRouterAuthenticationError": "errors",
    "OpenRouterBadRequestError": "errors",
    "OpenRouterBudgetExceededError": "errors",
    "OpenRouterClientTimeoutError": "errors",
    "OpenRouterConnectionError": "errors",
    "OpenRouterContextLengthError": "errors",
    "OpenRouterError": "errors",
    "OpenRouterGenerationNotFoundError": "errors",
    "OpenRouterIncompleteOutputError": "errors",
    "OpenRouterInsufficientCreditsError": "errors",
    "OpenRouterMalformedResponseError": "errors",
    "OpenRouterModelNotFoundError": "errors",
    "OpenRouterModerationError": "errors",
    "OpenRouterRateLimitError": "errors",
    "OpenRouterRequestTimeoutError": "errors",
    "OpenRouterRequestTooLargeError": "errors",
    "OpenRouterStreamError": "errors",
    "OpenRouterTimeoutError": "errors",
    "OpenRouterUpstreamError": "errors",
}

__all__ = [
    "ChatOpenRouterGemini",
    "Generation",
    "KeyInfo",
    "OpenRouterAuthenticationError",
    "OpenRouterBadRequestError",
    "OpenRouterBudgetExceededError",
    "OpenRouterCallbackHandler",
    "OpenRouterClientTimeoutError",
    "OpenRouterConnectionError",
    "OpenRouterContextLengthError",
    "OpenRouterError",
    "OpenRouterGeminiEmbeddings",
    "OpenRouterGenerationNotFoundError",
    "OpenRouterIncompleteOutputError",
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
    "audio",
    "file",
    "get_openrouter_callback",
    "image",
    "init_chat_model",
    "init_embeddings",
    "pdf",
    "video",
    "web_search_tool",
]


if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt name is still an error

    def __getattr__(name: str) -> Any:
        return load_export(__name__, _EXPORTS, name, globals())


def __dir__() -> list[str]:
    # What a user can reach for (tab completion), not this module's own plumbing.
    return sorted([*_EXPORTS, "__version__"])
