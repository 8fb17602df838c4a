"""The ways to call the emulator that the rows compare.

`floor` is a bare httpx2 client doing the POST and the JSON / SSE parse by hand: no
LangChain, no retries, no typed errors. `langchain floor` is the same work inside the
thinnest possible LangChain chat model (`benchmarks.langchain_floor`): the limit for any
LangChain chat model. The three real chat models are used as their docs show, each doing
the same job the way a user of that class would.

Two more floors run the async rows only (`async_only`): `floor (aiohttp)`, a bare aiohttp
session doing the same POST, and `langchain floor (aiohttp)`, the thinnest LangChain chat
model over it. Ours sends its async calls over aiohttp too, so these are its real limits
there; httpx2's pool, which the other floors use, is slower under concurrency.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx2
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage, HumanMessage, ToolMessage

__all__ = [
    "API_KEY",
    "MODEL",
    "AiohttpFloor",
    "Contender",
    "LangChainContender",
    "RawFloor",
    "ToolExecutor",
    "all_contenders",
    "build_ours",
]

MODEL = "google/gemini-2.5-flash"
API_KEY = "sk-or-v1-benchmark"
MAX_TOOL_TURNS = 6

ToolExecutor = Callable[[str, Mapping[str, Any]], str]


class Contender(ABC):
    """One client under test; `build()` makes its client or model (timed by row 6)."""

    name: str
    async_only = False  # runs `ainvoke` only, so only the async rows

    async def aclose(self) -> None:  # noqa: B027 - a hook: most contenders hold nothing
        """Close what `ainvoke` opened on the bench's event loop; a later `ainvoke` opens afresh.

        Row 3 calls it between ops, and the bench before the loop closes.
        """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    @abstractmethod
    def build(self) -> None: ...

    def renew(self) -> None:
        """A new model, as code that builds one per request does (row 9)."""
        self.build()

    @abstractmethod
    def invoke(self, prompt: str) -> str: ...

    @abstractmethod
    def stream(self, prompt: str) -> tuple[float, int]:
        """Stream a reply; return (seconds to the first text, number of chunks)."""

    @abstractmethod
    async def ainvoke(self, prompt: str) -> str: ...

    @abstractmethod
    def tool_loop(self, question: str, tools: list[dict[str, Any]], run: ToolExecutor) -> str:
        """Stream turns, running the tools the model calls, until it answers in text."""

    @abstractmethod
    def invoke_media(self, text: str, image_b64: str, pdf_b64: str) -> str: ...


class RawFloor(Contender):
    """The floor: what any client has to do at least (POST, json.loads, SSE line split)."""

    name = "floor"

    def build(self) -> None:
        headers = {"Authorization": f"Bearer {API_KEY}"}
        self.url = self.base_url + "/chat/completions"
        self.client = httpx2.Client(headers=headers, timeout=600)
        limits = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)
        self.aclient = httpx2.AsyncClient(headers=headers, timeout=600, limits=limits)

    def renew(self) -> None:
        """Nothing: a raw client has no model to build; each request reuses its one pool."""

    def _post(self, messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        body = {"model": MODEL, "messages": messages, **extra}
        response = self.client.post(self.url, json=body)
        response.raise_for_status()
        data: dict[str, Any] = json.loads(response.content)
        return data

    def invoke(self, prompt: str) -> str:
        data = self._post([{"role": "user", "content": prompt}])
        return str(data["choices"][0]["message"]["content"])

    def _events(self, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
        with self.client.stream("POST", self.url, json=body) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                yield json.loads(data)

    def stream(self, prompt: str) -> tuple[float, int]:
        start = time.perf_counter()
        first = 0.0
        count = 0
        body = {"model": MODEL, "messages": [{"role": "user", "content": prompt}], "stream": True}
        for event in self._events(body):
            count += 1
            choices = event.get("choices") or [{}]
            if not first and (choices[0].get("delta") or {}).get("content"):
                first = time.perf_counter() - start
        return first, count

    async def ainvoke(self, prompt: str) -> str:
        body = {"model": MODEL, "messages": [{"role": "user", "content": prompt}]}
        response = await self.aclient.post(self.url, json=body)
        response.raise_for_status()
        return str(json.loads(response.content)["choices"][0]["message"]["content"])

    def tool_loop(self, question: str, tools: list[dict[str, Any]], run: ToolExecutor) -> str:
        wire_tools = [{"type": "function", "function": tool} for tool in tools]
        messages: list[dict[str, Any]] = [{"role": "user", "content": question}]
        for _ in range(MAX_TOOL_TURNS):
            body = {"model": MODEL, "messages": messages, "tools": wire_tools, "stream": True}
            text: list[str] = []
            calls: dict[int, dict[str, Any]] = {}
            details: list[Any] = []
            for event in self._events(body):
                delta = ((event.get("choices") or [{}])[0]).get("delta") or {}
                text.append(delta.get("content") or "")
                details.extend(delta.get("reasoning_details") or [])
                for part in delta.get("tool_calls") or []:
                    call = calls.setdefault(part.get("index", 0), {"arguments": ""})
                    function = part.get("function") or {}
                    call["id"] = part.get("id") or call.get("id")
                    call["name"] = function.get("name") or call.get("name")
                    call["arguments"] += function.get("arguments") or ""
            if not calls:
                return "".join(text)
            wire_calls = [
                {
                    "id": call["id"],
                    "type": "function",
                    "function": {"name": call["name"], "arguments": call["arguments"]},
                }
                for call in calls.values()
            ]
            # Gemini needs its thought signatures back next to the calls they sign.
            messages.append(
                {
                    "role": "assistant",
                    "content": "".join(text),
                    "tool_calls": wire_calls,
                    "reasoning_details": details,
                }
            )
            for call in calls.values():
                result = run(call["name"], json.loads(call["arguments"] or "{}"))
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
        raise RuntimeError("The tool loop did not finish.")

    def invoke_media(self, text: str, image_b64: str, pdf_b64: str) -> str:
        content = [
            {"type": "text", "text": text},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64," + image_b64}},
            {
                "type": "file",
                "file": {
                    "filename": "report.pdf",
                    "file_data": "data:application/pdf;base64," + pdf_b64,
                },
            },
        ]
        data = self._post([{"role": "user", "content": content}])
        return str(data["choices"][0]["message"]["content"])


class AiohttpFloor(Contender):
    """The floor over aiohttp: one session, POST, `json.loads`; async calls only."""

    name = "floor (aiohttp)"
    async_only = True

    def build(self) -> None:
        self.url = self.base_url + "/chat/completions"
        self.headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
        self.session: Any = None  # made on the loop that runs it

    async def ainvoke(self, prompt: str) -> str:
        import aiohttp

        if self.session is None:
            # As many connections as the httpx2 floor's pool allows.
            self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1000))
        body = {"model": MODEL, "messages": [{"role": "user", "content": prompt}]}
        async with self.session.post(
            self.url, data=json.dumps(body).encode(), headers=self.headers
        ) as response:
            response.raise_for_status()
            data = json.loads(await response.read())
        return str(data["choices"][0]["message"]["content"])

    async def aclose(self) -> None:
        if self.session is not None:
            session, self.session = self.session, None
            await session.close()

    def invoke(self, prompt: str) -> str:
        raise NotImplementedError(self.name + " runs the async rows only")

    def stream(self, prompt: str) -> tuple[float, int]:
        raise NotImplementedError(self.name + " runs the async rows only")

    def tool_loop(self, question: str, tools: list[dict[str, Any]], run: ToolExecutor) -> str:
        raise NotImplementedError(self.name + " runs the async rows only")

    def invoke_media(self, text: str, image_b64: str, pdf_b64: str) -> str:
        raise NotImplementedError(self.name + " runs the async rows only")


class LangChainContender(Contender):
    """A LangChain chat model, used through the public Runnable API only."""

    def __init__(
        self,
        name: str,
        base_url: str,
        factory: Callable[[str], BaseChatModel],
        *,
        async_only: bool = False,
    ) -> None:
        super().__init__(base_url)
        self.name = name
        self._factory = factory
        self.async_only = async_only

    def build(self) -> None:
        self.model = self._factory(self.base_url)

    def invoke(self, prompt: str) -> str:
        return self.model.invoke(prompt).text

    def stream(self, prompt: str) -> tuple[float, int]:
        start = time.perf_counter()
        first = 0.0
        count = 0
        for chunk in self.model.stream(prompt):
            count += 1
            if not first and chunk.text:
                first = time.perf_counter() - start
        return first, count

    async def ainvoke(self, prompt: str) -> str:
        return (await self.model.ainvoke(prompt)).text

    async def aclose(self) -> None:
        close = getattr(self.model, "aclose", None)
        if close is not None:
            await close()

    def tool_loop(self, question: str, tools: list[dict[str, Any]], run: ToolExecutor) -> str:
        bound = self.model.bind_tools([{"type": "function", "function": t} for t in tools])
        messages: list[BaseMessage] = [HumanMessage(question)]
        for _ in range(MAX_TOOL_TURNS):
            reply: AIMessageChunk | None = None
            for chunk in bound.stream(messages):
                assert isinstance(chunk, AIMessageChunk)
                reply = chunk if reply is None else reply + chunk
            assert reply is not None
            messages.append(reply)
            if not reply.tool_calls:
                return reply.text
            for call in reply.tool_calls:
                result = run(call["name"], call["args"])
                messages.append(ToolMessage(result, tool_call_id=call["id"] or ""))
        raise RuntimeError("The tool loop did not finish.")

    def invoke_media(self, text: str, image_b64: str, pdf_b64: str) -> str:
        content: list[str | dict[str, Any]] = [
            {"type": "text", "text": text},
            {"type": "image", "base64": image_b64, "mime_type": "image/png"},
            {
                "type": "file",
                "base64": pdf_b64,
                "mime_type": "application/pdf",
                "filename": "report.pdf",
            },
        ]
        return self.model.invoke([HumanMessage(content)]).text


def build_ours(base_url: str) -> BaseChatModel:
    """Our model as a user builds it."""
    from langchain_openrouter_gemini import ChatOpenRouterGemini

    return ChatOpenRouterGemini(model=MODEL, base_url=base_url, api_key=API_KEY)  # type: ignore[arg-type]


def _chat_openai(base_url: str) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=MODEL, base_url=base_url, api_key=API_KEY)  # type: ignore[arg-type]


def _chat_openrouter(base_url: str) -> BaseChatModel:
    from langchain_openrouter import ChatOpenRouter

    return ChatOpenRouter(model=MODEL, base_url=base_url, api_key=API_KEY)  # type: ignore[arg-type]


def _langchain_floor(base_url: str) -> BaseChatModel:
    from benchmarks.langchain_floor import LangChainFloor

    return LangChainFloor(base_url=base_url, api_key=API_KEY, model=MODEL)


def _langchain_aiohttp_floor(base_url: str) -> BaseChatModel:
    from benchmarks.langchain_floor import LangChainAiohttpFloor

    return LangChainAiohttpFloor(base_url=base_url, api_key=API_KEY, model=MODEL)


def all_contenders(base_url: str) -> list[Contender]:
    """The floors, ChatOpenAI, the official ChatOpenRouter and ours, built and ready."""
    contenders: list[Contender] = [
        RawFloor(base_url),
        LangChainContender("langchain floor", base_url, _langchain_floor),
        AiohttpFloor(base_url),
        LangChainContender(
            "langchain floor (aiohttp)", base_url, _langchain_aiohttp_floor, async_only=True
        ),
        LangChainContender("ChatOpenAI", base_url, _chat_openai),
        LangChainContender("ChatOpenRouter", base_url, _chat_openrouter),
        LangChainContender("ours", base_url, build_ours),
    ]
    for contender in contenders:
        contender.build()
    return contenders
