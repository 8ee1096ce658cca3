"""langchain-bedrock-enhanced: Amazon Bedrock for LangChain, without the sharp edges.

The public API is curated here; everything else is private. The local emulator
lives at `langchain_bedrock_enhanced.emulator` behind the `[emulator]` extra.

Example:
    >>> from langchain_bedrock_enhanced import create_langchain_chatbedrock
    >>> model = create_langchain_chatbedrock("us.amazon.nova-lite-v1:0", region_name="us-east-1")
    >>> type(model).__name__
    'NovaEnhancedChatBedrockConverse'
"""

from __future__ import annotations

from importlib import metadata

from langchain_bedrock_enhanced._transport.async_clients import aclose_async_clients
from langchain_bedrock_enhanced.access import (
    AccessMethod,
    AccessMethodPreference,
    AccessMethodSelector,
    AccessMethodTracker,
    InMemoryPreferenceStore,
    JsonFilePreferenceStore,
    PreferenceStore,
    ProfileRequirementDetector,
    ProfileRequirementError,
)
from langchain_bedrock_enhanced.callbacks.usage import (
    BedrockUsageCallbackHandler,
    get_bedrock_usage_callback,
)
from langchain_bedrock_enhanced.catalog.model_catalog import ModelCatalog
from langchain_bedrock_enhanced.catalog.pricing import price_for
from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse
from langchain_bedrock_enhanced.errors import (
    AccessDeniedError,
    BedrockEnhancedError,
    ConfigurationError,
    LLMError,
    ModelNotFoundError,
    ModelNotReadyError,
    ModelTimeoutError,
    ParameterValidationError,
    PermanentError,
    RequestValidationError,
    ServiceUnavailableError,
    ThrottlingError,
    TransientError,
    UnsupportedModelError,
    map_bedrock_errors,
    translate_bedrock_error,
)
from langchain_bedrock_enhanced.factory import create_langchain_chatbedrock
from langchain_bedrock_enhanced.model_ids import ParsedModelId, base_model_id, parse_model_id
from langchain_bedrock_enhanced.models._registry import (
    ModelMatch,
    get_all_supported_model_ids,
    get_client_class_for_model,
    get_parameter_class_for_model,
    get_parameter_instance_for_client,
    refresh_discovery,
    register_model_family,
    resolve_model,
)
from langchain_bedrock_enhanced.models.claude import (
    Claude3Parameters,
    Claude4Parameters,
    Claude35Parameters,
    Claude37Parameters,
    ClaudeEnhancedChatBedrockConverse,
)
from langchain_bedrock_enhanced.models.llama import (
    Llama3Parameters,
    Llama4Parameters,
    LlamaEnhancedChatBedrockConverse,
)
from langchain_bedrock_enhanced.models.mistral import (
    MistralEnhancedChatBedrockConverse,
    MistralParameters,
    MixtralParameters,
)
from langchain_bedrock_enhanced.models.nova import (
    Nova2Parameters,
    NovaEnhancedChatBedrockConverse,
    NovaParameters,
)
from langchain_bedrock_enhanced.parameters import BedrockModelParameters, ModelLimits
from langchain_bedrock_enhanced.runnables.parallel import arun_parallel, run_parallel
from langchain_bedrock_enhanced.runnables.parallel_results import (
    ParallelResponse,
    ParallelResult,
    ParallelStatistics,
)
from langchain_bedrock_enhanced.runnables.rate_limit import (
    BedrockRateLimiter,
    adaptive_retry_config,
)
from langchain_bedrock_enhanced.runnables.retry import (
    BedrockRetryError,
    BedrockRetryRunnable,
    RetryAttempt,
    with_bedrock_retry,
)
from langchain_bedrock_enhanced.runnables.token_budget import TokenRateLimiter

try:
    __version__ = metadata.version("langchain-bedrock-enhanced")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "AccessDeniedError",
    "AccessMethod",
    "AccessMethodPreference",
    "AccessMethodSelector",
    "AccessMethodTracker",
    "BedrockEnhancedError",
    "BedrockModelParameters",
    "BedrockRateLimiter",
    "BedrockRetryError",
    "BedrockRetryRunnable",
    "BedrockUsageCallbackHandler",
    "Claude3Parameters",
    "Claude4Parameters",
    "Claude35Parameters",
    "Claude37Parameters",
    "ClaudeEnhancedChatBedrockConverse",
    "ConfigurationError",
    "EnhancedChatBedrockConverse",
    "InMemoryPreferenceStore",
    "JsonFilePreferenceStore",
    "LLMError",
    "Llama3Parameters",
    "Llama4Parameters",
    "LlamaEnhancedChatBedrockConverse",
    "MistralEnhancedChatBedrockConverse",
    "MistralParameters",
    "MixtralParameters",
    "ModelCatalog",
    "ModelLimits",
    "ModelMatch",
    "ModelNotFoundError",
    "ModelNotReadyError",
    "ModelTimeoutError",
    "Nova2Parameters",
    "NovaEnhancedChatBedrockConverse",
    "NovaParameters",
    "ParallelResponse",
    "ParallelResult",
    "ParallelStatistics",
    "ParameterValidationError",
    "ParsedModelId",
    "PermanentError",
    "PreferenceStore",
    "ProfileRequirementDetector",
    "ProfileRequirementError",
    "RequestValidationError",
    "RetryAttempt",
    "ServiceUnavailableError",
    "ThrottlingError",
    "TokenRateLimiter",
    "TransientError",
    "UnsupportedModelError",
    "__version__",
    "aclose_async_clients",
    "adaptive_retry_config",
    "arun_parallel",
    "base_model_id",
    "create_langchain_chatbedrock",
    "get_all_supported_model_ids",
    "get_bedrock_usage_callback",
    "get_client_class_for_model",
    "get_parameter_class_for_model",
    "get_parameter_instance_for_client",
    "map_bedrock_errors",
    "parse_model_id",
    "price_for",
    "refresh_discovery",
    "register_model_family",
    "resolve_model",
    "run_parallel",
    "translate_bedrock_error",
    "with_bedrock_retry",
]
