"""Amazon Nova on Bedrock: Nova Micro, Lite, Pro, Premier, and Nova 2.

Nova nests top_k: Converse sends it as
`additionalModelRequestFields={"inferenceConfig": {"topK": N}}`. Output limits are
from the AWS Nova documentation (10000 for Nova v1, 32000 for Premier, 65536 for
Nova 2 Lite); where sources disagree the larger value is used.

Example:
    >>> from langchain_bedrock_enhanced.models.nova import NovaParameters
    >>> NovaParameters(model_id="amazon.nova-pro-v1:0", top_k=20).additional_model_request_fields()
    {'inferenceConfig': {'topK': 20}}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.messages.tool import tool_call
from pydantic import Field
from typing_extensions import override

from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse, ToolChoiceValue
from langchain_bedrock_enhanced.models._native import drop_none, split_turns, usage
from langchain_bedrock_enhanced.parameters import BedrockModelParameters, ModelLimits

__all__ = [
    "NOVA_SCHEMA_VERSION",
    "Nova2Parameters",
    "NovaEnhancedChatBedrockConverse",
    "NovaParameters",
]

NOVA_SCHEMA_VERSION = "messages-v1"
"""The `schemaVersion` of Nova's native InvokeModel body."""

# AWS documents Nova's topK as an integer from 0 to 128.
_TOP_K = (0, 128)


class _NovaBase(BedrockModelParameters):
    TOP_K_PATH: ClassVar[tuple[str, ...]] = ("inferenceConfig", "topK")

    top_k: int | None = Field(default=None, ge=0)
    """Sample from the k most likely tokens (0-128); sent as `inferenceConfig.topK`."""


class NovaParameters(_NovaBase):
    """Nova Micro, Lite, Pro and Premier.

    Example:
        >>> NovaParameters(model_id="amazon.nova-lite-v1:0", max_tokens=10001)
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error for NovaParameters
        ...
    """

    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "amazon.nova-micro-v1:0": ModelLimits(10000, "Nova Micro", top_k=_TOP_K),
        "amazon.nova-lite-v1:0": ModelLimits(10000, "Nova Lite", top_k=_TOP_K),
        "amazon.nova-pro-v1:0": ModelLimits(10000, "Nova Pro", top_k=_TOP_K),
        "amazon.nova-premier-v1:0": ModelLimits(32000, "Nova Premier", top_k=_TOP_K),
    }


class Nova2Parameters(_NovaBase):
    """Nova 2 (Lite): 65536 output tokens.

    Example:
        >>> Nova2Parameters(model_id="amazon.nova-2-lite-v1:0", max_tokens=65536).max_tokens
        65536
    """

    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "amazon.nova-2-lite-v1:0": ModelLimits(65536, "Nova 2 Lite", top_k=_TOP_K),
    }


class NovaEnhancedChatBedrockConverse(EnhancedChatBedrockConverse):
    """Amazon Nova through Converse, with Nova's limits enforced up front.

    Supports system prompts, tool choice `auto`/`any`/`tool`, and streaming with
    tools. top_k is sent nested as `inferenceConfig.topK`.

    Example:
        >>> model = NovaEnhancedChatBedrockConverse(
        ...     model="us.amazon.nova-lite-v1:0", region_name="us-east-1", top_k=10
        ... )
        >>> model.additional_model_request_fields
        {'inferenceConfig': {'topK': 10}}
    """

    PARAMETER_CLASSES: ClassVar[tuple[type[BedrockModelParameters], ...]] = (
        NovaParameters,
        Nova2Parameters,
    )
    PROVIDER: ClassVar[str | None] = "amazon"

    @classmethod
    @override
    def tool_choice_values_for(cls, base_model_id: str) -> tuple[ToolChoiceValue, ...] | None:
        del base_model_id
        return ("auto", "any", "tool")

    @classmethod
    @override
    def tools_streamable(cls, base_model_id: str) -> bool | None:
        del base_model_id
        return True

    @classmethod
    @override
    def format_invoke_body(
        cls,
        messages: Sequence[BaseMessage],
        parameters: BedrockModelParameters | None = None,
    ) -> dict[str, Any]:
        """Nova's native `messages-v1` body.

        Args:
            messages: The conversation.
            parameters: Validated Nova parameters.

        Returns:
            The body: `schemaVersion`, `system`, `messages` and `inferenceConfig`
            (`max_new_tokens`, `temperature`, `top_p`, `top_k`, `stopSequences`).

        Example:
            >>> from langchain_core.messages import HumanMessage
            >>> body = NovaEnhancedChatBedrockConverse.format_invoke_body(
            ...     [HumanMessage("Hi")], NovaParameters(max_tokens=50)
            ... )
            >>> body["schemaVersion"], body["inferenceConfig"]
            ('messages-v1', {'max_new_tokens': 50})
        """
        system, turns = split_turns(messages)
        sampling = parameters or NovaParameters()
        config = drop_none(
            {
                "max_new_tokens": sampling.max_tokens,
                "temperature": sampling.temperature,
                "top_p": sampling.top_p,
                "top_k": getattr(sampling, "top_k", None),
                "stopSequences": list(sampling.stop_sequences) if sampling.stop_sequences else None,
            }
        )
        return drop_none(
            {
                "schemaVersion": NOVA_SCHEMA_VERSION,
                "system": [{"text": text} for text in system] or None,
                "messages": [{"role": role, "content": [{"text": text}]} for role, text in turns],
                "inferenceConfig": config or None,
            }
        )

    @classmethod
    @override
    def parse_invoke_response(cls, body: Mapping[str, Any]) -> AIMessage:
        """Read Nova's native response: `output.message.content`, `usage`.

        Args:
            body: The decoded response body.

        Returns:
            The assistant message.

        Example:
            >>> NovaEnhancedChatBedrockConverse.parse_invoke_response(
            ...     {"output": {"message": {"role": "assistant", "content": [{"text": "Hi"}]}},
            ...      "stopReason": "end_turn"}
            ... ).content
            'Hi'
        """
        message = (body.get("output") or {}).get("message") or {}
        texts: list[str] = []
        calls = []
        for block in message.get("content") or []:
            if "text" in block:
                texts.append(str(block["text"]))
            elif "toolUse" in block:
                use = block["toolUse"]
                calls.append(
                    tool_call(
                        name=use["name"], args=use.get("input") or {}, id=use.get("toolUseId")
                    )
                )
        counts = body.get("usage") or {}
        return AIMessage(
            content="".join(texts),
            tool_calls=calls,
            usage_metadata=usage(counts.get("inputTokens"), counts.get("outputTokens")),
            response_metadata=drop_none({"stop_reason": body.get("stopReason")}),
        )
