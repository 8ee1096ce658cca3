"""The model's part in an agent loop: which tool to call, and the answer to its result.

A real model decides from the conversation whether to call a tool. The emulator
decides by fixed, documented rules (also in `docs/emulator.md`, "Agent loops"), so
that `bind_tools` → invoke → run the tool → invoke can be tested end to end.

Under `toolChoice` `auto`, or none given (`choose_tool`):

1. After a tool result (the last user turn carries `toolResult` blocks) no tool
   is called: the reply is text that reports the result (`tool_result_answer`).
2. A tool that the last user turn names is called. A name counts when it appears
   as a whole word, case-insensitively, either as written (`get_weather`) or as its
   words joined by spaces or underscores (`get weather`); see `identifier_words`.
   When several are named, the longest name wins.
3. Otherwise the tool whose words best overlap the prompt's is called, if any word
   is shared. Both sides are split into lowercase words (`content_words`): the
   tool's name (split at `_`, `-`, digits and camelCase humps) and description, the
   last user turn's text; a plural `s` is dropped and stop words are left out. The
   score is the number of distinct shared words; ties go to the tool offered first.
4. Otherwise, if the prompt says "tool" or "tools", the first tool offered is called.
5. Otherwise the reply is text.

Under `any` the tool of rules 2-3 is called, else the first offered; under
`tool` the named one, as Bedrock forces.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from langchain_bedrock_enhanced.emulator._types import ConversationRequest, ToolSpec

__all__ = [
    "choose_tool",
    "content_words",
    "identifier_words",
    "last_user_text",
    "names_tool",
    "tool_result_answer",
]

_WORD: Final = re.compile(r"[^\W_]+")
# Where an identifier breaks into words: `getWeather`, `HTTPServer`, `llama3`.
_HUMP: Final = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=\D)(?=\d)|(?<=\d)(?=\D)"
)
_TOOL_WORD: Final = re.compile(r"\btools?\b", re.IGNORECASE)
_SENTENCE_END: Final = (".", "!", "?")
_MIN_WORD: Final = 2
_MIN_STEM: Final = 4
# English function words, and the words every tool description shares ("a tool
# that returns the value of ..."), which say nothing about which tool is meant.
_STOP_WORDS: Final = frozenset(
    """
    a about above after again all also am an and any are as at be been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its
    itself just let me more most my no nor not now of off on once only or other our out
    over own please same she should so some such than that the their them then there
    these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours
    call calling function get give given input output result return returns run tell
    tool tools use used uses using value
    """.split()  # noqa: SIM905 - a word list reads better as running text
)


def choose_tool(request: ConversationRequest) -> ToolSpec | None:
    """The tool the reply calls, or None for a text reply (see the module's rules).

    Args:
        request: The normalised request.

    Returns:
        One of `request.tools`, or None.

    Example:
        >>> weather = ToolSpec("get_weather", "Get the current weather for a city", {})
        >>> ask = {"role": "user", "content": [{"text": "what is the weather in Paris?"}]}
        >>> choose_tool(ConversationRequest(messages=[ask], tools=[weather])).name
        'get_weather'
        >>> chat = {"role": "user", "content": [{"text": "Tell me a story"}]}
        >>> choose_tool(ConversationRequest(messages=[chat], tools=[weather])) is None
        True
    """
    if not request.tools:
        return None
    if request.tool_choice == "tool":
        named = (t for t in request.tools if t.name == request.tool_choice_name)
        return next(named, request.tools[0])
    if request.tool_choice == "any":
        return _preferred_tool(request) or request.tools[0]
    last = _last_user_message(request.messages)
    # An answered call is followed by text, or an agent loop would never end.
    if last is None or _tool_results(last):
        return None
    found = _preferred_tool(request)
    if found is not None:
        return found
    return request.tools[0] if _TOOL_WORD.search(last_user_text(request.messages)) else None


def names_tool(text: str, tool_name: str) -> bool:
    """Whether `text` names the tool: its name, or its words, as whole words.

    Example:
        >>> names_tool("what does GET WEATHER say", "get_weather")
        True
        >>> names_tool("call magic_function_no_args()", "magic_function")
        False
    """
    words = identifier_words(tool_name)
    if not words:
        return False
    spellings = {re.escape(tool_name), "[ _]".join(re.escape(word) for word in words)}
    pattern = r"(?<![\w-])(?:" + "|".join(sorted(spellings)) + r")(?![\w-])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def identifier_words(name: str) -> list[str]:
    """Split an identifier into lowercase words at `_`, `-`, spaces, digits and camelCase.

    Example:
        >>> identifier_words("getWeatherForCity")
        ['get', 'weather', 'for', 'city']
        >>> identifier_words("magic_function_no_args")
        ['magic', 'function', 'no', 'args']
    """
    return [word.lower() for word in _WORD.findall(_HUMP.sub(" ", name))]


def content_words(text: str) -> set[str]:
    """The words of `text` that can tie a prompt to a tool.

    Lowercase, without stop words, numbers or one-letter words, and with a plural
    `s` dropped (`cats` becomes `cat`; `glass` and `bus` stay).

    Example:
        >>> sorted(content_words("What is the weather in the cities of Chile?"))
        ['chile', 'citie', 'weather']
    """
    words = set()
    for word in identifier_words(text):
        if word in _STOP_WORDS or word.isdigit() or len(word) < _MIN_WORD:
            continue
        plural = len(word) >= _MIN_STEM and word.endswith("s") and not word.endswith("ss")
        words.add(word[:-1] if plural else word)
    return words


def last_user_text(messages: Sequence[Mapping[str, Any]]) -> str:
    """The text blocks of the last user turn, joined by spaces ("" when there is none).

    Example:
        >>> last_user_text([{"role": "user", "content": [{"text": "Hi"}, {"text": "there"}]}])
        'Hi there'
    """
    last = _last_user_message(messages)
    if last is None:
        return ""
    return " ".join(
        str(block["text"])
        for block in _list(last.get("content"))
        if isinstance(block, Mapping) and isinstance(block.get("text"), str)
    )


def tool_result_answer(messages: Sequence[Mapping[str, Any]]) -> str | None:
    """The text that reports the tool results of the last user turn, if it has any.

    Each result becomes one sentence naming the tool that the matching `toolUse`
    called: "The result of f is 5." (or "f failed: ..." for `status: error`). Text
    is quoted as sent, JSON compactly, and images and documents by kind.

    Args:
        messages: Converse-shaped messages.

    Returns:
        The sentences, or None when the last user turn carries no tool result.

    Example:
        >>> call = {"toolUse": {"toolUseId": "t1", "name": "magic_function", "input": {}}}
        >>> result = {"toolResult": {"toolUseId": "t1", "content": [{"json": 5}]}}
        >>> tool_result_answer([
        ...     {"role": "user", "content": [{"text": "magic_function(3)?"}]},
        ...     {"role": "assistant", "content": [call]},
        ...     {"role": "user", "content": [result]},
        ... ])
        'The result of magic_function is 5.'
    """
    last = _last_user_message(messages)
    results = _tool_results(last) if last is not None else []
    if not results:
        return None
    names = _tool_names(messages)
    sentences = []
    for result in results:
        name = names.get(str(result.get("toolUseId")), "the tool")
        said = _result_text(_list(result.get("content"))) or "empty"
        sentence = (
            f"{name} failed: {said}"
            if result.get("status") == "error"
            else f"The result of {name} is {said}"
        )
        sentences.append(sentence if sentence.endswith(_SENTENCE_END) else f"{sentence}.")
    return " ".join(sentences)


def _preferred_tool(request: ConversationRequest) -> ToolSpec | None:
    text = last_user_text(request.messages)
    named = [tool for tool in request.tools if names_tool(text, tool.name)]
    if named:
        return max(named, key=lambda tool: len(tool.name))
    return _best_overlap(text, request.tools)


def _best_overlap(text: str, tools: Iterable[ToolSpec]) -> ToolSpec | None:
    said = content_words(text)
    best, best_score = None, 0
    for tool in tools:
        offered = content_words(" ".join([*identifier_words(tool.name), tool.description]))
        score = len(said & offered)
        # Strictly greater: on a tie the tool offered first stays.
        if score > best_score:
            best, best_score = tool, score
    return best


def _tool_names(messages: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for message in messages:
        if message.get("role") != "assistant":
            continue
        for block in _list(message.get("content")):
            tool_use = _mapping(_mapping(block).get("toolUse"))
            if tool_use:
                names[str(tool_use.get("toolUseId"))] = str(tool_use.get("name", "the tool"))
    return names


def _result_text(content: Sequence[Any]) -> str:
    parts = []
    for raw in content:
        item = _mapping(raw)
        if isinstance(item.get("text"), str):
            parts.append(" ".join(str(item["text"]).split()))
        elif "json" in item:
            parts.append(json.dumps(item["json"], separators=(",", ":"), ensure_ascii=False))
        elif "image" in item:
            parts.append("an image")
        elif "document" in item:
            name = _mapping(item["document"]).get("name")
            parts.append(f"a document named {name}" if name else "a document")
        elif "video" in item:
            parts.append("a video")
    return " ".join(part for part in parts if part)


def _last_user_message(messages: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    return next((m for m in reversed(messages) if m.get("role") == "user"), None)


def _tool_results(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    blocks = (_mapping(block).get("toolResult") for block in _list(message.get("content")))
    return [_mapping(result) for result in blocks if result is not None]


def _mapping(value: Any) -> Mapping[str, Any]:  # noqa: ANN401 - untrusted JSON
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:  # noqa: ANN401 - untrusted JSON
    return value if isinstance(value, list) else []
