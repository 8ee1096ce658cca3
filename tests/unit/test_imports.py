"""The public API is exactly this list; changing it is a deliberate act."""

from __future__ import annotations

import langchain_bedrock_enhanced

EXPECTED_ALL = [
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
    "Claude35Parameters",
    "Claude37Parameters",
    "Claude3Parameters",
    "Claude4Parameters",
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


def test_all_is_exactly_the_curated_public_api() -> None:
    assert sorted(langchain_bedrock_enhanced.__all__) == sorted(EXPECTED_ALL)


def test_every_public_name_is_importable_from_the_root() -> None:
    for name in EXPECTED_ALL:
        assert getattr(langchain_bedrock_enhanced, name) is not None
