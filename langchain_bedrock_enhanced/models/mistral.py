"""Mistral AI on Bedrock: Mistral 7B, Mixtral 8x7B, Mistral Large (and Large 3)/Small, Pixtral.

Mistral 7B and Mixtral accept no system prompt ("This model doesn't support system
messages."), so system text is folded into the first user turn. No Mistral model
streams with tools bound, so such calls fall back to one non-streaming call. top_k
(1-200) exists on Mistral 7B and Mixtral only, sent as `{"top_k": N}`.

Example:
    >>> from langchain_bedrock_enhanced.models.mistral import MixtralParameters
    >>> MixtralParameters(top_k=50).additional_model_request_fields()
    {'top_k': 50}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from langchain_core.messages import AIMessage, BaseMessage
from pydantic import Field
from typing_extensions import override

from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse, ToolChoiceValue
from langchain_bedrock_enhanced.models._native import drop_none, split_turns, usage
from langchain_bedrock_enhanced.parameters import BedrockModelParameters, ModelLimits

__all__ = [
    "MistralEnhancedChatBedrockConverse",
    "MistralParameters",
    "MixtralParameters",
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
