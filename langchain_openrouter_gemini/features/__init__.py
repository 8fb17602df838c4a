"""OpenRouter's own request features: routing, server tools, prompt caching, Gemini-safe schemas."""
