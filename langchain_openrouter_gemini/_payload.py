"""Assembling the request body from model settings and per-call arguments.

Precedence, lowest first: model fields, `model_kwargs`, per-call keyword arguments
(`invoke(..., provider=...)`, `bind(...)`), and last `extra_body`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.utils.function_calling import convert_to_json_schema
from pydantic import BaseModel

from langchain_openrouter_gemini.caching import mark_cache_breakpoint
from langchain_openrouter_gemini.model_ids import is_gemini, normalize_model_id
from langchain_openrouter_gemini.routing import (
    build_openrouter_body,
    merge_options,
    pin_provider,
    response_healing_plugin,
)
from langchain_openrouter_gemini.schema import gemini_safe_response_format, gemini_safe_tool
from langchain_openrouter_gemini.server_tools import add_server_tool, server_tool_choice
from langchain_openrouter_gemini.wire.reasoning import build_reasoning
from langchain_openrouter_gemini.wire.request import messages_to_wire

if TYPE_CHECKING:
    from langchain_openrouter_gemini.chat_models import ChatOpenRouterGemini

__all__ = ["build_request_body"]

_SAMPLING = (
    "temperature",
    "max_tokens",
    "top_p",
    "top_k",
    "min_p",
    "top_a",
    "frequency_penalty",
    "presence_penalty",
    "repetition_penalty",
    "seed",
    "logprobs",
    "top_logprobs",
    "logit_bias",
)
# Model field -> body key for OpenRouter's routing and request options.
_OPTIONS = {
    "provider": "provider",
    "models": "models",
    "route": "route",
    "transforms": "transforms",
    "plugins": "plugins",
    "web_search": "web_search",
    "session_id": "session_id",
    "user": "user",
    "request_metadata": "metadata",
    "modalities": "modalities",
    "image_config": "image_config",
    "prediction": "prediction",
    "verbosity": "verbosity",
}
# LangChain-side arguments that must not reach the wire. OpenRouter always sends usage,
# so the SDK's `stream_options` is dropped rather than sent as a deprecated field.
_LANGCHAIN_ONLY = ("stream_options", "stream_usage", "ls_structured_output_format")


def build_request_body(
    chat_model: ChatOpenRouterGemini,
    messages: Sequence[BaseMessage],
    /,
    *,
    stop: list[str] | str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Build the JSON body for `POST /chat/completions`."""
    call = dict(kwargs)
    for name in _LANGCHAIN_ONLY:
        call.pop(name, None)
    extra_body = call.pop("extra_body", None)
    # A per-call `model=` (LangChain's model override) takes the same short forms as the field.
    override = call.pop("model", None)
    body: dict[str, Any] = {
        "model": normalize_model_id(override) if override else chat_model.model_name
    }
    body["messages"] = messages_to_wire(messages)
    if call.pop("stream", False) or (chat_model.streaming and call.get("stream") is None):
        body["stream"] = True

    for name in _SAMPLING:
        value = call.pop(name) if name in call else getattr(chat_model, name, None)
        if value is not None:
            body[name] = value
    stop_value = stop if stop is not None else chat_model.stop
    if stop_value:
        body["stop"] = stop_value
    if chat_model.n not in (None, 1):
        body["n"] = chat_model.n

    reasoning = build_reasoning(
        call.pop("reasoning", chat_model.reasoning),
        effort=call.pop("reasoning_effort", chat_model.reasoning_effort),
        max_tokens=call.pop("thinking_budget", chat_model.thinking_budget),
    )
    model_options = {key: getattr(chat_model, field) for field, key in _OPTIONS.items()}
    call_options = {key: call.pop(field) for field, key in _OPTIONS.items() if field in call}
    if "metadata" in call:
        call_options["metadata"] = call.pop("metadata")
    options = merge_options(model_options, call_options)
    options["reasoning"] = reasoning

    if tools := call.pop("tools", None):
        body["tools"] = [
            gemini_safe_tool(t) if chat_model.gemini_safe_schemas else t for t in tools
        ]
    if (tool_choice := call.pop("tool_choice", None)) is not None:
        body["tool_choice"] = server_tool_choice(tool_choice)
    if (parallel := call.pop("parallel_tool_calls", None)) is not None:
        body["parallel_tool_calls"] = parallel
    if (response_format := call.pop("response_format", None)) is not None:
        body["response_format"] = _response_format(response_format, chat_model.gemini_safe_schemas)
        if chat_model.response_healing:
            plugins = list(options.get("plugins") or [])
            if not any(p.get("id") == "response-healing" for p in plugins):
                plugins.append(response_healing_plugin())
            options["plugins"] = plugins

    openrouter = build_openrouter_body(options)
    for server_tool in openrouter.pop("tools", ()):
        body["tools"] = add_server_tool(body.get("tools", []), server_tool)
    body.update(openrouter)
    if chat_model.pin_provider and is_gemini(body["model"]):
        served_by = _signature_provider(messages)
        if served_by:
            body["provider"] = pin_provider(body.get("provider"), served_by)
    if chat_model.cache_prompt:
        mark_cache_breakpoint(
            body["messages"], messages, model=body["model"], ttl=chat_model.cache_ttl
        )

    body.update(chat_model.model_kwargs)
    body.update(call)
    if extra_body:
        body.update(extra_body)
    return body


def _response_format(value: Any, gemini_safe: bool) -> dict[str, Any]:
    if isinstance(value, type) and issubclass(value, BaseModel):
        value = {
            "type": "json_schema",
            "json_schema": {"name": value.__name__, "schema": convert_to_json_schema(value)},
        }
    if not isinstance(value, Mapping):
        msg = f"response_format must be a dict or a Pydantic class, got {type(value).__name__}."
        raise TypeError(msg)
    if gemini_safe and value.get("type") == "json_schema":
        return gemini_safe_response_format(value)
    return dict(value)


def _signature_provider(messages: Sequence[BaseMessage]) -> str | None:
    """The upstream that issued the thought signatures the conversation carries, if any."""
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            return None  # signatures only bind within the current tool loop
        if (
            isinstance(message, AIMessage)
            and message.additional_kwargs.get("reasoning_details")
            and isinstance(provider := message.response_metadata.get("provider"), str)
        ):
            return provider
    return None
