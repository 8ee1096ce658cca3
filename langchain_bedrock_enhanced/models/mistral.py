"""Mistral AI on Bedrock: Mistral 7B, Mixtral 8x7B, Mistral Large (and Large 3)/Small, Pixtral.

Mistral 7B and Mixtral accept no system prompt ("This model doesn't support system
messages."), so system text is folded into the first user turn. No Mistral model
streams with tools bound, so such calls fall back to one non-streaming call. top_k
(1-200) exists on Mistral 7B and Mixtral only, sent as `{"top_k": N}`.

Mistral 3 models (Mistral Large 3, Ministral 3) refuse a tool-call ID that is not nine
letters or digits, including the `tooluse_…` IDs Bedrock itself gave them on the turn
before (vercel/ai#11802). Their tool-call IDs are rewritten before sending, the same
way in the assistant's call and in the tool's result, so an agent loop keeps working.

Example:
    >>> from langchain_bedrock_enhanced.models.mistral import MixtralParameters
    >>> MixtralParameters(top_k=50).additional_model_request_fields()
    {'top_k': 50}
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from pydantic import Field
from typing_extensions import override

from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse, ToolChoiceValue
from langchain_bedrock_enhanced.models._native import drop_none, split_turns, usage
from langchain_bedrock_enhanced.parameters import BedrockModelParameters, ModelLimits

__all__ = [
    "MistralEnhancedChatBedrockConverse",
    "MistralParameters",
    "MixtralParameters",
    "short_tool_call_id",
]

_TOP_K = (1, 200)
_NO_SYSTEM_PROMPT = frozenset(
    {"mistral.mistral-7b-instruct-v0:2", "mistral.mixtral-8x7b-instruct-v0:1"}
)
_TOOL_CHOICES: Mapping[str, tuple[ToolChoiceValue, ...]] = {
    "mistral.mistral-7b-instruct-v0:2": (),
    "mistral.mixtral-8x7b-instruct-v0:1": (),
    "mistral.mistral-large-2402-v1:0": ("auto", "any"),
    "mistral.mistral-large-2407-v1:0": ("auto", "any"),
    "mistral.mistral-small-2402-v1:0": ("auto",),
    "mistral.pixtral-large-2502-v1:0": ("auto",),
    # langchain-aws offers (auto, any) to every id containing "mistral-large".
    "mistral.mistral-large-3-675b-instruct": ("auto", "any"),
}


class _MistralBase(BedrockModelParameters):
    top_k: int | None = Field(default=None, ge=0)
    """Sample from the k most likely tokens (1-200, Mistral 7B and Mixtral only)."""


class MixtralParameters(_MistralBase):
    """Mixtral 8x7B Instruct: 4096 output tokens, top_k 1-200.

    Example:
        >>> MixtralParameters(max_tokens=5000)
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error for MixtralParameters
        ...
    """

    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "mistral.mixtral-8x7b-instruct-v0:1": ModelLimits(4096, "Mixtral 8x7B", top_k=_TOP_K),
    }


class MistralParameters(_MistralBase):
    """Mistral 7B, Large (24.02, 24.07, 3), Small (24.02) and Pixtral Large: 8192 tokens.

    Example:
        >>> MistralParameters(model_id="mistral.mistral-large-2402-v1:0", top_k=5)
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error for MistralParameters
        ...
    """

    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "mistral.mistral-7b-instruct-v0:2": ModelLimits(8192, "Mistral 7B", top_k=_TOP_K),
        "mistral.mistral-large-2402-v1:0": ModelLimits(8192, "Mistral Large (24.02)"),
        "mistral.mistral-large-2407-v1:0": ModelLimits(8192, "Mistral Large 2 (24.07)"),
        "mistral.mistral-small-2402-v1:0": ModelLimits(8192, "Mistral Small (24.02)"),
        "mistral.pixtral-large-2502-v1:0": ModelLimits(8192, "Pixtral Large (25.02)"),
        # 8192 output tokens: models.dev, as langchain-aws 1.9.1 ships it in
        # langchain_aws/data/_profiles.py (AWS's model card gives no figure).
        "mistral.mistral-large-3-675b-instruct": ModelLimits(8192, "Mistral Large 3"),
    }


_SHORT_ID = re.compile(r"[a-zA-Z0-9]{9}")
_SHORT_ID_MODELS = ("mistral.mistral-large-3", "mistral.ministral-3")
"""Base-model prefixes of the models that accept only nine-character tool-call IDs."""


def short_tool_call_id(tool_call_id: str) -> str:
    """A tool-call ID Mistral 3 accepts: kept when it is nine letters or digits, else hashed.

    The same ID always maps to the same short one, so a call and its result still match.

    Args:
        tool_call_id: The ID as the conversation holds it.

    Returns:
        Nine letters or digits.

    Example:
        >>> short_tool_call_id("abc123XYZ")
        'abc123XYZ'
        >>> given = "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q"
        >>> short = short_tool_call_id(given)
        >>> len(short), short.isalnum(), short == short_tool_call_id(given)
        (9, True, True)
    """
    if _SHORT_ID.fullmatch(tool_call_id):
        return tool_call_id
    return hashlib.sha256(tool_call_id.encode()).hexdigest()[:9]


def _with_short_tool_call_ids(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    return [_shorten(message) for message in messages]


def _shorten(message: BaseMessage) -> BaseMessage:
    if isinstance(message, ToolMessage):
        return message.model_copy(update={"tool_call_id": short_tool_call_id(message.tool_call_id)})
    if not isinstance(message, AIMessage) or not message.tool_calls:
        return message
    calls = [{**call, "id": short_tool_call_id(call["id"] or "")} for call in message.tool_calls]
    content = message.content
    if isinstance(content, list):  # tool_use blocks as Bedrock returned them
        content = [
            {**block, "id": short_tool_call_id(str(block.get("id", "")))}
            if isinstance(block, dict) and block.get("type") == "tool_use"
            else block
            for block in content
        ]
    return message.model_copy(update={"tool_calls": calls, "content": content})


class MistralEnhancedChatBedrockConverse(EnhancedChatBedrockConverse):
    """Mistral AI models (Mixtral included) through Converse, limits enforced up front.

    Example:
        >>> from langchain_core.messages import HumanMessage, SystemMessage
        >>> model = MistralEnhancedChatBedrockConverse(
        ...     model="mistral.mistral-7b-instruct-v0:2", region_name="us-east-1"
        ... )
        >>> model.accepts_system_prompt()
        False
    """

    PARAMETER_CLASSES: ClassVar[tuple[type[BedrockModelParameters], ...]] = (
        MixtralParameters,
        MistralParameters,
    )
    PROVIDER: ClassVar[str | None] = "mistral"

    @override
    def accepts_system_prompt(self) -> bool:
        parameters = self.parameters
        return parameters is None or parameters.model_id not in _NO_SYSTEM_PROMPT

    @override
    def _prepare_messages(self, messages: list[BaseMessage]) -> list[BaseMessage]:
        prepared = super()._prepare_messages(messages)
        base = self._resolved_base_model_id() or ""
        if base.startswith(_SHORT_ID_MODELS):
            return _with_short_tool_call_ids(prepared)
        return prepared

    @classmethod
    @override
    def tool_choice_values_for(cls, base_model_id: str) -> tuple[ToolChoiceValue, ...] | None:
        found = cls.parameter_class_for(base_model_id)
        return _TOOL_CHOICES.get(found[1], ()) if found else None

    @classmethod
    @override
    def tools_streamable(cls, base_model_id: str) -> bool | None:
        del base_model_id
        return False

    @classmethod
    @override
    def extract_stream_text(cls, event: Mapping[str, Any]) -> str:
        # Native chunks: {"outputs": [{"text": ...}]} (text completion) or
        # {"choices": [{"message"|"delta": {"content": ...}}]} (chat form).
        outputs = event.get("outputs")
        if isinstance(outputs, list) and outputs:
            return str(outputs[0].get("text") or "")
        choices = event.get("choices")
        if isinstance(choices, list) and choices:
            part = choices[0].get("delta") or choices[0].get("message") or {}
            return str(part.get("content") or "")
        return super().extract_stream_text(event)

    @classmethod
    @override
    def format_invoke_body(
        cls,
        messages: Sequence[BaseMessage],
        parameters: BedrockModelParameters | None = None,
    ) -> dict[str, Any]:
        """A `<s>[INST] … [/INST]` prompt with Mistral's native parameters.

        System text has no place in the template, so it opens the first user turn.

        Args:
            messages: The conversation.
            parameters: Validated Mistral parameters.

        Returns:
            The body: `prompt`, `max_tokens`, `temperature`, `top_p`, `top_k`, `stop`.

        Example:
            >>> from langchain_core.messages import AIMessage, HumanMessage
            >>> MistralEnhancedChatBedrockConverse.format_invoke_body(
            ...     [HumanMessage("Hi"), AIMessage("Hello"), HumanMessage("Bye")]
            ... )["prompt"]
            '<s>[INST] Hi [/INST] Hello</s>[INST] Bye [/INST]'
        """
        system, turns = split_turns(messages)
        if system:
            preamble = "\n\n".join(system)
            if turns and turns[0][0] == "user":
                turns[0] = ("user", f"{preamble}\n\n{turns[0][1]}")
            else:
                turns.insert(0, ("user", preamble))
        prompt = "<s>"
        for role, text in turns:
            prompt += f"[INST] {text} [/INST]" if role == "user" else f" {text}</s>"
        sampling = parameters or MistralParameters()
        return drop_none(
            {
                "prompt": prompt,
                "max_tokens": sampling.max_tokens,
                "temperature": sampling.temperature,
                "top_p": sampling.top_p,
                "top_k": getattr(sampling, "top_k", None),
                "stop": list(sampling.stop_sequences) if sampling.stop_sequences else None,
            }
        )

    @classmethod
    @override
    def parse_invoke_response(cls, body: Mapping[str, Any]) -> AIMessage:
        """Read `outputs[0].text` (text completion) or `choices[0].message` (chat).

        Args:
            body: The decoded response body.

        Returns:
            The assistant message.

        Example:
            >>> MistralEnhancedChatBedrockConverse.parse_invoke_response(
            ...     {"outputs": [{"text": " Hi", "stop_reason": "stop"}]}
            ... ).content
            ' Hi'
        """
        outputs = body.get("outputs")
        if isinstance(outputs, list) and outputs:
            first = outputs[0]
            return AIMessage(
                content=str(first.get("text") or ""),
                response_metadata=drop_none({"stop_reason": first.get("stop_reason")}),
            )
        choices = body.get("choices") or [{}]
        message = choices[0].get("message") or {}
        counts = body.get("usage") or {}
        return AIMessage(
            content=str(message.get("content") or ""),
            usage_metadata=usage(counts.get("prompt_tokens"), counts.get("completion_tokens")),
            response_metadata=drop_none({"stop_reason": choices[0].get("finish_reason")}),
        )
