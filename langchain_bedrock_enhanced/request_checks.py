r"""Requests Bedrock certainly rejects, found before anything is sent.

Pure functions over LangChain messages and the assembled Converse request. Each
finds a `RequestProblem` that names where it is (`messages[2].content[0].text`,
`toolConfig.tools[1].toolSpec.name`) and what to do; `request_validation_error`
turns them into one `RequestValidationError`. The chat model runs them on every path
(invoke, stream and their async twins) before a request is built.

Only rules Bedrock documents are checked; no limit is guessed:

| Check | Bedrock's rule | Source |
|---|---|---|
| lone surrogates | text is Unicode | RFC 8259 §8.2: a lone surrogate is no character |
| first turn | a conversation starts with a user message | Bedrock's `ValidationException` text |
| tool names | `[a-zA-Z0-9_-]+`, 1 to 64 characters | botocore `ToolName` shape |
| input schemas | a JSON object whose top-level type is `object` | botocore `ToolInputSchema` |

botocore's shapes are in `botocore/data/bedrock-runtime/2023-09-30/service-2.json`;
Bedrock's texts in `shared/reference/bedrock_error_messages.json`.

Example:
    >>> from langchain_core.messages import AIMessage, HumanMessage
    >>> [str(p) for p in message_problems([HumanMessage("a\ud800b")])]
    ["messages[0].content: contains a lone surrogate '\\ud800' at position 1, ..."]
    >>> str(first_turn_problem([AIMessage("Hello"), HumanMessage("Hi")]))
    'messages[0]: the conversation starts with an AIMessage; Bedrock requires ...'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from botocore.exceptions import ClientError
from langchain_core.messages import AIMessage, BaseMessage, SystemMessage, ToolMessage
from typing_extensions import Unpack

from langchain_bedrock_enhanced.errors import (
    ContextArgs,
    RequestValidationError,
    keeping_botocore_class,
)

__all__ = [
    "TOOL_NAME_PATTERN",
    "RequestProblem",
    "first_turn_problem",
    "message_problems",
    "request_validation_error",
    "system_problems",
    "tool_config_problems",
]

TOOL_NAME_PATTERN = re.compile(r"[a-zA-Z0-9_-]{1,64}")
"""A tool name Bedrock accepts, matched whole.

botocore's `ToolName` shape: `"pattern": "[a-zA-Z0-9_-]+"`, `"min": 1`, `"max": 64`;
used by `ToolSpecification.name`, `SpecificToolChoice.name` and `ToolUseBlock.name`.
"""

# A high surrogate not followed by a low one, or a low one not preceded by a high one.
# A well-formed pair is left alone: botocore escapes it as `\ud83d\ude00`, which
# JSON reads back as one character.
_LONE_SURROGATE = re.compile(
    "[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]"
)
_SURROGATE_FIX = (
    "it is not Unicode text, so Bedrock cannot read it; remove it, or re-decode the "
    "text with errors='replace'"
)


@dataclass(frozen=True)
class RequestProblem:
    """Something in a request that Bedrock rejects, and where it is.

    Example:
        >>> str(RequestProblem("must be a user turn", message_index=0))
        'messages[0]: must be a user turn'
    """

    problem: str
    """What is wrong and how to fix it."""
    message_index: int | None = None
    """The index of the message in the list the caller gave, if in a message."""
    path: str = ""
    """Where in the message (`.content[0].text`) or request (`toolConfig.tools[1]`)."""

    @property
    def location(self) -> str:
        """`messages[i]` and the path within it, or the path in the request.

        Example:
            >>> RequestProblem("x", message_index=2, path=".content[0].text").location
            'messages[2].content[0].text'
        """
        if self.message_index is None:
            return self.path
        return f"messages[{self.message_index}]{self.path}"

    def __str__(self) -> str:
        """`location: problem`."""
        return f"{self.location}: {self.problem}"


def message_problems(messages: Sequence[BaseMessage]) -> list[RequestProblem]:
    r"""Text Bedrock cannot read anywhere in the messages: lone surrogates.

    Content (strings and every string inside content blocks), tool calls (names,
    arguments and IDs) and tool-result IDs are searched, keys included.

    Args:
        messages: The conversation as the caller gave it.

    Returns:
        One problem per string that holds a lone surrogate (its first one).

    Example:
        >>> from langchain_core.messages import AIMessage
        >>> call = {"name": "get_weather", "args": {"city": "Par\udce9s"}, "id": "t1"}
        >>> [p.location for p in message_problems([AIMessage("", tool_calls=[call])])]
        ['messages[0].tool_calls[0].args.city']
    """
    problems: list[RequestProblem] = []
    for index, message in enumerate(messages):
        fields: list[tuple[str, object]] = [(".content", message.content)]
        if isinstance(message, AIMessage) and message.tool_calls:
            fields.append((".tool_calls", message.tool_calls))
        if isinstance(message, ToolMessage):
            fields.append((".tool_call_id", message.tool_call_id))
        problems.extend(
            RequestProblem(_surrogate_text(char, position), index, path)
            for field, value in fields
            for path, char, position in _lone_surrogates(value, field)
        )
    return problems


def system_problems(
    system: Sequence[str | Mapping[str, Any]] | None, *, path: str = "system"
) -> list[RequestProblem]:
    r"""Lone surrogates in the model's `system` field (sent beside the messages).

    Args:
        system: The system prompts, as `ChatBedrockConverse.system` holds them.
        path: How to name the field in the problems.

    Returns:
        One problem per prompt that holds a lone surrogate.

    Example:
        >>> [p.location for p in system_problems(["fine", "bro\ud800ken"])]
        ['system[1]']
    """
    return [
        RequestProblem(_surrogate_text(char, position), path=where)
        for where, char, position in _lone_surrogates(list(system or ()), path)
    ]


def first_turn_problem(messages: Sequence[BaseMessage]) -> RequestProblem | None:
    """The first non-system message, if it is an assistant turn.

    Bedrock answers such a request with `ValidationException: A conversation must
    start with a user message. Try again with a conversation that starts with a user
    message.` A `ToolMessage` counts as a user turn, as langchain-aws sends it (a
    `toolResult` in a user message). Message types langchain-aws cannot send at all
    are left to its own error.

    Args:
        messages: The conversation as it will be sent (system prompts folded, if the
            model takes none).

    Returns:
        The problem, indexed in `messages`; `None` when the conversation starts with
        a user turn or holds no turn at all.

    Example:
        >>> from langchain_core.messages import HumanMessage, SystemMessage
        >>> first_turn_problem([SystemMessage("Be brief."), HumanMessage("Hi")]) is None
        True
    """
    for index, message in enumerate(messages):
        if isinstance(message, SystemMessage):
            continue
        if isinstance(message, AIMessage):
            text = (
                f"the conversation starts with an {type(message).__name__}; Bedrock "
                "requires a conversation to start with a user message. Put a "
                "HumanMessage before it, or drop it."
            )
            return RequestProblem(text, message_index=index)
        return None
    return None


def tool_config_problems(tool_config: Mapping[str, Any] | None) -> list[RequestProblem]:
    """Tool names and input schemas Bedrock rejects, in a Converse `toolConfig`.

    Args:
        tool_config: `toolConfig` as the request carries it (`tools`, `toolChoice`).

    Returns:
        One problem per bad tool name, input schema or lone surrogate.

    Example:
        >>> config = {
        ...     "tools": [{"toolSpec": {"name": "get weather", "inputSchema": {"json": []}}}]
        ... }
        >>> [p.location for p in tool_config_problems(config)]
        ['toolConfig.tools[0].toolSpec.name', 'toolConfig.tools[0].toolSpec.inputSchema.json']
    """
    if not isinstance(tool_config, Mapping):
        return []
    problems: list[RequestProblem] = []
    tools = tool_config.get("tools")
    for index, tool in enumerate(tools if isinstance(tools, Sequence) else ()):
        spec = tool.get("toolSpec") if isinstance(tool, Mapping) else None
        if not isinstance(spec, Mapping):
            continue  # a systemTool or a cachePoint
        where = f"toolConfig.tools[{index}].toolSpec"
        problems.extend(_name_problems(spec.get("name"), f"{where}.name"))
        problems.extend(_schema_problems(spec.get("inputSchema"), f"{where}.inputSchema"))
    choice = tool_config.get("toolChoice")
    chosen = choice.get("tool") if isinstance(choice, Mapping) else None
    if isinstance(chosen, Mapping):
        problems.extend(_name_problems(chosen.get("name"), "toolConfig.toolChoice.tool.name"))
    problems.extend(
        RequestProblem(_surrogate_text(char, position), path=where)
        for where, char, position in _lone_surrogates(tool_config, "toolConfig")
    )
    return problems


def request_validation_error(
    problems: Iterable[RequestProblem],
    *,
    botocore_class: object = ClientError,
    **context: Unpack[ContextArgs],
) -> RequestValidationError:
    """One `RequestValidationError` listing every problem (to raise; nothing was sent).

    Bedrock would have answered `ValidationException`, which langchain-aws raises as
    the runtime client's botocore class. The error is an instance of that class too,
    so an `except ClientError` (or `except client.exceptions.ValidationException`)
    written for langchain-aws still catches it. Nothing was received, so its
    `.response` has no request ID or HTTP status.

    Args:
        problems: What Bedrock would reject.
        botocore_class: The client's `exceptions.ValidationException`; anything that
            is not a `ClientError` subclass stands for `ClientError` itself.
        **context: The `ErrorContext` fields (`model_id`, `region`, ...).

    Returns:
        The error, with `error_code="ValidationException"`.

    Example:
        >>> error = request_validation_error(
        ...     [RequestProblem("bad", message_index=0)], model_id="amazon.nova-lite-v1:0"
        ... )
        >>> error.message
        'Bedrock would reject this request, so it was not sent: messages[0]: bad.'
        >>> isinstance(error, ClientError), error.response["Error"]["Code"]
        (True, 'ValidationException')
    """
    listing = "; ".join(str(problem) for problem in problems)
    msg = f"Bedrock would reject this request, so it was not sent: {listing.rstrip('.')}."
    error = RequestValidationError(msg, error_code="ValidationException", **context)
    if not (isinstance(botocore_class, type) and issubclass(botocore_class, ClientError)):
        botocore_class = ClientError
    unsent = botocore_class({"Error": {"Code": "ValidationException", "Message": msg}}, "Converse")
    dual = keeping_botocore_class(error, unsent)
    return cast("RequestValidationError", dual)


def _name_problems(name: object, where: str) -> list[RequestProblem]:
    if isinstance(name, str) and TOOL_NAME_PATTERN.fullmatch(name):
        return []
    text = (
        f"tool name {name!r} is not 1 to 64 letters, digits, '_' or '-' "
        "(Bedrock's ToolName pattern [a-zA-Z0-9_-]+); rename the tool"
    )
    return [RequestProblem(text, path=where)]


def _schema_problems(schema: object, where: str) -> list[RequestProblem]:
    document = schema.get("json") if isinstance(schema, Mapping) else None
    if isinstance(document, Mapping):
        declared = document.get("type")
        if not isinstance(declared, str) or declared == "object":
            return []
        text = (
            f"the input schema's top-level type is {declared!r}; Bedrock requires "
            "'object' (wrap the value in an object property)"
        )
        return [RequestProblem(text, path=f"{where}.json")]
    if isinstance(schema, Mapping) and "json" in schema:
        text = (
            f"the input schema must be a JSON object (a dict), not "
            f"{type(document).__name__}; give a JSON Schema of type 'object'"
        )
        return [RequestProblem(text, path=f"{where}.json")]
    text = "a tool needs inputSchema={'json': {...}}, a JSON Schema of type 'object'"
    return [RequestProblem(text, path=where)]


def _lone_surrogates(value: object, path: str) -> Iterator[tuple[str, str, int]]:
    """`(path, surrogate, position)` for each string under `value` with a lone surrogate."""
    if isinstance(value, str):
        found = _LONE_SURROGATE.search(value)
        if found is not None:
            yield path, found.group(), found.start()
    elif isinstance(value, Mapping):
        for key, item in value.items():
            # Paths end up in messages, which must stay printable: a key that is not
            # plain text is shown by its repr, which escapes surrogates.
            if isinstance(key, str) and _LONE_SURROGATE.search(key) is None:
                yield from _lone_surrogates(item, f"{path}.{key}")
                continue
            for _, char, position in _lone_surrogates(key, path):
                yield f"{path} (key {key!r})", char, position
            yield from _lone_surrogates(item, f"{path}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _lone_surrogates(item, f"{path}[{index}]")


def _surrogate_text(char: str, position: int) -> str:
    return f"contains a lone surrogate {char!r} at position {position}, {_SURROGATE_FIX}"
