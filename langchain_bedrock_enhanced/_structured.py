r"""Structured answers for `BedrockLLMClient.generate_structured` (private).

A schema is a JSON Schema dict or a pydantic model class; `OutputSchema` holds both
forms. An answer is read from a tool call's arguments when the model was given the
schema as a tool, else from the text: the whole text as JSON, else a fenced code
block, else the first JSON object in the prose. It is then validated with
`jsonschema` (a dict schema) or pydantic (a model class); the problems, one line
each, drive a corrective retry and, in the end, `StructuredOutputError`.

Example:
    >>> schema = OutputSchema.of({"type": "object", "properties": {"n": {"type": "integer"}},
    ...                           "required": ["n"]})
    >>> schema.read_text('Sure! Here it is:\n```json\n{"n": 3}\n```')
    ({'n': 3}, [])
    >>> schema.read_text('{"n": "three"}')[1]
    ["n: 'three' is not of type 'integer'"]
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ValidationError

from langchain_bedrock_enhanced.errors import ConfigurationError

__all__ = ["OutputSchema", "extract_json"]

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)
_NAME = re.compile(r"[^a-zA-Z0-9_-]+")


def extract_json(text: str) -> Any:  # noqa: ANN401 - any JSON value
    """The JSON value in a model's answer: whole, fenced, or the first object in prose.

    Args:
        text: The answer.

    Returns:
        The decoded value.

    Raises:
        ValueError: The text holds no JSON object or array.

    Example:
        >>> extract_json('The answer is {"a": [1, 2]}, as asked.')
        {'a': [1, 2]}
    """
    fenced = [match.group(1) for match in _FENCE.finditer(text)]
    decoder = json.JSONDecoder()
    for candidate in (text, *fenced):
        found = _loads(candidate.strip())
        if found is not _NOTHING:
            return found
    for start, char in enumerate(text):
        if char in "{[":
            found = _decode_at(decoder, text, start)
            if found is not _NOTHING:
                return found
    msg = "no JSON object found in the answer"
    raise ValueError(msg)


_NOTHING = object()


def _jsonschema() -> ModuleType:
    # Imported on first use: it adds about 25 ms to importing the package, and only
    # generate_structured needs it.
    import jsonschema  # noqa: PLC0415

    return jsonschema


def _loads(text: str) -> Any:  # noqa: ANN401 - any JSON
    try:
        return json.loads(text)
    except ValueError:
        return _NOTHING


def _decode_at(decoder: json.JSONDecoder, text: str, start: int) -> Any:  # noqa: ANN401
    try:
        return decoder.raw_decode(text, start)[0]
    except ValueError:
        return _NOTHING


@dataclass(frozen=True)
class OutputSchema:
    """The schema an answer must match, as JSON Schema and (maybe) a pydantic class.

    Example:
        >>> from pydantic import BaseModel
        >>> class City(BaseModel):
        ...     name: str
        >>> schema = OutputSchema.of(City)
        >>> schema.name, schema.read_arguments({"name": "Paris"})[0]
        ('City', City(name='Paris'))
    """

    json_schema: Mapping[str, Any]
    """The JSON Schema sent to the model and checked."""
    name: str
    """A tool-safe name for the schema."""
    description: str
    """What the answer is, for the tool description."""
    model_class: type[BaseModel] | None = None
    """The pydantic class answers become, when one was given."""

    @classmethod
    def of(cls, schema: Mapping[str, Any] | type[BaseModel]) -> OutputSchema:
        """Read a JSON Schema dict or a pydantic model class.

        Args:
            schema: The schema.

        Returns:
            The output schema.

        Raises:
            ConfigurationError: `schema` is neither, or is not a valid JSON Schema.
        """
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            json_schema = schema.model_json_schema()
            description = (schema.__doc__ or "").strip() or f"A {schema.__name__}."
            return cls(json_schema, schema.__name__, description, schema)
        if not isinstance(schema, Mapping):
            msg = f"schema must be a JSON Schema dict or a pydantic model class, not {schema!r}."
            raise ConfigurationError(msg)
        try:
            _jsonschema().validators.validator_for(schema).check_schema(dict(schema))
        except _jsonschema().SchemaError as err:
            msg = f"schema is not a valid JSON Schema: {err.message}"
            raise ConfigurationError(msg) from err
        title = str(schema.get("title") or "structured_answer")
        name = _NAME.sub("_", title).strip("_")[:64] or "structured_answer"
        description = str(schema.get("description") or "The structured answer.")
        return cls(dict(schema), name, description)

    def as_tool(self) -> dict[str, Any]:
        """The schema as a tool definition `bind_tools` accepts.

        Returns:
            `{"name", "description", "parameters"}`.
        """
        return {
            "name": self.name,
            "description": self.description,
            "parameters": dict(self.json_schema),
        }

    def instructions(self) -> str:
        """What to tell a model that answers in text.

        Returns:
            The instruction, with the schema.
        """
        return (
            "Answer with one JSON object that matches this JSON Schema, and nothing "
            f"else:\n```json\n{json.dumps(self.json_schema, sort_keys=True)}\n```"
        )

    def read_text(self, text: str) -> tuple[Any, list[str]]:
        """The validated value in a text answer, and its problems (empty when valid).

        Args:
            text: The answer.

        Returns:
            `(value, problems)`; the value is `None` when no JSON was found.
        """
        try:
            value = extract_json(text)
        except ValueError as err:
            return None, [str(err)]
        return self.read_arguments(value)

    def read_arguments(self, value: Any) -> tuple[Any, list[str]]:  # noqa: ANN401 - any JSON
        """`value` validated: a pydantic instance or the dict, and its problems.

        Args:
            value: The decoded answer (a tool call's arguments, or extracted JSON).

        Returns:
            `(value, problems)`; problems are empty when the value is valid.
        """
        if self.model_class is not None:
            try:
                return self.model_class.model_validate(value), []
            except ValidationError as err:
                return value, [
                    f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
                    for e in err.errors()
                ]
        validators = _jsonschema().validators
        validator = validators.validator_for(self.json_schema)(self.json_schema)
        problems = [
            f"{'.'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
            for e in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
        ]
        return value, problems
