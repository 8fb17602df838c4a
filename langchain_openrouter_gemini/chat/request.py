"""Assembling the request body from model settings and per-call arguments.

Precedence, lowest first: model fields, `model_kwargs`, per-call keyword arguments
(`invoke(..., provider=...)`, `bind(...)`), and last `extra_body`. The per-call request
options `timeout=`, `extra_headers=` and `extra_query=` never reach the body: they are
taken out by `call_options` and applied to the HTTP request. Any other per-call name
this module does not know is an error, not a body field OpenRouter would ignore.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.utils.function_calling import convert_to_json_schema
from pydantic import BaseModel

from langchain_openrouter_gemini.chat.calls import UNSUPPORTED_SETTINGS
from langchain_openrouter_gemini.chat.settings import (
    OPTION_FIELDS,
    PLAIN_FIELDS,
    SAMPLING,
    RequestSettings,
)
from langchain_openrouter_gemini.checks import (
    check_call_arguments,
    check_call_value,
    check_choice_count,
    check_messages,
)
from langchain_openrouter_gemini.features.caching import mark_cache_breakpoint
from langchain_openrouter_gemini.features.routing import (
    build_openrouter_body,
    merge_options,
    pin_provider,
    response_healing_plugin,
)
from langchain_openrouter_gemini.features.schema import (
    gemini_safe_response_format,
    gemini_safe_tool,
)
from langchain_openrouter_gemini.features.server_tools import add_server_tool, server_tool_choice
from langchain_openrouter_gemini.model_ids import is_gemini, normalize_model_id
from langchain_openrouter_gemini.wire.reasoning import build_reasoning
from langchain_openrouter_gemini.wire.request.messages import messages_to_wire
from langchain_openrouter_gemini.wire.request.reasoning_rules import (
    ReasoningRules,
    apply_reasoning_rules,
)

__all__ = [
    "REQUEST_OPTIONS",
    "CallOptions",
    "build_request_body",
    "call_options",
    "check_reasoning_settings",
    "traced_params",
]

# LangChain-side arguments that must not reach the wire. OpenRouter always sends usage,
# so the SDK's `stream_options` is dropped rather than sent as a deprecated field.
_LANGCHAIN_ONLY = ("stream_options", "stream_usage", "ls_structured_output_format")
# Per-call arguments that shape the HTTP request, not its body, as in the SDK's `create()`.
REQUEST_OPTIONS = ("timeout", "extra_headers", "extra_query")
# Documented OpenRouter (or OpenAI) body fields with no model setting here: a per-call
# value is sent as given.
_PASSTHROUGH = frozenset(
    {
        "max_completion_tokens",
        "web_search_options",
        "debug",
        "usage",
        "include_reasoning",
        "cache_control",
    }
)
# Every per-call name `build_request_body` reads, for the unknown-argument check.
_CALL_NAMES = frozenset(
    {
        *SAMPLING,
        *PLAIN_FIELDS,
        *OPTION_FIELDS,
        *_LANGCHAIN_ONLY,
        *REQUEST_OPTIONS,
        *_PASSTHROUGH,
        "metadata",
        "reasoning",
        "reasoning_effort",
        "thinking_budget",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
        "stream",
        "stop",
        "model",
        "n",
        "extra_body",
    }
)


@dataclass(frozen=True)
class CallOptions:
    """One call's request options (`invoke(..., timeout=, extra_headers=, extra_query=)`).

    Attributes:
        timeout: The call's `timeout=` (as the constructor's), when `has_timeout`.
        has_timeout: Whether the call set a timeout (`timeout=None` means none at all).
        headers: Extra headers for this request; they win over the model's.
        query: Extra query parameters for this request.

    """

    timeout: Any = None
    has_timeout: bool = False
    headers: dict[str, str] | None = None
    query: dict[str, Any] | None = None


def call_options(kwargs: Mapping[str, Any]) -> CallOptions:
    """The request options among one call's keyword arguments.

    Raises:
        TypeError: `extra_headers` is not a mapping of strings, or `extra_query` is not
            a mapping.

    """
    headers = kwargs.get("extra_headers")
    if headers is not None and (
        not isinstance(headers, Mapping)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())
    ):
        msg = (
            "extra_headers must map header names to string values, e.g. "
            "extra_headers={'X-Request-Id': 'abc'}."
        )
        raise TypeError(msg)
    query = kwargs.get("extra_query")
    if query is not None and not isinstance(query, Mapping):
        msg = "extra_query must be a mapping of query parameters, e.g. extra_query={'a': '1'}."
        raise TypeError(msg)
    return CallOptions(
        timeout=kwargs.get("timeout"),
        has_timeout="timeout" in kwargs,
        headers=dict(headers) if headers else None,
        query=dict(query) if query else None,
    )


def build_request_body(
    settings: RequestSettings,
    messages: Sequence[BaseMessage],
    /,
    *,
    stop: list[str] | str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Build the JSON body for `POST /chat/completions` from the model's settings.

    The request options (`timeout`, `extra_headers`, `extra_query`) are skipped; read
    them with `call_options`.

    Raises:
        ValueError: Something that cannot be right is caught here, before any request:
            no messages, a per-call sampling value the constructor would reject, `n`
            above 1, an unknown per-call argument, or a content block OpenRouter cannot
            take.

    """
    check_messages(messages)
    call, stop, extra_body = _call_arguments(kwargs, stop)
    body: dict[str, Any] = {"model": _model(settings, call)}
    body["messages"] = messages_to_wire(messages)
    options = _settle(settings, call, stop, body)

    rewrite = settings.gemini_safe_schemas and _may_reach_gemini(settings, body["model"], options)
    if tools := call.pop("tools", None):
        body["tools"] = [gemini_safe_tool(t) if rewrite else t for t in tools]
    if (tool_choice := call.pop("tool_choice", None)) is not None:
        body["tool_choice"] = server_tool_choice(tool_choice)
    if (parallel := call.pop("parallel_tool_calls", None)) is not None:
        body["parallel_tool_calls"] = parallel
    if (response_format := call.pop("response_format", None)) is not None:
        body["response_format"] = _response_format(response_format, rewrite)
        if settings.response_healing:
            plugins = list(options.get("plugins") or [])
            if not any(p.get("id") == "response-healing" for p in plugins):
                plugins.append(response_healing_plugin())
            options["plugins"] = plugins

    openrouter = build_openrouter_body(options)
    for server_tool in openrouter.pop("tools", ()):
        body["tools"] = add_server_tool(body.get("tools", []), server_tool)
    body.update(openrouter)
    if settings.pin_provider and (served := _signature_turn(messages)):
        served_by, served_model = served
        # An alias or preset (`~google/gemini-pro-latest`, `@preset/x`) names no model; the
        # reply that carried the signatures says which one served.
        if is_gemini(body["model"]) or is_gemini(served_model):
            body["provider"] = pin_provider(body.get("provider"), served_by)
    if settings.cache_prompt:
        mark_cache_breakpoint(
            body["messages"], messages, model=body["model"], ttl=settings.cache_ttl
        )

    passthrough = {name: call.pop(name) for name in list(call) if name in _PASSTHROUGH}
    check_call_arguments(settings.owner, call, _CALL_NAMES, unsupported=UNSUPPORTED_SETTINGS)
    body.update(settings.model_kwargs or {})
    body.update(passthrough)
    # The model's `extra_body` is sent too (the per-call one wins): the constructor's
    # unknown-argument error points there for deliberate extra fields.
    body.update(settings.extra_body or {})
    if extra_body:
        body.update(extra_body)
    # Checked on the final body, so a model string, the constructor, a per-call argument,
    # `model_kwargs` and `extra_body` all meet the same rules.
    rules = _rules(body["model"], settings.base_url)
    return apply_reasoning_rules(body, body["model"], rules)


def traced_params(
    settings: RequestSettings, /, *, stop: list[str] | str | None = None, **kwargs: Any
) -> dict[str, Any]:
    """What tracing shows for one call: the body fields it sends, but the messages.

    Built by the same steps as `build_request_body`, so routing options and reasoning
    appear as sent (`reasoning_effort="low"` as `reasoning: {"effort": "low"}`, `provider`
    as its JSON). Per-call arguments it does not settle (tools, `response_format`, request
    options) are shown as given. Never raises: a call that cannot be sent shows the
    arguments as given, and the call itself then fails with the real error. Left out:
    what depends on the messages (provider pinning, the cache breakpoint) and the model's
    effort mapping, which warns and is applied to the sent body only.
    """
    call, stop, extra_body = _call_arguments(kwargs, stop)
    params: dict[str, Any] = {"stream": settings.streaming}
    try:
        params["model"] = _model(settings, call)
        options = _settle(settings, call, stop, params)
        params.update(build_openrouter_body(options))
    except (TypeError, ValueError):
        return {"model": settings.model, "stream": settings.streaming, "stop": stop, **kwargs}
    params.setdefault("stop", None)
    params.update(settings.model_kwargs or {})
    params.update(call)
    params.update(settings.extra_body or {})
    params.update(extra_body or {})
    return params


def _call_arguments(
    kwargs: Mapping[str, Any], stop: list[str] | str | None
) -> tuple[dict[str, Any], list[str] | str | None, Any]:
    """The call's body arguments, its `stop` and its `extra_body`, taken out of `kwargs`."""
    if not kwargs:  # a plain `invoke(messages)`: read for the body and twice for tracing
        return {}, stop, None
    call = dict(kwargs)
    for name in (*_LANGCHAIN_ONLY, *REQUEST_OPTIONS):
        call.pop(name, None)
    if stop is None:
        stop = call.pop("stop", None)
    call.pop("stop", None)
    return call, stop, call.pop("extra_body", None)


def _model(settings: RequestSettings, call: dict[str, Any]) -> str:
    # A per-call `model=` (LangChain's model override) takes the same short forms as the field.
    override = call.pop("model", None)
    return normalize_model_id(override) if override else settings.model


def _settle(
    settings: RequestSettings,
    call: dict[str, Any],
    stop: list[str] | str | None,
    body: dict[str, Any],
) -> dict[str, Any]:
    """Write stream, sampling and stop into `body`; return the routing options to send.

    The per-call values (taken out of `call`) win over the model's settings.
    """
    # `stream` is what the caller decided (`_generate` says False, `_stream` True, after
    # LangChain weighed `disable_streaming`); the `streaming` field only fills a gap.
    stream = call.pop("stream", None)
    if stream if stream is not None else settings.streaming:
        body["stream"] = True

    for name, model_value in settings.sampling.items():
        if name in call:
            value = check_call_value(settings.owner, name, call.pop(name))
        else:
            value = model_value
        if value is not None:
            body[name] = value
    stop_value = stop if stop is not None else settings.stop
    if stop_value:
        body["stop"] = stop_value
    owner = settings.owner.__name__
    source = "invoke(..., n=...)" if "n" in call else f"{owner}(n=...)"
    check_choice_count(call.pop("n", settings.n), source=source)

    reasoning = build_reasoning(
        call.pop("reasoning", settings.reasoning),
        effort=call.pop("reasoning_effort", settings.reasoning_effort),
        max_tokens=call.pop("thinking_budget", settings.thinking_budget),
    )
    per_call = {}
    if call:  # most calls pass nothing but the messages
        per_call = {key: call.pop(field) for field, key in OPTION_FIELDS.items() if field in call}
        if "metadata" in call:
            per_call["metadata"] = call.pop("metadata")
    options = merge_options(settings.options, per_call)
    options["reasoning"] = reasoning
    return options


def check_reasoning_settings(settings: RequestSettings) -> None:
    """Check the model's reasoning fields at construction, so a bad setting fails early.

    Raises:
        ValueError: The fields contradict each other, or switch reasoning off for a model
            whose reasoning is mandatory.

    """
    reasoning = build_reasoning(
        settings.reasoning,
        effort=settings.reasoning_effort,
        max_tokens=settings.thinking_budget,
    )
    if reasoning is None:
        return
    with warnings.catch_warnings():
        # Effort mapping warns once per request, where the mapped value is sent.
        warnings.simplefilter("ignore")
        model = settings.model
        rules = _rules(model, settings.base_url)
        apply_reasoning_rules({"reasoning": reasoning}, model, rules)


def _rules(model: str, base_url: str | None) -> ReasoningRules | None:
    # Imported on first use: the catalogue loads its data file, which `import` need not pay.
    from langchain_openrouter_gemini.catalogue import reasoning_rules
    from langchain_openrouter_gemini.catalogue.live import DEFAULT_BASE_URL

    # Only the `/models` list of the model's own base URL speaks for an unknown id.
    return reasoning_rules(model, base_url or DEFAULT_BASE_URL)


def _may_reach_gemini(settings: RequestSettings, model: str, options: Mapping[str, Any]) -> bool:
    """Whether a Gemini model may serve the request: the model or any `models` fallback.

    The Gemini-safe rewrite only narrows a schema to keywords every vendor understands, so
    it is harmless for a fallback from another vendor; the unrewritten schema is not
    harmless for Gemini, which answers unknown keywords with a 400.
    """
    if settings.model_is_gemini if model == settings.model else _gemini_id(model):
        return True
    fallbacks = options.get("models")
    candidates = fallbacks if isinstance(fallbacks, list) else []
    return any(isinstance(m, str) and _gemini_id(m) for m in candidates)


def _gemini_id(model: str) -> bool:
    return is_gemini(normalize_model_id(model))


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


def _signature_turn(messages: Sequence[BaseMessage]) -> tuple[str, str] | None:
    """The upstream (and served model) that issued the conversation's thought signatures."""
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            return None  # signatures only bind within the current tool loop
        if (
            isinstance(message, AIMessage)
            and message.additional_kwargs.get("reasoning_details")
            and isinstance(provider := message.response_metadata.get("provider"), str)
            and _served_by_gemini(message)
        ):
            served = message.response_metadata.get("model_name")
            return provider, served if isinstance(served, str) else ""
    return None


def _served_by_gemini(message: AIMessage) -> bool:
    # A `models` fallback may have answered with another vendor's model; its provider
    # cannot serve Gemini, so pinning to it would fail the next turn. A reply that names
    # no model says nothing either way, and pinning is the safe side for a Gemini loop.
    served = message.response_metadata.get("model_name")
    return not isinstance(served, str) or not served or is_gemini(served)
