"""Values built for tool and output schemas must validate against those schemas.

`jsonschema` is not installed in the venv, so `violations` below is a small,
hand-written validator for the subset of JSON Schema the emulator supports. Its
own tests at the bottom show it catches wrong instances.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from langchain_bedrock_enhanced.emulator._replies import instance_for_schema

_FORMATS = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"),
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    "uri": re.compile(r"^[a-z][a-z0-9+.-]*://\S+$"),
    "uuid": re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
}


def _is_type(instance: Any, kind: str) -> bool:
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    return checks[kind](instance)


def _json_equal(left: Any, right: Any) -> bool:
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


def _lookup(reference: str, root: Mapping[str, Any]) -> Any:
    target: Any = root
    for part in reference.removeprefix("#").strip("/").split("/"):
        if part:
            target = target[part]
    return target


def violations(instance: Any, schema: Any, root: Any = None) -> list[str]:
    """Every way `instance` breaks `schema` (empty when it validates)."""
    root = schema if root is None else root
    if schema is True or not isinstance(schema, Mapping):
        return []
    found = _value_violations(instance, schema, root)
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(instance, kind) for kind in kinds):
            return [*found, f"{instance!r} is not of type {kinds}"]
    found += _combinator_violations(instance, schema, root)
    if isinstance(instance, str):
        found += _string_violations(instance, schema)
    if _is_type(instance, "number"):
        found += _number_violations(instance, schema)
    if isinstance(instance, dict):
        found += _object_violations(instance, schema, root)
    if isinstance(instance, list):
        found += _array_violations(instance, schema, root)
    return found


def _value_violations(instance: Any, schema: Mapping[str, Any], root: Any) -> list[str]:
    found = []
    if "$ref" in schema:
        found += violations(instance, _lookup(schema["$ref"], root), root)
    if "const" in schema and not _json_equal(instance, schema["const"]):
        found.append(f"{instance!r} is not const {schema['const']!r}")
    if "enum" in schema and not any(_json_equal(instance, v) for v in schema["enum"]):
        found.append(f"{instance!r} not in enum")
    return found


def _combinator_violations(instance: Any, schema: Mapping[str, Any], root: Any) -> list[str]:
    found = []
    for branch in schema.get("allOf", []):
        found += violations(instance, branch, root)
    if "anyOf" in schema and all(violations(instance, b, root) for b in schema["anyOf"]):
        found.append(f"{instance!r} matches no anyOf branch")
    if "oneOf" in schema:
        matches = sum(not violations(instance, b, root) for b in schema["oneOf"])
        if matches != 1:
            found.append(f"{instance!r} matches {matches} oneOf branches")
    return found


def _string_violations(instance: str, schema: Mapping[str, Any]) -> list[str]:
    found = []
    if len(instance) < schema.get("minLength", 0):
        found.append(f"{instance!r} shorter than minLength")
    if len(instance) > schema.get("maxLength", math.inf):
        found.append(f"{instance!r} longer than maxLength")
    pattern = _FORMATS.get(schema.get("format", ""))
    if pattern is not None and not pattern.match(instance):
        found.append(f"{instance!r} is not a {schema['format']}")
    return found


def _number_violations(instance: float, schema: Mapping[str, Any]) -> list[str]:
    found = []
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    exclusive_min, exclusive_max = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if minimum is not None and (
        instance < minimum or (exclusive_min is True and instance == minimum)
    ):
        found.append(f"{instance} below minimum")
    if maximum is not None and (
        instance > maximum or (exclusive_max is True and instance == maximum)
    ):
        found.append(f"{instance} above maximum")
    if (
        not isinstance(exclusive_min, bool)
        and exclusive_min is not None
        and instance <= exclusive_min
    ):
        found.append(f"{instance} not above exclusiveMinimum")
    if (
        not isinstance(exclusive_max, bool)
        and exclusive_max is not None
        and instance >= exclusive_max
    ):
        found.append(f"{instance} not below exclusiveMaximum")
    if "multipleOf" in schema and instance % schema["multipleOf"] != 0:
        found.append(f"{instance} not a multiple of {schema['multipleOf']}")
    return found


def _object_violations(instance: dict[str, Any], schema: Mapping[str, Any], root: Any) -> list[str]:
    found = [
        f"missing required {name!r}" for name in schema.get("required", []) if name not in instance
    ]
    properties = schema.get("properties", {})
    for name, value in instance.items():
        if name in properties:
            found += violations(value, properties[name], root)
        elif schema.get("additionalProperties") is False:
            found.append(f"unexpected property {name!r}")
    return found


def _array_violations(instance: list[Any], schema: Mapping[str, Any], root: Any) -> list[str]:
    found = []
    if len(instance) < schema.get("minItems", 0):
        found.append("fewer items than minItems")
    if len(instance) > schema.get("maxItems", math.inf):
        found.append("more items than maxItems")
    prefix = schema.get("prefixItems", [])
    for index, item in enumerate(instance):
        item_schema = prefix[index] if index < len(prefix) else schema.get("items", True)
        found += violations(item, item_schema, root)
    if schema.get("uniqueItems") and len({json.dumps(i, sort_keys=True) for i in instance}) < len(
        instance
    ):
        found.append("items are not unique")
    return found


def _valid(schema: Mapping[str, Any], *, hint: str = "") -> Any:
    instance = instance_for_schema(schema, hint=hint)
    assert violations(instance, schema) == [], instance
    return instance


# --- Behaviour per keyword ---------------------------------------------------------------------


def test_object_includes_every_property_required_or_not():
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            "days": {"type": "integer"},
        },
        "required": ["city"],
    }

    assert _valid(schema) == {"city": "city", "unit": "celsius", "days": 1}


def test_string_takes_the_hint_and_honours_length_limits():
    assert _valid({"type": "string"}, hint="Paris") == "Paris"
    assert len(_valid({"type": "string", "minLength": 12}, hint="abc")) == 12
    assert _valid({"type": "string", "maxLength": 2}, hint="Paris") == "Pa"


@pytest.mark.parametrize("string_format", ["date", "date-time", "email", "uri", "uuid"])
def test_string_formats_produce_well_formed_values(string_format: str):
    _valid({"type": "string", "format": string_format})


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer", "minimum": 5}, 5),
        ({"type": "integer", "exclusiveMinimum": 5}, 6),
        ({"type": "integer", "minimum": 5, "exclusiveMinimum": True}, 6),
        ({"type": "integer", "maximum": -3}, -3),
        ({"type": "integer", "exclusiveMaximum": 0}, -1),
        ({"type": "integer", "minimum": 7, "multipleOf": 5}, 10),
        ({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}, 0.5),
        ({"type": "number", "minimum": 2.5}, 2.5),
    ],
)
def test_numbers_stay_inside_their_bounds(schema: dict[str, Any], expected: float):
    assert _valid(schema) == expected


def test_array_has_at_least_one_item_and_respects_min_and_max_items():
    assert _valid({"type": "array", "items": {"type": "integer"}}) == [1]
    assert len(_valid({"type": "array", "items": {"type": "string"}, "minItems": 3})) == 3
    assert _valid({"type": "array", "items": {"type": "string"}, "maxItems": 0}) == []


def test_unique_string_items_are_distinct():
    schema = {"type": "array", "items": {"type": "string"}, "minItems": 3, "uniqueItems": True}

    assert _valid(schema, hint="tag") == ["tag", "tag_2", "tag_3"]


def test_prefix_items_are_built_position_by_position():
    schema = {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "boolean"}]}

    assert _valid(schema) == [1, True]


def test_boolean_null_const_and_enum():
    assert _valid({"type": "boolean"}) is True
    assert _valid({"type": "null"}) is None
    assert _valid({"const": "fixed"}) == "fixed"
    assert _valid({"enum": [3, 4]}) == 3


def test_nullable_type_list_produces_the_real_type():
    assert _valid({"type": ["string", "null"]}, hint="x") == "x"
    assert _valid({"type": ["null", "integer"], "minimum": 4}) == 4


def test_missing_type_is_guessed_from_keywords_or_taken_as_string():
    assert _valid({}, hint="free") == "free"
    assert _valid({"properties": {"a": {"type": "integer"}}}) == {"a": 1}
    assert _valid({"items": {"type": "boolean"}}) == [True]
    assert _valid({"minimum": 3}) == 3


def test_any_of_and_one_of_take_the_first_branch():
    assert _valid({"anyOf": [{"type": "integer"}, {"type": "string"}]}) == 1
    assert _valid({"oneOf": [{"type": "boolean"}, {"type": "string"}]}) is True


def test_all_of_merges_the_branches():
    schema = {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
            {"properties": {"b": {"type": "string"}}, "required": ["b"]},
        ]
    }

    assert _valid(schema) == {"a": 1, "b": "b"}


@pytest.mark.parametrize("defs_key", ["$defs", "definitions"])
def test_refs_resolve_into_defs_and_definitions(defs_key: str):
    schema = {
        defs_key: {"Point": {"type": "object", "properties": {"x": {"type": "number"}}}},
        "type": "object",
        "properties": {"origin": {"$ref": f"#/{defs_key}/Point"}},
        "required": ["origin"],
    }

    assert _valid(schema) == {"origin": {"x": 1}}


def test_recursive_schema_terminates_and_validates():
    schema = {
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                },
                "required": ["name"],
            }
        },
        "$ref": "#/$defs/Node",
    }

    _valid(schema)


def test_pydantic_style_tool_schema_validates():
    # What langchain's `convert_to_openai_tool` produces for a pydantic model with an enum.
    schema = {
        "$defs": {"Unit": {"enum": ["c", "f"], "title": "Unit", "type": "string"}},
        "properties": {
            "location": {"description": "City", "type": "string"},
            "unit": {"anyOf": [{"$ref": "#/$defs/Unit"}, {"type": "null"}], "default": None},
            "when": {"format": "date-time", "type": "string"},
        },
        "required": ["location", "when"],
        "type": "object",
    }

    assert _valid(schema)["unit"] == "c"


def test_the_same_schema_always_gets_the_same_instance():
    schema = {"type": "object", "properties": {"q": {"type": "string"}, "n": {"type": "number"}}}

    assert instance_for_schema(schema) == instance_for_schema(dict(schema))


# --- Schemas asking for more than any model writes ---------------------------------------------


@pytest.mark.parametrize(
    "schema",
    [
        {"allOf": [{"$ref": "#"}]},
        {"anyOf": [{"$ref": "#"}]},
        {"allOf": [{"$ref": "#"}, {"$ref": "#"}, {"$ref": "#"}]},
        {"$defs": {"A": {"allOf": [{"$ref": "#/$defs/A"}]}}, "$ref": "#/$defs/A"},
    ],
)
def test_schemas_that_fold_into_themselves_end(schema: dict[str, Any]):
    assert instance_for_schema(schema) == "example"


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "array", "minItems": 10**12},
        {"type": "string", "minLength": 2**64},
        {"type": "array", "minItems": 10**9, "items": {"type": "string", "minLength": 10**9}},
        {  # a dozen members that each repeat the whole schema: 12**8 values if unbounded
            "type": "object",
            "properties": {name: {"$ref": "#"} for name in "abcdefghijkl"},
            "required": list("abcdefghijkl"),
        },
    ],
    ids=["min-items", "min-length", "both", "self-referring-members"],
)
def test_an_instance_stops_growing_at_its_size_limit(schema: dict[str, Any]):
    assert len(json.dumps(instance_for_schema(schema))) < 2_000_000


def test_integer_bounds_past_the_float_range_are_exact():
    value = _valid({"type": "integer", "minimum": 10**300 + 1, "multipleOf": 7})

    assert value == -(-(10**300 + 1) // 7) * 7


def test_bounds_past_the_float_range_are_no_bounds():
    # No float lies above 10**400, and a float midpoint of such a range overflows.
    assert instance_for_schema({"type": "number", "exclusiveMinimum": 10**400}) == 1
    assert math.isfinite(instance_for_schema({"type": "number", "minimum": math.inf}))
    assert _valid({"type": "number", "minimum": -1.5e308, "exclusiveMaximum": 1.5e308}) == -1.5e308
    assert math.isfinite(
        instance_for_schema(
            {"type": "number", "exclusiveMinimum": -1.7e308, "exclusiveMaximum": 1.7e308}
        )
    )


# --- Property: any schema of the supported subset ----------------------------------------------

_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)


@st.composite
def _integer_schemas(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    low = draw(st.none() | st.integers(-1000, 1000))
    step = draw(st.none() | st.integers(1, 10))
    if low is not None:
        schema[draw(st.sampled_from(["minimum", "exclusiveMinimum"]))] = low
    if draw(st.booleans()):
        # Leave room for a multiple of `step` strictly inside the range.
        base = low if low is not None else draw(st.integers(-1000, 1000))
        schema[draw(st.sampled_from(["maximum", "exclusiveMaximum"]))] = base + 2 * (step or 1) + 1
    if step is not None:
        schema["multipleOf"] = step
    return schema


@st.composite
def _number_schemas(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "number"}
    low = draw(st.none() | st.integers(-100, 100).map(lambda n: n / 2))
    if low is not None:
        schema[draw(st.sampled_from(["minimum", "exclusiveMinimum"]))] = low
    if draw(st.booleans()):
        width = draw(st.integers(1, 20)) / 2
        high = (low if low is not None else draw(st.integers(-100, 100)) / 2) + width
        schema[draw(st.sampled_from(["maximum", "exclusiveMaximum"]))] = high
    return schema


@st.composite
def _string_schemas(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        return {"type": "string", "format": draw(st.sampled_from(sorted(_FORMATS)))}
    low = draw(st.integers(0, 30))
    schema: dict[str, Any] = {"type": "string", "minLength": low}
    if draw(st.booleans()):
        schema["maxLength"] = low + draw(st.integers(0, 5))
    return schema


_leaves = st.one_of(
    _string_schemas(),
    _integer_schemas(),
    _number_schemas(),
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.just({}),
    st.lists(st.text(max_size=5) | st.integers(), min_size=1, max_size=4, unique=True).map(
        lambda values: {"enum": values}
    ),
    st.from_type(int).map(lambda value: {"const": value}),
)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    return schema


@st.composite
def _objects(draw: st.DrawFn, children: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    properties = draw(st.dictionaries(_names, children, max_size=4))
    required = (
        draw(st.lists(st.sampled_from(sorted(properties)), unique=True)) if properties else []
    )
    closed = draw(st.booleans())
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": not closed,
    }


@st.composite
def _arrays(draw: st.DrawFn, children: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    low = draw(st.integers(0, 3))
    schema: dict[str, Any] = {"type": "array", "items": draw(children), "minItems": low}
    if draw(st.booleans()):
        schema["maxItems"] = low + draw(st.integers(0, 2))
    return schema


def _extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        _objects(children),
        _arrays(children),
        children.map(_nullable),
        st.lists(children, min_size=1, max_size=3).map(lambda branches: {"anyOf": branches}),
    )


_schemas = st.recursive(_leaves, _extend, max_leaves=12)


@given(schema=_schemas, hint=_names)
def test_any_supported_schema_gets_a_valid_instance(schema: dict[str, Any], hint: str):
    _valid(schema, hint=hint)


@given(item=_schemas)
def test_any_schema_reached_through_defs_gets_a_valid_instance(item: dict[str, Any]):
    schema = {
        "$defs": {"Item": item},
        "type": "object",
        "properties": {
            "one": {"$ref": "#/$defs/Item"},
            "many": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
        },
    }

    _valid(schema)


@given(schema=_schemas)
def test_instances_are_deterministic(schema: dict[str, Any]):
    assert _json_equal(instance_for_schema(schema), instance_for_schema(schema))


# --- The oracle itself must be able to say no --------------------------------------------------


@pytest.mark.parametrize(
    ("instance", "schema"),
    [
        ({"a": "x"}, {"type": "object", "properties": {"a": {"type": "integer"}}}),
        ({}, {"type": "object", "required": ["a"]}),
        (3, {"type": "integer", "exclusiveMaximum": 3}),
        (True, {"type": "integer"}),
        ("ab", {"type": "string", "minLength": 3}),
        ("2024-01-01", {"type": "string", "format": "date-time"}),
        ([], {"type": "array", "minItems": 1}),
        (["a", "a"], {"type": "array", "uniqueItems": True}),
        (None, {"anyOf": [{"type": "string"}, {"type": "integer"}]}),
        ("c", {"$defs": {"U": {"enum": ["f"]}}, "$ref": "#/$defs/U"}),
    ],
)
def test_the_validator_rejects_wrong_instances(instance: Any, schema: dict[str, Any]):
    assert violations(instance, schema) != []
