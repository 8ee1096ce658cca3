"""Meta Llama on Bedrock: Llama 3, 3.1, 3.2, 3.3 and Llama 4.

Llama has no top_k on Bedrock: passing one is an error rather than a silent drop.
Llama cannot stream while tools are bound (Bedrock answers "This model doesn't
support tool use in streaming mode."), so a call with tools falls back to one
non-streaming call. Output limits follow AWS's parameter table (`max_gen_len` at
most 2048 for Llama 3.x) and 8192 for Llama 4; models.dev lists larger values
(4096, 16384) with lower confidence.

Example:
    >>> from langchain_bedrock_enhanced.models.llama import Llama3Parameters
    >>> Llama3Parameters(model_id="meta.llama3-8b-instruct-v1:0", top_k=5)
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Llama3Parameters
    ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from langchain_core.messages import AIMessage, BaseMessage
from typing_extensions import override

from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse, ToolChoiceValue
from langchain_bedrock_enhanced.models._native import drop_none, split_turns, usage
from langchain_bedrock_enhanced.parameters import BedrockModelParameters, ModelLimits

__all__ = [
    "Llama3Parameters",
    "Llama4Parameters",
    "LlamaEnhancedChatBedrockConverse",
]


class Llama3Parameters(BedrockModelParameters):
    """Llama 3, 3.1, 3.2 and 3.3 instruct models (no top_k).

    Example:
        >>> Llama3Parameters(model_id="meta.llama3-3-70b-instruct-v1:0", max_tokens=2048).max_tokens
        2048
    """

    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "meta.llama3-8b-instruct-v1:0": ModelLimits(2048, "Llama 3 8B Instruct"),
        "meta.llama3-70b-instruct-v1:0": ModelLimits(2048, "Llama 3 70B Instruct"),
        "meta.llama3-1-8b-instruct-v1:0": ModelLimits(2048, "Llama 3.1 8B Instruct"),
        "meta.llama3-1-70b-instruct-v1:0": ModelLimits(2048, "Llama 3.1 70B Instruct"),
        "meta.llama3-1-405b-instruct-v1:0": ModelLimits(2048, "Llama 3.1 405B Instruct"),
        "meta.llama3-2-1b-instruct-v1:0": ModelLimits(2048, "Llama 3.2 1B Instruct"),
        "meta.llama3-2-3b-instruct-v1:0": ModelLimits(2048, "Llama 3.2 3B Instruct"),
        "meta.llama3-2-11b-instruct-v1:0": ModelLimits(2048, "Llama 3.2 11B Instruct"),
        "meta.llama3-2-90b-instruct-v1:0": ModelLimits(2048, "Llama 3.2 90B Instruct"),
        "meta.llama3-3-70b-instruct-v1:0": ModelLimits(2048, "Llama 3.3 70B Instruct"),
    }


class Llama4Parameters(BedrockModelParameters):
    """Llama 4 Scout and Maverick (no top_k).

    Example:
        >>> Llama4Parameters(model_id="meta.llama4-scout-17b-instruct-v1:0", temperature=0.5).top_p
    """

    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "meta.llama4-scout-17b-instruct-v1:0": ModelLimits(8192, "Llama 4 Scout 17B"),
        "meta.llama4-maverick-17b-instruct-v1:0": ModelLimits(8192, "Llama 4 Maverick 17B"),
    }


# Models without tool use at all (langchain-aws and the AWS feature table agree).
_NO_TOOLS = (
    "meta.llama3-8b-",
    "meta.llama3-70b-",
    "meta.llama3-2-1b-",
    "meta.llama3-2-3b-",
)


class LlamaEnhancedChatBedrockConverse(EnhancedChatBedrockConverse):
    """Meta Llama through Converse, with Llama's limits enforced up front.

    Tool choice is `auto` only (none for Llama 3 and 3.2 1B/3B); calls with tools
    are not streamed; top_k is rejected.

    Example:
        >>> model = LlamaEnhancedChatBedrockConverse(
        ...     model="us.meta.llama4-scout-17b-instruct-v1:0", region_name="us-east-1"
        ... )
        >>> model.disable_streaming, model.supports_tool_choice_values
        ('tool_calling', ('auto',))
    """

    PARAMETER_CLASSES: ClassVar[tuple[type[BedrockModelParameters], ...]] = (
        Llama3Parameters,
        Llama4Parameters,
    )
    PROVIDER: ClassVar[str | None] = "meta"

    @classmethod
    @override
    def tool_choice_values_for(cls, base_model_id: str) -> tuple[ToolChoiceValue, ...] | None:
        if base_model_id.startswith(_NO_TOOLS):
            return ()
        return ("auto",)

    @classmethod
    @override
    def tools_streamable(cls, base_model_id: str) -> bool | None:
        del base_model_id
        return False

    @classmethod
    @override
    def extract_stream_text(cls, event: Mapping[str, Any]) -> str:
        # Native chunk: {"generation": "...", "stop_reason": null, ...}.
        generation = event.get("generation")
        if isinstance(generation, str):
            return generation
        return super().extract_stream_text(event)

    @classmethod
    @override
    def format_invoke_body(
        cls,
        messages: Sequence[BaseMessage],
        parameters: BedrockModelParameters | None = None,
    ) -> dict[str, Any]:
        """A Llama 3 chat-template prompt with `max_gen_len`, temperature and top_p.

        Args:
            messages: The conversation.
            parameters: Validated Llama parameters.

        Returns:
            The body: `prompt`, `max_gen_len`, `temperature`, `top_p`.

        Example:
            >>> from langchain_core.messages import HumanMessage
            >>> print(
            ...     LlamaEnhancedChatBedrockConverse.format_invoke_body([HumanMessage("Hi")])[
            ...         "prompt"
            ...     ]
            ... )
            <|begin_of_text|><|start_header_id|>user<|end_header_id|>
            <BLANKLINE>
            Hi<|eot_id|><|start_header_id|>assistant<|end_header_id|>
            <BLANKLINE>
            <BLANKLINE>
        """
        system, turns = split_turns(messages)
        parts = ["<|begin_of_text|>"]
        if system:
            parts.append(_header("system") + "\n\n".join(system) + "<|eot_id|>")
        parts.extend(_header(role) + text + "<|eot_id|>" for role, text in turns)
        parts.append(_header("assistant"))
        sampling = parameters or Llama3Parameters()
        return drop_none(
            {
                "prompt": "".join(parts),
                "max_gen_len": sampling.max_tokens,
                "temperature": sampling.temperature,
                "top_p": sampling.top_p,
            }
        )

    @classmethod
    @override
    def parse_invoke_response(cls, body: Mapping[str, Any]) -> AIMessage:
        """Read Llama's native response: `generation` and token counts.

        Args:
            body: The decoded response body.

        Returns:
            The assistant message.

        Example:
            >>> LlamaEnhancedChatBedrockConverse.parse_invoke_response(
            ...     {"generation": "Hi", "prompt_token_count": 5, "generation_token_count": 1}
            ... ).usage_metadata["total_tokens"]
            6
        """
        return AIMessage(
            content=str(body.get("generation") or ""),
            usage_metadata=usage(
                body.get("prompt_token_count"), body.get("generation_token_count")
            ),
            response_metadata=drop_none({"stop_reason": body.get("stop_reason")}),
        )


def _header(role: str) -> str:
    return f"<|start_header_id|>{role}<|end_header_id|>\n\n"
