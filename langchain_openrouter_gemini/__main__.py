"""`python -m langchain_openrouter_gemini`: the same as the `openrouter-gemini` command."""

import sys

from langchain_openrouter_gemini.cli import main

sys.exit(main())
