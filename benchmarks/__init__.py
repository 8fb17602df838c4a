"""Benchmarks: ChatOpenRouterGemini against ChatOpenAI, ChatOpenRouter and a raw httpx floor.

Run `python -m benchmarks` (about 10 minutes) or `python -m benchmarks --quick` (under a minute).
"""
