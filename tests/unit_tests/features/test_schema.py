"""Gemini-safe JSON Schemas from the Pydantic, TypedDict and hand-written shapes people send."""

from __future__ import annotations

import copy
import datetime
import enum
import uuid
from typing import Annotated, Any, Literal, Optional, Union

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, Field, HttpUrl
from typing_extensions import TypedDict

from langchain_openrouter_gemini.features.schema import (
    RECURSION_DEPTH,
    gemini_safe_response_format,
    gemini_safe_schema,
    gemini_safe_tool,
)

# Keywords Gemini's Schema object rejects, or that this module promises to remove.
FORBIDDEN = {
    "$ref", "$defs", "definitions", "$schema", "$id", "additionalProperties", "const", "default",
    "title", "examples", "oneOf", "allOf", "prefixItems", "exclusiveMinimum", "exclusiveMaximum",
    "uniqueItems", "discriminator", "strict",
}  # fmt: skip
GEMINI_FORMATS = {"string": {"enum", "date-time"}, "integer": {"int32", "int64"}}
GEMINI_FORMATS["number"] = {"float", "double"}
ANY_VALUE = [{"type": "string"}, {"type": "number"}, {"type": "boolean"}, {"type": "object"}]


def gemini_problems(schema: Any, path: str = "$") -> list[str]:
    """Everything in `schema` that Gemini would reject, as readable paths (empty when fine)."""
    if not isinstance(schema, dict):
        return [f"{path}: not an object"]
    problems = [f"{path}: has {key!r}" for key in schema if key in FORBIDDEN]
    if "type" not in schema and "anyOf" not in schema:
        problems.append(f"{path}: neither type nor anyOf")
    if schema.get("type") == "array" and "items" not in schema:
        problems.append(f"{path}: array without items")
    if "enum" in schema and schema.get("type") != "string":
        problems.append(f"{path}: enum on {schema.get('type')}")
    if "format" in schema and schema["format"] not in GEMINI_FORMATS.get(schema["type"], ()):
        problems.append(f"{path}: format {schema['format']!r} on {schema['type']}")
    properties = schema.get("properties", {})
    problems += [f"{path}: required {name!r} undeclared" for name in schema.get("required", ())
                 if name not in properties]  # fmt: skip
    for name, sub in properties.items():
        problems += gemini_problems(sub, f"{path}.properties.{name}")
    if "items" in schema:
        problems += gemini_problems(schema["items"], f"{path}.items")
    for index, branch in enumerate(schema.get("anyOf", ())):
        problems += gemini_problems(branch, f"{path}.anyOf[{index}]")
    return problems


def test_the_checker_itself_catches_what_gemini_rejects() -> None:
    bad = {
        "type": "object",
        "title": "T",
        "properties": {"a": {"$ref": "#/$defs/A"}, "b": {"type": "array"}},
        "required": ["c"],
    }
    assert gemini_problems(bad) == [
        "$: has 'title'",
        "$: required 'c' undeclared",
        "$.properties.a: has '$ref'",
        "$.properties.a: neither type nor anyOf",
        "$.properties.b: array without items",
    ]


# --- Pydantic shapes -------------------------------------------------------------------------


class Color(str, enum.Enum):
    RED = "red"
    GREEN = "green"


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Address(BaseModel):
    """A postal address."""

    street: str
    city: str = "Oslo"


class Node(BaseModel):
    name: str
    children: list[Node] = []


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


class Everything(BaseModel):
    """Every field shape from the Pydantic docs that people put in tools."""

    name: str = Field(description="Full name")
    age: Annotated[int, Field(description="Age in years", ge=0)]
    home: Address
    work: Optional[Address] = None  # noqa: UP045 - the spelling under test
    nickname: str | None = None
    middle_name: str | None
    color: Color = Color.RED
    priority: Priority
    addresses: list[Address]
    letter: Literal["a", "b"]
    only_x: Literal["x"]
    small: Literal[1, 2]
    counts: dict[str, int]
    when: datetime.datetime
    day: datetime.date
    uid: uuid.UUID
    site: HttpUrl
    email: Annotated[str, Field(json_schema_extra={"format": "email"})]
    positive: int = Field(gt=0)
    pair: tuple[int, str]
    anything: Any = None
    tags: set[str] = set()
    pet: Union[Cat, Dog] = Field(discriminator="kind")  # noqa: UP007
    number_or_text: int | str
    maybe_number_or_text: int | str | None = None
    tree: Node | None = None


EVERYTHING = gemini_safe_schema(Everything.model_json_schema())
PROPS = EVERYTHING["properties"]
ADDRESS = {
    "type": "object",
    "description": "A postal address.",
    "properties": {
        "street": {"type": "string"},
        "city": {"type": "string", "description": 'Default: "Oslo".'},
    },
    "required": ["street"],
}


@pytest.mark.parametrize(
    "model",
    [Everything, Address, Node, Cat],
    ids=lambda model: model.__name__,
)
def test_pydantic_schemas_come_out_with_nothing_gemini_rejects(model: type[BaseModel]) -> None:
    assert gemini_problems(gemini_safe_schema(model.model_json_schema())) == []


def test_top_level_keeps_description_and_required_but_not_title_or_defs() -> None:
    assert EVERYTHING["type"] == "object"
    assert EVERYTHING["description"] == Everything.__doc__
    assert "middle_name" in EVERYTHING["required"]
    assert "nickname" not in EVERYTHING["required"]
    assert list(PROPS) == list(Everything.model_fields)


FIELD_CASES: list[tuple[str, dict[str, Any]]] = [
    ("name", {"type": "string", "description": "Full name"}),
    ("age", {"type": "integer", "description": "Age in years", "minimum": 0}),
    ("home", ADDRESS),
    ("work", {**ADDRESS, "description": "A postal address. Default: null.", "nullable": True}),
    ("nickname", {"type": "string", "description": "Default: null.", "nullable": True}),
    ("middle_name", {"type": "string", "nullable": True}),
    ("color", {"type": "string", "description": 'Default: "red".', "enum": ["red", "green"]}),
    ("priority", {"type": "integer", "description": "Allowed values: 1, 2."}),
    ("addresses", {"type": "array", "items": ADDRESS}),
    ("letter", {"type": "string", "enum": ["a", "b"]}),
    ("only_x", {"type": "string", "enum": ["x"]}),
    ("small", {"type": "integer", "description": "Allowed values: 1, 2."}),
    (
        "counts",
        {
            "type": "object",
            "description": 'Keys are free-form strings; each value: {"type": "integer"}.',
        },
    ),
    ("when", {"type": "string", "format": "date-time"}),
    ("day", {"type": "string", "description": "Format: date."}),
    ("uid", {"type": "string", "description": "Format: uuid."}),
    (
        "site",
        {"type": "string", "description": "Format: uri.", "minLength": 1, "maxLength": 2083},
    ),
    ("email", {"type": "string", "description": "Format: email."}),
    ("positive", {"type": "integer", "description": "Must be greater than 0."}),
    (
        "pair",
        {
            "type": "array",
            "description": "By position: item 1 is integer, item 2 is string.",
            "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
            "minItems": 2,
            "maxItems": 2,
        },
    ),
    ("anything", {"description": "Default: null.", "anyOf": ANY_VALUE}),
    (
        "tags",
        {
            "type": "array",
            "description": "Items must be unique. Default: [].",
            "items": {"type": "string"},
        },
    ),
    (
        "pet",
        {
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "kind": {"type": "string", "enum": ["cat"]},
                        "lives": {"type": "integer"},
                    },
                    "required": ["kind", "lives"],
                },
                {
                    "type": "object",
                    "properties": {
                        "kind": {"type": "string", "enum": ["dog"]},
                        "good": {"type": "boolean"},
                    },
                    "required": ["kind", "good"],
                },
            ]
        },
    ),
    ("number_or_text", {"anyOf": [{"type": "integer"}, {"type": "string"}]}),
    (
        "maybe_number_or_text",
        {
            "description": "Default: null.",
            "anyOf": [
                {"type": "integer", "nullable": True},
                {"type": "string", "nullable": True},
            ],
        },
    ),
]


@pytest.mark.parametrize(("field", "expected"), FIELD_CASES, ids=[f for f, _ in FIELD_CASES])
def test_each_field_keeps_its_meaning_in_gemini_terms(field: str, expected: dict[str, Any]) -> None:
    assert PROPS[field] == expected


def node_depth(schema: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """How many full Node levels are spelled out, and the schema that ends them."""
    depth = 0
    while "properties" in schema:
        depth += 1
        schema = schema["properties"]["children"]["items"]
    return depth, schema


def test_a_recursive_model_is_inlined_a_bounded_number_of_times_then_described() -> None:
    schema = gemini_safe_schema(Node.model_json_schema())

    depth, cut = node_depth(schema)

    assert depth == RECURSION_DEPTH == 3
    assert cut["type"] == "object"
    assert "Another Node, nested further" in cut["description"]
    assert gemini_problems(schema) == []


def test_a_recursive_model_under_a_nullable_field_gets_the_same_depth() -> None:
    tree = PROPS["tree"]

    depth, _ = node_depth(tree)

    assert tree["nullable"] is True
    assert depth == RECURSION_DEPTH


def test_mutually_recursive_definitions_terminate() -> None:
    schema = {
        "$defs": {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}}},
            "B": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}},
        },
        "$ref": "#/$defs/A",
    }

    result = gemini_safe_schema(schema)

    assert gemini_problems(result) == []
    assert "Another A" in str(result)


def test_a_self_reference_to_the_root_is_bounded_too() -> None:
    schema = {"type": "object", "properties": {"next": {"$ref": "#"}, "v": {"type": "integer"}}}

    result = gemini_safe_schema(schema)

    assert gemini_problems(result) == []
    assert "Another root object" in str(result)


# --- TypedDicts and tools --------------------------------------------------------------------


class Location(TypedDict):
    """Where to look."""

    city: str
    country: Optional[str]  # noqa: UP045 - the spelling under test


class LookUp(TypedDict):
    """Look up the weather."""

    where: Location
    days: Annotated[int, ..., "How many days ahead"]


def test_a_typeddict_tool_from_langchain_is_gemini_safe() -> None:
    tool = convert_to_openai_tool(LookUp)

    safe = gemini_safe_tool(tool)

    assert safe["function"]["name"] == "LookUp"
    assert safe["function"]["description"] == "Look up the weather."
    assert gemini_problems(safe["function"]["parameters"]) == []
    assert safe["function"]["parameters"]["properties"]["days"] == {
        "type": "integer",
        "description": "How many days ahead",
    }


def test_a_pydantic_tool_from_langchain_keeps_name_and_strict() -> None:
    tool = convert_to_openai_tool(Everything, strict=True)

    safe = gemini_safe_tool(tool)

    assert safe["function"]["strict"] is True
    assert safe["function"]["name"] == "Everything"
    assert gemini_problems(safe["function"]["parameters"]) == []


@pytest.mark.parametrize(
    "tool",
    [
        {"type": "openrouter:web_search"},
        {"type": "function", "function": {"name": "ping", "description": "No arguments."}},
    ],
    ids=["server tool", "no parameters"],
)
def test_tools_without_a_schema_come_back_unchanged(tool: dict[str, Any]) -> None:
    assert gemini_safe_tool(tool) == tool


def test_a_tool_whose_function_is_not_an_object_is_rejected() -> None:
    with pytest.raises(ValueError, match="'function' must be an object"):
        gemini_safe_tool({"type": "function", "function": "get_weather"})


def test_response_format_schema_is_made_safe_and_name_and_strict_kept() -> None:
    rf = {
        "type": "json_schema",
        "json_schema": {"name": "Address", "strict": True, "schema": Address.model_json_schema()},
    }

    safe = gemini_safe_response_format(rf)

    assert safe == {
        "type": "json_schema",
        "json_schema": {"name": "Address", "strict": True, "schema": ADDRESS},
    }


def test_json_object_response_format_is_left_alone() -> None:
    assert gemini_safe_response_format({"type": "json_object"}) == {"type": "json_object"}


def test_json_schema_response_format_without_its_object_is_rejected() -> None:
    with pytest.raises(ValueError, match="needs a 'json_schema' object"):
        gemini_safe_response_format({"type": "json_schema"})


# --- hand-written schemas --------------------------------------------------------------------


STR, INT = {"type": "string"}, {"type": "integer"}
A_AND_B = {"b": STR, "a": STR}
HAND_WRITTEN: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "type list with null": ({"type": ["string", "null"]}, {**STR, "nullable": True}),
    "type list": (
        {"type": ["string", "integer"], "description": "An id."},
        {"description": "An id.", "anyOf": [STR, INT]},
    ),
    "oneOf with null": (
        {"oneOf": [STR, {"type": "null"}], "description": "Maybe."},
        {**STR, "description": "Maybe.", "nullable": True},
    ),
    "boolean const": ({"const": True}, {"type": "boolean", "description": "Must be true."}),
    "integer const": ({"const": 3, **INT}, {**INT, "description": "Must be 3."}),
    "enum with null": ({"enum": ["a", None]}, {**STR, "nullable": True, "enum": ["a"]}),
    "mixed enum": (
        {"enum": ["a", 1]},
        {"anyOf": [{**STR, "enum": ["a"]}, {**INT, "description": "Must be 1."}]},
    ),
    "known format": ({**INT, "format": "int64"}, {**INT, "format": "int64"}),
    "format on the wrong type": (
        {"type": "number", "format": "int32"},
        {"type": "number", "description": "Format: int32."},
    ),
    "null alone": ({"type": "null"}, {**STR, "description": "Must be null.", "nullable": True}),
    "array without items": ({"type": "array"}, {"type": "array", "items": {"anyOf": ANY_VALUE}}),
    "open object": (
        {"type": "object", "properties": {"a": STR}, "additionalProperties": True},
        {"type": "object", "description": "Other keys are allowed.", "properties": {"a": STR}},
    ),
    "required filtered": (
        {"type": "object", "properties": {"a": STR}, "required": ["a", "zzz"]},
        {"type": "object", "properties": {"a": STR}, "required": ["a"]},
    ),
    "propertyOrdering filtered": (
        {"properties": A_AND_B, "propertyOrdering": ["a", "gone", "b"]},
        {"type": "object", "properties": A_AND_B, "propertyOrdering": ["a", "b"]},
    ),
    "draft keywords": (
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "x", **STR,
         "examples": ["q"], "deprecated": True, "multipleOf": 5, "exclusiveMaximum": 9},
        {**STR, "description": "Must be less than 9. Must be a multiple of 5. Deprecated."},
    ),
}  # fmt: skip


@pytest.mark.parametrize(("schema", "expected"), HAND_WRITTEN.values(), ids=list(HAND_WRITTEN))
def test_hand_written_shapes(schema: dict[str, Any], expected: dict[str, Any]) -> None:
    assert gemini_safe_schema(schema) == expected


def test_properties_named_like_keywords_are_kept() -> None:
    schema = {
        "type": "object",
        "properties": {name: {"type": "string"} for name in ("title", "default", "const", "$ref")},
        "required": ["title", "$ref"],
    }

    result = gemini_safe_schema(schema)

    assert list(result["properties"]) == ["title", "default", "const", "$ref"]
    assert result["required"] == ["title", "$ref"]


def test_a_field_description_replaces_the_models_but_keeps_its_allowed_values() -> None:
    schema = {
        "definitions": {"Level": {"type": "integer", "enum": [1, 2], "description": "Levels."}},
        "type": "object",
        "properties": {
            "level": {"allOf": [{"$ref": "#/definitions/Level"}], "description": "How loud."}
        },
    }

    result = gemini_safe_schema(schema)

    assert result["properties"]["level"] == {
        "type": "integer",
        "description": "How loud. Allowed values: 1, 2.",
    }


def test_allof_with_several_object_entries_is_merged() -> None:
    schema = {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"type": "object", "properties": {"b": {"type": "integer"}}, "required": ["b"]},
        ]
    }

    assert gemini_safe_schema(schema) == {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
        "required": ["a", "b"],
    }


def test_a_dict_of_models_describes_the_value_schema() -> None:
    class Book(BaseModel):
        shelves: dict[str, Address]

    counts = gemini_safe_schema(Book.model_json_schema())["properties"]["shelves"]

    assert counts["type"] == "object"
    assert counts["description"].startswith("Keys are free-form strings; each value: {")
    assert '"street": {"type": "string"}' in counts["description"]
    assert "properties" not in counts


@pytest.mark.parametrize(
    ("ref", "problem"),
    [
        ("#/$defs/Missing", "nothing at that path"),
        ("https://example.com/address.json", "only references inside the same schema"),
        ("#anchor", "only references inside the same schema"),
    ],
)
def test_an_unresolvable_ref_is_rejected_by_name(ref: str, problem: str) -> None:
    schema = {"type": "object", "properties": {"a": {"$ref": ref}}, "$defs": {"A": {}}}

    with pytest.raises(ValueError, match=problem) as error:
        gemini_safe_schema(schema)

    assert repr(ref) in str(error.value)


@pytest.mark.parametrize(
    "schema",
    [
        "not a schema",
        {"type": "object", "properties": {"a": 5}},
        {"anyOf": []},
        {"type": "string", "enum": "red"},
    ],
    ids=["string", "property not an object", "empty anyOf", "enum not a list"],
)
def test_malformed_schemas_raise_value_error(schema: Any) -> None:
    with pytest.raises(ValueError, match=r"must be|Expected"):
        gemini_safe_schema(schema)


def test_the_input_is_not_modified_and_shares_nothing_with_the_output() -> None:
    schema = Everything.model_json_schema()
    tool = convert_to_openai_tool(Everything)
    rf = {"type": "json_schema", "json_schema": {"name": "N", "schema": Node.model_json_schema()}}
    before = copy.deepcopy((schema, tool, rf))

    result = gemini_safe_schema(schema)
    result["properties"]["letter"]["enum"].append("z")
    result["properties"]["home"]["required"].append("z")
    gemini_safe_tool(tool)
    gemini_safe_response_format(rf)

    assert (schema, tool, rf) == before
    assert gemini_safe_schema(schema) == EVERYTHING
