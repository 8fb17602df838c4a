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

The names are imported on first use (PEP 562), so loading the pytest plugin, which lives in
this package, costs nothing until a test asks for the fixture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_openrouter_gemini._lazy import load_export

if TYPE_CHECKING:
    from langchain_openrouter_gemini.testing.faults import Fault
    from langchain_openrouter_gemini.testing.replies import Reply, ToolCallSpec
    from langchain_openrouter_gemini.testing.server import OpenRouterEmulator
    from langchain_openrouter_gemini.testing.state import RecordedRequest

# Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    "Fault": "faults",
    "OpenRouterEmulator": "server",
    "RecordedRequest": "state",
    "Reply": "replies",
    "ToolCallSpec": "replies",
}

__all__ = ["Fault", "OpenRouterEmulator", "RecordedRequest", "Reply", "ToolCallSpec"]


if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt name is still an error

    def __getattr__(name: str) -> Any:
        return load_export(__name__, _EXPORTS, name, globals())


def __dir__() -> list[str]:
    return sorted(_EXPORTS)
