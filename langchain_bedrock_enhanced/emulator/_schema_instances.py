"""Deterministic values that satisfy a JSON schema.

The emulator answers tool calls and structured-output requests with a value
built from the caller's schema, so the client's own validation succeeds. Only
the subset of JSON Schema that tool definitions use is covered; see
`instance_for_schema`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeGuard

__all__ = ["instance_for_schema", "resolved_schema"]


_MAX_DEPTH: Final = 8
_GIVE_UP_DEPTH: Final = 2 * _MAX_DEPTH
# A schema can ask for far more than any model writes: `minItems` of a billion, a
# dozen properties that each refer back to the root (a dozen to the eighth power of
# values), or `allOf` branches that do. Past these sizes (values built plus `$ref`s and
# branches followed, and characters of `minLength` padding) an instance stops growing,
# as a model's output would stop, and may then fall short of such a schema.
_MAX_STEPS: Final = 10_000
_MAX_PADDING: Final = 100_000
_FORMAT_EXAMPLES: Final[dict[str, str]] = {
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "time": "00:00:00Z",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
_OBJECT_KEYWORDS: Final = ("properties", "required", "additionalProperties")
_ARRAY_KEYWORDS: Final = ("items", "prefixItems", "minItems", "maxItems")
_NUMBER_KEYWORDS: Final = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


@dataclass
class _Budget:
    """What one instance may still spend: steps (values, `$ref`s, branches) and padding."""

    left: int = _MAX_STEPS
    padding: int = _MAX_PADDING


@dataclass(frozen=True)
class _Context:
    """Where a sub-schema sits: the root (for `$ref`), its hint, its depth and the budget."""

    root: Mapping[str, Any]
    hint: str
    depth: int
    budget: _Budget

    def child(self, schema: Any, hint: str) -> Any:  # noqa: ANN401 - any JSON value
        """Build the instance of a nested schema one level down."""
        return _instance(schema, self.root, hint, self.depth + 1, self.budget)

    @property
    def exhausted(self) -> bool:
        """Whether the instance has reached its size limit."""
        return self.budget.left <= 0


_Builder = Callable[[Mapping[str, Any], _Context], Any]


def instance_for_schema(schema: Mapping[str, Any], *, hint: str = "") -> Any:  # noqa: ANN401
    """Build a deterministic value that satisfies a JSON schema.

    Handles `type` (also nullable lists such as `["string", "null"]`, and a
    missing type, which is guessed from the keywords or taken as string),
    objects (every property), strings (`enum`, `minLength`/`maxLength`, common
    `format`s), numbers and integers (inclusive and exclusive bounds, integer
    `multipleOf`), booleans, arrays (`items`, `prefixItems`, `minItems`/
    `maxItems`), `null`, `enum`, `const`, `anyOf`/`oneOf` (the first branch),
    `allOf` (merged) and `$ref` into `$defs`/`definitions`. `pattern` is not
    honoured. Recursive schemas stop growing after a few levels, and every instance
    after ten thousand values and `$ref`s (and a hundred thousand characters of
    `minLength` padding), so a schema asking for more than any model would write is
    answered quickly.

    Args:
        schema: The JSON schema.
        hint: Used as the value of plain strings; nested properties use their name.

    Returns:
        A JSON value.

    Example:
        >>> instance_for_schema({"type": "object", "properties": {
        ...     "city": {"type": "string"}, "days": {"type": "integer", "minimum": 3}}})
        {'city': 'city', 'days': 3}
    """
    return _instance(schema, schema, hint, 0, _Budget())


def resolved_schema(
    schema: Any,  # noqa: ANN401 - untrusted JSON
    root: Mapping[str, Any] | None = None,
) -> Mapping[str, Any]:
    """Flatten a (sub-)schema: follow its `$ref`s and merge `allOf`, `anyOf`/`oneOf` (first branch).

    This is the view `instance_for_schema` builds from, so a value checked against
    it is one the instance builder would accept in the same place.

    Args:
        schema: The schema, or a sub-schema of `root`.
        root: The document `$ref`s point into; `schema` itself when omitted.

    Returns:
        The flat schema (an empty mapping for anything that is not a schema).

    Example:
        >>> root = {"$defs": {"Unit": {"enum": ["c", "f"]}},
        ...         "properties": {"unit": {"$ref": "#/$defs/Unit"}}}
        >>> resolved_schema(root["properties"]["unit"], root)
        {'enum': ['c', 'f']}
    """
    document = _mapping(schema) if root is None else root
    return _resolved(schema, document, _Budget())


def _instance(
    schema: Any,  # noqa: ANN401 - untrusted JSON
    root: Mapping[str, Any],
    hint: str,
    depth: int,
    budget: _Budget,
) -> Any:  # noqa: ANN401 - any JSON value
    schema = _resolved(schema, root, budget)
    budget.left -= 1
    if depth > _GIVE_UP_DEPTH:
        return None
    if "const" in schema:
        return schema["const"]
    if _list(schema.get("enum")):
        return schema["enum"][0]
    build: _Builder = _BUILDERS.get(_schema_type(schema), _string_instance)
    return build(schema, _Context(root, hint, depth, budget))


def _resolved(
    schema: Any,  # noqa: ANN401 - untrusted JSON
    root: Mapping[str, Any],
    budget: _Budget,
    nesting: int = 0,
) -> Mapping[str, Any]:
    """Follow `$ref`s and fold `allOf`/`anyOf`/`oneOf` into one flat schema."""
    current = _mapping(schema)
    if nesting > _GIVE_UP_DEPTH:
        return current
    # Bounded, because `{"$ref": "#"}` and friends would otherwise never end, and
    # `{"allOf": [{"$ref": "#"}, {"$ref": "#"}]}` would branch without end.
    for _ in range(_GIVE_UP_DEPTH):
        if budget.left <= 0:
            break
        budget.left -= 1
        if "$ref" in current:
            siblings = {k: v for k, v in current.items() if k != "$ref"}
            current = _merged(_lookup(str(current["$ref"]), root), siblings)
        elif _list(current.get("allOf")):
            rest = {k: v for k, v in current.items() if k != "allOf"}
            for branch in current["allOf"]:
                rest = _merged(rest, _resolved(branch, root, budget, nesting + 1))
            current = rest
        elif key := next((k for k in ("anyOf", "oneOf") if _list(current.get(k))), None):
            rest = {k: v for k, v in current.items() if k != key}
            current = _merged(rest, _resolved(current[key][0], root, budget, nesting + 1))
        else:
            break
    return current


def _lookup(reference: str, root: Mapping[str, Any]) -> Mapping[str, Any]:
    # Only local references (`#/$defs/Name`, `#/definitions/Name`, `#`) exist in tool schemas.
    target: Any = root
    for part in reference.removeprefix("#").strip("/").split("/"):
        if part:
            target = _mapping(target).get(part.replace("~1", "/").replace("~0", "~"))
    return _mapping(target)


def _merged(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in extra.items():
        if key == "properties":
            result[key] = {**_mapping(base.get(key)), **_mapping(value)}
        elif key == "required":
            result[key] = list(dict.fromkeys([*_list(base.get(key)), *_list(value)]))
        else:
            result[key] = value
    return result


def _schema_type(schema: Mapping[str, Any]) -> str:
    declared = schema.get("type")
    if isinstance(declared, list):
        # A nullable type list: answer with the real type, which is more useful than null.
        concrete = [str(t) for t in declared if t != "null"]
        return concrete[0] if concrete else "null"
    if isinstance(declared, str):
        return declared
    for kind, keywords in (
        ("object", _OBJECT_KEYWORDS),
        ("array", _ARRAY_KEYWORDS),
        ("number", _NUMBER_KEYWORDS),
    ):
        if any(keyword in schema for keyword in keywords):
            return kind
    return "string"


def _object_instance(schema: Mapping[str, Any], context: _Context) -> dict[str, Any]:
    required = [str(name) for name in _list(schema.get("required"))]
    properties = _mapping(schema.get("properties"))
    # Past the depth limit only required members are built, so recursive schemas end.
    if context.depth < _MAX_DEPTH:
        names = list(properties)
    else:
        names = [name for name in properties if name in required]
    result: dict[str, Any] = {}
    for name in names:
        if context.exhausted:
            break
        result[name] = context.child(properties[name], name)
    for name in required:
        result.setdefault(name, name)
    return result


def _array_instance(schema: Mapping[str, Any], context: _Context) -> list[Any]:
    raw_items = schema.get("items")
    prefix = _list(schema.get("prefixItems")) or _list(raw_items)
    items = raw_items if isinstance(raw_items, Mapping) else {}
    # One item (or one per tuple position) shows the item shape; recursion stops at depth.
    wanted = max(len(prefix), 1) if context.depth < _MAX_DEPTH else 0
    count = max(_int_keyword(schema, "minItems", 0), wanted)
    maximum = schema.get("maxItems")
    if isinstance(maximum, int):
        count = min(count, maximum)
    # Numbered hints keep string items distinct, which `uniqueItems` asks for.
    result: list[Any] = []
    for i in range(count):
        if context.exhausted:
            break
        result.append(context.child(prefix[i] if i < len(prefix) else items, _nth(context.hint, i)))
    return result


def _nth(hint: str, index: int) -> str:
    return hint if index == 0 else f"{hint or 'example'}_{index + 1}"


def _string_instance(schema: Mapping[str, Any], context: _Context) -> str:
    example = _FORMAT_EXAMPLES.get(str(schema.get("format", "")))
    if example is not None:
        return example
    value = context.hint or "example"
    padding = min(max(0, _int_keyword(schema, "minLength", 0) - len(value)), context.budget.padding)
    context.budget.padding -= padding
    value += "x" * padding
    maximum = schema.get("maxLength")
    return value[:maximum] if isinstance(maximum, int) else value


def _integer_instance(schema: Mapping[str, Any], _context: _Context) -> int:
    low, low_exclusive = _bound(schema, "minimum", "exclusiveMinimum", lower=True)
    high, high_exclusive = _bound(schema, "maximum", "exclusiveMaximum", lower=False)
    low_int = None if low is None else math.floor(low) + 1 if low_exclusive else math.ceil(low)
    high_int = None if high is None else math.ceil(high) - 1 if high_exclusive else math.floor(high)
    value = low_int if low_int is not None else 1 if high_int is None else min(1, high_int)
    step = schema.get("multipleOf")
    if isinstance(step, int) and not isinstance(step, bool) and step > 0:
        # Integer division: exact, where `value / step` overflows a float past 1e308.
        value = -(-value // step) * step
        if high_int is not None and value > high_int:
            value = high_int // step * step
    return value


def _number_instance(schema: Mapping[str, Any], _context: _Context) -> float:
    low, low_exclusive = _bound(schema, "minimum", "exclusiveMinimum", lower=True)
    high, high_exclusive = _bound(schema, "maximum", "exclusiveMaximum", lower=False)
    if low is not None and not low_exclusive:
        return low
    if low is not None:
        # Halves first: `low + high` overflows to infinity near the float limits.
        return low + 1 if high is None else low / 2 + high / 2
    if high is None:
        return 1
    if high_exclusive:
        return 1 if high > 1 else high - 1
    return min(1, high)


def _bound(
    schema: Mapping[str, Any], inclusive_key: str, exclusive_key: str, *, lower: bool
) -> tuple[float | None, bool]:
    """The tighter of a bound's inclusive and exclusive forms, and whether it is exclusive."""
    candidates: list[tuple[float, bool]] = []
    inclusive, exclusive = schema.get(inclusive_key), schema.get(exclusive_key)
    if _is_number(inclusive):
        # Draft 4 spells an exclusive bound as `exclusiveMinimum: true` next to `minimum`.
        candidates.append((inclusive, exclusive is True))
    if _is_number(exclusive):
        candidates.append((exclusive, True))
    if not candidates:
        return None, False
    values = [value for value, _ in candidates]
    tightest = max(values) if lower else min(values)
    return tightest, (tightest, True) in candidates


def _boolean_instance(_schema: Mapping[str, Any], _context: _Context) -> bool:
    return True


def _null_instance(_schema: Mapping[str, Any], _context: _Context) -> None:
    return None


_BUILDERS: Final[dict[str, _Builder]] = {
    "object": _object_instance,
    "array": _array_instance,
    "string": _string_instance,
    "integer": _integer_instance,
    "number": _number_instance,
    "boolean": _boolean_instance,
    "null": _null_instance,
}


def _is_number(value: object) -> TypeGuard[float]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    # A bound past the float range (infinite, or an integer of 309 digits) is no bound:
    # neither `math.ceil` nor the midpoint of a range can take it.
    return abs(value) <= sys.float_info.max


def _int_keyword(schema: Mapping[str, Any], key: str, default: int) -> int:
    value = schema.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _mapping(value: Any) -> Mapping[str, Any]:  # noqa: ANN401 - untrusted JSON
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:  # noqa: ANN401 - untrusted JSON
    return value if isinstance(value, list) else []
