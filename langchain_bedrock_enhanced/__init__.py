"""langchain-bedrock-enhanced: Amazon Bedrock for LangChain, without the sharp edges.

This is the front door: what application code writes. Machinery and per-family
parameter classes stay public in their subpackages, each with its own `__all__`:
`models` (families, parameter classes, the registry), `access` (selector, tracker,
detector), `catalog` (data and prices), `runnables`, `callbacks`, `errors`,
`parameters` and `model_ids`. The local emulator lives at
`langchain_bedrock_enhanced.emulator` behind the `[emulator]` extra.

Example:
    >>> from langchain_bedrock_enhanced import create_langchain_chatbedrock
    >>> model = create_langchain_chatbedrock("us.amazon.nova-lite-v1:0", region_name="us-east-1")
    >>> type(model).__name__
    'NovaEnhancedChatBedrockConverse'
"""

from __future__ import annotations

from importlib import metadata

from langchain_bedrock_enhanced._transport.async_clients import aclose_async_clients
from langchain_bedrock_enhanced.access.preferences import (
    InMemoryPreferenceStore,
    JsonFilePreferenceStore,
    PreferenceStore,
)
from langchain_bedrock_enhanced.access.redis_store import RedisPreferenceStore
from langchain_bedrock_enhanced.callbacks.usage import get_bedrock_usage_callback
from langchain_bedrock_enhanced.catalog.model_catalog import ModelCatalog
from langchain_bedrock_enhanced.catalog.model_types import ModelType
from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse
from langchain_bedrock_enhanced.client import BedrockLLMClient, create_llm_client
from langchain_bedrock_enhanced.errors import (
    AccessDeniedError,
    BatchJobError,
    BedrockEnhancedError,
    BedrockRetryError,
    ConfigurationError,
    LLMError,
    ModelNotFoundError,
    ModelNotReadyError,
    ModelTimeoutError,
    ParameterValidationError,
    PermanentError,
    ProfileRequirementError,
    RateLimitExceededError,
    RequestValidationError,
    ServiceUnavailableError,
    StreamInterruptedError,
    StructuredOutputError,
    ThrottlingError,
    TransientError,
    UnsupportedModelError,
)
from langchain_bedrock_enhanced.factory import create_langchain_chatbedrock
from langchain_bedrock_enhanced.model_ids import AccessMethod
from langchain_bedrock_enhanced.models import (
    ClaudeEnhancedChatBedrockConverse,
    LlamaEnhancedChatBedrockConverse,
    MistralEnhancedChatBedrockConverse,
    NovaEnhancedChatBedrockConverse,
    get_all_supported_model_ids,
    register_model_family,
    unregister_model_family,
)
from langchain_bedrock_enhanced.runnables import (
    BedrockBatchJob,
    BedrockRateLimiter,
    ParallelResponse,
    RedisRateLimiter,
    TokenRateLimiter,
    adaptive_retry_config,
    arun_parallel,
    run_parallel,
    submit_batch,
    with_bedrock_retry,
)

try:
    __version__ = metadata.version("langchain-bedrock-enhanced")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "AccessDeniedError",
    "AccessMethod",
    "BatchJobError",
    "BedrockBatchJob",
    "BedrockEnhancedError",
    "BedrockLLMClient",
    "BedrockRateLimiter",
    "BedrockRetryError",
    "ClaudeEnhancedChatBedrockConverse",
    "ConfigurationError",
    "EnhancedChatBedrockConverse",
    "InMemoryPreferenceStore",
    "JsonFilePreferenceStore",
    "LLMError",
    "LlamaEnhancedChatBedrockConverse",
    "MistralEnhancedChatBedrockConverse",
    "ModelCatalog",
    "ModelNotFoundError",
    "ModelNotReadyError",
    "ModelTimeoutError",
    "ModelType",
    "NovaEnhancedChatBedrockConverse",
    "ParallelResponse",
    "ParameterValidationError",
    "PermanentError",
    "PreferenceStore",
    "ProfileRequirementError",
    "RateLimitExceededError",
    "RedisPreferenceStore",
    "RedisRateLimiter",
    "RequestValidationError",
    "ServiceUnavailableError",
    "StreamInterruptedError",
    "StructuredOutputError",
    "ThrottlingError",
    "TokenRateLimiter",
    "TransientError",
    "UnsupportedModelError",
    "__version__",
    "aclose_async_clients",
    "adaptive_retry_config",
    "arun_parallel",
    "create_langchain_chatbedrock",
    "create_llm_client",
    "get_all_supported_model_ids",
    "get_bedrock_usage_callback",
    "register_model_family",
    "run_parallel",
    "submit_batch",
    "unregister_model_family",
    "with_bedrock_retry",
]
