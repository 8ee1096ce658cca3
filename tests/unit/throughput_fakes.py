"""A deterministic chat model shaped like ChatBedrockConverse, for throughput unit tests.

It is a real LangChain chat model (no mocks): it echoes the prompt, reports usage the
way langchain-aws does, and can carry this package's response metadata keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from botocore.exceptions import ClientError
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0"


def words(text: str) -> int:
    return len(text.split())


def usage_for(prompt: str, reply: str) -> UsageMetadata:
    return {
        "input_tokens": words(prompt),
        "output_tokens": words(reply),
        "total_tokens": words(prompt) + words(reply),
        "input_token_details": {"cache_read": 0, "cache_creation": 0},
    }


def throttling_error() -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "ThrottlingException", "Message": "Too many requests"},
            "ResponseMetadata": {"HTTPStatusCode": 429, "RetryAttempts": 2},
        },
        "Converse",
    )


class EchoChatModel(BaseChatModel):
    """Replies `echo: <prompt>`; usage is one token per word."""

    model_name: str = HAIKU_3
    """Reported as `response_metadata["model_name"]`, as langchain-aws does."""
    metadata_for: Callable[[str], dict[str, Any]] | None = None
    """Extra response metadata per prompt (e.g. the issue-4 keys)."""
    fail_for: Callable[[str], BaseException | None] | None = None
    """An exception to raise for a prompt, or None to answer."""
    fail_mid_stream_for: Callable[[str], BaseException | None] | None = None
    """An exception a stream raises after its first chunk, or None to finish it."""
    region_name: str | None = None
    """Reported in the run metadata like langchain-aws (`ls_invocation_params`)."""

    @property
    def _llm_type(self) -> str:
        return "echo-bedrock-like"

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> Any:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_model_name"] = self.model_name
        if self.region_name:
            params["ls_invocation_params"] = {"region_name": self.region_name}
        return params

    def _reply(self, messages: list[BaseMessage]) -> tuple[str, str, dict[str, Any]]:
        prompt = messages[-1].text
        if self.fail_for is not None and (error := self.fail_for(prompt)) is not None:
            raise error
        extra = self.metadata_for(prompt) if self.metadata_for else {}
        return prompt, f"echo: {prompt}", {"model_name": self.model_name, **extra}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        prompt, reply, metadata = self._reply(messages)
        message = AIMessage(
            reply, usage_metadata=usage_for(prompt, reply), response_metadata=metadata
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        # Like Bedrock's ConverseStream: text deltas first, usage and metadata last.
        prompt, reply, metadata = self._reply(messages)
        for position, word in enumerate(reply.split(" ")):
            if position == 1 and self.fail_mid_stream_for is not None:
                error = self.fail_mid_stream_for(prompt)
                if error is not None:
                    raise error
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=word + " "))
            if run_manager:
                run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="", usage_metadata=usage_for(prompt, reply), response_metadata=metadata
            )
        )


def issue4_metadata(
    *,
    model_id_sent: str,
    access_method: str,
    region: str,
    attempts: int = 1,
    profile_id: str | None = None,
) -> dict[str, Any]:
    """The response metadata issue 4 section 9 specifies."""
    return {
        "access_method_used": access_method,
        "inference_profile_used": profile_id is not None,
        "inference_profile_id": profile_id,
        "model_id_sent": model_id_sent,
        "region": region,
        "attempts": attempts,
    }
