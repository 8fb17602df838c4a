"""LangChain to OpenRouter: the request side of the wire format, as pure functions."""
