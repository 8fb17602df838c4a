"""HTTP to OpenRouter: connection settings, SDK clients, the exchange, retries, SSE, draining.

Nothing here knows the wire format's meaning: bodies go out and come back as JSON or lines.
"""
