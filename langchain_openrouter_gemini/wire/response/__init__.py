"""OpenRouter to LangChain: the reply side of the wire format, as pure functions."""
