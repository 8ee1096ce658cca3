"""Anthropic Claude on Bedrock: Claude 3, 3.5, 3.7, 4.x and 5.

Limits come from `../shared/reference/bedrock_models.json` (AWS model cards, the
Anthropic Bedrock table, langchain-aws profile data). Bedrock stays the final judge
where the sources are unsure.

Example:
    >>> from langchain_bedrock_enhanced.models.claude import Claude4Parameters
    >>> Claude4Parameters(model_id="anthropic.claude-opus-4-1-20250805-v1:0", max_tokens=40000)
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Claude4Parameters
    ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.messages.tool import tool_call
from pydantic import Field
from typing_extensions import override

from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse
from langchain_bedrock_enhanced.models._native import drop_none, split_turns, usage
from langchain_bedrock_enhanced.parameters import (
    BedrockModelParameters,
    ModelLimits,
    SamplingRule,
)

__all__ = [
    "ANTHROPIC_VERSION",
    "Claude3Parameters",
    "Claude4Parameters",
    "Claude35Parameters",
    "Claude37Parameters",
    "ClaudeEnhancedChatBedrockConverse",
    "ClaudeParameters",
]

ANTHROPIC_VERSION = "bedrock-2023-05-31"
"""The `anthropic_version` every native Claude request body carries on Bedrock."""

_TOP_K = (0, 500)
_DEFAULT_NATIVE_MAX_TOKENS = 4096


def _claude(name: str, max_output: int, sampling: SamplingRule = "any") -> ModelLimits:
    return ModelLimits(
        max_output_tokens=max_output,
        name=name,
        top_k=None if sampling == "none" else _TOP_K,
        sampling=sampling,
    )


class ClaudeParameters(BedrockModelParameters):
    """Parameters shared by every Claude model; top_k goes to `{"top_k": N}`.

    Example:
        >>> ClaudeParameters.request_fields_for({"top_k": 10})
        {'top_k': 10}
    """

    top_k: int | None = Field(default=None, ge=0)
    """Sample from the k most likely tokens (0-500); sent as `{"top_k": N}`."""


class Claude3Parameters(ClaudeParameters):
    """Claude 3 Haiku, Sonnet and Opus: 4096 output tokens.

    Example:
        >>> Claude3Parameters(model_id="anthropic.claude-3-haiku-20240307-v1:0", top_k=50).top_k
        50
    """

    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "anthropic.claude-3-haiku-20240307-v1:0": _claude("Claude 3 Haiku", 4096),
        "anthropic.claude-3-sonnet-20240229-v1:0": _claude("Claude 3 Sonnet", 4096),
        "anthropic.claude-3-opus-20240229-v1:0": _claude("Claude 3 Opus", 4096),
    }


class Claude35Parameters(ClaudeParameters):
    """Claude 3.5 Sonnet (v1, v2) and 3.5 Haiku: 8192 output tokens.

    Example:
        >>> Claude35Parameters(model_id="anthropic.claude-3-5-haiku-20241022-v1:0").max_tokens
    """

    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "anthropic.claude-3-5-sonnet-20240620-v1:0": _claude("Claude 3.5 Sonnet", 8192),
        "anthropic.claude-3-5-sonnet-20241022-v2:0": _claude("Claude 3.5 Sonnet v2", 8192),
        "anthropic.claude-3-5-haiku-20241022-v1:0": _claude("Claude 3.5 Haiku", 8192),
    }


class Claude37Parameters(ClaudeParameters):
    """Claude 3.7 Sonnet: 64000 output tokens (extended output).

    Example:
        >>> Claude37Parameters(max_tokens=64000).max_tokens
        64000
    """

    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "anthropic.claude-3-7-sonnet-20250219-v1:0": _claude("Claude 3.7 Sonnet", 64000),
    }


class Claude4Parameters(ClaudeParameters):
    """Claude 4, 4.1, 4.5, 4.6 and later (Opus 4.7/4.8, Sonnet/Opus/Fable 5).

    Claude 4.5 and 4.6 reject temperature together with top_p; Opus 4.7 and later
    accept no sampling parameters at all.

    Example:
        >>> Claude4Parameters(
        ...     model_id="anthropic.claude-sonnet-4-5-20250929-v1:0", temperature=0.3
        ... ).temperature
        0.3
    """

    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "anthropic.claude-sonnet-4-20250514-v1:0": _claude("Claude Sonnet 4", 64000),
        "anthropic.claude-opus-4-20250514-v1:0": _claude("Claude Opus 4", 32000),
        "anthropic.claude-opus-4-1-20250805-v1:0": _claude("Claude Opus 4.1", 32000),
        "anthropic.claude-sonnet-4-5-20250929-v1:0": _claude(
            "Claude Sonnet 4.5", 64000, "exclusive"
        ),
        "anthropic.claude-haiku-4-5-20251001-v1:0": _claude("Claude Haiku 4.5", 64000, "exclusive"),
        "anthropic.claude-opus-4-5-20251101-v1:0": _claude("Claude Opus 4.5", 64000, "exclusive"),
        "anthropic.claude-opus-4-6-v1": _claude("Claude Opus 4.6", 128000, "exclusive"),
        # Sources disagree (64000 on most Bedrock listings, 128000 on one); 64000 is
        # what most Bedrock regions report.
        "anthropic.claude-sonnet-4-6": _claude("Claude Sonnet 4.6", 64000, "exclusive"),
        "anthropic.claude-opus-4-7": _claude("Claude Opus 4.7", 128000, "none"),
        "anthropic.claude-opus-4-8": _claude("Claude Opus 4.8", 128000, "none"),
        "anthropic.claude-sonnet-5": _claude("Claude Sonnet 5", 128000, "none"),
        "anthropic.claude-opus-5": _claude("Claude Opus 5", 128000, "none"),
        "anthropic.claude-fable-5": _claude("Claude Fable 5", 128000, "none"),
    }


class ClaudeEnhancedChatBedrockConverse(EnhancedChatBedrockConverse):
    """Claude on Bedrock through Converse, with Claude's limits enforced up front.

    System prompts, tool choice `auto`/`any`/`tool`, and streaming with tools are all
    supported. top_k is sent as `additionalModelRequestFields={"top_k": N}`.

    Example:
        >>> model = ClaudeEnhancedChatBedrockConverse(
        ...     model="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        ...     region_name="us-east-1",
        ...     temperature=0.2,
        ...     top_k=50,
        ... )
        >>> model.additional_model_request_fields
        {'top_k': 50}
    """

    PARAMETER_CLASSES: ClassVar[tuple[type[BedrockModelParameters], ...]] = (
        Claude3Parameters,
        Claude35Parameters,
        Claude37Parameters,
        Claude4Parameters,
    )
    PROVIDER: ClassVar[str | None] = "anthropic"

    # `tool_choice_values_for` keeps the base answer (None): langchain-aws narrows the
    # choices to ("auto",) when extended thinking is on, so it decides for Claude.

    @classmethod
    @override
    def tools_streamable(cls, base_model_id: str) -> bool | None:
        del base_model_id
        return True

    @classmethod
    @override
    def extract_stream_text(cls, event: Mapping[str, Any]) -> str:
        # Native chunk: {"type": "content_block_delta", "delta": {"type":
        # "text_delta", "text": "..."}}.
        if event.get("type") == "content_block_delta":
            delta = event.get("delta") or {}
            text = delta.get("text")
            return text if isinstance(text, str) else ""
        return super().extract_stream_text(event)

    @classmethod
    @override
    def format_invoke_body(
        cls,
        messages: Sequence[BaseMessage],
        parameters: BedrockModelParameters | None = None,
    ) -> dict[str, Any]:
        """The Anthropic Messages API body Bedrock's InvokeModel expects.

        `max_tokens` is required by the API; without one in `parameters`, 4096 (or
        the model's limit, if lower) is used.

        Args:
            messages: The conversation.
            parameters: Validated Claude parameters.

        Returns:
            The body, with `anthropic_version` set to `bedrock-2023-05-31`.

        Example:
            >>> from langchain_core.messages import HumanMessage, SystemMessage
            >>> body = ClaudeEnhancedChatBedrockConverse.format_invoke_body(
            ...     [SystemMessage("Be brief."), HumanMessage("Hi")]
            ... )
            >>> body["anthropic_version"], body["system"], body["messages"][0]["role"]
            ('bedrock-2023-05-31', 'Be brief.', 'user')
        """
        system: list[str] = []
        turns: list[dict[str, Any]] = []
        for message in messages:
            role, blocks = _claude_blocks(message)
            if role == "system":
                system.extend(str(b["text"]) for b in blocks)
            elif turns and turns[-1]["role"] == role:
                turns[-1]["content"].extend(blocks)
            else:
                turns.append({"role": role, "content": blocks})
        limit = (
            type(parameters).limits_for(parameters.model_id).max_output_tokens
            if parameters is not None
            else _DEFAULT_NATIVE_MAX_TOKENS
        )
        sampling = parameters or ClaudeParameters()
        return drop_none(
            {
                "anthropic_version": ANTHROPIC_VERSION,
                "max_tokens": sampling.max_tokens or min(_DEFAULT_NATIVE_MAX_TOKENS, limit),
                "system": "\n\n".join(system) or None,
                "messages": turns,
                "temperature": sampling.temperature,
                "top_p": sampling.top_p,
                "top_k": getattr(sampling, "top_k", None),
                "stop_sequences": list(sampling.stop_sequences)
                if sampling.stop_sequences
                else None,
            }
        )

    @classmethod
    @override
    def parse_invoke_response(cls, body: Mapping[str, Any]) -> AIMessage:
        """Read a Messages API response: text blocks, tool_use blocks and usage.

        Args:
            body: The decoded response body.

        Returns:
            The assistant message.

        Example:
            >>> ClaudeEnhancedChatBedrockConverse.parse_invoke_response(
            ...     {"content": [{"type": "text", "text": "Hi"}],
            ...      "usage": {"input_tokens": 3, "output_tokens": 1}}
            ... ).usage_metadata["total_tokens"]
            4
        """
        texts: list[str] = []
        calls = []
        for block in body.get("content") or []:
            if block.get("type") == "text":
                texts.append(str(block.get("text", "")))
            elif block.get("type") == "tool_use":
                calls.append(
                    tool_call(name=block["name"], args=block.get("input") or {}, id=block.get("id"))
                )
        counts = body.get("usage") or {}
        return AIMessage(
            content="".join(texts),
            tool_calls=calls,
            usage_metadata=usage(counts.get("input_tokens"), counts.get("output_tokens")),
            response_metadata=drop_none(
                {"stop_reason": body.get("stop_reason"), "model_name": body.get("model")}
            ),
        )


def _claude_blocks(message: BaseMessage) -> tuple[str, list[dict[str, Any]]]:
    if message.type == "system":
        return "system", [{"type": "text", "text": message.text}]
    if isinstance(message, ToolMessage):
        return "user", [
            {
                "type": "tool_result",
                "tool_use_id": message.tool_call_id,
                "content": message.text,
            }
        ]
    if isinstance(message, AIMessage):
        blocks: list[dict[str, Any]] = (
            [{"type": "text", "text": message.text}] if message.text else []
        )
        blocks.extend(
            {"type": "tool_use", "id": call["id"], "name": call["name"], "input": call["args"]}
            for call in message.tool_calls
        )
        return "assistant", blocks
    _, turns = split_turns([message])
    role = turns[0][0] if turns else "user"
    return role, [{"type": "text", "text": message.text}]
