"""OpenRouter wire format: pure conversions between LangChain objects and OpenRouter JSON."""
