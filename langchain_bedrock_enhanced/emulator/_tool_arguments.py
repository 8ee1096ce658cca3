"""Tool-call arguments taken from the values the prompt states.

A model fills a tool's arguments from the conversation. The emulator reads the
literal values stated in the last user turn, in this order, and keeps each one that
validates against the tool's schema (`tool_input`):

1. A call-like form with the tool's name: `magic_function(3)`, `f(a=3, b="x")`,
   `f(a: 3)`. Positional values go to the schema's properties in order, keyword
   values to the property they name.
2. A value right after a property's name, or its words (`customer name` for
   `customer_name`), case-insensitively: `a 3`, `a=3`, `a: 3`, `city Paris`,
   `location is "San Francisco"` (also `equals`). A bare word is taken only after
   `=`, `:`, `is` or `equals`, or when it is capitalised (then with the capitalised
   words that follow it, `San Francisco`), or for an enum or boolean property;
   so "the setup to a joke" does not make `setup` the word "to".
3. Quoted strings not used above, in order, for the string properties still unset.

A literal is a quoted string (straight or typographic quotes), a number, a `[…]`
list, a `{…}` JSON object or a bare word. It is coerced to the property's type: an integer
(a whole number only), a number, a boolean (`true`/`yes`/`false`/`no`), a string,
`null`, an array (a list whose every item coerces to `items`) or an object (a JSON
object); an `enum` or `const` accepts only its allowed values (strings compared
case-insensitively). The whole input is then checked with `jsonschema`; a stated
value that breaks the schema (a bound, a length, a pattern) is dropped. Every
property without an accepted value keeps the deterministic default of
`instance_for_schema`, so `required` properties are always present.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import jsonschema
from jsonschema.exceptions import SchemaError
from referencing.exceptions import Unresolvable

from langchain_bedrock_enhanced.emulator._agent import identifier_words
from langchain_bedrock_enhanced.emulator._schema_instances import (
    instance_for_schema,
    resolved_schema,
)
from langchain_bedrock_enhanced.emulator._types import ToolSpec

__all__ = ["stated_values", "tool_input"]

LiteralKind = Literal["quoted", "number", "word", "list", "object"]

_QUOTES: Final = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019"}
_CLOSERS: Final = {"(": ")", "[": "]", "{": "}"}
_NUMBER: Final = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?!\w)")
_WORD: Final = re.compile(r"[^\s,;:()\[\]{}\"'\u201c\u201d\u2018\u2019]+")
_CAPITALISED_RUN: Final = re.compile(r"[A-Z0-9][\w.'-]*(?:[ ][A-Z][\w.'-]*)*")
_TRAILING: Final = ".?!"
_EXPLICIT_SEPARATOR: Final = re.compile(r"\s*[=:]\s*|\s+(?:is|equals)\s+", re.IGNORECASE)
_SPACE: Final = re.compile(r"\s+")
_LINKS: Final = r"(?:with|for|on|of|using|to)"
_LIST_SEPARATOR: Final = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", re.IGNORECASE)
_KEYWORD_ARGUMENT: Final = re.compile(r"([A-Za-z_][\w-]*)\s*[=:]\s*(.+)", re.DOTALL)
# A single quote opens a string only where an apostrophe cannot stand: not inside a word.
_QUOTED: Final = re.compile(
    r"\"([^\"]*)\"|\u201c([^\u201d]*)\u201d|\u2018([^\u2019]*)\u2019|(?<!\w)'([^']+)'(?!\w)"
)
_TRUE: Final = frozenset({"true", "yes"})
_FALSE: Final = frozenset({"false", "no"})
_NULL: Final = frozenset({"null", "none"})


@dataclass(frozen=True)
class _Literal:
    """A value as written in the prompt, and where."""

    kind: LiteralKind
    text: str
    """The value's text: a quoted string's content, or the characters as written."""
    start: int
    end: int
    explicit: bool = True
    """Whether `=`, `:`, `is` or `equals` (or a call's parentheses) introduced it."""


def tool_input(tool: ToolSpec, prompt: str) -> dict[str, Any]:
    """The input of a call to `tool`: values `prompt` states, schema defaults for the rest.

    Args:
        tool: The tool called.
        prompt: The text of the last user turn.

    Returns:
        An object valid for the tool's input schema (as far as `instance_for_schema`
        can make one).

    Example:
        >>> schema = {"type": "object", "required": ["input"],
        ...           "properties": {"input": {"type": "integer", "exclusiveMaximum": 1000}}}
        >>> tool = ToolSpec("magic_function", "Apply a magic function", schema)
        >>> tool_input(tool, "What is the value of magic_function(3)? Use the tool.")
        {'input': 3}
        >>> tool_input(tool, "What is magic_function(5000)?")
        {'input': 1}
    """
    defaults = instance_for_schema(tool.input_schema, hint=tool.name)
    result = dict(defaults) if isinstance(defaults, dict) else {}
    for name, value in stated_values(tool, prompt).items():
        if _fits(tool.input_schema, {**result, name: value}, name):
            result[name] = value
    return result


def stated_values(tool: ToolSpec, prompt: str) -> dict[str, Any]:
    """The values `prompt` states for the tool's properties, coerced to their types.

    Values are not yet checked against bounds, lengths or patterns: `tool_input`
    does that against the whole schema.

    Example:
        >>> schema = {"type": "object", "properties": {
        ...     "city": {"type": "string"}, "days": {"type": "integer"},
        ...     "unit": {"enum": ["celsius", "fahrenheit"]}}}
        >>> stated_values(ToolSpec("forecast", "", schema), "forecast for city Paris, days: 3")
        {'city': 'Paris', 'days': 3}
        >>> stated_values(ToolSpec("forecast", "", schema), 'forecast("Oslo", 2, "Celsius")')
        {'city': 'Oslo', 'days': 2, 'unit': 'celsius'}
    """
    root = tool.input_schema
    schemas = {
        name: resolved_schema(schema, root)
        for name, schema in _mapping(resolved_schema(root).get("properties")).items()
    }
    reading = _Reading(root, schemas)
    for name, literal in _call_arguments(tool.name, list(schemas), prompt):
        reading.take(name, literal)
    for name in schemas:
        # The first literal after the name that reads as the property's type.
        for literal in _values_after_name(name, prompt):
            if reading.take(name, literal):
                break
    for literal in _quoted_strings(prompt):
        reading.place(literal)
    return {name: reading.found[name] for name in schemas if name in reading.found}


@dataclass
class _Reading:
    """The values read from a prompt so far, and the literals they came from."""

    root: Mapping[str, Any]
    schemas: Mapping[str, Mapping[str, Any]]
    found: dict[str, Any] = field(default_factory=dict)
    used: list[_Literal] = field(default_factory=list)

    def take(self, name: str, literal: _Literal) -> bool:
        """Give `name` the literal's value, if it has none yet and the value's type fits."""
        value = None if name in self.found else _coerce(literal, self.schemas[name], self.root)
        if value is None:
            return False
        self.found[name] = value[0]
        self.used.append(literal)
        return True

    def place(self, literal: _Literal) -> None:
        """Give a literal not used yet to the first unset property it fits."""
        if any(_overlaps(literal, other) for other in self.used):
            return
        for name in self.schemas:
            if self.take(name, literal):
                return


# --- Where values are stated ------------------------------------------------------------------


def _call_arguments(
    tool_name: str, names: list[str], prompt: str
) -> Iterator[tuple[str, _Literal]]:
    """`(property, literal)` for each argument of `tool_name(...)` in the prompt.

    Without parentheses, the values written right after the name count as
    positional arguments: `magic_function with 3`, `get_weather tool for Paris`.
    """
    if not names:
        return
    call = re.search(rf"(?<![\w-]){re.escape(tool_name)}\s*\(", prompt, re.IGNORECASE)
    end = None if call is None else _closing(prompt, call.end() - 1)
    if call is None or end is None:
        yield from zip(names, _values_after_tool_name(tool_name, prompt), strict=False)
        return
    lower = {name.lower(): name for name in names}
    position = 0
    for start, stop in _top_level_parts(prompt, call.end(), end):
        part = prompt[start:stop]
        keyword = _KEYWORD_ARGUMENT.fullmatch(part.strip())
        if keyword is not None:
            if keyword.group(1).lower() not in lower:
                continue
            offset = start + len(part) - len(part.lstrip()) + keyword.start(2)
            literal = _whole_literal(prompt, offset, start + len(part.rstrip()))
            if literal is not None:
                yield lower[keyword.group(1).lower()], literal
        elif part.strip() and position < len(names):
            offset = start + len(part) - len(part.lstrip())
            literal = _whole_literal(prompt, offset, start + len(part.rstrip()))
            if literal is not None:
                yield names[position], literal
            position += 1


def _values_after_tool_name(tool_name: str, prompt: str) -> Iterator[_Literal]:
    """The literals after the tool's name (and `with`, `for`, ...), separated by `,` or `and`."""
    pattern = rf"(?<![\w-]){re.escape(tool_name)}(?![\w-])(?:\s+tool)?(?:\s+{_LINKS})?\s+"
    mention = re.search(pattern, prompt, re.IGNORECASE)
    if mention is None:
        return
    position = mention.end()
    while (literal := _literal_at(prompt, position, explicit=False)) is not None:
        yield literal
        separator = _LIST_SEPARATOR.match(prompt, literal.end)
        if separator is None:
            return
        position = separator.end()


def _values_after_name(name: str, prompt: str) -> Iterator[_Literal]:
    """Each literal written right after the property's name, in order."""
    words = identifier_words(name)
    spellings = {re.escape(name)}
    if words:
        spellings.add("[ _]".join(re.escape(word) for word in words))
    pattern = r"(?<![\w-])(?:" + "|".join(sorted(spellings)) + r")(?![\w-])"
    for match in re.finditer(pattern, prompt, re.IGNORECASE):
        separator = _EXPLICIT_SEPARATOR.match(prompt, match.end())
        explicit = separator is not None
        if separator is None:
            separator = _SPACE.match(prompt, match.end())
            if separator is None:
                continue
        literal = _literal_at(prompt, separator.end(), explicit=explicit)
        if literal is not None:
            yield literal


def _quoted_strings(prompt: str) -> Iterator[_Literal]:
    for match in _QUOTED.finditer(prompt):
        text = next(group for group in match.groups() if group is not None)
        yield _Literal("quoted", text, match.start(), match.end())


def _overlaps(literal: _Literal, other: _Literal) -> bool:
    return literal.start < other.end and other.start < literal.end


# --- Reading literals -------------------------------------------------------------------------


def _literal_at(text: str, start: int, *, explicit: bool) -> _Literal | None:
    """The literal that starts at `start`, if one does."""
    if start >= len(text):
        return None
    opener = text[start]
    if opener in _QUOTES or opener in "[{":
        return _enclosed_at(text, start, explicit=explicit)
    number = _NUMBER.match(text, start)
    if number is not None:
        return _Literal("number", number.group(), start, number.end(), explicit)
    run = _CAPITALISED_RUN.match(text, start)
    chosen = run if run is not None else _WORD.match(text, start)
    value = chosen.group().rstrip(_TRAILING) if chosen is not None else ""
    if not value:
        return None
    return _Literal("word", value, start, start + len(value), explicit or run is not None)


def _enclosed_at(text: str, start: int, *, explicit: bool) -> _Literal | None:
    """The quoted string, `[…]` list or `{…}` object that opens at `start`."""
    opener = text[start]
    if opener in _QUOTES:
        close = text.find(_QUOTES[opener], start + 1)
        if close < 0:
            return None
        return _Literal("quoted", text[start + 1 : close], start, close + 1, explicit)
    end = _closing(text, start)
    if end is None:
        return None
    kind: LiteralKind = "list" if opener == "[" else "object"
    return _Literal(kind, text[start : end + 1], start, end + 1, explicit)


def _whole_literal(text: str, start: int, end: int) -> _Literal | None:
    """A call argument: one literal filling `text[start:end]`, or its text as a bare word."""
    literal = _literal_at(text, start, explicit=True)
    if literal is not None and literal.end == end:
        return literal
    raw = text[start:end]
    return _Literal("word", raw, start, end) if raw else None


def _closing(text: str, start: int) -> int | None:
    """The index of the bracket closing the one at `start`, skipping quoted text."""
    stack = [_CLOSERS[text[start]]]
    index = start + 1
    while index < len(text):
        char = text[index]
        if char in ('"', "\u201c", "\u2018") or (char == "'" and not text[index - 1].isalnum()):
            close = text.find(_QUOTES[char], index + 1)
            if close < 0:
                return None
            index = close
        elif char in _CLOSERS:
            stack.append(_CLOSERS[char])
        elif char == stack[-1]:
            stack.pop()
            if not stack:
                return index
        index += 1
    return None


def _top_level_parts(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The spans between top-level commas of `text[start:end]`."""
    depth, index, part_start = 0, start, start
    while index < end:
        char = text[index]
        if char in _QUOTES and (char != "'" or not text[index - 1].isalnum()):
            close = text.find(_QUOTES[char], index + 1)
            index = close if 0 <= close < end else index
        elif char in _CLOSERS:
            depth += 1
        elif char in _CLOSERS.values():
            depth -= 1
        elif char == "," and depth == 0:
            yield part_start, index
            part_start = index + 1
        index += 1
    yield part_start, end


# --- Coercion to the schema's type ------------------------------------------------------------


def _coerce(
    literal: _Literal,
    schema: Mapping[str, Any],
    root: Mapping[str, Any],
) -> tuple[Any] | None:
    """`(value,)` when the literal reads as a value of `schema`'s type, else None."""
    if "const" in schema:
        return (schema["const"],) if _same(literal, schema["const"]) else None
    allowed = schema.get("enum")
    if isinstance(allowed, list) and allowed:
        return next(((value,) for value in allowed if _same(literal, value)), None)
    loose = literal.kind == "word" and not literal.explicit
    for kind in _types(schema, literal):
        if loose and kind not in ("boolean", "null"):
            continue
        value = _as_type(literal, kind, schema, root)
        if value is not None:
            return value
    return None


def _types(schema: Mapping[str, Any], literal: _Literal) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [str(kind) for kind in declared]
    guessed = {"number": "number", "list": "array", "object": "object"}.get(literal.kind)
    return [guessed] if guessed else ["boolean", "null", "string"]


def _as_type(  # noqa: PLR0911 - one return per JSON type
    literal: _Literal, kind: str, schema: Mapping[str, Any], root: Mapping[str, Any]
) -> tuple[Any] | None:
    text = literal.text.strip()
    if kind == "string":
        return (literal.text,) if literal.kind in ("quoted", "word", "number") else None
    if kind in ("integer", "number"):
        return _as_number(text, integer=kind == "integer")
    if kind == "boolean":
        lowered = text.lower()
        return (True,) if lowered in _TRUE else (False,) if lowered in _FALSE else None
    if kind == "null":
        return (None,) if text.lower() in _NULL else None
    if kind == "array" and literal.kind == "list":
        return _as_array(literal, schema, root)
    if kind == "object" and literal.kind == "object":
        try:
            value = json.loads(literal.text)
        except json.JSONDecodeError:
            return None
        return (value,) if isinstance(value, dict) else None
    return None


def _as_number(text: str, *, integer: bool) -> tuple[Any] | None:
    if _NUMBER.fullmatch(text) is None:
        return None
    value = float(text)
    if value.is_integer() and abs(value) < 2**53:
        return (int(value),)
    return None if integer else (value,)


def _as_array(
    literal: _Literal, schema: Mapping[str, Any], root: Mapping[str, Any]
) -> tuple[Any] | None:
    items_schema = resolved_schema(schema.get("items", {}), root)
    inner_start = literal.start + 1
    inner = literal.text[1:-1]
    if not inner.strip():
        return ([],)
    values = []
    for start, stop in _top_level_parts(inner, 0, len(inner)):
        part = inner[start:stop]
        offset = len(part) - len(part.lstrip())
        item = _whole_literal(inner, start + offset, start + len(part.rstrip()))
        if item is None:
            return None
        placed = _Literal(item.kind, item.text, inner_start + item.start, inner_start + item.end)
        value = _coerce(placed, items_schema, root)
        if value is None:
            return None
        values.append(value[0])
    return (values,)


def _same(literal: _Literal, allowed: Any) -> bool:  # noqa: ANN401 - any JSON value
    text = literal.text.strip()
    if isinstance(allowed, bool):
        return text.lower() in (_TRUE if allowed else _FALSE)
    if isinstance(allowed, (int, float)):
        number = _as_number(text, integer=False)
        return number is not None and number[0] == allowed
    if isinstance(allowed, str):
        return text.casefold() == allowed.casefold()
    return allowed is None and text.lower() in _NULL


def _fits(schema: Mapping[str, Any], instance: dict[str, Any], name: str) -> bool:
    """Whether `instance[name]` breaks nothing in `schema` (other members are not judged)."""
    validator_class = jsonschema.validators.validator_for(schema)
    try:
        validator_class.check_schema(dict(schema))
        errors = list(validator_class(schema).iter_errors(instance))
    except (SchemaError, Unresolvable):
        # A schema jsonschema cannot use: the value's type was already checked.
        return True
    return not any(error.absolute_path and error.absolute_path[0] == name for error in errors)


def _mapping(value: Any) -> Mapping[str, Any]:  # noqa: ANN401 - untrusted JSON
    return value if isinstance(value, Mapping) else {}
