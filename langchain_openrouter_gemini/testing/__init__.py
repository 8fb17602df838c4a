"""An OpenRouter emulator for offline tests: real HTTP on loopback, OpenRouter's exact wire format.

```python
from langchain_openrouter_gemini.testing import Fault, OpenRouterEmulator, Reply

with OpenRouterEmulator() as emu:
    emu.enqueue(Reply.tool_call("get_weather", {"city": "Oslo"}), Reply.text("4 °C in Oslo."))
    ...  # point a client at emu.base_url with any non-empty API key
    assert emu.requests[0].body["model"] == "google/gemini-2.5-flash"
```

Also a pytest fixture (`openrouter_emulator`) and a command:
`python -m langchain_openrouter_gemini.testing --port 8765`.
"""

from langchain_openrouter_gemini.testing.faults import Fault
from langchain_openrouter_gemini.testing.replies import Reply, ToolCallSpec
from langchain_openrouter_gemini.testing.server import OpenRouterEmulator, RecordedRequest

__all__ = ["Fault", "OpenRouterEmulator", "RecordedRequest", "Reply", "ToolCallSpec"]
