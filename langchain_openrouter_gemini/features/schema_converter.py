"""The walk behind `gemini_safe_schema`: one JSON Schema node at a time, into Gemini's subset.

Rules this module follows (each one observed as a 400 from Gemini when broken):
- every schema needs a `type` unless it uses `anyOf`;
- an array needs `items`;
- every name in `required` must be a declared property.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final
from urllib.parse import unquote

__all__ = ["RECURSION_DEPTH", "SchemaConverter", "finalize"]

RECURSION_DEPTH: Final = 3
"""How many times one definition may be inlined inside itself before the rest is cut off.

Inlining a recursive model (a tree whose `children` are trees) would never end. Three levels let
the model fill the shapes people actually send (a root, its children, their children) while
keeping the schema small; deeper levels become a permissive object whose description says it has
the same shape as its parent.
"""

# Google documents these formats; any other is moved into the description.
_KNOWN_FORMATS: Final[Mapping[str, frozenset[str]]] = {
    "string": frozenset({"enum", "date-time"}),
    "integer": frozenset({"int32", "int64"}),
    "number": frozenset({"float", "double"}),
}
# fmt: off
_NUMERIC_KEYWORDS: Final = (
    "minimum", "maximum", "minItems", "maxItems",
    "minLength", "maxLength", "minProperties", "maxProperties",
)
# fmt: on
# A schema that allows any value still needs a type. Arrays are left out: their `items` would need
# a type of their own, and there is no finite way to say "an array of anything".
_ANY_VALUE: Final = tuple({"type": name} for name in ("string", "number", "boolean", "object"))
# Output key order, for schemas that read well in logs and cassettes.
# fmt: off
_KEY_ORDER: Final = (
    "type", "format", "description", "nullable", "enum", "properties", "required",
    "propertyOrdering", "items", "anyOf", *_NUMERIC_KEYWORDS, "pattern",
)
# fmt: on
_KEY_RANK: Final = {key: rank for rank, key in enumerate(_KEY_ORDER)}
# Private key: remarks appended to the description once the whole tree is built. They are kept
# apart while converting so that a field's own description can replace a referenced model's
# description without losing remarks such as "Allowed values: 1, 2.".
_NOTES: Final = "\x00notes"


class SchemaConverter:
    """Walks one schema; holds the root so that `$ref`s can be resolved against it."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self._root = root

    def convert(self, node: Any, refs: tuple[str, ...]) -> dict[str, Any]:
        """Convert one schema; `refs` are the references being inlined above it."""
        if isinstance(node, bool):
            # `true` allows anything; `false` allows nothing, which Gemini cannot say either.
            return {}
        if not isinstance(node, Mapping):
            msg = f"Expected a JSON Schema object, found {node!r}."
            raise ValueError(msg)
        if "$ref" in node:
            return self._ref(node, refs)
        if "allOf" in node:
            return self._all_of(node, refs)
        if "anyOf" in node or "oneOf" in node:
            return self._any_of(node, refs)
        if isinstance(node.get("type"), list):
            return self._type_list(node, refs)
        return self._plain(node, refs)

    def _ref(self, node: Mapping[str, Any], refs: tuple[str, ...]) -> dict[str, Any]:
        ref = node["$ref"]
        if not isinstance(ref, str):
            msg = f"$ref must be a string, got {ref!r}."
            raise ValueError(msg)
        target = self.resolve(ref)
        if refs.count(ref) >= RECURSION_DEPTH:
            result = _cut_off(ref, target)
        else:
            result = self.convert(target, (*refs, ref))
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        return _merge(result, self.convert(siblings, refs)) if siblings else result

    def resolve(self, ref: str) -> Any:
        """The part of the root schema a local `$ref` (`#/$defs/Name`) points at."""
        if not ref.startswith("#") or (len(ref) > 1 and not ref.startswith("#/")):
            msg = (
                f"Cannot resolve $ref {ref!r}: only references inside the same schema"
                " ('#/$defs/Name') are supported. Inline that schema or move it under $defs."
            )
            raise ValueError(msg)
        target: Any = self._root
        for raw_token in ref[2:].split("/") if len(ref) > 1 else ():
            token = unquote(raw_token).replace("~1", "/").replace("~0", "~")
            if isinstance(target, Mapping) and token in target:
                target = target[token]
            elif isinstance(target, list) and token.isdigit() and int(token) < len(target):
                target = target[int(token)]
            else:
                msg = (
                    f"Cannot resolve $ref {ref!r}: the schema has nothing at that path. Add the"
                    " definition under $defs or fix the reference."
                )
                raise ValueError(msg)
        return target

    def _all_of(self, node: Mapping[str, Any], refs: tuple[str, ...]) -> dict[str, Any]:
        entries = _schema_list(node, "allOf")
        # A conjunction of unrelated constraints has no Gemini form: object shapes are merged
        # (properties and required united) and later entries win for other keywords.
        result: dict[str, Any] = {}
        for entry in entries:
            result = _merge(result, self.convert(entry, refs))
        siblings = {key: value for key, value in node.items() if key != "allOf"}
        return _merge(result, self.convert(siblings, refs)) if siblings else result

    def _any_of(self, node: Mapping[str, Any], refs: tuple[str, ...]) -> dict[str, Any]:
        keyword = "anyOf" if "anyOf" in node else "oneOf"
        branches = _schema_list(node, keyword)
        # Gemini reads oneOf as anyOf; the discriminator's tags survive as each branch's enum.
        siblings = {k: v for k, v in node.items() if k not in (keyword, "discriminator")}
        nullable = any(_is_null(branch) for branch in branches)
        converted: list[dict[str, Any]] = []
        for branch in branches:
            if _is_null(branch):
                continue
            result = self.convert(branch, refs)
            if set(result) == {"anyOf"}:
                converted.extend(result["anyOf"])
            else:
                converted.append(result)
        if not converted:
            merged = _null_only()
        elif any(_is_unconstrained(branch) for branch in converted):
            merged = {}  # one branch allows anything, so the union does too
        elif len(converted) == 1:
            merged = converted[0]
        else:
            merged = {"anyOf": converted}
        if nullable:
            merged = _merge(merged, {"nullable": True})
        return _merge(merged, self.convert(siblings, refs)) if siblings else merged

    def _type_list(self, node: Mapping[str, Any], refs: tuple[str, ...]) -> dict[str, Any]:
        types = node["type"]
        if not all(isinstance(type_, str) for type_ in types):
            msg = f"'type' must be a string or a list of strings, got {types!r}."
            raise ValueError(msg)
        others = list(dict.fromkeys(type_ for type_ in types if type_ != "null"))
        rest = {key: value for key, value in node.items() if key != "type"}
        if not others:
            result = _merge(_null_only(), self.convert(rest, refs))
        elif len(others) == 1:
            result = self.convert({**rest, "type": others[0]}, refs)
        else:
            annotations = {k: v for k, v in rest.items() if k in ("description", "default")}
            constraints = {k: v for k, v in rest.items() if k not in annotations}
            branches = [
                self.convert(_narrow_enum({**constraints, "type": type_}), refs) for type_ in others
            ]
            result = _merge({"anyOf": branches}, self.convert(annotations, refs))
        return _merge(result, {"nullable": True}) if "null" in types else result

    def _plain(self, node: Mapping[str, Any], refs: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        notes: list[str] = []
        enum: Any = [node["const"]] if "const" in node else node.get("enum")
        if enum is not None and not isinstance(enum, list):
            msg = f"'enum' must be a list, got {enum!r}."
            raise ValueError(msg)
        type_ = node.get("type")
        if type_ is None:
            type_ = _infer_type(node, enum)
            if isinstance(type_, list):
                return self._type_list({**node, "type": type_, "enum": enum}, refs)
        if type_ == "null":
            out = _null_only()
        elif type_ is not None:
            if not isinstance(type_, str):
                msg = f"'type' must be a string or a list of strings, got {type_!r}."
                raise ValueError(msg)
            out["type"] = type_
        if node.get("nullable") is True:
            out["nullable"] = True
        if isinstance(node.get("description"), str) and node["description"]:
            out["description"] = node["description"]
        if enum is not None:
            notes += _enum_into(out, enum)
        fmt = node.get("format")
        if isinstance(fmt, str):
            if fmt in _KNOWN_FORMATS.get(out.get("type", ""), ()):
                out["format"] = fmt
            else:
                notes.append(f"Format: {fmt}.")
        for keyword in _NUMERIC_KEYWORDS:
            value = node.get(keyword)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out[keyword] = value
        if isinstance(node.get("pattern"), str):
            out["pattern"] = node["pattern"]
        self._object_keywords(node, refs, out, notes)
        self._array_keywords(node, refs, out, notes)
        notes += _constraint_notes(node)
        if notes:
            out[_NOTES] = notes
        return out

    def _object_keywords(
        self, node: Mapping[str, Any], refs: tuple[str, ...], out: dict[str, Any], notes: list[str]
    ) -> None:
        properties = node.get("properties")
        declared: Mapping[str, Any] = properties if isinstance(properties, Mapping) else {}
        if declared:
            out["properties"] = {name: self.convert(sub, refs) for name, sub in declared.items()}
            required = _names_in(node.get("required"), declared)
            if required:
                out["required"] = required
            ordering = _names_in(node.get("propertyOrdering"), declared)
            if ordering:
                out["propertyOrdering"] = ordering
        extra = node.get("additionalProperties")
        if extra is True or extra == {}:
            notes.append("Other keys are allowed." if declared else "Any keys and values.")
        elif isinstance(extra, Mapping):
            # Gemini has no map type: `dict[str, int]` stays an object, and the value schema is
            # spelled out in the description so the model still knows what each value must be.
            value_schema = _json_text(finalize(self.convert(extra, refs)))
            if declared:
                notes.append(f"Other keys are allowed; each of their values: {value_schema}.")
            else:
                notes.append(f"Keys are free-form strings; each value: {value_schema}.")

    def _array_keywords(
        self, node: Mapping[str, Any], refs: tuple[str, ...], out: dict[str, Any], notes: list[str]
    ) -> None:
        items = node.get("items")
        positional = node.get("prefixItems", items if isinstance(items, list) else None)
        if isinstance(positional, list) and positional:
            # Gemini has no tuples: one item schema covering every position, plus the order.
            converted = [self.convert(entry, refs) for entry in positional]
            distinct = list({_json_text(entry): entry for entry in converted}.values())
            out["items"] = distinct[0] if len(distinct) == 1 else {"anyOf": distinct}
            kinds = ", ".join(
                f"item {index} is {entry.get('type', 'any value')}"
                for index, entry in enumerate(converted, start=1)
            )
            notes.append(f"By position: {kinds}.")
        elif items is not None:
            out["items"] = self.convert(items, refs)
        elif out.get("type") == "array":
            out["items"] = {}  # an array without items is rejected; {} becomes "any value"


def finalize(node: Mapping[str, Any]) -> dict[str, Any]:
    """Fold notes into descriptions, give untyped schemas a type, order keys for reading."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: finalize(sub) for name, sub in value.items()}
        elif key == "items":
            out[key] = finalize(value)
        elif key == "anyOf":
            out[key] = [finalize(branch) for branch in value]
        elif key != _NOTES:
            out[key] = copy.deepcopy(value)
    description = " ".join(part for part in (out.get("description"), *node.get(_NOTES, ())) if part)
    if description:
        out["description"] = description
    if "type" not in out and "anyOf" not in out:
        out["anyOf"] = [dict(branch) for branch in _ANY_VALUE]
    if "anyOf" in out and out.pop("nullable", False):
        # Put `nullable` on typed branches, where Gemini documents it, not beside `anyOf`.
        out["anyOf"] = [{**branch, "nullable": True} for branch in out["anyOf"]]
    return dict(sorted(out.items(), key=lambda item: _KEY_RANK.get(item[0], len(_KEY_RANK))))


def _merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Overlay `extra` on `base`: properties and required united, notes kept from both."""
    out = dict(base)
    for key, value in extra.items():
        if key == _NOTES:
            out[_NOTES] = [*base.get(_NOTES, ()), *value]
        elif key == "nullable":
            out["nullable"] = bool(value or base.get("nullable"))
        elif key == "properties" and "properties" in base:
            out["properties"] = {**base["properties"], **value}
        elif key == "required" and "required" in base:
            out["required"] = list(dict.fromkeys([*base["required"], *value]))
        else:
            out[key] = value
    return out


def _cut_off(ref: str, target: Any) -> dict[str, Any]:
    name = ref.rsplit("/", 1)[-1] if ref != "#" else "root object"
    type_ = target.get("type") if isinstance(target, Mapping) else None
    description = (
        f"Another {name}, nested further: same fields as the enclosing {name} (the schema is"
        f" not repeated beyond {RECURSION_DEPTH} levels)."
    )
    if type_ == "array":
        return {"type": "array", "items": {}, "description": description}
    kept_type = type_ if isinstance(type_, str) and type_ != "null" else "object"
    return {"type": kept_type, "description": description}


def _null_only() -> dict[str, Any]:
    # Gemini's `nullable` lives on a typed schema; a string that must be null says "only null"
    # with types it is documented to take.
    return {"type": "string", "nullable": True, _NOTES: ["Must be null."]}


def _enum_into(out: dict[str, Any], enum: list[Any]) -> list[str]:
    """Put enum values where Gemini takes them; return the notes for those it cannot."""
    values = [value for value in enum if value is not None]
    if len(values) < len(enum):
        out["nullable"] = True
    if not values:
        return []
    if out.get("type") == "string" and all(isinstance(value, str) for value in values):
        out["enum"] = list(values)
        return []
    # Gemini's enum is for strings only; turning 1 into "1" would change the value the tool gets.
    rendered = ", ".join(_json_text(value) for value in values)
    return [f"Must be {rendered}." if len(values) == 1 else f"Allowed values: {rendered}."]


def _constraint_notes(node: Mapping[str, Any]) -> list[str]:
    notes: list[str] = []
    for keyword, template in (
        ("exclusiveMinimum", "Must be greater than {}."),
        ("exclusiveMaximum", "Must be less than {}."),
        ("multipleOf", "Must be a multiple of {}."),
    ):
        value = node.get(keyword)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            notes.append(template.format(value))
    if node.get("uniqueItems") is True:
        notes.append("Items must be unique.")
    if node.get("deprecated") is True:
        notes.append("Deprecated.")
    if "default" in node:
        notes.append(f"Default: {_json_text(node['default'])}.")
    return notes


def _infer_type(node: Mapping[str, Any], enum: list[Any] | None) -> str | list[str] | None:
    if enum is not None:
        types = list(dict.fromkeys(_json_type(value) for value in enum))
        return types[0] if len(types) == 1 else types or None
    if "properties" in node or "additionalProperties" in node:
        return "object"
    if "items" in node or "prefixItems" in node:
        return "array"
    return None


def _narrow_enum(node: dict[str, Any]) -> dict[str, Any]:
    """Keep only the enum values that fit the node's single type (for split type lists)."""
    if "enum" not in node or not isinstance(node["enum"], list):
        return node
    type_ = node["type"]
    values = [
        value
        for value in node["enum"]
        if _json_type(value) == type_ or (type_ == "number" and _json_type(value) == "integer")
    ]
    return {**node, "enum": values} if values else {k: v for k, v in node.items() if k != "enum"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, Mapping) else "array"


def _is_null(branch: Any) -> bool:
    if not isinstance(branch, Mapping):
        return False
    return (
        branch.get("type") == "null"
        or ("const" in branch and branch["const"] is None)
        or branch.get("enum") == [None]
    )


def _is_unconstrained(schema: Mapping[str, Any]) -> bool:
    return not any(key in schema for key in ("type", "anyOf", "enum", "properties", "items"))


def _schema_list(node: Mapping[str, Any], keyword: str) -> Sequence[Any]:
    entries = node[keyword]
    if not isinstance(entries, list) or not entries:
        msg = f"'{keyword}' must be a non-empty list of schemas, got {entries!r}."
        raise ValueError(msg)
    return entries


def _names_in(names: Any, declared: Mapping[str, Any]) -> list[str]:
    if not isinstance(names, list):
        return []
    return list(dict.fromkeys(name for name in names if isinstance(name, str) and name in declared))


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
