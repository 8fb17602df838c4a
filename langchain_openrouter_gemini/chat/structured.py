"""`with_structured_output`: OpenRouter's `response_format`, a forced tool call, or JSON mode.

Every method checks the reply before parsing it: a reply that ended with `finish_reason`
`length`, `content_filter` or `error` is a fragment, and a lenient JSON parser would
"repair" it into a plausible but wrong object (a list whose last string is cut in half).
It raises `OpenRouterIncompleteOutputError` instead, streamed or not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.output_parsers.openai_tools import (
    JsonOutputKeyToolsParser,
    PydanticToolsParser,
)
from langchain_core.runnables import Runnable, RunnableGenerator, RunnableMap, RunnablePassthrough
from langchain_core.utils.pydantic import is_basemodel_subclass
from langchain_openai.chat_models.base import BaseChatOpenAI, OpenAIRefusalError

from langchain_openrouter_gemini.chat.tool_schemas import openai_tool, response_json_schema
from langchain_openrouter_gemini.errors.incomplete import (
    INCOMPLETE_FINISH_REASONS,
    OpenRouterIncompleteOutputError,
)

__all__ = ["structured_output_runnable"]


def _schema_name(schema: Any, json_schema: Mapping[str, Any]) -> str:
    if isinstance(schema, type):
        return schema.__name__
    name = schema.get("name") if isinstance(schema, Mapping) else None
    if isinstance(name, str) and name:
        return name
    title = json_schema.get("title")
    return title if isinstance(title, str) and title else "response"


def _is_pydantic(schema: Any) -> bool:
    return isinstance(schema, type) and is_basemodel_subclass(schema)


def _json_schema(
    model: BaseChatOpenAI,
    schema: Any,
    strict: bool | None,
    tools: Sequence[Any] | None,
    kwargs: Mapping[str, Any],
) -> tuple[Runnable[Any, Any], Runnable[Any, Any]]:
    # Recursive schemas keep their `$ref`s (langchain-core would erase the recursion).
    json_schema = response_json_schema(schema)
    spec: dict[str, Any] = {"name": _schema_name(schema, json_schema), "schema": json_schema}
    if strict is not None:
        spec["strict"] = strict
    bind_kwargs: dict[str, Any] = {
        "response_format": {"type": "json_schema", "json_schema": spec},
        "ls_structured_output_format": {
            "kwargs": {"method": "json_schema", "strict": strict},
            "schema": openai_tool(schema),
        },
        **kwargs,
    }
    if tools:
        bind_kwargs["tools"] = [openai_tool(tool, strict=strict) for tool in tools]
    parser: Runnable[Any, Any] = (
        PydanticOutputParser(pydantic_object=schema) if _is_pydantic(schema) else JsonOutputParser()
    )
    return model.bind(**bind_kwargs), parser


def _function_calling(
    model: BaseChatOpenAI, schema: Any, strict: bool | None, kwargs: Mapping[str, Any]
) -> tuple[Runnable[Any, Any], Runnable[Any, Any]]:
    tool_name = openai_tool(schema)["function"]["name"]
    defaults = _without_disabled(
        model.disabled_params,
        {"tool_choice": tool_name, "parallel_tool_calls": False, "strict": strict},
    )
    llm = model.bind_tools(
        [schema],
        ls_structured_output_format={
            "kwargs": {"method": "function_calling", "strict": strict},
            "schema": schema,
        },
        **{**defaults, **kwargs},
    )
    parser: Runnable[Any, Any] = (
        PydanticToolsParser(tools=[schema], first_tool_only=True)
        if _is_pydantic(schema)
        else JsonOutputKeyToolsParser(key_name=tool_name, first_tool_only=True)
    )
    return llm, parser


def _without_disabled(
    disabled: Mapping[str, Any] | None, defaults: Mapping[str, Any]
) -> dict[str, Any]:
    """`defaults` minus what `disabled_params` rules out (as langchain-openai reads it).

    `{"parallel_tool_calls": None}` drops the parameter whatever its value;
    `{"tool_choice": ["required"]}` drops only those values. Only the defaults this
    method would add are filtered: a value the caller passes is sent.
    """
    if not disabled:
        return dict(defaults)
    return {
        name: value
        for name, value in defaults.items()
        if name not in disabled or (disabled[name] is not None and value not in disabled[name])
    }


def _json_mode(
    model: BaseChatOpenAI, schema: Any, kwargs: Mapping[str, Any]
) -> tuple[Runnable[Any, Any], Runnable[Any, Any]]:
    llm = model.bind(
        response_format={"type": "json_object"},
        ls_structured_output_format={"kwargs": {"method": "json_mode"}, "schema": schema},
        **kwargs,
    )
    parser: Runnable[Any, Any] = (
        PydanticOutputParser(pydantic_object=schema) if _is_pydantic(schema) else JsonOutputParser()
    )
    return llm, parser


def _reply_check(max_tokens: int | None) -> Runnable[Any, Any]:
    """A pass-through step that raises on a refused or unfinished reply.

    It sees every streamed chunk, so a stream still yields growing partial objects and
    fails at its end, on the chunk that carries the finish reason.
    """

    def check(message: BaseMessage) -> None:
        refusal = message.additional_kwargs.get("refusal")
        if isinstance(refusal, str) and refusal:
            raise OpenAIRefusalError(refusal, raw_message=message)
        reason = message.response_metadata.get("finish_reason")
        if reason in INCOMPLETE_FINISH_REASONS:
            raise OpenRouterIncompleteOutputError(
                reason,
                native_finish_reason=message.response_metadata.get("native_finish_reason"),
                max_tokens=max_tokens,
                raw_message=message,
            )

    def transform(messages: Iterator[BaseMessage]) -> Iterator[BaseMessage]:
        for message in messages:
            check(message)
            yield message

    async def atransform(messages: AsyncIterator[BaseMessage]) -> AsyncIterator[BaseMessage]:
        async for message in messages:
            check(message)
            yield message

    return RunnableGenerator(transform, atransform, name="check_finish_reason")


def structured_output_runnable(
    model: BaseChatOpenAI,
    schema: Any,
    *,
    method: str,
    include_raw: bool,
    strict: bool | None,
    tools: Sequence[Any] | None,
    **kwargs: Any,
) -> Runnable[Any, Any]:
    """Bind the structured-output request for `method` and parse the checked reply."""
    if schema is None and method != "json_mode":
        msg = (
            f"with_structured_output(method={method!r}) needs a schema: "
            "a Pydantic class, TypedDict or JSON schema."
        )
        raise ValueError(msg)
    if method == "json_schema":
        llm, parser = _json_schema(model, schema, strict, tools, kwargs)
    elif method == "function_calling":
        llm, parser = _function_calling(model, schema, strict, kwargs)
    elif method == "json_mode":
        if strict is not None:
            msg = "with_structured_output(method='json_mode') takes no `strict`; drop it."
            raise ValueError(msg)
        llm, parser = _json_mode(model, schema, kwargs)
    else:
        msg = (
            f"Unknown method {method!r} for with_structured_output. "
            "Use 'json_schema', 'function_calling' or 'json_mode'."
        )
        raise ValueError(msg)
    max_tokens = kwargs.get("max_tokens", model.max_tokens)
    checked = _reply_check(max_tokens if isinstance(max_tokens, int) else None) | parser
    if not include_raw:
        return llm | checked
    parse_or_fail = RunnablePassthrough.assign(
        parsed=itemgetter("raw") | checked, parsing_error=lambda _: None
    )
    keep_raw = RunnablePassthrough.assign(parsed=lambda _: None)
    return RunnableMap(raw=llm) | parse_or_fail.with_fallbacks(
        [keep_raw], exception_key="parsing_error"
    )
