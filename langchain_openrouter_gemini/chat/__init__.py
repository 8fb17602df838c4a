"""The chat model: `ChatOpenRouterGemini`, its request assembly and structured output."""
