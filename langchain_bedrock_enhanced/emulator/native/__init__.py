"""Model-native InvokeModel bodies, one module per family.

InvokeModel and InvokeModelWithResponseStream carry the model provider's own
JSON rather than Converse's. This package reads those bodies into a
`ConversationRequest` and renders a `Reply` back in the family's format:

    native/
    ├── __init__.py   decoding, dispatch by family, invocation metrics
    ├── _common.py    NativeFormat (the hooks) and the schema checks families share
    ├── claude.py     the Anthropic Messages API (`anthropic_version: bedrock-2023-05-31`)
    ├── llama.py      a `prompt` in the Llama 3 chat template
    ├── mistral.py    an `[INST]` `prompt`, or the chat form with `messages`
    └── nova.py       `schemaVersion: messages-v1`, which is Converse-shaped

Bodies that break the family's schema are refused with Bedrock's "Malformed
input request" texts.

A new family is one module with a `NativeFormat` subclass, plus its entry in
`_FORMATS` below (and its name in `_types.Family`, which the world's models
are checked against).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from langchain_bedrock_enhanced.emulator._json import load_json
from langchain_bedrock_enhanced.emulator._types import ConversationRequest, Family, Reply
from langchain_bedrock_enhanced.emulator.native._common import NativeFormat, malformed_input
from langchain_bedrock_enhanced.emulator.native.claude import ClaudeFormat
from langchain_bedrock_enhanced.emulator.native.llama import LlamaFormat
from langchain_bedrock_enhanced.emulator.native.mistral import MistralFormat
from langchain_bedrock_enhanced.emulator.native.nova import NovaFormat

__all__ = [
    "invoke_metrics_headers",
    "is_chat_body",
    "native_response",
    "native_stream_chunks",
    "parse_native_request",
]

_FORMATS: Final[Mapping[Family, NativeFormat]] = {
    "claude": ClaudeFormat(),
    "llama": LlamaFormat(),
    "mistral": MistralFormat(),
    "nova": NovaFormat(),
}


def parse_native_request(family: Family, body: bytes) -> ConversationRequest:
    """Read an InvokeModel body into a `ConversationRequest`.

    Args:
        family: The model family whose native format `body` must follow.
        body: The raw request body.

    Returns:
        The request, with Converse-shaped messages. Native-only settings such as
        Claude's `top_k` or `thinking` land in `additional_fields`.

    Raises:
        EmulatedError: `ValidationException` with Bedrock's "Malformed input
            request" texts for invalid JSON (or text that is not valid
            Unicode), unknown or missing keys and wrong value types.

    Example:
        >>> request = parse_native_request("llama", b'{"prompt": "Hi there"}')
        >>> request.messages
        [{'role': 'user', 'content': [{'text': 'Hi there'}]}]
    """
    native_format = _FORMATS[family]
    document = load_json(body)
    if not isinstance(document, dict):
        raise malformed_input()
    try:
        return native_format.parse(document)
    except (AttributeError, TypeError, KeyError) as err:
        # A nested value of an unexpected shape: Bedrock answers these generically too.
        raise malformed_input() from err


def is_chat_body(family: Family, body: bytes) -> bool:
    """Whether a body uses Mistral's chat form (`messages`), answered with `choices`.

    Args:
        family: The model family.
        body: The raw request body.

    Returns:
        True only for a Mistral body with top-level `messages`.

    Example:
        >>> is_chat_body("mistral", b'{"messages": []}'), is_chat_body("mistral", b'{"prompt": ""}')
        (True, False)
    """
    return _FORMATS[family].is_chat_body(body)


def native_response(
    family: Family, reply: Reply, *, model_id: str, latency_ms: int, chat: bool = False
) -> dict[str, Any]:
    """Render a reply as the family's InvokeModel response body.

    Args:
        family: The model family.
        reply: The reply.
        model_id: The invoked model; Claude bodies report it without the provider prefix.
        latency_ms: Unused by the bodies (Bedrock reports it in headers); kept for symmetry.
        chat: Render Mistral's chat form (`choices`) instead of `outputs`.

    Returns:
        The JSON-ready body.

    Example:
        >>> body = native_response(
        ...     "llama", Reply(("Hi",), "end_turn", 3, 1), model_id="m", latency_ms=5
        ... )
        >>> body["generation"], body["stop_reason"]
        ('Hi', 'stop')
    """
    del latency_ms  # Bedrock reports latency in headers, never in native bodies.
    return _FORMATS[family].response(reply, model_id=model_id, chat=chat)


def native_stream_chunks(
    family: Family, reply: Reply, *, model_id: str, latency_ms: int, chat: bool = False
) -> list[dict[str, Any]]:
    """Render a reply as the decoded chunks of InvokeModelWithResponseStream.

    The last chunk carries `amazon-bedrock-invocationMetrics`, as Bedrock's does.

    Args:
        family: The model family.
        reply: The reply.
        model_id: The invoked model; Claude's `message_start` reports it.
        latency_ms: Reported as `invocationLatency` (and half of it as `firstByteLatency`).
        chat: Stream Mistral's chat form (`choices`) instead of `outputs`.

    Returns:
        The chunk objects in order; each becomes one `chunk` event.

    Example:
        >>> chunks = native_stream_chunks("mistral", Reply(("Hi",), "end_turn", 3, 1),
        ...                               model_id="m", latency_ms=5)
        >>> chunks[-1]["outputs"]
        [{'text': 'Hi', 'stop_reason': 'stop'}]
        >>> chunks[-1]["amazon-bedrock-invocationMetrics"]["outputTokenCount"]
        1
    """
    chunks = _FORMATS[family].stream_chunks(
        reply, model_id=model_id, latency_ms=latency_ms, chat=chat
    )
    chunks[-1]["amazon-bedrock-invocationMetrics"] = {
        "inputTokenCount": reply.input_tokens,
        "outputTokenCount": reply.output_tokens,
        "invocationLatency": latency_ms,
        "firstByteLatency": latency_ms // 2,
    }
    return chunks


def invoke_metrics_headers(reply: Reply, latency_ms: int) -> dict[str, str]:
    """The usage headers Bedrock adds to an InvokeModel response.

    Example:
        >>> headers = invoke_metrics_headers(Reply(("Hi",), "end_turn", 3, 1), 42)
        >>> headers["X-Amzn-Bedrock-Invocation-Latency"]
        '42'
    """
    return {
        "X-Amzn-Bedrock-Input-Token-Count": str(reply.input_tokens),
        "X-Amzn-Bedrock-Output-Token-Count": str(reply.output_tokens),
        "X-Amzn-Bedrock-Invocation-Latency": str(latency_ms),
    }
