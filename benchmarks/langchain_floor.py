"""The LangChain floor: the least any LangChain chat model can do for the same job.

`LangChainFloor` is a minimal `BaseChatModel`: the raw floor's POST and JSON / SSE parse
(httpx2, `json.loads`, `data:` lines), wrapped in exactly what langchain-core requires of a
chat model: messages in, an `AIMessage` (or one `AIMessageChunk` per event, with its
`on_llm_new_token` callback) out. No retries, no typed errors, no usage or metadata, no
checks. Whatever `ChatOpenRouterGemini` costs above this is ours to explain; everything
below it is langchain-core's own per-call and per-chunk work plus the HTTP round trip.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import httpx2
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.messages.tool import tool_call, tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from pydantic import PrivateAttr

__all__ = ["LangChainAiohttpFloor", "LangChainFloor"]


def _content(content: str | list[str | dict[str, Any]]) -> Any:
    if isinstance(content, str):
        return content
    parts: list[dict[str, Any]] = []
    for block in content:
        if isinstance(block, str):
            parts.append({"type": "text", "text": block})
        elif block.get("type") == "image":
            url = f"data:{block['mime_type']};base64,{block['base64']}"
            parts.append({"type": "image_url", "image_url": {"url": url}})
        elif block.get("type") == "file":
            data = f"data:{block['mime_type']};base64,{block['base64']}"
            name = block.get("filename", "file")
            parts.append({"type": "file", "file": {"filename": name, "file_data": data}})
        else:
            parts.append(block)
    return parts


def _wire(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for message in messages:
        if isinstance(message, ToolMessage):
            out.append(
                {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.text}
            )
        elif isinstance(message, AIMessage):
            entry: dict[str, Any] = {"role": "assistant", "content": message.text}
            if message.tool_calls:
                entry["tool_calls"] = [
                    {
                        "id": call["id"],
                        "type": "function",
                        "function": {"name": call["name"], "arguments": json.dumps(call["args"])},
                    }
                    for call in message.tool_calls
                ]
            if details := message.additional_kwargs.get("reasoning_details"):
                entry["reasoning_details"] = details
            out.append(entry)
        else:
            role = "system" if isinstance(message, SystemMessage) else "user"
            assert isinstance(message, (HumanMessage, SystemMessage))
            out.append({"role": role, "content": _content(message.content)})
    return out


def _reply(data: dict[str, Any]) -> ChatResult:
    raw = data["choices"][0]["message"]
    calls = [
        tool_call(
            name=call["function"]["name"],
            args=json.loads(call["function"]["arguments"] or "{}"),
            id=call.get("id"),
        )
        for call in raw.get("tool_calls") or []
    ]
    message = AIMessage(content=raw.get("content") or "", tool_calls=calls)
    return ChatResult(generations=[ChatGeneration(message=message)])


def _chunk(line: str) -> ChatGenerationChunk | None:
    """One SSE line to a chunk; `None` for other lines and events without content."""
    if not line.startswith("data:"):
        return None
    data = line[5:].strip()
    if data == "[DONE]":
        return None
    choices = json.loads(data).get("choices") or [{}]
    delta = choices[0].get("delta") or {}
    content = delta.get("content") or ""
    raw_calls = delta.get("tool_calls")
    details = delta.get("reasoning_details")
    if not (content or raw_calls or details):
        return None
    # Only the fields a chunk carries: langchain-core keeps every chunk until the end.
    fields: dict[str, Any] = {}
    if raw_calls:
        fields["tool_call_chunks"] = [
            tool_call_chunk(
                name=(call.get("function") or {}).get("name"),
                args=(call.get("function") or {}).get("arguments"),
                id=call.get("id"),
                index=call.get("index", 0),
            )
            for call in raw_calls
        ]
    if details:
        fields["additional_kwargs"] = {"reasoning_details": details}
    return ChatGenerationChunk(message=AIMessageChunk(content=content, **fields))


class LangChainFloor(BaseChatModel):
    """A bare LangChain chat model over OpenRouter's wire format (benchmark contender only)."""

    base_url: str
    api_key: str
    model: str

    _client: httpx2.Client = PrivateAttr()
    _aclient: httpx2.AsyncClient = PrivateAttr()

    def model_post_init(self, context: Any) -> None:
        headers = {"Authorization": f"Bearer {self.api_key}"}
        limits = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)
        self._client = httpx2.Client(headers=headers, timeout=600)
        self._aclient = httpx2.AsyncClient(headers=headers, timeout=600, limits=limits)

    @property
    def _llm_type(self) -> str:
        return "langchain-floor"

    def bind_tools(
        self, tools: Sequence[Any], **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        return self.bind(tools=list(tools), **kwargs)

    def _body(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> dict[str, Any]:
        return {"model": self.model, "messages": _wire(messages), **kwargs}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        response = self._client.post(
            self.base_url + "/chat/completions", json=self._body(messages, kwargs)
        )
        response.raise_for_status()
        return _reply(json.loads(response.content))

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        response = await self._aclient.post(
            self.base_url + "/chat/completions", json=self._body(messages, kwargs)
        )
        response.raise_for_status()
        return _reply(json.loads(response.content))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        body = {**self._body(messages, kwargs), "stream": True}
        with self._client.stream("POST", self.base_url + "/chat/completions", json=body) as r:
            r.raise_for_status()
            for line in r.iter_lines():
                if (chunk := _chunk(line)) is not None:
                    if run_manager:
                        run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                    yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        body = {**self._body(messages, kwargs), "stream": True}
        url = self.base_url + "/chat/completions"
        async with self._aclient.stream("POST", url, json=body) as r:
            r.raise_for_status()
            async for line in r.aiter_lines():
                if (chunk := _chunk(line)) is not None:
                    if run_manager:
                        await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                    yield chunk


class LangChainAiohttpFloor(LangChainFloor):
    """`LangChainFloor` whose async calls go over one aiohttp session (async rows only)."""

    _session: Any = PrivateAttr(default=None)

    def _aiohttp(self) -> Any:
        import aiohttp

        if self._session is None:  # made on the loop that runs it, as many connections as above
            headers = {"Authorization": f"Bearer {self.api_key}"}
            connector = aiohttp.TCPConnector(limit=1000)
            self._session = aiohttp.ClientSession(headers=headers, connector=connector)
        return self._session

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        body = json.dumps(self._body(messages, kwargs)).encode()
        headers = {"Content-Type": "application/json"}
        url = self.base_url + "/chat/completions"
        async with self._aiohttp().post(url, data=body, headers=headers) as response:
            response.raise_for_status()
            return _reply(json.loads(await response.read()))

    async def aclose(self) -> None:
        """Close the session (on the loop it was made on); the next call makes a new one."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
