"""JSON Schemas that Gemini accepts, keeping what they mean.

Gemini reads tool parameters and `response_format` schemas as its `Schema` object, "a select
subset of an OpenAPI 3.0 schema object" (Google's Gemini API reference): `type`, `format`,
`description`, `nullable`, `enum` (strings only), `properties`, `required`, `propertyOrdering`,
`items`, `anyOf`, `minItems`/`maxItems`, `minimum`/`maximum`, `minLength`/`maxLength`, `pattern`,
`minProperties`/`maxProperties`. Anything else (`$ref`, `$defs`, `additionalProperties`, `const`,
`$schema`, `examples`, ...) is answered with HTTP 400 `Unknown name ... Cannot find field`.
Google's proto also lists `title`, `default` and `example`, but the Vertex and older AI Studio paths
behind OpenRouter rejected them, so they are dropped here to be safe.

The walk itself, and the rules it follows, live in `schema_converter`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from langchain_openrouter_gemini.features.schema_converter import (
    RECURSION_DEPTH,
    SchemaConverter,
    finalize,
)

__all__ = [
    "RECURSION_DEPTH",
    "gemini_safe_response_format",
    "gemini_safe_schema",
    "gemini_safe_tool",
    "has_recursive_refs",
]


def gemini_safe_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Rewrite a JSON Schema into the subset Gemini accepts, keeping its meaning.

    - `$ref` to `#/$defs/...`, `#/definitions/...` (any local JSON pointer) is inlined; a recursive
      reference is inlined `RECURSION_DEPTH` times, then replaced by a permissive object whose
      description says it has the same shape as its parent.
    - `anyOf`/`oneOf` with a `{"type": "null"}` branch and `type: [X, "null"]` become `nullable`;
      other unions stay `anyOf`, each branch rewritten. `allOf` is merged into one schema.
    - `const` and `enum` stay `enum` on strings; on other types (Gemini takes string enums only)
      the allowed values move into the description and the type is kept, so an integer stays an
      integer rather than turning into the string `"1"`.
    - `default`, unknown `format`s, `exclusiveMinimum`/`exclusiveMaximum`, `multipleOf`,
      `uniqueItems`, tuples (`prefixItems`) and `additionalProperties` (maps such as
      `dict[str, int]`) are described in words in the description, since Gemini has no keyword
      for them.
    - `$schema`, `$id`, `$defs`, `title`, `examples`, `strict`, `discriminator` and other unknown
      keywords are dropped. `required` keeps only declared properties.

    Args:
        schema: A JSON Schema object, e.g. a Pydantic model's `model_json_schema()`.

    Returns:
        A new schema; the input is never modified and shares nothing with the result.

    Raises:
        ValueError: A `$ref` that cannot be resolved inside the schema (the error names it), or a
            part of the schema that is not a JSON Schema object.

    """
    if not isinstance(schema, Mapping):
        msg = f"Expected a JSON Schema object (a mapping), got {type(schema).__name__}."
        raise ValueError(msg)
    return finalize(SchemaConverter(schema).convert(schema, ()))


def gemini_safe_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    """Apply `gemini_safe_schema` to an OpenAI-format tool's `function.parameters`.

    Tools without a `function` (OpenRouter server tools such as `openrouter:web_search`) and
    functions without `parameters` come back as copies, unchanged.

    Args:
        tool: `{"type": "function", "function": {"name": ..., "parameters": {...}}}`.

    Returns:
        A new tool dict.

    Raises:
        ValueError: `function` or `parameters` is not an object, or the schema is invalid.

    """
    result = copy.deepcopy(dict(tool))
    function = tool.get("function")
    if function is None:
        return result
    if not isinstance(function, Mapping):
        msg = f"Tool 'function' must be an object with 'name' and 'parameters', got {function!r}."
        raise ValueError(msg)
    where = f"Tool {function.get('name', '?')!r}: 'parameters'"
    return _with_safe_schema(result, "function", function, "parameters", where)


def gemini_safe_response_format(rf: Mapping[str, Any]) -> dict[str, Any]:
    """Apply `gemini_safe_schema` to a `{"type": "json_schema", "json_schema": {...}}` format.

    `name` and `strict` are kept as given (OpenRouter documents both on the wrapper); other
    `response_format` types (`json_object`, `text`) come back as copies, unchanged.

    Args:
        rf: An OpenAI-style `response_format`.

    Returns:
        A new `response_format` dict.

    Raises:
        ValueError: `json_schema` is missing or not an object, or the schema is invalid.

    """
    result = copy.deepcopy(dict(rf))
    if rf.get("type") != "json_schema":
        return result
    wrapper = rf.get("json_schema")
    if not isinstance(wrapper, Mapping):
        msg = (
            "response_format of type 'json_schema' needs a 'json_schema' object with 'name' and"
            f" 'schema', got {wrapper!r}."
        )
        raise ValueError(msg)
    where = "response_format json_schema.schema"
    return _with_safe_schema(result, "json_schema", wrapper, "schema", where)


def has_recursive_refs(schema: Mapping[str, Any]) -> bool:
    """Whether a `$ref` in `schema` leads back to itself (a tree, a linked list).

    Such a schema has no flat form: `gemini_safe_schema` inlines it `RECURSION_DEPTH` levels
    deep. References that cannot be resolved count as not recursive (`gemini_safe_schema`
    names them).

    Args:
        schema: A JSON Schema object with its `$defs` and `$ref`s, e.g. `model_json_schema()`.

    """
    converter = SchemaConverter(schema)
    acyclic: set[str] = set()

    def leads_back(node: Any, path: tuple[str, ...]) -> bool:
        if isinstance(node, list):
            return any(leads_back(item, path) for item in node)
        if not isinstance(node, Mapping):
            return False
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in acyclic:
            if ref in path:
                return True
            try:
                target = converter.resolve(ref)
            except ValueError:
                target = None
            if leads_back(target, (*path, ref)):
                return True
            # Nothing below it leads back to anything above it: never walk it again.
            acyclic.add(ref)
        return any(leads_back(value, path) for key, value in node.items() if key != "$ref")

    return leads_back(schema, ())


def _with_safe_schema(
    result: dict[str, Any], outer: str, wrapper: Mapping[str, Any], key: str, where: str
) -> dict[str, Any]:
    """`result` with `result[outer][key]` made Gemini-safe; `where` names it in the error."""
    schema = wrapper.get(key)
    if schema is None:
        return result
    if not isinstance(schema, Mapping):
        msg = f"{where} must be a JSON Schema object, got {schema!r}."
        raise ValueError(msg)
    result[outer] = {**result[outer], key: gemini_safe_schema(schema)}
    return result
