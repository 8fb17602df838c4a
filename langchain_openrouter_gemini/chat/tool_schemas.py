"""Tool and response schemas as langchain-core converts them, except that recursion survives.

langchain-core's `convert_to_openai_tool` and `convert_to_json_schema` inline every `$ref`,
and put `{}` ("any value") where a reference leads back to itself: a `Node` whose `children`
are `Node`s reaches the model as a list of anything, and a recursive TypedDict does not
convert at all. For recursive schemas these converters keep the `$defs` and `$ref`s instead;
the request builder then inlines them `RECURSION_DEPTH` levels deep for Gemini
(`schema.gemini_safe_schema`), and other vendors get the references, which they accept.
Every other schema is converted by langchain-core, unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_core.utils.function_calling import convert_to_json_schema, convert_to_openai_tool
from pydantic import BaseModel, TypeAdapter
from typing_extensions import is_typeddict

from langchain_openrouter_gemini.features.schema import has_recursive_refs

__all__ = ["keep_recursion", "openai_tool", "response_json_schema"]

# Keywords that describe the tool itself, not its arguments.
_ABOUT = ("title", "description")


def _has_defs(schema: Mapping[str, Any]) -> bool:
    return "$defs" in schema or "definitions" in schema


def _recursive_schema(schema: Any) -> dict[str, Any] | None:
    """The schema with its references, when one of them is recursive; else None."""
    raw: dict[str, Any] | None = None
    try:
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            raw = schema.model_json_schema()
        elif is_typeddict(schema):
            raw = TypeAdapter(schema).json_schema()
        elif isinstance(schema, Mapping) and "function" not in schema and _has_defs(schema):
            raw = dict(schema)
    except Exception:  # langchain-core's own conversion reports the problem in its words
        return None
    return raw if raw is not None and has_recursive_refs(raw) else None


def _rooted(raw: dict[str, Any]) -> dict[str, Any]:
    """The root object spelled out at the top, its definitions beside it.

    Pydantic puts a recursive root model under `$defs` and points at it from the top; a
    tool's parameters must be an object at the top for every vendor.
    """
    ref = raw.get("$ref")
    defs = raw.get("$defs")
    if not (isinstance(ref, str) and ref.startswith("#/$defs/") and isinstance(defs, Mapping)):
        return raw
    target = defs.get(ref.removeprefix("#/$defs/"))
    if not isinstance(target, Mapping) or "properties" in raw:
        return raw
    return {**target, "$defs": defs}


def openai_tool(tool: Any, *, strict: bool | None = None) -> Any:
    """`convert_to_openai_tool(tool, strict=strict)`, keeping a recursive schema's `$ref`s."""
    raw = _recursive_schema(tool)
    if raw is None:
        return convert_to_openai_tool(tool, strict=strict)
    root = _rooted(raw)
    name = root.get("title") or getattr(tool, "__name__", None) or "tool"
    function: dict[str, Any] = {"name": name}
    if isinstance(description := root.get("description"), str) and description:
        function["description"] = description
    function["parameters"] = {key: value for key, value in root.items() if key not in _ABOUT}
    if strict is not None:
        function["strict"] = strict
    return {"type": "function", "function": function}


def response_json_schema(schema: Any) -> dict[str, Any]:
    """`convert_to_json_schema(schema)`, keeping a recursive schema's `$ref`s."""
    raw = _recursive_schema(schema)
    return convert_to_json_schema(schema) if raw is None else _rooted(raw)


def keep_recursion(tool: Any, *, strict: bool | None = None) -> Any:
    """`tool` itself, or, when its schema is recursive, the OpenAI tool that keeps the recursion.

    For `bind_tools`: everything else is left to langchain-openai's own conversion.
    """
    return tool if _recursive_schema(tool) is None else openai_tool(tool, strict=strict)
