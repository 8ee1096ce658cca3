"""The hooks every native family implements, and the schema checks they share.

Bedrock validates InvokeModel bodies against each provider's JSON schema and
reports violations in the texts of Everit, the validator behind it. The checks
here produce those texts, so every family refuses bad bodies the same way.

Class hierarchy:

    NativeFormat            (this module)
    ├── ClaudeFormat        (claude.py)
    ├── LlamaFormat         (llama.py)
    ├── MistralFormat       (mistral.py)
    └── NovaFormat          (nova.py)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, Final

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._replies import compact_json
from langchain_bedrock_enhanced.emulator._types import (
    ConversationRequest,
    EmulatedError,
    Reply,
    ToolChoiceKind,
)

__all__ = [
    "NativeFormat",
    "check_keys",
    "finish_reason",
    "first_present",
    "inst_turns",
    "integer",
    "integer_value",
    "malformed_input",
    "number",
    "number_value",
    "plain_text",
    "text_turn",
    "tool_choice",
    "typed",
]

_FINISHED: Final = {"max_tokens": "length", "tool_use": "tool_calls"}
# Everit names JSON types like this.
_JSON_TYPE_NAMES: Final = ((bool, "Boolean"), (int, "Integer"), (float, "Number"), (str, "String"))


class NativeFormat(ABC):
    """One family's InvokeModel body format.

    `langchain_bedrock_enhanced.emulator.native` decodes the request body and
    adds the invocation metrics to the last stream chunk; a family only maps
    its own JSON to and from the emulator's types.
    """

    @abstractmethod
    def parse(self, document: dict[str, Any]) -> ConversationRequest:
        """Read a request body, already decoded to a JSON object, into a request.

        Args:
            document: The decoded body.

        Returns:
            The request, with Converse-shaped messages.

        Raises:
            EmulatedError: `ValidationException` with Bedrock's "Malformed input
                request" texts.
            AttributeError: A nested value has the wrong shape; so may `TypeError`
                and `KeyError`. The caller answers all three with the generic text.
        """

    def is_chat_body(self, body: bytes) -> bool:
        """Whether `body` uses the family's chat form, whose answer has another shape.

        Only Mistral has a chat form; no other family needs to override this.

        Args:
            body: The raw request body.

        Returns:
            False, unless a family overrides it.
        """
        del body
        return False

    @abstractmethod
    def response(self, reply: Reply, *, model_id: str, chat: bool) -> dict[str, Any]:
        """Render a reply as the InvokeModel response body.

        Args:
            reply: The reply.
            model_id: The invoked model.
            chat: The request used the family's chat form (see `is_chat_body`).

        Returns:
            The JSON-ready body.
        """

    @abstractmethod
    def stream_chunks(
        self, reply: Reply, *, model_id: str, latency_ms: int, chat: bool
    ) -> list[dict[str, Any]]:
        """Render a reply as the decoded chunks of InvokeModelWithResponseStream.

        Args:
            reply: The reply.
            model_id: The invoked model.
            latency_ms: The call's latency, for families that report it in a chunk.
            chat: The request used the family's chat form (see `is_chat_body`).

        Returns:
            At least one chunk, in order, without the invocation metrics: the
            caller adds those to the last chunk for every family alike.
        """


def malformed_input() -> EmulatedError:
    """Bedrock's generic answer to a body it cannot read.

    Example:
        >>> malformed_input().message
        'Malformed input request, please reformat your input and try again.'
    """
    return EmulatedError("ValidationException", _errors.MALFORMED_INPUT)


def check_keys(
    document: Mapping[str, Any], allowed: frozenset[str], required: tuple[str, ...]
) -> None:
    """Refuse unknown and missing top-level keys, naming the key when only one is wrong.

    Args:
        document: The decoded body.
        allowed: The keys the family's schema permits.
        required: The keys it requires.

    Raises:
        EmulatedError: `ValidationException` naming the key, or counting the
            violations when there are several.

    Example:
        >>> try:
        ...     check_keys({"prompt": "Hi", "stream": True}, frozenset({"prompt"}), ("prompt",))
        ... except EmulatedError as err:
        ...     print(err.message)
        Malformed input request: #: extraneous key [stream] is not permitted, please ...
    """
    violations = [
        _errors.MALFORMED_EXTRANEOUS_KEY.format(key=k) for k in document if k not in allowed
    ]
    violations += [
        _errors.MALFORMED_REQUIRED_KEY.format(key=k) for k in required if k not in document
    ]
    if len(violations) == 1:
        raise EmulatedError("ValidationException", violations[0])
    if violations:
        message = (
            f"Malformed input request: {len(violations)} schema violations found, "
            "please reformat your input and try again."
        )
        raise EmulatedError("ValidationException", message)


def typed(document: Mapping[str, Any], key: str, kind: type, name: str) -> Any:  # noqa: ANN401
    """`document[key]`, or None when absent; refused when present with another JSON type.

    Args:
        document: The object holding the value.
        key: The value's key, which the error message names.
        kind: The Python type the value must have.
        name: Everit's name for that type, e.g. `JSONArray`.

    Raises:
        EmulatedError: `ValidationException` with the key, expected and found types.

    Example:
        >>> typed({"messages": []}, "messages", list, "JSONArray")
        []
        >>> try:
        ...     typed({"messages": "Hi"}, "messages", list, "JSONArray")
        ... except EmulatedError as err:
        ...     print(err.message)
        Malformed input request: #/messages: expected type: JSONArray, found: String, please ...
    """
    value = document.get(key)
    if value is not None and not isinstance(value, kind):
        raise EmulatedError("ValidationException", _type_error(key, name, value))
    return value


def integer(document: Mapping[str, Any], key: str) -> int | None:
    """`document[key]` as a JSON integer, or None when absent (see `integer_value`)."""
    return integer_value(key, document.get(key))


def integer_value(key: str, value: Any) -> int | None:  # noqa: ANN401 - untrusted JSON
    """`value` if it is a JSON integer, None if it is None; refused otherwise.

    Raises:
        EmulatedError: `ValidationException` naming `key`; a boolean is no integer.

    Example:
        >>> integer_value("max_tokens", 5)
        5
        >>> try:
        ...     integer_value("max_tokens", True)
        ... except EmulatedError as err:
        ...     print(err.message)
        Malformed input request: #/max_tokens: expected type: Integer, found: Boolean, please ...
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EmulatedError("ValidationException", _type_error(key, "Integer", value))
    return value


def number(document: Mapping[str, Any], key: str) -> float | None:
    """`document[key]` as a JSON number, or None when absent (see `number_value`)."""
    return number_value(key, document.get(key))


def number_value(key: str, value: Any) -> float | None:  # noqa: ANN401 - untrusted JSON
    """`value` as a float if it is a JSON number, None if it is None; refused otherwise.

    Raises:
        EmulatedError: `ValidationException` naming `key`; a boolean is no number.

    Example:
        >>> number_value("temperature", 1)
        1.0
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EmulatedError("ValidationException", _type_error(key, "Number", value))
    return float(value)


def first_present(document: Mapping[str, Any], *keys: str) -> Any:  # noqa: ANN401
    """The value of the first of `keys` that is set and not null, else None.

    Example:
        >>> first_present({"maxTokens": None, "max_new_tokens": 40}, "maxTokens", "max_new_tokens")
        40
    """
    return next((document[key] for key in keys if document.get(key) is not None), None)


def tool_choice(choice: Any) -> ToolChoiceKind | None:  # noqa: ANN401 - untrusted JSON
    """A native tool-choice name as the Converse kind it matches, if any.

    Example:
        >>> tool_choice("any"), tool_choice("none")
        ('any', None)
    """
    if choice == "auto":
        return "auto"
    if choice == "any":
        return "any"
    if choice == "tool":
        return "tool"
    return None


def text_turn(role: str, text: str) -> dict[str, Any]:
    """A Converse message holding one text block.

    Example:
        >>> text_turn("user", "Hi")
        {'role': 'user', 'content': [{'text': 'Hi'}]}
    """
    return {"role": role, "content": [{"text": text}]}


def inst_turns(prompt: str) -> list[dict[str, Any]]:
    """Read a prompt in the `[INST]` markup (Mistral, and Llama 2) back into turns.

    Example:
        >>> [m["role"] for m in inst_turns("<s>[INST] Hi [/INST] Hello!</s>[INST] Bye [/INST]")]
        ['user', 'assistant', 'user']
    """
    segments = prompt.split("[INST]")
    if len(segments) == 1:
        return [text_turn("user", _strip_markers(prompt))]
    messages: list[dict[str, Any]] = []
    for segment in segments[1:]:
        question, _, answer = segment.partition("[/INST]")
        messages.append(text_turn("user", _strip_markers(question)))
        if _strip_markers(answer):
            messages.append(text_turn("assistant", _strip_markers(answer)))
    return messages


def plain_text(reply: Reply) -> str:
    """A reply as one string, for the prompt-based families.

    Their bodies have no tool blocks, so a tool call is written the way Llama 3.1
    writes one in text.

    Example:
        >>> from langchain_bedrock_enhanced.emulator._types import ToolUseBlock
        >>> plain_text(Reply(("Sure. ", ToolUseBlock("t1", "f", {"x": 1})), "tool_use", 3, 4))
        'Sure. {"name":"f","parameters":{"x":1}}'
    """
    return "".join(
        block
        if isinstance(block, str)
        else compact_json({"name": block.name, "parameters": block.input})
        for block in reply.blocks
    )


def finish_reason(reply: Reply, *, tools: bool) -> str:
    """The OpenAI-style stop reason (`stop`, `length`, `tool_calls`) of a reply.

    Args:
        reply: The reply.
        tools: The body can carry tool calls; without them a tool call ends as `stop`.

    Example:
        >>> reply = Reply(("{}",), "tool_use", 3, 1)
        >>> finish_reason(reply, tools=True), finish_reason(reply, tools=False)
        ('tool_calls', 'stop')
    """
    reason = _FINISHED.get(reply.stop_reason, "stop")
    return "stop" if reason == "tool_calls" and not tools else reason


def _strip_markers(text: str) -> str:
    return text.replace("<s>", "").replace("</s>", "").strip()


def _type_error(key: str, expected: str, value: Any) -> str:  # noqa: ANN401 - untrusted JSON
    found = next((name for kind, name in _JSON_TYPE_NAMES if isinstance(value, kind)), None)
    if found is None:
        found = "JSONArray" if isinstance(value, list) else "JSONObject"
    return (
        f"Malformed input request: #/{key}: expected type: {expected}, found: {found}, "
        "please reformat your input and try again."
    )
