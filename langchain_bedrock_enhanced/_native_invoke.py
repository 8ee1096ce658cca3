"""One InvokeModel call with the family's native body: the `bedrock_api="invoke"` path.

The chat model sends Converse by default. Given `bedrock_api="invoke"` (as
`BedrockLLMClient(api="invoke")` does), it sends InvokeModel instead, with the body
its family formats (`format_invoke_body`: Claude's messages, the Llama 3 template,
Mistral's `[INST]`, Nova's messages), and parses the family's native answer
(`parse_invoke_response`). The access engine, request counting and error typing
around the call are the same as for Converse (`_sending`), so profile fallback,
learning, metadata and typed errors apply unchanged.

Native bodies carry text only: tools and structured output need Converse.

Example:
    >>> from langchain_core.messages import HumanMessage
    >>> from langchain_bedrock_enhanced.models.mistral import MistralEnhancedChatBedrockConverse
    >>> request_body(MistralEnhancedChatBedrockConverse, [HumanMessage("Hi")], None)
    '{"prompt": "<s>[INST] Hi [/INST]"}'
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatResult

from langchain_bedrock_enhanced.errors import RequestValidationError

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

    from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse
    from langchain_bedrock_enhanced.parameters import BedrockModelParameters

__all__ = [
    "API_KEYWORD",
    "agenerate_once",
    "generate_once",
    "request_body",
    "usage_from_headers",
]

API_KEYWORD = "bedrock_api"
"""The call keyword that selects the API: `"converse"` (the default) or `"invoke"`."""

_UNSUPPORTED = ("tools", "tool_choice", "output_config", "response_format")


def request_body(
    family: type[EnhancedChatBedrockConverse],
    messages: Sequence[BaseMessage],
    parameters: BedrockModelParameters | None,
) -> str:
    """The JSON InvokeModel body `family` sends for `messages`.

    Args:
        family: The model's family class.
        messages: The conversation, as the chat model prepared it.
        parameters: The model's validated parameters.

    Returns:
        The body, serialised.
    """
    return json.dumps(family.format_invoke_body(messages, parameters))


def generate_once(
    model: EnhancedChatBedrockConverse,
    messages: Sequence[BaseMessage],
    *,
    model_id: str,
    **kwargs: Any,  # noqa: ANN401 - the call's other keywords
) -> ChatResult:
    """Send one InvokeModel call for `model_id` and parse the native answer.

    Args:
        model: The chat model (its client, family and parameters are used).
        messages: The prepared conversation.
        model_id: The model ID to send (the engine's choice).
        **kwargs: The call's other keywords; tools and structured output are refused.

    Returns:
        The result, with the answer's usage and the sent model ID in its metadata.

    Raises:
        RequestValidationError: The call binds tools or a response format, which a
            native body cannot carry.
    """
    refused = sorted(name for name in _UNSUPPORTED if kwargs.get(name))
    if refused:
        msg = (
            f"{', '.join(refused)} cannot be sent through InvokeModel's native body; "
            'use the Converse API (api="converse").'
        )
        raise RequestValidationError(msg, model_id=model.model_id, region=model.region_name)
    body = request_body(type(model), messages, model.parameters)
    response = model.client.invoke_model(
        modelId=model_id, body=body, contentType="application/json", accept="application/json"
    )
    message = type(model).parse_invoke_response(json.loads(response["body"].read()))
    if message.usage_metadata is None:
        message.usage_metadata = usage_from_headers(response)
    message.response_metadata.update(
        {
            "model_name": model_id,
            "api": "invoke",
            "ResponseMetadata": response.get("ResponseMetadata", {}),
        }
    )
    return ChatResult(generations=[ChatGeneration(message=message)])


def usage_from_headers(response: Mapping[str, Any]) -> UsageMetadata | None:
    """Token counts from the headers Bedrock adds to every InvokeModel answer.

    Bedrock reports them as `X-Amzn-Bedrock-Input-Token-Count` and
    `X-Amzn-Bedrock-Output-Token-Count` whatever the native body says (Mistral's says
    nothing), per the InvokeModel API reference.

    Args:
        response: boto3's `invoke_model` answer.

    Returns:
        The usage, or `None` when the headers are absent.

    Example:
        >>> usage_from_headers({"ResponseMetadata": {"HTTPHeaders": {
        ...     "x-amzn-bedrock-input-token-count": "7",
        ...     "x-amzn-bedrock-output-token-count": "3"}}})
        {'input_tokens': 7, 'output_tokens': 3, 'total_tokens': 10}
    """
    headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    counts = (
        headers.get("x-amzn-bedrock-input-token-count"),
        headers.get("x-amzn-bedrock-output-token-count"),
    )
    if not all(isinstance(count, str) and count.isdigit() for count in counts):
        return None
    tokens_in, tokens_out = (int(str(count)) for count in counts)
    return UsageMetadata(
        input_tokens=tokens_in, output_tokens=tokens_out, total_tokens=tokens_in + tokens_out
    )


async def agenerate_once(
    model: EnhancedChatBedrockConverse,
    messages: Sequence[BaseMessage],
    *,
    model_id: str,
    **kwargs: Any,  # noqa: ANN401 - the call's other keywords
) -> ChatResult:
    """`generate_once` in a worker thread (the request count follows the context).

    Args:
        model: The chat model.
        messages: The prepared conversation.
        model_id: The model ID to send.
        **kwargs: The call's other keywords.

    Returns:
        The result, as `generate_once` returns it.
    """
    return await asyncio.to_thread(generate_once, model, messages, model_id=model_id, **kwargs)
