"""Google Gemini through OpenRouter as a first-class LangChain chat model."""

from langchain_openrouter_gemini.chat_models import ChatOpenRouterGemini
from langchain_openrouter_gemini.model_string import init_chat_model

__all__ = ["ChatOpenRouterGemini", "init_chat_model"]
__version__ = "0.1.0"
