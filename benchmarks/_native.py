"""Native async for a model whose class does not wire it yet.

`with_native_async(model)` returns `model` itself when its class overrides
`BaseChatModel._agenerate`; otherwise a copy whose class adds the `_agenerate` and
`_astream` proposed for `EnhancedChatBedrockConverse`: the access engine around
`langchain_bedrock_enhanced._async.agenerate_once` / `astream_once`, exactly as the
sync `_generate` / `_stream` put it around one request. Benchmarks and tests use it,
so they measure the real class as soon as it has native async.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from typing import Any, TypeVar, cast

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult

from langchain_bedrock_enhanced._async import agenerate_once, astream_once
from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse

M = TypeVar("M", bound=EnhancedChatBedrockConverse)


def has_native_async(model_class: type[BaseChatModel]) -> bool:
    """Whether the class overrides `BaseChatModel._agenerate` (the thread-pool default)."""
    return model_class._agenerate is not BaseChatModel._agenerate  # noqa: SLF001


async def _agenerate(
    self: EnhancedChatBedrockConverse,
    messages: list[BaseMessage],
    stop: list[str] | None = None,
    run_manager: AsyncCallbackManagerForLLMRun | None = None,
    **kwargs: Any,
) -> ChatResult:
    engine = getattr(self, "access_engine", None)
    if engine is None or "model_id" in kwargs:
        return await agenerate_once(self, messages, stop, run_manager, **kwargs)
    result, outcome = await engine.arun(
        self.model_id,
        self.request_region,
        lambda sent: agenerate_once(
            self, messages, stop, run_manager, **{**kwargs, "model_id": sent}
        ),
    )
    for generation in result.generations:
        generation.message.response_metadata.update(outcome.as_metadata())
    return result  # type: ignore[no-any-return]


async def _astream(
    self: EnhancedChatBedrockConverse,
    messages: list[BaseMessage],
    stop: list[str] | None = None,
    run_manager: AsyncCallbackManagerForLLMRun | None = None,
    **kwargs: Any,
) -> AsyncIterator[ChatGenerationChunk]:
    engine = getattr(self, "access_engine", None)
    if engine is None or "model_id" in kwargs:
        async for chunk in astream_once(self, messages, stop, run_manager, **kwargs):
            yield chunk
        return
    outcomes: list[Any] = []
    chunks = engine.astream(
        self.model_id,
        self.request_region,
        lambda sent: astream_once(
            self, messages, stop, run_manager, **{**kwargs, "model_id": sent}
        ),
        outcomes.append,
    )
    tagged = False
    async for chunk in chunks:
        if not tagged and outcomes:
            chunk.message.response_metadata.update(outcomes[0].as_metadata())
            tagged = True
        yield chunk


@functools.cache
def _native_class(family: type[EnhancedChatBedrockConverse]) -> type[EnhancedChatBedrockConverse]:
    # type() hands the class to pydantic's metaclass, as a class statement would.
    namespace = {"__module__": __name__, "_agenerate": _agenerate, "_astream": _astream}
    return cast(
        "type[EnhancedChatBedrockConverse]",
        type(f"NativeAsync{family.__name__}", (family,), namespace),
    )


def with_native_async(model: M) -> M:
    """`model` itself if its class has native async, else a native-async copy of it."""
    if has_native_async(type(model)):
        return model
    copy = model.model_copy()
    # Same fields, same layout: only the class (and so _agenerate/_astream) changes.
    object.__setattr__(copy, "__class__", _native_class(type(model)))
    return copy
