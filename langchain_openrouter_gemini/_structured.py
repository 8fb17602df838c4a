"""`with_structured_output(method="json_schema")` on OpenRouter's `response_format`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough
from langchain_core.utils.function_calling import convert_to_json_schema, convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass

if TYPE_CHECKING:
    from langchain_openrouter_gemini.chat_models import ChatOpenRouterGemini

__all__ = ["structured_output_runnable"]


def _schema_name(schema: Any, json_schema: Mapping[str, Any]) -> str:
    if isinstance(schema, type):
        return schema.__name__
    name = schema.get("name") if isinstance(schema, Mapping) else None
    if isinstance(name, str) and name:
        return name
    title = json_schema.get("title")
    return title if isinstance(title, str) and title else "response"


def structured_output_runnable(
    model: ChatOpenRouterGemini,
    schema: Any,
    *,
    include_raw: bool,
    strict: bool | None,
    tools: Sequence[Any] | None,
    **kwargs: Any,
) -> Runnable[Any, Any]:
    """Bind a JSON-schema `response_format` and parse the reply into `schema`."""
    if schema is None:
        msg = (
            "with_structured_output(method='json_schema') needs a schema: "
            "a Pydantic class, TypedDict or JSON schema."
        )
        raise ValueError(msg)
    json_schema = convert_to_json_schema(schema)
    spec: dict[str, Any] = {"name": _schema_name(schema, json_schema), "schema": json_schema}
    if strict is not None:
        spec["strict"] = strict
    bind_kwargs: dict[str, Any] = {
        "response_format": {"type": "json_schema", "json_schema": spec},
        "ls_structured_output_format": {
            "kwargs": {"method": "json_schema", "strict": strict},
            "schema": convert_to_openai_tool(schema),
        },
        **kwargs,
    }
    if tools:
        bind_kwargs["tools"] = [convert_to_openai_tool(tool, strict=strict) for tool in tools]
    llm = model.bind(**bind_kwargs)
    parser: Runnable[Any, Any] = (
        PydanticOutputParser(pydantic_object=schema)
        if isinstance(schema, type) and is_basemodel_subclass(schema)
        else JsonOutputParser()
    )
    if not include_raw:
        return llm | parser
    parse_or_fail = RunnablePassthrough.assign(
        parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
    )
    keep_raw = RunnablePassthrough.assign(parsed=lambda _: None)
    return RunnableMap(raw=llm) | parse_or_fail.with_fallbacks(
        [keep_raw], exception_key="parsing_error"
    )
