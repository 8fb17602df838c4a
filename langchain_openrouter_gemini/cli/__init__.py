"""The `openrouter-gemini` command.

Argument parsing and commands (`app`), the demo tour (`demo`), streamed answers
(`answer`) and terminal output (`terminal`).
"""

from langchain_openrouter_gemini.cli.app import main

__all__ = ["main"]
