"""LangChain messages to OpenRouter's `messages` array (the request side)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    InvalidToolCall,
    SystemMessage,
    ToolCall,
    ToolMessage,
)

from langchain_openrouter_gemini.wire.request.parts import convert_content

__all__ = ["message_to_wire", "messages_to_wire"]


_CHAT_ROLES: dict[str, Literal["user", "assistant", "system"]] = {
    "user": "user",
    "assistant": "assistant",
    "system": "system",
}


def messages_to_wire(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """Convert a conversation to OpenRouter's `messages` array.

    Raises:
        ValueError: A message or content block OpenRouter cannot take; the error names the
            message index and what to send instead.

    """
    return [message_to_wire(message, index) for index, message in enumerate(messages)]


def message_to_wire(message: BaseMessage, index: int) -> dict[str, Any]:
    """Convert one LangChain message (at position `index`) to an OpenRouter message."""
    if isinstance(message, HumanMessage):
        wire = {
            "role": "user",
            "content": convert_content(message.content, role="user", message_index=index),
        }
    elif isinstance(message, SystemMessage):
        wire = {
            "role": "system",
            "content": convert_content(message.content, role="system", message_index=index),
        }
    elif isinstance(message, AIMessage):
        wire = _assistant(message, index)
    elif isinstance(message, ToolMessage):
        if not isinstance(message.tool_call_id, str) or not message.tool_call_id.strip():
            msg = (
                f"Message {index} is a ToolMessage with an empty tool_call_id, so the model "
                "cannot tell which call it answers. Set tool_call_id to the id of the tool "
                "call in the AIMessage before it (ToolMessage(..., tool_call_id=call['id']))."
            )
            raise ValueError(msg)
        return {
            "role": "tool",
            "tool_call_id": message.tool_call_id,
            "content": convert_content(message.content, role="tool", message_index=index),
        }
    elif isinstance(message, ChatMessage) and message.role in _CHAT_ROLES:
        role = _CHAT_ROLES[message.role]
        wire = {
            "role": role,
            "content": convert_content(message.content, role=role, message_index=index),
        }
    else:
        msg = (
            f"Message {index} is a {type(message).__name__}"
            f"{f' with role {message.role!r}' if isinstance(message, ChatMessage) else ''}, which"
            " OpenRouter cannot take. Use SystemMessage, HumanMessage, AIMessage or ToolMessage."
        )
        raise ValueError(msg)
    if message.name:
        wire["name"] = message.name
    return wire


def _assistant(message: AIMessage, index: int) -> dict[str, Any]:
    content = convert_content(message.content, role="assistant", message_index=index)
    wire: dict[str, Any] = {"role": "assistant", "content": content}
    calls = [_wire_tool_call(call) for call in message.tool_calls]
    calls += [_wire_invalid_tool_call(call) for call in message.invalid_tool_calls]
    if calls:
        wire["tool_calls"] = calls
        # OpenRouter wants null, not "", beside tool calls.
        wire["content"] = content or None
    # Thought signatures: without them Gemini rejects the next turn of a tool loop.
    details = message.additional_kwargs.get("reasoning_details")
    if isinstance(details, list) and details:
        wire["reasoning_details"] = details
    # File annotations spare OpenRouter parsing the same PDF again on the next turn.
    annotations = message.response_metadata.get("annotations")
    if isinstance(annotations, list):
        file_annotations = [
            a for a in annotations if isinstance(a, Mapping) and a.get("type") == "file"
        ]
        if file_annotations:
            wire["annotations"] = file_annotations
    return wire


def _wire_tool_call(call: ToolCall) -> dict[str, Any]:
    return {
        "type": "function",
        "id": call["id"],
        "function": {
            "name": call["name"],
            "arguments": json.dumps(call["args"], ensure_ascii=False),
        },
    }


def _wire_invalid_tool_call(call: InvalidToolCall) -> dict[str, Any]:
    return {
        "type": "function",
        "id": call.get("id"),
        "function": {"name": call.get("name"), "arguments": call.get("args") or ""},
    }
